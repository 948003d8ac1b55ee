import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { noteText } from '../../shared/conversation-doc.ts'
import { demoToken } from '../support/cluster.ts'
import { twoProcessesOnOwnRedis, wsOf } from '../support/cluster-on-own-redis.ts'
import { eventually } from '../support/eventually.ts'
import { customerWrites } from '../support/server-process.ts'

// Redis is fan-out only (issue 11, DESIGN §6): when it restarts mid-burst, relayed updates are lost,
// and the processes must notice and catch up from PostgreSQL. Two agents edit one note from two
// processes before, during and after a Redis outage; both end with the same text, every edit in it.

const EDITS_PER_PHASE = 150

describe('Redis restarted mid-burst', () => {
  const rig = twoProcessesOnOwnRedis()

  it('every device converges, with every edit', async () => {
    const { a, b, redis, cluster, sockets } = rig
    const [aliceToken, bobToken] = await Promise.all([demoToken(a, 'alice@example.com'), demoToken(b, 'bob@example.com')])
    const { conversationId } = await customerWrites({ url: a.url, apiToken: cluster.apiToken }, { name: 'Rae Restart', email: `rae.${randomUUID()}@example.net` }, 'Redis test')
    const onA = await sockets.room(wsOf(a), conversationId, { token: aliceToken })
    const onB = await sockets.room(wsOf(b), conversationId, { token: bobToken })
    const edit = async (phase: string) => {
      for (let i = 0; i < EDITS_PER_PHASE; i++) {
        noteText(onA.doc).insert(0, `a${phase}${i};`)
        noteText(onB.doc).insert(0, `b${phase}${i};`)
        if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
      }
    }
    const expected = (phase: string) => Array.from({ length: EDITS_PER_PHASE }, (_, i) => [`a${phase}${i};`, `b${phase}${i};`]).flat()

    await edit('before')
    await redis.kill()
    await edit('during')
    await redis.start()
    await edit('after')

    await eventually(() => expect(noteText(onB.doc).toString()).toBe(noteText(onA.doc).toString()), { timeout: 30_000 })
    const text = noteText(onA.doc).toString()
    for (const piece of [...expected('before'), ...expected('during'), ...expected('after')]) expect(text).toContain(piece)
    // A device that joins now reads the same from either process's replica.
    for (const [p, token] of [[a, aliceToken], [b, bobToken]] as const) {
      const late = await sockets.room(wsOf(p), conversationId, { token })
      expect(noteText(late.doc).toString()).toBe(text)
    }
  })
})
