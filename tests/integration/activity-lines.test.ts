import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { writeField } from '../../shared/conversation-doc.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, activityLines } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// Every status and assignment change leaves an activity line in the timeline, naming who did what,
// whether it came over HTTP or through the conversation's doc.

describe('activity lines', () => {
  let server: TestServer
  let alice: AgentClient
  let bob: AgentClient
  const sockets = new SocketPool()

  beforeAll(async () => {
    server = await TestServer.start()
    ;[alice, bob] = await Promise.all([server.clientFor(server.acme.alice), server.clientFor(server.acme.bob)])
  })
  afterEach(() => sockets.closeAll())
  afterAll(() => server.close())

  async function linesOnceThereAre(conversationId: string, count: number): Promise<string[]> {
    return eventually(async () => {
      const lines = activityLines(await alice.conversation(conversationId))
      expect(lines).toHaveLength(count)
      return lines
    })
  }

  it('status changes and assignments by Alice, one PATCH at a time, in order', async () => {
    const { conversationId } = await server.customerWrites({ email: 'act@customer.test' }, 'Help')
    await alice.patch(conversationId, { assigneeId: server.acme.bob.id })
    await alice.patch(conversationId, { teamId: server.acme.team.id })
    await alice.patch(conversationId, { status: 'pending' })
    await alice.patch(conversationId, { status: 'resolved' })
    await alice.patch(conversationId, { status: 'open' })
    await alice.patch(conversationId, { assigneeId: null, teamId: null })

    expect(await linesOnceThereAre(conversationId, 7)).toEqual([
      'Alice Martin assigned the conversation to Bob Keller',
      'Alice Martin assigned the conversation to team Billing',
      'Alice Martin marked the conversation as pending',
      'Alice Martin resolved the conversation',
      'Alice Martin reopened the conversation',
      'Alice Martin unassigned the conversation',
      'Alice Martin removed the team',
    ])
  })

  it('one PATCH changing status and assignee leaves both lines; a snooze says until when', async () => {
    const { conversationId } = await server.customerWrites({ email: 'both@customer.test' }, 'Help')
    await alice.patch(conversationId, { status: 'resolved', assigneeId: server.acme.alice.id })
    await bob.patch(conversationId, { status: 'snoozed', snoozedUntil: Date.UTC(2030, 0, 2, 9, 30) })
    expect(await linesOnceThereAre(conversationId, 3)).toEqual([
      'Alice Martin resolved the conversation',
      'Alice Martin took the conversation',
      'Bob Keller snoozed the conversation until 2030-01-02 09:30 UTC',
    ])
  })

  it('edits through the doc over y-websocket are described the same way, under the editing agent', async () => {
    const { conversationId } = await server.customerWrites({ email: 'doc@customer.test' }, 'Help')
    const seenSeq = (await bob.conversation(conversationId)).conversation.lastMessageSeq
    const b = await sockets.room(server, conversationId, { token: bob.token })
    const ctx = (writeId: string) => ({ by: bob.agent.id, at: Date.now(), writeId })
    writeField(b.doc, 'assignee', { value: server.acme.alice.id }, ctx('a'))
    await linesOnceThereAre(conversationId, 1)
    writeField(b.doc, 'status', { value: 'resolved', snoozedUntil: null, seenSeq }, ctx('s'))
    expect(await linesOnceThereAre(conversationId, 2)).toEqual([
      'Bob Keller assigned the conversation to Alice Martin',
      'Bob Keller resolved the conversation',
    ])
  })

  it('activity lines are timeline entries, not customer messages: no author, not the list preview', async () => {
    const { conversationId } = await server.customerWrites({ email: 'kind@customer.test' }, 'The customer said this')
    const cursor = (await alice.feedAll()).cursor
    await alice.patch(conversationId, { status: 'pending' })
    await linesOnceThereAre(conversationId, 1)
    const view = await alice.conversation(conversationId)
    const line = view.messages.find((m) => m.kind === 'activity')
    expect(line).toMatchObject({ authorAgentId: null, body: 'Alice Martin marked the conversation as pending' })
    expect(view.conversation.lastMessage).toMatchObject({ kind: 'incoming', body: 'The customer said this' })
    expect(view.conversation.lastMessageSeq).toBe(line!.seq)
    expect(view.conversation.lastVisibleSeq).toBeLessThan(line!.seq)
    // On the feed like any message, so every device's timeline shows it.
    const { entries } = await alice.feedAll(cursor)
    expect(entries.some((e) => e.kind === 'message' && e.message.id === line!.id)).toBe(true)
  })

  it('changes that are not status or assignment (priority, labels) leave no line', async () => {
    const { conversationId } = await server.customerWrites({ email: 'quiet@customer.test' }, 'Help')
    await alice.patch(conversationId, { priority: 'urgent', addLabels: ['vip'] })
    // The assignment after them is the sentinel: once its line is there, the rules have seen both changes.
    await alice.patch(conversationId, { assigneeId: server.acme.bob.id })
    expect(await linesOnceThereAre(conversationId, 1)).toEqual(['Alice Martin assigned the conversation to Bob Keller'])
  })
})
