import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import WebSocket from 'ws'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import { WebsocketProvider } from 'y-websocket'
import { addLabel, docName, labelsMap, noteText, readLabels } from '../../shared/conversation-doc.ts'
import { decodeBytes, encodeBytes } from '../../shared/base64.ts'
import type { DocsSyncResult } from '../../shared/schemas/api.ts'
import { type ServerProcess, startServerProcess } from '../support/server-process.ts'
import { customerWrites, removeDataDir } from '../support/server-process.ts'
import { authHeaders, syncStep1Frame, webSocketClassFor } from '../support/ws-client.ts'

// SIGKILL during a burst of edits loses no acknowledged update (DESIGN §3: the server persists every
// update; STYLE: the registry appends each one before forwarding it, unlike a debounced store).
//
// "Acknowledged" here means the server has shown another party that it has the update:
//   - y-websocket: the server has forwarded it to another client in the room. The registry appends to
//     SQLite before it broadcasts, so whatever an observer holds was stored. The sync answer to a
//     client that joins mid-burst counts too: it is sent from the server's replica, and that client
//     cannot tell it from a forward.
//   - HTTP: a `POST /api/docs/sync` carrying it has answered 200 (the route answers once it is stored).
// Updates still in flight when the process dies (in the writer's socket, in the kernel, applied but not
// yet appended) may be lost: the writer still holds them and would resend them on reconnect. So the
// one property asserted is acknowledged ⊆ recovered; the figures printed show how much was in flight.
//
// The server is the real one as a child process (`server/main.ts`, the demo workspace), killed with no
// chance to flush (startServerProcess runs it as one process, so SIGKILL reaches it); kill() still
// checks that nothing answers any more. The rounds share one data dir, so each restart also reloads docs the
// previous crash left behind.

const PASSWORD = 'demo-password'
/** Writer edits per round at most; the kill comes long before, once the observer has seen KILL_AT. */
const MAX_EDITS = 8_000
const BATCH = 100
/** The writer stays at most this many edits ahead of what the observer has received (see burst()). */
const WINDOW = 400
const KILL_AT = 1_000
/** Every LABEL_EVERY-th edit adds a label (an add-wins map entry, projected to SQL); the rest append to the note. */
const LABEL_EVERY = 25
const ROUNDS = 3
const HTTP_DEVICES = 4
const HTTP_KILL_AT = 40

