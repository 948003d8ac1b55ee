import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

// SQLite's automatic WAL checkpoint runs inside whichever write crosses the threshold, with an fsync,
// on the event loop: every few hundred updates one sync message waited milliseconds for it (the p99
// of `npm run bench`). The main connection turns it off and this worker thread, with a connection of
// its own, checkpoints in the background. PASSIVE never blocks the writer.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 1000')
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)') } catch {}
}, workerData.everyMs)
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close() })
`

export interface Checkpointer {
  stop(): Promise<void>
}

export function startCheckpointer(file: string, everyMs = 1000): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER, { eval: true, workerData: { file, module, everyMs } })
  worker.unref()
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  return {
    async stop() {
      // Held again while it winds down: otherwise a process with nothing else to do would exit
      // before the store finishes closing (top-level await left unsettled).
      worker.ref()
      worker.postMessage('stop')
      await exited
    },
  }
}
