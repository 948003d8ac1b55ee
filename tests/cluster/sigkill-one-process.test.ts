import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { noteText } from '../../shared/conversation-doc.ts'
import type { Message } from '../../shared/schemas/entities.ts'
import { type Cluster, demoToken, startCluster } from '../support/cluster.ts'
import { eventually } from '../support/eventually.ts'
import { customerWrites, type ServerProcess } from '../support/server-process.ts'
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy.ts'
import { SocketPool } from '../support/ws-client.ts'

// SIGKILL one of two processes during a burst of edits and replies (issue 11). Clients reach the
// service through a proxy (the load balancer), which sends them to the surviving process once the
// first is gone. Acknowledged means another party saw it: an edit forwarded to a client on the other
// process (each process appends to PostgreSQL before it forwards or relays), a reply answered 201.
// Nothing acknowledged may be lost, and the reconnected clients converge.

const KILL_AT = 300
const WINDOW = 100

describe('SIGKILL of one process during a burst', () => {
  let cluster: Cluster
  let a: ServerProcess
  let b: ServerProcess
  let proxy: TcpProxy
  const sockets = new SocketPool()
  const ws = (url: string) => ({ wsUrl: url.replace(/^http/, 'ws') })

  beforeAll(async () => {
    cluster = await startCluster(2)
    ;[a, b] = cluster.processes as [ServerProcess, ServerProcess]
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(a.url).port) })
  }, 120_000)
  afterAll(async () => {
    sockets.closeAll()
    await proxy?.close()
    await cluster?.stop()
  })

  it('loses nothing acknowledged, and clients reconnect to the other process', async () => {
    const [aliceToken, bobToken, carolToken] = await Promise.all(
      ['alice', 'bob', 'carol'].map((n) => demoToken(b, `${n}@example.com`)),
    )
    const { conversationId } = await customerWrites({ url: b.url, apiToken: cluster.apiToken }, { name: 'Kim Kill', email: `kim.${randomUUID()}@example.net` }, 'Burst')
    const writer = await sockets.room(ws(proxy.url), conversationId, { token: aliceToken })
    const observer = await sockets.room(ws(b.url), conversationId, { token: bobToken })
    // Through the proxy too: after the kill it must find its way to B and catch up.
    const bystander = await sockets.room(ws(proxy.url), conversationId, { token: carolToken })

    const written = noteText(writer.doc)
    const observed = noteText(observer.doc)
    const replies: string[] = []
    let replying = true
    const replyLoop = (async () => {
      while (replying) {
        const id = randomUUID()
        const res = await fetch(`${proxy.url}/api/conversations/${conversationId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id, kind: 'note', body: `note ${replies.length}`, basedOnSeq: 0 }),
        }).catch(() => null)
        if (res?.status === 201) replies.push(id)
        await res?.arrayBuffer().catch(() => undefined)
      }
    })()

    // Edits as fast as the window allows, until the observer on B has KILL_AT of them.
    let n = 0
    while (observed.length < KILL_AT) {
      if (n - observed.length < WINDOW) written.insert(written.length, String.fromCharCode(97 + (n++ % 26)))
      else await new Promise<void>((resolve) => observer.doc.once('update', () => resolve()))
    }
    // The writer stops here: were it to reconnect, it would resend what the dead process lost and
    // hide the loss this test looks for.
    writer.provider.disconnect()
    const acknowledged = observed.toString()
    const ackedReplies = [...replies]
    await a.stop('SIGKILL')
    replying = false
    await replyLoop
    proxy.retarget({ host: '127.0.0.1', port: Number(new URL(b.url).port) })

    const fresh = await sockets.room(ws(b.url), conversationId, { token: bobToken })
    expect(noteText(fresh.doc).toString().startsWith(acknowledged)).toBe(true)
    const messages = (await (await fetch(`${b.url}/api/conversations/${conversationId}`, { headers: { authorization: `Bearer ${bobToken}` } })).json()) as { messages: Message[] }
    const ids = messages.messages.map((m) => m.id)
    for (const id of ackedReplies) expect(ids.filter((x) => x === id)).toHaveLength(1)

    // The bystander's provider reconnects through the proxy, now to B, and converges.
    await eventually(() => expect(noteText(bystander.doc).toString()).toBe(noteText(fresh.doc).toString()), { timeout: 20_000 })
    console.log(`sigkill: ${n} edits written, ${acknowledged.length} acknowledged before the kill, ${noteText(fresh.doc).length} recovered; ${ackedReplies.length} notes acknowledged, all present once`)
  })
})
