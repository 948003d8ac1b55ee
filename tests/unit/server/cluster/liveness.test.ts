import { describe, expect, it } from 'vitest'
import { Liveness } from '../../../../server/cluster/liveness.ts'
import type { Relay } from '../../../../server/cluster/relay.ts'

// Which processes are alive (issue 11): a process silent for longer than `silentMs` is gone, but
// neither this process's own Redis outage nor its own stall makes it judge anyone.

class BeatRelay implements Relay {
  readonly processId = 'me'
  readonly shared = true
  readonly published: unknown[] = []
  private handler: ((body: unknown, from: string) => void) | null = null
  publish(_channel: string, body: unknown): void {
    this.published.push(body)
  }
  async subscribe(_channel: string, handler: (body: unknown, from: string) => void): Promise<() => void> {
    this.handler = handler
    return () => (this.handler = null)
  }
  onReconnect(): () => void {
    return () => {}
  }
  async close(): Promise<void> {}
  from(processId: string, body: unknown): void {
    this.handler?.(body, processId)
  }
}

const options = { beatMs: 1_000, silentMs: 3_000, checkMs: 250 }

async function rig() {
  const relay = new BeatRelay()
  let now = 0
  let connected = true
  const departed: string[] = []
  const returned: string[] = []
  const liveness = new Liveness(relay, () => connected, options, { departed: (p) => departed.push(p), returned: (p) => returned.push(p) }, () => now)
  await liveness.start()
  /** Time passes with a check every `checkMs`, as the timer would run them. */
  const pass = (ms: number, beating: string[] = []) => {
    for (let t = 0; t < ms; t += options.checkMs) {
      now += options.checkMs
      if (now % options.beatMs === 0) for (const p of beating) relay.from(p, { t: 'beat' })
      liveness.check()
    }
  }
  return {
    relay,
    liveness,
    departed,
    returned,
    pass,
    stall: (ms: number) => (now += ms),
    setConnected: (value: boolean) => (connected = value),
  }
}

describe('Liveness', () => {
  it('beats at once, and says goodbye on close', async () => {
    const { relay, liveness } = await rig()
    expect(relay.published).toEqual([{ t: 'beat' }])
    await liveness.close()
    expect(relay.published.at(-1)).toEqual({ t: 'bye' })
  })

  it('a process that keeps beating stays; one silent past silentMs departs once, and returns when heard', async () => {
    const r = await rig()
    r.relay.from('p1', { t: 'beat' })
    r.relay.from('p2', { t: 'beat' })
    r.pass(10_000, ['p1', 'p2'])
    expect(r.departed).toEqual([])
    r.pass(3_000, ['p1'])
    expect(r.departed).toEqual([])
    r.pass(500, ['p1'])
    expect(r.departed).toEqual(['p2'])
    r.pass(5_000, ['p1'])
    expect(r.departed).toEqual(['p2'])
    r.relay.from('p2', { t: 'beat' })
    expect(r.returned).toEqual(['p2'])
    await r.liveness.close()
  })

  it('judges nobody while its own link is down, nor until silentMs after it is back', async () => {
    const r = await rig()
    r.relay.from('p1', { t: 'beat' })
    r.setConnected(false)
    r.pass(10_000)
    expect(r.departed).toEqual([])
    r.setConnected(true)
    r.pass(3_000)
    expect(r.departed).toEqual([])
    r.pass(500)
    expect(r.departed).toEqual(['p1'])
    await r.liveness.close()
  })

  it('a check that runs late (this process stalled) skips a round, so the beats queued meanwhile count', async () => {
    const r = await rig()
    r.relay.from('p1', { t: 'beat' })
    r.stall(5_000)
    r.liveness.check()
    expect(r.departed).toEqual([])
    r.relay.from('p1', { t: 'beat' })
    r.pass(1_000, ['p1'])
    expect(r.departed).toEqual([])
    await r.liveness.close()
  })

  it('a bye departs at once; its own messages never count', async () => {
    const r = await rig()
    r.relay.from('me', { t: 'beat' })
    r.relay.from('p1', { t: 'beat' })
    r.relay.from('p1', { t: 'bye' })
    expect(r.departed).toEqual(['p1'])
    r.pass(10_000)
    expect(r.departed).toEqual(['p1'])
    await r.liveness.close()
  })
})
