import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { writeField } from '../../shared/conversation-doc.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, TestServer, activityLines } from '../support/server.ts'
import { SocketPool } from '../support/ws-client.ts'

// Only the account's own agents and teams can hold a conversation, and the timeline names the agent
// who really made a change, whatever the doc update claims.
describe('assignment validation and authorship', () => {
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

  it("PATCH to another account's agent or an unknown team: 400 naming the field, nothing changed", async () => {
    const { conversationId } = await server.customerWrites({ email: 'val@customer.test' }, 'Help')
    const foreign = await alice.request<{ fields: { path: string }[] }>(`/api/conversations/${conversationId}`, {
      method: 'PATCH',
      json: { assigneeId: server.other.mallory.id },
    })
    expect(foreign.status).toBe(400)
    expect(foreign.body.fields.map((f) => f.path)).toEqual(['assigneeId'])
    const team = await alice.request<{ fields: { path: string }[] }>(`/api/conversations/${conversationId}`, {
      method: 'PATCH',
      json: { teamId: crypto.randomUUID() },
    })
    expect(team.status).toBe(400)
    expect(team.body.fields.map((f) => f.path)).toEqual(['teamId'])
    const view = await alice.conversation(conversationId)
    expect(view.conversation.assigneeId).toBeNull()
    expect(view.conversation.teamId).toBeNull()
  })

  it('an unknown assignee written through the doc is removed by the server, with a line saying why', async () => {
    const { conversationId } = await server.customerWrites({ email: 'doc-val@customer.test' }, 'Help')
    const room = await sockets.room(server, conversationId, { token: bob.token })
    writeField(room.doc, 'assignee', { value: server.other.mallory.id }, { by: bob.agent.id, at: Date.now(), writeId: 'w1' })
    await eventually(async () => {
      const view = await alice.conversation(conversationId)
      expect(view.conversation.assigneeId).toBeNull()
      expect(activityLines(view)).toContain('Assignment removed: not an agent or team of this account')
    })
  })

  it("a doc update claiming another agent's name is attributed to the agent who sent it", async () => {
    const { conversationId } = await server.customerWrites({ email: 'spoof@customer.test' }, 'Help')
    const seenSeq = (await bob.conversation(conversationId)).conversation.lastMessageSeq
    const room = await sockets.room(server, conversationId, { token: bob.token })
    writeField(room.doc, 'status', { value: 'pending', snoozedUntil: null, seenSeq }, { by: alice.agent.id, at: Date.now(), writeId: 'w2' })
    await eventually(async () => {
      expect(activityLines(await alice.conversation(conversationId))).toEqual(['Bob Keller marked the conversation as pending'])
    })
  })
})
