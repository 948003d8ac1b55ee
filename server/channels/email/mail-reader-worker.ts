import { parentPort } from 'node:worker_threads'
import { joinSlabs } from './mail-bytes.ts'
import { readMail } from './mail-reader.ts'

// One mail at a time per worker (the pool queues the rest). Attachments are copied here into buffers
// of their own and moved to the main thread: a view into a larger buffer would be cloned whole, and a
// copy made there would be work on the loop the pool exists to keep free.
parentPort!.on('message', ({ id, raw }: { id: number; raw: { slabs: ArrayBuffer[]; size: number } }) => {
  readMail(joinSlabs(raw)).then(
    (mail) => {
      const attachments = mail.attachments.map((a) => ({ ...a, data: new Uint8Array(a.data) }))
      parentPort!.postMessage({ id, mail: { ...mail, attachments } }, attachments.map((a) => a.data.buffer as ArrayBuffer))
    },
    (error: unknown) => parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  )
})