// Each test kills the server process and starts it again: on a busy machine (or on PostgreSQL, whose
// start opens a pool and checks its migrations) that alone can take most of the default 30 s.
describe('SIGKILL during a burst of edits', { timeout: 120_000 }, () => {
  let server: ServerProcess
  let alive = false
  let dataDir = ''
  /** Printed once, at the first start: restarts show only the sign-in hint. */
  let apiToken = ''
  let aliceToken = ''
  let bobToken = ''
  const closers = new Set<() => void>()
  let customers = 0

  const httpUrl = () => server.url
  const wsUrl = () => server.url.replace(/^http/, 'ws')

  async function tokenFor(email: string): Promise<string> {
    const res = await fetch(`${httpUrl()}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, label: 'sigkill durability test' }),
    })
    if (res.status !== 201) throw new Error(`token for ${email}: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { token: string }).token
  }

  async function newConversation(): Promise<string> {
    customers += 1
    const contact = { email: `burst${customers}.${Date.now()}@customer.test`, name: `Burst ${customers}` }
    return (await customerWrites({ url: httpUrl(), apiToken }, contact, 'Please look at this')).conversationId
  }

  /** A y-websocket provider in the conversation's room, as the app's would be. */
  function join(token: string, conversationId: string, doc = new Y.Doc()): WebsocketProvider {
    const provider = new WebsocketProvider(`${wsUrl()}/sync`, docName(conversationId), doc, {
      WebSocketPolyfill: webSocketClassFor({ token }) as unknown as typeof globalThis.WebSocket,
      // Node 20 has BroadcastChannel: providers of this process would otherwise sync around the server.
      disableBc: true,
    })
    closers.add(() => {
      provider.destroy()
      doc.destroy()
    })
    return provider
  }

  function synced(provider: WebsocketProvider, timeout = 10_000): Promise<void> {
    if (provider.synced) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const onSync = (isSynced: boolean) => {
        if (!isSynced) return
        clearTimeout(timer)
        provider.off('sync', onSync)
        resolve()
      }
      const timer = setTimeout(() => {
        provider.off('sync', onSync)
        reject(new Error(`${provider.roomname} did not sync within ${timeout} ms`))
      }, timeout)
      provider.on('sync', onSync)
    })
  }

  /** A client that joins mid-burst over a raw socket and records what the server sends, applying it
   *  only at the snapshot. (A y-websocket provider here would apply the broadcasts that reach it before
   *  its sync answer as pending structs, re-merged on every later update: quadratic in a burst, it
   *  stalls this process for seconds.) */
  function lateJoiner(token: string, conversationId: string): { answered: Promise<void>; doc(): Y.Doc } {
    const socket = new WebSocket(`${wsUrl()}/sync/${docName(conversationId)}`, { headers: authHeaders({ token }) })
    closers.add(() => socket.terminate())
    let answer: Uint8Array | null = null
    const updates: Uint8Array[] = []
    const answered = new Promise<void>((resolve, reject) => {
      socket.once('open', () => socket.send(syncStep1Frame(new Y.Doc())))
      socket.on('error', reject)
      socket.on('message', (data: Buffer) => {
        const decoder = decoding.createDecoder(new Uint8Array(data))
        if (decoding.readVarUint(decoder) !== 0) return
        const step = decoding.readVarUint(decoder)
        if (step === syncProtocol.messageYjsSyncStep2 && !answer) {
          answer = decoding.readVarUint8Array(decoder)
          resolve()
        } else if (step === syncProtocol.messageYjsUpdate) {
          updates.push(decoding.readVarUint8Array(decoder))
        }
      })
    })
    return {
      answered,
      doc() {
        // The answer holds every update forwarded before it, so those re-apply as no-ops, and the ones
        // after it apply in order: nothing is left pending.
        const doc = new Y.Doc()
        if (answer) Y.applyUpdate(doc, answer)
        for (const update of updates) Y.applyUpdate(doc, update)
        return doc
      },
    }
  }

  function closeClients(): void {
    for (const close of closers) close()
    closers.clear()
  }

  async function kill(): Promise<void> {
    alive = false
    await server.stop('SIGKILL')
    // Nothing answers any more: the kill reached the server itself, not a wrapper around it.
    await expect(fetch(`${server.url}/api/openapi.json`)).rejects.toThrow()
  }

  async function restart(): Promise<void> {
    server = await startServerProcess({ dataDir, serveApp: false })
    alive = true
  }

  beforeAll(async () => {
    server = await startServerProcess({ serveApp: false })
    alive = true
    dataDir = server.dataDir
    apiToken = server.apiToken
    if (!apiToken) throw new Error(`the demo workspace printed no API inbox token:\n${server.output()}`)
    ;[aliceToken, bobToken] = await Promise.all([tokenFor('alice@example.com'), tokenFor('bob@example.com')])
    // Seeding the demo workspace: on PostgreSQL on a busy machine, most of a minute.
  }, 180_000)
  afterEach(async () => {
    closeClients()
    // A round that failed between the kill and the restart leaves the next one a server to talk to.
    if (!alive) await restart()
  })
  afterAll(async () => {
    closeClients()
    await server?.stop('SIGKILL')
    if (dataDir) removeDataDir(dataDir)
  })

  for (let round = 1; round <= ROUNDS; round++) {
    it(`y-websocket, round ${round}: every update an observer received is in the doc after the restart`, async () => {
      const conversationId = await newConversation()
      const a = join(aliceToken, conversationId)
      const b = join(bobToken, conversationId)
      await Promise.all([synced(a), synced(b)])

      // The observer counts the writer's edits it has received; the kill waits on that, not on a clock.
      let observed = 0
      let halfway!: () => void
      let killPoint!: () => void
      const halfwayReached = new Promise<void>((resolve) => (halfway = resolve))
      const killPointReached = new Promise<void>((resolve) => (killPoint = resolve))
      let progressed = () => {}
      const count = (edits: number) => {
        observed += edits
        progressed()
        if (observed >= KILL_AT / 2) halfway()
        if (observed >= KILL_AT) killPoint()
      }
      noteText(b.doc).observe((event) => {
        for (const d of event.delta) if (typeof d.insert === 'string') count(d.insert.split(';').length - 1)
      })
      labelsMap(b.doc).observe((event) => count(event.keysChanged.size))

      const writer = burst(a.doc, MAX_EDITS, async (written) => {
        while (written - observed > WINDOW) await new Promise<void>((resolve) => (progressed = resolve))
      })
      await halfwayReached
      // A second observer joins mid-burst: its first sync comes from the server's replica.
      const late = lateJoiner(bobToken, conversationId)
      await late.answered
      await killPointReached
      const inFlightAtKill = { written: writer.written(), observed }
      await kill()
      writer.stop()
      await writer.done

      // Snapshots before anyone can reconnect: what the observers hold was forwarded by the dead server.
      const acknowledged = [b.doc, late.doc()].map((doc) => ({ update: Y.encodeStateAsUpdate(doc), edits: editsIn(doc) }))
      const written = writer.written()
      closeClients()

      await restart()
      const fresh = join(aliceToken, conversationId)
      await synced(fresh)
      const recovered = editsIn(fresh.doc)

      console.log(
        `round ${round}: writer wrote ${written} edits (${inFlightAtKill.written} when the kill was decided, ` +
          `observer had ${inFlightAtKill.observed}); observer B received ${acknowledged[0]!.edits.size}, ` +
          `late joiner ${acknowledged[1]!.edits.size}; recovered ${recovered.size}; ` +
          `lost in flight (unacknowledged) ${written - recovered.size}`,
      )
      // The kill came during the burst: the writer was ahead of what the observer had been forwarded.
      expect(inFlightAtKill.observed).toBeGreaterThanOrEqual(KILL_AT)
      expect(inFlightAtKill.written).toBeGreaterThan(inFlightAtKill.observed)
      for (const { update, edits } of acknowledged) {
        expect([...edits].filter((e) => !recovered.has(e))).toEqual([])
        // The same at the Yjs level: merging an observer's state into the recovered one adds nothing.
        const merged = new Y.Doc()
        Y.applyUpdate(merged, Y.encodeStateAsUpdate(fresh.doc))
        Y.applyUpdate(merged, update)
        expect(Y.encodeStateVector(merged)).toEqual(Y.encodeStateVector(fresh.doc))
        expect(noteText(merged).toString()).toBe(noteText(fresh.doc).toString())
        merged.destroy()
      }
      // Nothing invented: only the writer's edits, and only ones it wrote.
      expect(Math.max(-1, ...recovered)).toBeLessThan(written)
    })
  }

  it('HTTP: every POST /api/docs/sync push answered 200 before the kill is in the doc after the restart', async () => {
    const conversationId = await newConversation()
    const sync = (docs: { id: string; update?: string }[]) =>
      fetch(`${httpUrl()}/api/docs/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ docs }),
      })

    // Several devices push concurrently, each its own edits in sequence, each push the diff since its
    // last acknowledged one (as the app's outbox of doc updates would): no push depends on a lost one.
    const acked: string[] = []
    let attempted = 0
    let stopped = false
    let killPoint!: () => void
    const killPointReached = new Promise<void>((resolve) => (killPoint = resolve))
    async function device(n: number): Promise<void> {
      const doc = new Y.Doc()
      let lastAcked = Y.encodeStateVector(doc)
      for (let i = 0; !stopped; i++) {
        const label = addLabel(doc, `h${n}-${i}`, { by: 'device', at: Date.now() })
        const sent = Y.encodeStateVector(doc)
        attempted += 1
        let status: number
        try {
          status = (await sync([{ id: conversationId, update: encodeBytes(Y.encodeStateAsUpdate(doc, lastAcked)) }])).status
        } catch {
          // The server died under the request: not acknowledged, and this device is offline now.
          return
        }
        if (status !== 200) throw new Error(`push answered ${status}`)
        acked.push(label)
        lastAcked = sent
        if (acked.length >= HTTP_KILL_AT) killPoint()
      }
    }
    const devices = Array.from({ length: HTTP_DEVICES }, (_, n) => device(n))
    await Promise.race([killPointReached, Promise.all(devices)])
    const ackedBeforeKill = acked.length
    await kill()
    stopped = true
    await Promise.all(devices)

    await restart()
    const res = await sync([{ id: conversationId }])
    expect(res.status).toBe(200)
    const pulled = (await res.json()) as DocsSyncResult
    const doc = new Y.Doc()
    Y.applyUpdate(doc, decodeBytes(pulled.docs[0]!.update))
    const recovered = new Set(readLabels(doc))
    console.log(
      `HTTP: ${attempted} pushes sent, ${acked.length} answered 200 (${ackedBeforeKill} when the kill was decided), ` +
        `${recovered.size} labels recovered`,
    )
    expect(ackedBeforeKill).toBeGreaterThanOrEqual(HTTP_KILL_AT)
    expect(acked.filter((label) => !recovered.has(label))).toEqual([])
  })
})

interface Burst {
  written(): number
  stop(): void
  done: Promise<void>
}

/** Edits as fast as they go through, in synchronous batches separated by setImmediate so that the
 *  provider's frames actually leave and the observers' frames are read. `throttle` holds the writer
 *  back while too much is in flight: loopback's kernel buffers would otherwise take the whole burst
 *  within milliseconds, the server would work through it long after the writer is done, and no kill
 *  would land "during" it. Edit i is either `i;` appended to the note or the label `l<i>`, so any
 *  replica tells which edits it holds. */
function burst(doc: Y.Doc, max: number, throttle: (written: number) => Promise<void>): Burst {
  let written = 0
  let stopped = false
  let stop!: () => void
  const stopping = new Promise<void>((resolve) => (stop = resolve))
  const note = noteText(doc)
  const done = (async () => {
    while (!stopped && written < max) {
      await Promise.race([throttle(written), stopping])
      if (stopped) break
      for (let n = 0; n < BATCH && written < max; n++, written++) {
        if (written % LABEL_EVERY === LABEL_EVERY - 1) addLabel(doc, `l${written}`, { by: 'writer', at: Date.now() })
        else note.insert(note.length, `${written};`)
      }
      await new Promise((resolve) => setImmediate(resolve))
    }
  })()
  return {
    written: () => written,
    stop: () => {
      stopped = true
      stop()
    },
    done,
  }
}

/** The writer's edits a replica holds: note tokens and `l<i>` labels. */
function editsIn(doc: Y.Doc): Set<number> {
  const edits = new Set<number>()
  for (const token of noteText(doc).toString().split(';')) if (token !== '') edits.add(Number(token))
  for (const label of readLabels(doc)) if (/^l\d+$/.test(label)) edits.add(Number(label.slice(1)))
  return edits
}
