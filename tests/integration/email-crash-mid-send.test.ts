import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { SEND_JOB } from '../../server/channels/email/outbound-mail.ts'
import type { FeedPage } from '../../shared/schemas/feed.ts'
import { sendMail } from '../support/email.ts'
import { eventually } from '../support/eventually.ts'
import { openStoreOf, removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts'
import { SmtpSink } from '../support/smtp-sink.ts'

// DESIGN §4 rule 5 for mail, with the real server process killed (SIGKILL) while the customer's mail
// server holds our reply unanswered: the worst moment, the mail is there and we do not know it. After
// the restart the job sends again, the SAME Message-ID (receivers drop the copy), and only once more.

describe('Email channel: the server is killed in the middle of sending a reply', () => {
  let sink: SmtpSink | null = null
  let server: ServerProcess | null = null
  let dataDir = ''

  afterAll(async () => {
    await server?.stop()
    await sink?.close()
    if (dataDir) removeDataDir(dataDir)
  })

  async function api<T>(token: string | null, urlPath: string, json?: unknown): Promise<T> {
    const res = await fetch(`${server!.url}${urlPath}`, {
      method: json === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    })
    if (res.status >= 300) throw new Error(`${urlPath}: ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }

  // Two starts of the server as its own process: slow on a loaded machine.
  it('ends with exactly one delivered mail for the reply, and no second different one', { timeout: 240_000 }, async () => {
    // The first mail is held unanswered until the server is gone; later ones are accepted.
    sink = await SmtpSink.start((index) => (index === 0 ? 'hold' : 'accept'))
    const env = { SMTP_URL: sink.url }
    server = await startServerProcess({ serveApp: false, env })
    dataDir = server.dataDir
    const smtpPort = Number(server.output().match(/receiving on SMTP [\d.]+:(\d+)/)?.[1])
    expect(smtpPort).toBeGreaterThan(0)

    const { token } = await api<{ token: string }>(null, '/api/auth/tokens', { email: 'alice@example.com', password: 'demo-password', label: 'email crash test' })
    const { lastSeq } = await api<FeedPage>(token, '/api/feed?after=0&limit=1')
    // The demo workspace's Email inbox is support@acme.test.
    await sendMail(smtpPort, { from: 'Alex Krycek <krycek@customer.test>', to: 'support@acme.test', subject: 'Crash course', messageId: '<crash-1@customer.test>', text: 'Please answer once.' })
    const { entries } = await api<FeedPage>(token, `/api/feed?after=${lastSeq}`)
    const conversation = entries.find((e) => e.kind === 'conversation')
    if (conversation?.kind !== 'conversation') throw new Error('no conversation for the mail')

    const id = randomUUID()
    const rfcId = `<msg-${id}@acme.test>`
    await api(token, `/api/conversations/${conversation.conversation.id}/messages`, {
      id,
      kind: 'reply',
      body: 'One answer, whatever happens.',
      basedOnSeq: conversation.conversation.lastMessageSeq,
    })
    await eventually(() => expect(sink!.received(rfcId)).toHaveLength(1), { timeout: 10_000 })
    await server.stop('SIGKILL')
    sink.release()

    // The killed process held the job's lease (60 s), after which any worker takes the job up again.
    // Rather than wait a minute, the lease is ended here, as its running out would.
    const store = await openStoreOf(dataDir)
    const accountId = (await store.directory.findAgentByEmail('alice@example.com'))!.accountId
    const [job] = await store.jobs.list(SEND_JOB, accountId, 10)
    expect(job).toMatchObject({ status: 'running', attempts: 1 })
    expect(await store.email.get(accountId, 'support@acme.test', rfcId)).toMatchObject({ direction: 'outbound', messageId: id })
    await store.jobs.retryAt(job!.id, 'the process holding the lease died', Date.now(), Date.now())
    await store.close()

    server = await startServerProcess({ dataDir, serveApp: false, env })
    await eventually(() => expect(sink!.delivered().has(rfcId)).toBe(true), { timeout: 15_000 })
    await server.stop()

    expect(sink.received(rfcId).map((d) => d.accepted)).toEqual([false, true])
    expect(sink.delivered().size).toBe(1)
    expect(new Set(sink.deliveries.map((d) => [d.mail.messageId, d.mail.subject, d.mail.inReplyTo, d.mail.text?.trim()].join('|')))).toEqual(
      new Set([[rfcId, 'Re: Crash course', '<crash-1@customer.test>', 'One answer, whatever happens.'].join('|')]),
    )
    const after = await openStoreOf(dataDir)
    try {
      expect(await after.jobs.list(SEND_JOB, accountId, 10)).toEqual([expect.objectContaining({ status: 'done', attempts: 2 })])
    } finally {
      await after.close()
    }
  })
})
