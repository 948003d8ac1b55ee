import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { HashSlots } from './hash-slots.ts'

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>

interface ScryptParams {
  N: number
  r: number
  p: number
}

// OWASP's current minimum for scrypt: N=2^17, r=8, p=1. Each hash takes 128 MiB (128·N·r bytes) and
// a few hundred ms of a libuv thread: that is the point against guessing, and why HASH_SLOTS bounds
// how many run at once.
const CURRENT: ScryptParams = { N: 1 << 17, r: 8, p: 1 }
const KEYLEN = 32
// Node refuses above maxmem; a little headroom over 128·N·r for its own bookkeeping.
const maxmemFor = (params: ScryptParams): number => 128 * params.N * params.r * params.p + 32 * 1024 * 1024

/**
 * Every hash and verification of the process goes through these slots: at most 2 at once (256 MiB,
 * two of the four libuv threads, so file reads and DNS keep going), 8 more waiting (a second or two);
 * past that the call fails at once with HashBusyError (a 503) instead of piling up memory and latency.
 * Process-wide on purpose: the memory and the thread pool it protects are the process's.
 */
export const HASH_SLOTS = new HashSlots(2, 8)

/** `scrypt$N$r$p$salt$key`; hashes written before the parameters were stored are `scrypt$N$salt$key`
 *  with r=8, p=1, and still verify. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await HASH_SLOTS.run(() => scryptAsync(password, salt, KEYLEN, { ...CURRENT, maxmem: maxmemFor(CURRENT) }))
  return `scrypt$${CURRENT.N}$${CURRENT.r}$${CURRENT.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) return false
  const { params, salt, key } = parsed
  const actual = await HASH_SLOTS.run(() => scryptAsync(password, salt, key.length, { ...params, maxmem: maxmemFor(params) }))
  return timingSafeEqual(actual, key)
}

/** True when the stored hash is weaker than what hashPassword writes today: rehash it once the
 *  password is known (after a successful sign-in). */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored)
  if (!parsed) return true
  const { N, r, p } = parsed.params
  return N < CURRENT.N || r < CURRENT.r || p < CURRENT.p
}

// Upper bounds keep a tampered row from asking for gigabytes (node would refuse, but with a 500).
const MAX_N = 1 << 20
function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$')
  if (parts[0] !== 'scrypt' || (parts.length !== 4 && parts.length !== 6)) return null
  const [n, r, p, salt, key] = parts.length === 4 ? [parts[1], '8', '1', parts[2], parts[3]] : parts.slice(1)
  const params = { N: Number(n), r: Number(r), p: Number(p) }
  const valid =
    Number.isInteger(params.N) && params.N > 1 && params.N <= MAX_N && (params.N & (params.N - 1)) === 0 &&
    Number.isInteger(params.r) && params.r >= 1 && params.r <= 32 &&
    Number.isInteger(params.p) && params.p >= 1 && params.p <= 16
  const keyBytes = Buffer.from(key ?? '', 'base64')
  if (!valid || !salt || keyBytes.length < 16) return null
  return { params, salt: Buffer.from(salt, 'base64'), key: keyBytes }
}

/** Session cookies, API tokens and inbox tokens are random; only their hash is stored. */
export const newToken = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')
