import { randomBytes, scryptSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hashPassword, needsRehash, verifyPassword } from '../../../../server/services/secrets.ts'

/** A hash as the server wrote it before the parameters were stored: `scrypt$N$salt$key`, r=8, p=1. */
function legacyHash(password: string, N = 1 << 15): string {
  const salt = randomBytes(16)
  const key = scryptSync(password, salt, 32, { N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
  return `scrypt$${N}$${salt.toString('base64')}$${key.toString('base64')}`
}

describe('password hashes', { timeout: 30_000 }, () => {
  it('are scrypt with N=2^17, r=8, p=1, the parameters written into the hash', async () => {
    const hash = await hashPassword('correct horse')
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(await verifyPassword('correct horse', hash)).toBe(true)
    expect(await verifyPassword('correct hors', hash)).toBe(false)
    expect(needsRehash(hash)).toBe(false)
  })

  it('still verify in the old format, which asks to be rehashed', async () => {
    const old = legacyHash('correct horse')
    expect(await verifyPassword('correct horse', old)).toBe(true)
    expect(await verifyPassword('wrong', old)).toBe(false)
    expect(needsRehash(old)).toBe(true)
  })

  it('refuse malformed or absurd stored values instead of throwing', async () => {
    const good = await hashPassword('x')
    const [, , , , salt, key] = good.split('$')
    for (const stored of ['', 'bcrypt$x', 'scrypt$1$2', `scrypt$${1 << 30}$8$1$${salt}$${key}`, `scrypt$1000$8$1$${salt}$${key}`, `scrypt$131072$8$1$${salt}$`]) {
      expect(await verifyPassword('x', stored), stored.slice(0, 30)).toBe(false)
      expect(needsRehash(stored)).toBe(true)
    }
  })
})
