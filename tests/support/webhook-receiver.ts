import { createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

// A webhook receiver as a customer would write one: a real HTTP server on 127.0.0.1 that checks
// every request's signature against the secret, over the raw body, and that the timestamp is recent.
// Requests that fail the check are answered 401 and kept apart, so a test can assert there were none.

export interface Delivery {
  event: string
  deliveryId: string
  /** The parsed body: `{id, event, createdAt, accountId, data}`. */
  body: { id: string; event: string; createdAt: number; accountId: string; data: any }
  raw: string
  signedAt: number
}

/** What to answer a verified request: a status, or 'hang' (never answer). */
export type Answer = number | 'hang'

const TOLERANCE_S = 300

export function verifySignature(secret: string, raw: string, header: string | undefined, nowS: number): { ok: true; t: number } | { ok: false; reason: string } {
  const parts = new Map((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]))
  const t = Number(parts.get('t'))
  const v1 = parts.get('v1') ?? ''
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: `malformed signature header: ${header}` }
  if (Math.abs(nowS - t) > TOLERANCE_S) return { ok: false, reason: `timestamp ${t} is not recent (now ${nowS})` }
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest()
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { ok: false, reason: 'signature mismatch' }
  return { ok: true, t }
}

export class WebhookReceiver {
  /** Verified deliveries, in arrival order. */
  readonly deliveries: Delivery[] = []
  /** Requests whose signature did not verify. */
  readonly rejected: { reason: string; raw: string }[] = []
  /** Every request that arrived, verified or not, with the answer it got. */
  readonly log: { deliveryId: string; answer: Answer }[] = []
  /** The webhook's secret, known once it is created. */
  secret: string | null = null
  /** Decides the answer to each verified request (default 200); `nth` counts requests of that delivery. */
  answer: (delivery: Delivery, nth: number) => Answer | Promise<Answer> = () => 200

  private readonly seen = new Map<string, number>()

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer()
    const receiver = new WebhookReceiver(server)
    server.on('request', (req, res) => receiver.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return receiver
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/inbox`
  }

  /** Deliveries of one event type. */
  of(event: string): Delivery[] {
    return this.deliveries.filter((d) => d.event === event)
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const deliveryId = String(req.headers['x-inbox-delivery'] ?? '')
      const check = this.secret
        ? verifySignature(this.secret, raw, req.headers['x-inbox-signature'] as string | undefined, Math.floor(Date.now() / 1000))
        : ({ ok: false, reason: 'no secret yet' } as const)
      if (!check.ok || req.method !== 'POST' || req.headers['content-type'] !== 'application/json') {
        this.rejected.push({ reason: check.ok ? `${req.method} ${req.headers['content-type']}` : check.reason, raw })
        this.log.push({ deliveryId, answer: 401 })
        res.writeHead(401).end()
        return
      }
      const delivery: Delivery = {
        event: String(req.headers['x-inbox-event']),
        deliveryId,
        body: JSON.parse(raw) as Delivery['body'],
        raw,
        signedAt: check.t,
      }
      const nth = this.seen.get(deliveryId) ?? 1
      this.seen.set(deliveryId, nth + 1)
      void Promise.resolve(this.answer(delivery, nth)).then((answer) => {
        this.log.push({ deliveryId, answer })
        if (answer === 'hang') return
        if (answer >= 200 && answer < 300) this.deliveries.push(delivery)
        res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now')
      })
    })
  }
}

/** A URL on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}/hooks/down`
}
