import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SEND_JOB } from '../../server/channels/email/outbound-mail.ts'
import type { Store } from '../../server/store/types.ts'
import { WEBHOOK_EVENT_JOB, fanOutJob } from '../../server/webhooks/dispatch.ts'
import { ConversationState } from '../../shared/project-conversation.ts'
import type { WebhookWithSecret } from '../../shared/schemas/webhooks.ts'
import { addEmailInbox, conversationsOf, sendMail, SUPPORT_ADDRESS } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { type AgentClient, expectStatus, TestServer } from '../support/server.ts'
import { WebhookReceiver } from '../support/webhook-receiver.ts'
import { testSql } from '../support/test-sql.ts'

// The transactional outbox: the jobs a change causes are written in the change's own transaction.
// A reply is never stored without its mail job (nor a mail job without its reply), a projected status
// change never without its webhook event job, and the webhook fan-out makes each delivery once.

const refuseMailJobsSqlite = `CREATE TEMP TRIGGER refuse_mail_jobs BEFORE INSERT ON jobs WHEN NEW.kind = '${SEND_JOB}'
  BEGIN SELECT RAISE(ABORT, 'the job queue is unavailable (test)'); END`
const refuseMailJobsPg = `CREATE FUNCTION refuse_mail_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.kind = '${SEND_JOB}' THEN RAISE EXCEPTION 'the job queue is unavailable (test)'; END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER refuse_mail_jobs BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_mail_jobs()`

describe('jobs are written in the same transaction as the change that causes them', () => {
  let server: TestServer
  let alice: AgentClient
  let store: Store
  let receiver: WebhookReceiver

  beforeAll(async () => {
    server = await TestServer.start({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } })
    alice = await server.clientFor(server.acme.alice)
    store = server.ctx.store
    receiver = await WebhookReceiver.start()
  })
  afterAll(async () => {
    await receiver.close()
    await server.close()
  })

  const mailJobOf = async (messageId: string) =>
    (await store.jobs.list(SEND_JOB, server.acme.accountId, 100)).filter((j) => (j.payload as { messageId: string }).messageId === messageId)

  it('a reply whose mail job cannot be queued is not stored either; sent again, both are, and one mail goes out', async () => {
    const inbox = await addEmailInbox(server)
    await sendMail(server.ctx.email.inboundPort!, { from: 'Eve <eve@customer.test>', to: SUPPORT_ADDRESS, subject: 'Refund', text: 'Any news?' })
    const conversation = (await conversationsOf(server, 'eve@customer.test', inbox.id)).conversations[0]!
    const id = randomUUID()
    const reply = { id, kind: 'reply' as const, body: 'Your refund is on its way.', basedOnSeq: conversation.lastMessageSeq }

    // The queue refuses mail jobs: the insert of the job fails inside the reply's transaction.
    const sql = testSql(store)
    await sql.exec(sql.backend === 'sqlite' ? refuseMailJobsSqlite : refuseMailJobsPg)
    try {
      expect((await alice.postMessage(conversation.id, reply)).status).toBe(500)
    } finally {
      await sql.exec(sql.backend === 'sqlite' ? 'DROP TRIGGER refuse_mail_jobs' : 'DROP TRIGGER refuse_mail_jobs ON jobs; DROP FUNCTION refuse_mail_jobs()')
    }
    expect(await store.conversations.getMessage(id)).toBeNull()
    expect((await alice.feedAll()).entries.some((e) => e.kind === 'message' && e.message.id === id)).toBe(false)
    expect(await mailJobOf(id)).toEqual([])

    // The app's outbox sends it again with the same id: now the reply and its job commit together.
    const res = expectStatus(await alice.postMessage(conversation.id, reply), 201)
    expect(res).toMatchObject({ message: { id }, duplicate: false })
    expect(await mailJobOf(id)).toHaveLength(1)
    const file = path.join(server.dataDir, 'outbound-mail', `msg-${id}@acme.test.eml`)
    await eventually(() => expect(existsSync(file)).toBe(true))
    await server.ctx.jobs.idle()
    expect(await mailJobOf(id)).toEqual([expect.objectContaining({ status: 'done', attempts: 1 })])
    expect(readdirSync(path.dirname(file)).filter((f) => f.includes(id))).toEqual([`msg-${id}@acme.test.eml`])
  })

  it('a projected state and the jobs it causes commit together or not at all', async () => {
    const { conversationId } = await server.customerWrites({ email: 'frank@customer.test' }, 'Hello')
    const stored = (await store.conversations.getConversation(conversationId))!
    const state = ConversationState.parse(stored.row)
    const docState = stored.docState ?? new Uint8Array()
    // A kind without a handler: these jobs stay where they are written.
    const job = (id: string) => ({ id, kind: 'test.unhandled', accountId: server.acme.accountId, dedupeKey: null, payload: {}, runAt: Date.now() })
    const taken = randomUUID()
    await store.jobs.enqueue(job(taken), Date.now())

    // A job that cannot be written (its id is taken) takes the state write down with it.
    await expect(store.conversations.saveConversationState(conversationId, { ...state, status: 'resolved' }, docState, [job(taken)])).rejects.toThrow()
    expect((await store.conversations.getConversation(conversationId))!.row.status).toBe(state.status)

    const fresh = randomUUID()
    await store.conversations.saveConversationState(conversationId, state, docState, [job(fresh)])
    expect(await store.jobs.get(fresh)).toMatchObject({ kind: 'test.unhandled', status: 'pending' })
  })

  it("an agent's status change queues its webhook event with it, and a fan-out run twice makes one delivery", async () => {
    const { webhook, secret } = expectStatus(
      await alice.request<WebhookWithSecret>('/api/webhooks', { json: { url: receiver.url, events: ['conversation.status_changed'] } }),
      201,
    )
    receiver.secret = secret
    const { conversationId } = await server.customerWrites({ email: 'gina@customer.test' }, 'Please close this')
    await alice.patch(conversationId, { status: 'resolved' })
    await eventually(() => expect(receiver.of('conversation.status_changed').map((d) => d.body.data.conversationId)).toContain(conversationId))
    await server.ctx.jobs.idle()

    const events = (await store.jobs.list(WEBHOOK_EVENT_JOB, server.acme.accountId, 100)).filter(
      (j) => (j.payload as { conversationId?: string }).conversationId === conversationId,
    )
    expect(events).toEqual([expect.objectContaining({ status: 'done', payload: expect.objectContaining({ type: 'conversation.status_changed', to: 'resolved' }) })])
    const delivered = receiver.of('conversation.status_changed').find((d) => d.body.data.conversationId === conversationId)!
    // The envelope is the event job's: its id and time, the same on any run.
    expect(delivered.body).toMatchObject({ id: events[0]!.id, createdAt: events[0]!.createdAt })

    // As after a crash between the fan-out's write and its job being marked done: it runs again.
    await fanOutJob(store, server.ctx.clock, () => undefined).run(events[0]!)
    expect(await store.webhooks.listDeliveries(webhook.id, 100)).toHaveLength(1)
  })
})
