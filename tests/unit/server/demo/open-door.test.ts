import { describe, expect, it } from 'vitest'
import { isLoopback, openDoorWarning } from '../../../../server/demo/open-door.ts'

describe('the demo open-door warning', () => {
  it('counts only loopback addresses as this machine', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', 'LOCALHOST']) expect(isLoopback(host)).toBe(true)
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'inbox.example.com']) expect(isLoopback(host)).toBe(false)
  })

  it('says who can get in and how to start for real', () => {
    const text = openDoorWarning('0.0.0.0')
    expect(text.split('\n').length).toBeGreaterThan(5)
    expect(text).toContain('0.0.0.0')
    expect(text).toContain('demo passwords')
    expect(text).toContain('DEMO=0')
    expect(text).toContain('DATA_DIR')
  })
})
