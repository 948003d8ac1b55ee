import { createDecipheriv, createECDH, hkdfSync, randomBytes, randomUUID, verify } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

// A push service on 127.0.0.1 standing in for a browser vendor's, with the browser's side of the
// subscription: a P-256 key pair and an auth secret made here as a browser makes them. Every POST is
// checked as a push service and a browser would: the VAPID JWT's signature, audience and expiry, and
// the aes128gcm body decrypted with the subscription's private key (RFC 8291 over RFC 8188).

const b64u = (bytes: Buffer) => bytes.toString('base64url')

/** One browser's subscription: what it posts to the server, and the private half it keeps. */
export class BrowserSubscription {
  readonly id = randomUUID()
  private readonly ecdh = createECDH('prime256v1')
  readonly auth = randomBytes(16)
  readonly publicKey: Buffer

  constructor(readonly endpoint: string) {
    this.publicKey = this.ecdh.generateKeys()
  }

  /** PushSubscription.toJSON() as the browser gives it. */
  toJSON() {
    return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: b64u(this.publicKey), auth: b64u(this.auth) } }
  }

  /** RFC 8291 §3-4: the aes128gcm body (one record) back to the plaintext. */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16)
    const recordSize = body.readUInt32BE(16)
    const idLength = body[20]!
    const serverKey = body.subarray(21, 21 + idLength)
    const record = body.subarray(21 + idLength)
    if (record.length > recordSize) throw new Error(`a record of ${record.length} bytes over the record size ${recordSize}`)
    const secret = this.ecdh.computeSecret(serverKey)
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.publicKey, serverKey])
    const ikm = Buffer.from(hkdfSync('sha256', secret, this.auth, keyInfo, 32))
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
    decipher.setAuthTag(record.subarray(record.length - 16))
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
    // The last record ends with the delimiter 0x02, then zero padding.
    let end = padded.length - 1
    while (end >= 0 && padded[end] === 0) end -= 1
    if (padded[end] !== 2) throw new Error('the last record does not end with the delimiter 0x02')
    return padded.subarray(0, end).toString('utf8')
  }
}

export interface ReceivedPush {
  subscriptionId: string
  /** The decrypted payload, parsed. */
  message: unknown
  /** The VAPID public key the request was signed with (the `k` of its Authorization). */
  vapidKey: string
  ttl: number
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>` (RFC 8292): ES256 by that key, for this origin, not expired. */
function checkVapid(header: string | undefined, origin: string): string {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '')
  if (!match) throw new Error(`not a VAPID authorization: ${header}`)
  const [jwt, key] = [match[1]!, match[2]!]
  const [head, claims, signature] = jwt.split('.') as [string, string, string]
  const raw = Buffer.from(key, 'base64url')
  const jwk = { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) }
  const signed = verify('sha256', Buffer.from(`${head}.${claims}`), { key: jwk, format: 'jwk', dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))
  if (!signed) throw new Error('the VAPID JWT signature does not verify')
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string }
  if (payload.aud !== origin) throw new Error(`VAPID audience ${payload.aud}, not ${origin}`)
  if (payload.exp * 1000 < Date.now() || payload.exp * 1000 > Date.now() + 24 * 3600 * 1000) throw new Error(`VAPID expiry out of range: ${payload.exp}`)
  return key
}

export class PushEndpoint {
  /** Pushes that were checked, decrypted and answered 2xx, in arrival order. */
  readonly received: ReceivedPush[] = []
  /** Requests that failed a check (they are answered 400): a test asserts there were none. */
  readonly rejected: string[] = []
  /** Every request's subscription and the status it got. */
  readonly log: { subscriptionId: string; status: number }[] = []
  /** The status to answer a subscription's pushes with (default 201, as push services do). */
  answer: (subscriptionId: string) => number = () => 201
  private readonly subscriptions = new Map<string, BrowserSubscription>()

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<PushEndpoint> {
    const server = http.createServer()
    const endpoint = new PushEndpoint(server)
    server.on('request', (req, res) => endpoint.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return endpoint
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** A new browser subscription whose endpoint is on this service. */
  subscription(): BrowserSubscription {
    const subscription = new BrowserSubscription(`${this.origin}/push/${randomUUID()}`)
    this.subscriptions.set(subscription.id, subscription)
    return subscription
  }

  of(subscription: BrowserSubscription): ReceivedPush[] {
    return this.received.filter((p) => p.subscriptionId === subscription.id)
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const subscription = [...this.subscriptions.values()].find((s) => new URL(s.endpoint).pathname === req.url)
      const id = subscription?.id ?? 'unknown'
      try {
        if (!subscription) throw new Error(`no subscription at ${req.url}`)
        if (req.method !== 'POST') throw new Error(`${req.method}, not POST`)
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`content-encoding ${req.headers['content-encoding']}`)
        const ttl = Number(req.headers.ttl)
        if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`TTL ${req.headers.ttl}`)
        const vapidKey = checkVapid(req.headers.authorization, this.origin)
        const message = JSON.parse(subscription.decrypt(Buffer.concat(chunks))) as unknown
        const status = this.answer(id)
        this.log.push({ subscriptionId: id, status })
        if (status >= 200 && status < 300) this.received.push({ subscriptionId: id, message, vapidKey, ttl })
        res.writeHead(status).end()
      } catch (error) {
        this.rejected.push(`${id}: ${(error as Error).message}`)
        this.log.push({ subscriptionId: id, status: 400 })
        res.writeHead(400).end()
      }
    })
  }
}
