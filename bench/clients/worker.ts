// A client worker process: holds many idle synced connections for the bench. One process cannot hold
// 20,000 sockets under a 20,000 descriptor limit, and the bench process keeps its event loop for timing.
import { SyncClient, type Target } from './sync-client.ts'
import { ReconnectingClient } from './reconnecting.ts'
import type { OpenRequest, WorkerRequest, WorkerStatus } from './worker-protocol.ts'

const MAX_ERROR_KINDS = 5
const clients: { stop(): void }[] = []
const state = { total: 0, synced: 0, failed: 0, lastSyncAt: 0, errors: {} as Record<string, number> }

function noteError(reason: string): void {
  // Ports and ids vary; keep the kind of failure.
  const kind = reason.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'host:port').slice(0, 120)
  if (kind in state.errors || Object.keys(state.errors).length < MAX_ERROR_KINDS) state.errors[kind] = (state.errors[kind] ?? 0) + 1
}

function synced(): void {
  state.synced += 1
  state.lastSyncAt = Date.now()
}

/** Resolves once this connection has synced, or (without reconnect) failed. */
function openOne(req: OpenRequest, target: Target): Promise<void> {
  return new Promise((resolve) => {
    if (req.reconnect) {
      clients.push(
        new ReconnectingClient(target, {
          onSynced: () => {
            synced()
            resolve()
          },
          onLost: () => (state.synced -= 1),
          onFailedAttempt: noteError,
        }),
      )
      return
    }
    let wasSynced = false
    const client = new SyncClient(target, null, {
      onSynced: () => {
        wasSynced = true
        synced()
        resolve()
      },
      onClose: (reason) => {
        if (wasSynced) state.synced -= 1
        else {
          state.failed += 1
          noteError(reason)
        }
        resolve()
      },
    })
    clients.push({ stop: () => client.terminate() })
  })
}

async function open(req: OpenRequest): Promise<void> {
  state.total += req.count
  let next = 0
  const lane = async () => {
    while (next < req.count) {
      const k = next++
      const room = req.rooms[(req.firstIndex + k) % req.rooms.length]!
      await openOne(req, { baseUrl: req.baseUrl, room, flavour: req.flavour, authorization: req.authorization })
    }
  }
  await Promise.all(Array.from({ length: Math.min(req.concurrency, req.count) }, lane))
}

const status = (id: number): WorkerStatus => ({ type: 'status', id, ...state, errors: { ...state.errors } })

process.on('message', (raw: unknown) => {
  const req = raw as WorkerRequest
  if (req.type === 'open') void open(req).then(() => process.send?.(status(req.id)))
  else if (req.type === 'status') process.send?.(status(req.id))
  else if (req.type === 'close') {
    for (const c of clients.splice(0)) c.stop()
    // Let the terminations reach the sockets before answering.
    setTimeout(() => process.send?.({ type: 'closed', id: req.id }), 100)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ type: 'ready', id: 0 })
