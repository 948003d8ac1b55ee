import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { readField, writeField } from '../../shared/conversation-doc.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, activityLines } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// DESIGN §4 rule 4: a Snoozed conversation reopens at its time, on the server, whether or not anyone
// is connected, and every device hears of it through the room and the feed.

const SNOOZE_ENDED = 'Snooze ended: the conversation is open again'

describe('snooze wakes on the server', () => {
  let server: TestServer
  let alice: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    alice = await server.clientFor(server.acme.alice)
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  it('a snooze until now+300ms ends by itself: open, with an activity line, pushed on the feed', async () => {
    const { conversationId } = await server.customerWrites({ email: 'uma@customer.test' }, 'Call me next week')
    const feed = await sockets.feed(server, { token: alice.token })
    const until = Date.now() + 300
    const snoozed = await alice.patch(conversationId, { status: 'snoozed', snoozedUntil: until })
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: until })

    const view = await eventually(async () => {
      const v = await alice.conversation(conversationId)
      expect(v.conversation.status).toBe('open')
      expect(activityLines(v)).toContain(SNOOZE_ENDED)
      return v
    })
    expect(Date.now()).toBeGreaterThanOrEqual(until)
    expect(view.conversation).toMatchObject({ snoozedUntil: null, statusBy: 'system' })
    expect(activityLines(view)[0]).toMatch(/^Alice Martin snoozed the conversation until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/)

    await eventually(() => {
      const entries = feed.entries()
      const rows = entries.flatMap((e) => (e.kind === 'conversation' && e.conversation.id === conversationId ? [e.conversation] : []))
      expect(rows.map((r) => r.status)).toContain('snoozed')
      expect(rows.at(-1)?.status).toBe('open')
      expect(entries.some((e) => e.kind === 'message' && e.message.body === SNOOZE_ENDED)).toBe(true)
    })
  })

  it('a snooze written in the doc over y-websocket wakes too, and the room sees the reopening', async () => {
    const { conversationId } = await server.customerWrites({ email: 'val@customer.test' }, 'Remind me')
    const a = await sockets.room(server, conversationId, { token: alice.token })
    const seenSeq = (await alice.conversation(conversationId)).conversation.lastMessageSeq
    const until = Date.now() + 300
    writeField(a.doc, 'status', { value: 'snoozed', snoozedUntil: until, seenSeq }, { by: alice.agent.id, at: Date.now(), writeId: 'snooze' })

    await eventually(() => expect(readField(a.doc, 'status')).toMatchObject({ value: 'open', by: 'system', over: 'snooze' }))
    expect(Date.now()).toBeGreaterThanOrEqual(until)
    // The line is written just after the reopening: on PostgreSQL a round trip later.
    await eventually(async () => expect(activityLines(await alice.conversation(conversationId))).toContain(SNOOZE_ENDED))
  })

  it('only due snoozes end: a later one stays snoozed', async () => {
    const soon = await server.customerWrites({ email: 'wes@customer.test' }, 'Soon')
    const later = await server.customerWrites({ email: 'xan@customer.test' }, 'Later')
    const laterUntil = Date.now() + 3_600_000
    await alice.patch(later.conversationId, { status: 'snoozed', snoozedUntil: laterUntil })
    await alice.patch(soon.conversationId, { status: 'snoozed', snoozedUntil: Date.now() + 200 })

    await eventually(async () => expect((await alice.conversation(soon.conversationId)).conversation.status).toBe('open'))
    const stillSnoozed = await alice.conversation(later.conversationId)
    expect(stillSnoozed.conversation).toMatchObject({ status: 'snoozed', snoozedUntil: laterUntil })
    expect(activityLines(stillSnoozed)).not.toContain(SNOOZE_ENDED)
  })

  it('a snooze that falls due while the server is down ends when it starts again', async () => {
    const { conversationId } = await server.customerWrites({ email: 'yul@customer.test' }, 'After the weekend')
    const until = Date.now() + 300
    await alice.patch(conversationId, { status: 'snoozed', snoozedUntil: until })
    await server.stop()
    // Stay down past the snooze's time (the condition under test, not a synchronisation): the
    // wake-up can then only come from the restarted server's first check.
    await eventually(() => expect(Date.now()).toBeGreaterThan(until), { timeout: 2_000 })
    await server.restart()
    await eventually(async () => {
      const v = await alice.conversation(conversationId)
      expect(v.conversation.status).toBe('open')
      expect(activityLines(v)).toContain(SNOOZE_ENDED)
    })
  })
})
