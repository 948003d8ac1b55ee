// `npm run bench -- flood`: our server (its own child process, 127.0.0.1) under slow-loris and connection
// floods on its HTTP, WebSocket and SMTP ports, one kind after the other and then all at once. Per phase:
// `/api/health` latency on fresh connections, how many connections were opened and held, how many the
// server cut, and notes posted (acknowledged with 201) meanwhile; at the end the server is SIGKILLed and
// restarted on its data, and every acknowledged note is looked for. Bounded: fixed counts, every flood
// stops by itself, loopback only. Only prints (DESIGN §7).
import { randomUUID } from 'node:crypto'
import { HEADERS_TIMEOUT_MS } from '../../server/http/server-limits.ts'
import { type Flood, halfUpgrades, healthLatencies, idleSmtp, idleTcp, percentile, slowLorisHttp } from '../../tests/support/flood.ts'
import { cleanupAll } from '../lib/children.ts'
import { count, ms } from '../lib/format.ts'
import { sleep } from '../lib/time.ts'
import { OURS } from '../servers/kinds.ts'
import type { ReadyInfo } from '../servers/hook.ts'
import { ServerHandle } from '../servers/launch.ts'
import { printTable } from '../table.ts'

const SIZE = { loris: 1000, upgrades: 1000, smtp: 500, connect: 2000 }
const HEALTH_SAMPLES = 200
const WRITES_PER_PHASE = 20
/** Long enough for the headers timeout (and its once-a-second check) to cut what it should. */
const CUT_WAIT_MS = HEADERS_TIMEOUT_MS + 3_000
const FLOOD_MAX_MS = 90_000

interface Phase {
  name: string
  start(ready: ReadyInfo): Flood[]
}

const loris = (r: ReadyInfo) => slowLorisHttp(r.port, SIZE.loris, FLOOD_MAX_MS)
const upgrades = (r: ReadyInfo) => halfUpgrades(r.port, SIZE.upgrades, `/sync/${r.rooms[0]}`, FLOOD_MAX_MS)
const smtp = (r: ReadyInfo) => idleSmtp(r.smtpPort!, SIZE.smtp, FLOOD_MAX_MS)
const connect = (r: ReadyInfo) => idleTcp(r.port, SIZE.connect, FLOOD_MAX_MS)

const PHASES: Phase[] = [
  { name: 'idle (no flood)', start: () => [] },
  { name: `HTTP slow-loris (${count(SIZE.loris)})`, start: (r) => [loris(r)] },
  { name: `WebSocket half-sent upgrades (${count(SIZE.upgrades)})`, start: (r) => [upgrades(r)] },
  { name: `SMTP idle (${count(SIZE.smtp)})`, start: (r) => [smtp(r)] },
  { name: `TCP connect, silent, HTTP port (${count(SIZE.connect)})`, start: (r) => [connect(r)] },
  { name: 'all four at once', start: (r) => [loris(r), upgrades(r), smtp(r), connect(r)] },
]

interface PhaseResult {
  name: string
  wanted: number
  opened: number
  heldAtMeasure: number
  cut: number
  heldAfterWait: number
  health: number[]
  acknowledged: { conversationId: string; id: string }[]
  refused: number
}

const total = (floods: Flood[], key: 'wanted' | 'opened' | 'failed' | 'closedByServer' | 'held') => floods.reduce((n, f) => n + f[key], 0)

async function waitFor(check: () => boolean, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs
  while (!check() && Date.now() < deadline) await sleep(100)
}

