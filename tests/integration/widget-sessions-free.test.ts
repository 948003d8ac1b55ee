import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestServer } from '../support/server.ts'
import { TestVisitor } from '../support/widget-visitor.ts'
import { countRows } from '../support/test-sql.ts'

// A widget session is a signed token and a visitor row, nothing the agents see: opening the chat (or
// a script calling POST /api/widget/session in a loop) makes no contact and no feed entry on every
// agent device. The contact comes with the visitor's first message, once.
describe('widget sessions cost the agents nothing until the first message', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await TestServer.start()
  })
  afterAll(() => server.close())

  const contacts = () => countRows(server.ctx.store, 'SELECT count(*) AS n FROM contacts WHERE account_id = ?', [server.acme.accountId])
  const lastSeq = () => server.ctx.store.feed.lastSeq(server.acme.accountId)

  it('50 sessions without messages make no contact and no feed entry; the first message makes exactly one contact', async () => {
    const [contactsBefore, seqBefore] = [await contacts(), await lastSeq()]
    const visitors: TestVisitor[] = []
    for (let i = 0; i < 50; i++) visitors.push(await TestVisitor.start(server, i % 2 ? { name: `Guest ${i}`, email: `guest${i}@example.net` } : {}))
    // Each is resumable (a genuine token), and reading the empty history writes nothing either.
    expect(await visitors[0]!.history()).toEqual([])
    expect(await contacts()).toBe(contactsBefore)
    expect(await lastSeq()).toBe(seqBefore)

    const visitor = visitors[1]!
    const first = await visitor.send('Hello')
    await visitor.send('Still there?')
    expect(await contacts()).toBe(contactsBefore + 1)
    const contact = await server.ctx.store.contacts.getContact((await server.ctx.store.conversations.getConversation(first.conversationId))!.row.contactId)
    expect(contact).toMatchObject({ name: 'Guest 1', email: null, unverifiedEmail: 'guest1@example.net' })
  })

  it('two first messages at once make one contact and one conversation', async () => {
    const visitor = await TestVisitor.start(server)
    const before = await contacts()
    const [a, b] = await Promise.all([visitor.send('one'), visitor.send('two')])
    expect(a.conversationId).toBe(b.conversationId)
    expect(await contacts()).toBe(before + 1)
  })
})
