import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>

// scrypt with N=2^15 costs ~50 ms and 32 MiB: slow enough against guessing, fast enough for sign-in.
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEYLEN = 32

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, KEYLEN, PARAMS)
  return `scrypt$${PARAMS.N}$${salt.toString('base64')}$${key.toString('base64')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, key] = stored.split('$')
  if (scheme !== 'scrypt' || !n || !salt || !key) return false
  const expected = Buffer.from(key, 'base64')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { ...PARAMS, N: Number(n) })
  return timingSafeEqual(actual, expected)
}

/** Session cookies, API tokens and inbox tokens are random; only their hash is stored. */
export const newToken = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')
