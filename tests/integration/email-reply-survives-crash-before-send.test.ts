import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { SEND_JOB } from '../../server/channels/email/outbound-mail.ts'
import type { FeedPage } from '../../shared/schemas/feed.ts'
import { sendMail } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { openStoreOf, removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts'
import { SmtpSink } from '../support/smtp-sink.ts'

// A reply acknowledged (201) whose mail job has not run yet, and the server process is killed: the job
// was committed with the reply (transactional outbox), so after the restart the mail is sent, once.
// The job is kept from running by the mail slots (4), all busy with mails the customer's server holds
// unanswered: no timing guess decides whether the killed process had started it.

const MAIL_SLOTS = 4

describe('Email channel: the server is killed after a reply is accepted and before its mail is sent', () => {
  let sink: SmtpSink | null = null
  let server: ServerProcess | null = null
  let dataDir = ''

  afterAll(async () => {
    await server?.stop()
    await sink?.close()
    if (dataDir) removeDataDir(dataDir)
  })

  async function api<T>(token: string | null, urlPath: string, json?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${server!.url}${urlPath}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    })
    if (res.status >= 300) throw new Error(`${urlPath}: ${res.status} ${await res.text()}`)
    return { status: res.status, body: (await res.json()) as T }
  }

  it('sends the mail of the acknowledged reply exactly once after the restart', { timeout: 240_000 }, async () => {
    sink = await SmtpSink.start((index) => (index < MAIL_SLOTS ? 'hold' : 'accept'))
    const env = { SMTP_URL: sink.url }
    server = await startServerProcess({ serveApp: false, env })
    dataDir = server.dataDir
    const smtpPort = Number(server.output().match(/receiving on SMTP [\d.]+:(\d+)/)?.[1])
    expect(smtpPort).toBeGreaterThan(0)

    const { body: auth } = await api<{ token: string }>(null, '/api/auth/tokens', { email: 'alice@example.com', password: 'demo-password', label: 'outbox crash test' })
    const { body: page } = await api<FeedPage>(auth.token, '/api/feed?after=0&limit=1')
    await sendMail(smtpPort, { from: 'Fox <fox@customer.test>', to: 'support@acme.test', subject: 'Outbox', messageId: '<outbox-1@customer.test>', text: 'Answer me.' })
    const { body: feed } = await api<FeedPage>(auth.token, `/api/feed?after=${page.lastSeq}`)
    const conversation = feed.entries.find((e) => e.kind === 'conversation')
    if (conversation?.kind !== 'conversation') throw new Error('no conversation for the mail')
    const reply = async (body: string) => {
      const id = randomUUID()
      const res = await api(auth.token, `/api/conversations/${conversation.conversation.id}/messages`, {
        id,
        kind: 'reply',
        body,
        basedOnSeq: conversation.conversation.lastMessageSeq,
        force: true,
      })
      expect(res.status).toBe(201)
      return `<msg-${id}@acme.test>`
    }

    const held: string[] = []
    for (let i = 0; i < MAIL_SLOTS; i++) held.push(await reply(`Held answer ${i}`))
    // Every mail slot is now waiting on the customer's server.
    await eventually(() => expect(sink!.deliveries).toHaveLength(MAIL_SLOTS), { timeout: 15_000 })
    const last = await reply('The answer that must not be lost.')
    await server.stop('SIGKILL')
    sink.release()

    const store = await openStoreOf(dataDir)
    const accountId = (await store.directory.findAgentByEmail('alice@example.com'))!.accountId
    const jobs = await store.jobs.list(SEND_JOB, accountId, 10)
    expect(jobs.map((j) => j.status).sort()).toEqual(['pending', 'running', 'running', 'running', 'running'])
    // The last reply's job was committed with it and never started.
    expect(jobs.find((j) => j.status === 'pending')).toMatchObject({ attempts: 0 })
    // The killed process held the others' leases (60 s); they are ended here, as their running out would.
    for (const job of jobs.filter((j) => j.status === 'running')) await store.jobs.retryAt(job.id, 'the process holding the lease died', Date.now(), Date.now())
    await store.close()

    server = await startServerProcess({ dataDir, serveApp: false, env })
    await eventually(() => expect([...sink!.delivered().keys()].sort()).toEqual([...held, last].sort()), { timeout: 20_000 })
    await server.stop()

    expect(sink.received(last).map((d) => d.accepted)).toEqual([true])
    for (const id of held) expect(sink.received(id).map((d) => d.accepted)).toEqual([false, true])
    const after = await openStoreOf(dataDir)
    try {
      expect((await after.jobs.list(SEND_JOB, accountId, 10)).map((j) => j.status)).toEqual(['done', 'done', 'done', 'done', 'done'])
    } finally {
      await after.close()
    }
  })
})