/** Posts notes one after the other; the acknowledged (201) ones are what must survive. */
async function postNotes(ready: ReadyInfo, phase: string): Promise<{ acknowledged: PhaseResult['acknowledged']; refused: number }> {
  const acknowledged: PhaseResult['acknowledged'] = []
  let refused = 0
  for (let i = 0; i < WRITES_PER_PHASE; i++) {
    const conversationId = ready.rooms[i % ready.rooms.length]!.slice('conv:'.length)
    const id = randomUUID()
    try {
      const res = await fetch(`http://127.0.0.1:${ready.port}/api/conversations/${conversationId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ id, kind: 'note', body: `flood bench, ${phase}, note ${i}`, basedOnSeq: 0 }),
        signal: AbortSignal.timeout(10_000),
      })
      await res.arrayBuffer()
      if (res.status === 201) acknowledged.push({ conversationId, id })
      else refused += 1
    } catch {
      refused += 1
    }
  }
  return { acknowledged, refused }
}

async function runPhase(server: ServerHandle, phase: Phase): Promise<PhaseResult> {
  const ready = server.ready
  const floods = phase.start(ready)
  try {
    await waitFor(() => total(floods, 'opened') + total(floods, 'failed') >= total(floods, 'wanted'), 30_000)
    const heldAtMeasure = total(floods, 'held')
    const health = await healthLatencies(`http://127.0.0.1:${ready.port}`, HEALTH_SAMPLES, 5)
    const writes = await postNotes(ready, phase.name)
    if (floods.length > 0) await waitFor(() => total(floods, 'held') === 0, CUT_WAIT_MS)
    return {
      name: phase.name,
      wanted: total(floods, 'wanted'),
      opened: total(floods, 'opened'),
      heldAtMeasure,
      cut: total(floods, 'closedByServer'),
      heldAfterWait: total(floods, 'held'),
      health,
      ...writes,
    }
  } finally {
    for (const f of floods) f.stop()
  }
}

/** After SIGKILL and a restart on the same data: which acknowledged notes are stored. */
async function kept(server: ServerHandle, acknowledged: PhaseResult['acknowledged']): Promise<Set<string>> {
  const found = new Set<string>()
  const conversations = new Set(acknowledged.map((a) => a.conversationId))
  for (const id of conversations) {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/conversations/${id}`, { headers: { authorization: `Bearer ${server.ready.token}` } })
    const body = (await res.json()) as { messages?: { id: string }[] }
    for (const m of body.messages ?? []) found.add(m.id)
  }
  return found
}

export async function runFloodGroup(): Promise<void> {
  console.log('\n# Flood: slow-loris and connection floods on HTTP, WebSocket and SMTP (ours only)')
  let server = await ServerHandle.start(OURS, { rooms: 10 })
  const results: PhaseResult[] = []
  try {
    if (!server.ready.smtpPort) throw new Error('the server did not report its SMTP port')
    // Warm-up, so the idle row is not the first requests' JIT and cold caches.
    await healthLatencies(`http://127.0.0.1:${server.port}`, 50, 0)
    for (const phase of PHASES) {
      const started = Date.now()
      process.stderr.write(`  flood: ${phase.name} ... `)
      results.push(await runPhase(server, phase))
      process.stderr.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
    }
    await server.kill()
    server = await server.restart()
    const stored = await kept(server, results.flatMap((r) => r.acknowledged))
    printTable({
      title: 'Health and acknowledged writes under each flood',
      firstColumn: 'phase',
      columns: ['opened', 'held', 'cut by server', 'health p50', 'health p99', 'health max', 'acked', 'refused', 'kept after SIGKILL'],
      rows: results.map((r) => ({
        server: r.name,
        cells: [
          r.wanted === 0 ? '-' : `${count(r.opened)}/${count(r.wanted)}`,
          r.wanted === 0 ? '-' : count(r.heldAtMeasure),
          r.wanted === 0 ? '-' : `${count(r.cut)} (${count(r.heldAfterWait)} still open)`,
          ms(percentile(r.health, 50)),
          ms(percentile(r.health, 99)),
          ms(Math.max(...r.health)),
          count(r.acknowledged.length),
          count(r.refused),
          `${count(r.acknowledged.filter((a) => stored.has(a.id)).length)}/${count(r.acknowledged.length)}`,
        ],
      })),
      notes: [
        `Per phase: the flood's connections opened (all at once) and held, then ${HEALTH_SAMPLES} GET /api/health one after the other,`,
        `each on a new connection (a failure counts as infinite), then ${WRITES_PER_PHASE} notes posted (201 = acknowledged); then up to`,
        `${CUT_WAIT_MS / 1000} s for the server to cut what it holds ("cut by server"; SMTP answers 421 beyond SMTP_MAX_CLIENTS and`,
        'cuts the rest at its idle timeout, 60 s by default, so those are still open then). Finally the server is SIGKILLed, restarted on its data, and every',
        'acknowledged note is looked for. Slow-loris: a header line a second, never the blank line. Half-sent upgrade: the',
        "handshake's first lines, then silence. All clients in the bench process, server in its own, 127.0.0.1 only.",
      ],
    })
  } finally {
    await server.dispose()
    cleanupAll()
  }
}
