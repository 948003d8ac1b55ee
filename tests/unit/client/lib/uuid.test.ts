import { afterEach, describe, expect, it, vi } from 'vitest'
import { Id } from '../../../../shared/schemas/entities.ts'
import { uuid } from '../../../../client/lib/uuid.ts'

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

// Node has no isSecureContext; a browser always does. Each test says which context it is in.
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('uuid', () => {
  it('uses crypto.randomUUID in a secure context', () => {
    vi.stubGlobal('isSecureContext', true)
    const random = vi.spyOn(crypto, 'randomUUID')
    const id = uuid()
    expect(random).toHaveBeenCalledOnce()
    expect(id).toMatch(V4)
  })

  it('builds a v4 UUID from random bytes over plain http (a tablet on a LAN address)', () => {
    vi.stubGlobal('isSecureContext', false)
    const random = vi.spyOn(crypto, 'randomUUID')
    const made = Array.from({ length: 500 }, () => uuid())
    expect(random).not.toHaveBeenCalled()
    for (const id of made) expect(id).toMatch(V4)
    expect(new Set(made).size).toBe(made.length)
  })

  it.each([
    [0x00, '00000000-0000-4000-8000-000000000000'],
    [0xff, 'ffffffff-ffff-4fff-bfff-ffffffffffff'],
  ])('sets the version and variant bits whatever the random bytes (all 0x%s)', (byte, expected) => {
    vi.stubGlobal('isSecureContext', false)
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      if (array instanceof Uint8Array) array.fill(byte)
      return array
    })
    expect(uuid()).toBe(expected)
  })

  it('makes ids the server accepts as message ids', () => {
    vi.stubGlobal('isSecureContext', false)
    expect(Id.safeParse(uuid()).success).toBe(true)
    vi.stubGlobal('isSecureContext', true)
    expect(Id.safeParse(uuid()).success).toBe(true)
  })
})
