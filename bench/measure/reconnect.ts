import { BACKOFF } from '../clients/reconnecting.ts'
import { ClientPool, describeErrors } from '../clients/pool.ts'
import { count, ratio, seconds } from '../lib/format.ts'
import { until } from '../lib/time.ts'
import { ServerHandle } from '../servers/launch.ts'
import type { ServerKind } from '../servers/kinds.ts'
import { type Measurement, targetOf } from './measurement.ts'

const CLIENTS = 2000
const ROOMS = 100
const RESYNC_TIMEOUT_MS = 90_000

export interface ReconnectResult {
  /** SIGKILL -> the new process printed READY (listening, workspace reopened). */
  restartMs: number
  readyToSyncedMs: number
  killToSyncedMs: number
  errors: string
}

async function run(kind: ServerKind): Promise<ReconnectResult> {
  let server = await ServerHandle.start(kind, { rooms: ROOMS })
  const pool = new ClientPool()
  try {
    const { baseUrl, flavour, authorization } = targetOf(server, '')
    const spec = { baseUrl, flavour, rooms: server.ready.rooms, reconnect: true, concurrency: 100, ...(authorization ? { authorization } : {}) }
    const first = await pool.open(spec, CLIENTS, 120_000)
    if (first.synced !== CLIENTS) throw new Error(`only ${first.synced} of ${CLIENTS} synced before the restart`)

    const killedAt = Date.now()
    await server.kill()
    await until(async () => (await pool.status()).synced === 0, 15_000, 'clients to notice the server is gone', 100)
    server = await server.restart()
    const readyAt = Date.now()
    let status = await pool.status()
    await until(
      async () => {
        status = await pool.status()
        return status.synced === CLIENTS
      },
      RESYNC_TIMEOUT_MS,
      `${CLIENTS} clients to resync (${status.synced} did)`,
      100,
    )
    return {
      restartMs: readyAt - killedAt,
      readyToSyncedMs: status.lastSyncAt - readyAt,
      killToSyncedMs: status.lastSyncAt - killedAt,
      errors: describeErrors(status.errors),
    }
  } finally {
    await pool.close()
    await server.dispose()
  }
}

export const reconnect: Measurement<ReconnectResult> = {
  title: `Reconnect of ${count(CLIENTS)} clients after a server restart`,
  columns: ['kill -> listening', 'listening -> all synced', 'kill -> all synced'],
  ratioColumn: 'listening->synced vs plain',
  notes: [
    `${count(CLIENTS)} idle clients over ${ROOMS} rooms in client worker processes; the server child is SIGKILLed and started again on the same port`,
    `(ours: same DATA_DIR and token). Clients reconnect by themselves: full-jitter exponential backoff, random(0, min(${BACKOFF.capMs}, ${BACKOFF.baseMs} * 2^attempt)) ms.`,
    '"kill -> listening" includes starting Node with the tsx loader and, for ours, opening SQLite.',
    'target: 2,000 clients resynced within 30 s of a restart',
  ],
  timeoutMs: 300_000,
  run,
  cells: (r) => [seconds(r.restartMs), seconds(r.readyToSyncedMs), seconds(r.killToSyncedMs)],
  ratio: (r, plain) => ratio(r.readyToSyncedMs, plain.readyToSyncedMs),
  remarks: (r) => (r.errors ? [`client-side errors seen: ${r.errors}`] : []),
}
