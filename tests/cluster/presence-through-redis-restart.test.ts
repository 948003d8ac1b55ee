import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { PresenceState } from '../../shared/presence.ts'
import { demoToken } from '../support/cluster.ts'
import { twoProcessesOnOwnRedis, wsOf } from '../support/cluster-on-own-redis.ts'
import { eventually } from '../support/eventually.ts'
import { customerWrites } from '../support/server-process.ts'
import type { FeedClient, RoomClient } from '../support/ws-client.ts'

// Issue 11, gap 4: processes drop the presence of a process they stop hearing, but a Redis outage
// silences everyone at once. It must not wipe the presence of live processes' agents: nobody is taken
// for gone while its own link is down, and after the restart every agent is (still) there.

/** Longer than the silence after which a process counts as gone (3 s, server/cluster/cluster.ts). */
const LONGER_THAN_SILENCE_MS = 5_000

describe('presence across a Redis restart', () => {
  const rig = twoProcessesOnOwnRedis()

  const others = (room: RoomClient): string[] =>
    [...room.provider.awareness.getStates()]
      .filter(([client]) => client !== room.doc.clientID)
      .flatMap(([, state]) => ((state as Partial<PresenceState>).user ? [(state as PresenceState).user.id] : []))
  const inList = (feed: FeedClient, conversationId: string): string[] =>
    (feed.presence.flatMap((p) => (p.snapshot ? [] : p.conversations)).filter((p) => p.conversationId === conversationId).at(-1)?.agents ?? []).map((x) => x.id)
  const throughout = async (ms: number, assertion: () => void) => {
    const end = Date.now() + ms
    while (Date.now() < end) {
      assertion()
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  it("an outage longer than the silence wipes nobody's presence, and presence is live again after it", async () => {
    const { a, b, redis, cluster, sockets } = rig
    const [aliceToken, bobToken] = await Promise.all([demoToken(a, 'alice@example.com'), demoToken(b, 'bob@example.com')])
    const aliceId = ((await (await fetch(`${a.url}/api/workspace`, { headers: { authorization: `Bearer ${aliceToken}` } })).json()) as { me: { id: string } }).me.id
    const { conversationId } = await customerWrites({ url: a.url, apiToken: cluster.apiToken }, { name: 'Bea Blip', email: `bea.${randomUUID()}@example.net` }, 'Blip')
    const observer = await sockets.room(wsOf(b), conversationId, { token: bobToken })
    const list = await sockets.feed(wsOf(b), { token: bobToken })
    const alice = await sockets.room(wsOf(a), conversationId, { token: aliceToken })
    const state = (activity: PresenceState['activity']): PresenceState => ({ activity, user: { id: aliceId, name: 'Alice', color: '#000' } })
    alice.provider.awareness.setLocalState(state('viewing'))
    await eventually(() => {
      expect(others(observer)).toEqual([aliceId])
      expect(inList(list, conversationId)).toEqual([aliceId])
    })

    await redis.kill()
    await throughout(LONGER_THAN_SILENCE_MS, () => {
      expect(others(observer)).toEqual([aliceId])
      expect(inList(list, conversationId)).toEqual([aliceId])
    })
    await redis.start()
    // Still there once the processes hear each other again, and a change made now travels.
    await throughout(LONGER_THAN_SILENCE_MS, () => expect(others(observer)).toEqual([aliceId]))
    alice.provider.awareness.setLocalState(state('replying'))
    await eventually(() => {
      const seen = [...observer.provider.awareness.getStates().values()] as Partial<PresenceState>[]
      expect(seen.some((s) => s.user?.id === aliceId && s.activity === 'replying')).toBe(true)
      expect(list.presence.flatMap((p) => p.conversations).filter((p) => p.conversationId === conversationId).at(-1)?.agents).toEqual([
        { id: aliceId, activity: 'replying' },
      ])
    }, { timeout: 10_000 })
  })
})
