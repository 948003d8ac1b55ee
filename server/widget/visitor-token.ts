import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** What a visitor token grants: one visitor's conversations in one inbox. */
export interface VisitorClaims {
  /** The visitors row (revocable one by one). Tokens issued before visitors had rows named the
   *  contact here; the migration gave each such contact a visitor row under the contact's id. */
  visitorId: string
  inboxId: string
  issuedAt: number
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** A visitor who comes back within this time is still known; each visit refreshes the token. */
export const TOKEN_MAX_AGE_MS = 400 * 24 * 3600 * 1000
/** Clocks of several processes differ a little; a token from the future beyond this is forged. */
const CLOCK_SKEW_MS = 5 * 60 * 1000
// Domain separation: an HMAC made with this key for anything else can never pass as a visitor token.
const PURPOSE = 'widget-visitor-v1'

/**
 * Visitor tokens `<visitorId>.<inboxId>.<issuedAt>.<sig>`: the sig is an HMAC-SHA256 of the rest
 * under a server secret, so a token cannot be guessed from ids or forged by changing one. The
 * visitor's row says whether it is still good (an agent may revoke it).
 */
export class VisitorTokens {
  constructor(private readonly secret: () => Buffer) {}

  issue(visitorId: string, inboxId: string, now: number): string {
    const payload = `${visitorId}.${inboxId}.${now}`
    return `${payload}.${this.sign(payload)}`
  }

  verify(token: string | null | undefined, now: number): VisitorClaims | null {
    if (!token || token.length > 300) return null
    const parts = token.split('.')
    if (parts.length !== 4) return null
    const [visitorId, inboxId, issued, sig] = parts as [string, string, string, string]
    if (!UUID.test(visitorId) || !UUID.test(inboxId) || !/^\d{1,15}$/.test(issued)) return null
    const expected = Buffer.from(this.sign(`${visitorId}.${inboxId}.${issued}`))
    const given = Buffer.from(sig)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    const issuedAt = Number(issued)
    if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt > TOKEN_MAX_AGE_MS) return null
    return { visitorId, inboxId, issuedAt }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret()).update(`${PURPOSE}.${payload}`).digest('base64url')
  }
}

/** The signing secret, kept in DATA_DIR (created on first use, readable by the server's user only):
 *  it survives restarts, so visitors stay known, and it never leaves the machine. */
export function secretFile(dataDir: string): () => Buffer {
  const file = path.join(dataDir, 'widget-secret.key')
  let secret: Buffer | null = null
  return () => {
    secret ??= readOrCreate(file)
    return secret
  }
}

function readOrCreate(file: string): Buffer {
  try {
    return decode(readFileSync(file, 'utf8'), file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(path.dirname(file), { recursive: true })
  try {
    // 'wx': two processes starting on one DATA_DIR never overwrite each other's secret.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return decode(readFileSync(file, 'utf8'), file)
}

function decode(text: string, file: string): Buffer {
  const key = Buffer.from(text.trim(), 'hex')
  if (key.length < 32) throw new Error(`${file}: the widget secret must be at least 32 bytes of hex`)
  return key
}
