import { Worker } from 'node:worker_threads'
import type { MailBytes } from './mail-bytes.ts'
import { type ReadMail, readMail } from './mail-reader.ts'

/** A mail the workers could not read in time or within their memory: reading it again would not help. */
export class MailUnreadable extends Error {}

interface Job {
  raw: { slabs: ArrayBuffer[]; size: number }
  resolve: (mail: ReadMail) => void
  reject: (error: Error) => void
}

interface Slot {
  worker: Worker
  job: { id: number; job: Job; timer: NodeJS.Timeout } | null
}

export interface MailReaderPoolOptions {
  /** Mails up to this size are read on the calling thread (see read()). */
  inlineMaxBytes: number
  /** Workers at most (mails read at once); more mails wait in line. */
  size: number
  /** A mail still being read after this is abandoned and its worker replaced. */
  timeoutMs: number
  /** The heap a worker may use; a mail that needs more is refused rather than the process dying. */
  maxHeapMb: number
}

const WORKER_ENTRY = new URL('./mail-reader-worker.mjs', import.meta.url)

/**
 * Reads mails (MIME parse, HTML to text) in worker threads, so that no mail, however large or hostile,
 * holds the event loop that serves HTTP, sockets and SMTP (hardening issue, item 1). Workers start on
 * the first mail and are replaced when one dies or runs out of time.
 */
export class MailReaderPool {
  private readonly slots: Slot[] = []
  private readonly queue: Job[] = []
  private nextId = 1
  private closed = false

  constructor(private readonly options: MailReaderPoolOptions) {}

  /**
   * Small mails, most of them, are read right here: all their work is bounded by their size (the HTML
   * conversion is linear, html-to-text.ts) and costs milliseconds, less than handing them to a worker,
   * and no worker is started for them (starting one costs seconds on a busy machine).
   */
  read(raw: MailBytes): Promise<ReadMail> {
    if (this.closed) return Promise.reject(new Error('the mail reader is closed'))
    if (raw.size <= this.options.inlineMaxBytes) return readMail(raw.toBuffer())
    return new Promise((resolve, reject) => {
      this.queue.push({ raw: raw.parts(), resolve, reject })
      this.dispatch()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.reject(new Error('the mail reader is closed'))
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, new Error('the mail reader is closed'))))
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.job === null) ?? (this.slots.length < this.options.size ? this.spawn() : null)
      if (!slot) return
      this.start(slot, this.queue.shift()!)
    }
  }

  private start(slot: Slot, job: Job): void {
    const id = this.nextId++
    const timer = setTimeout(() => {
      void this.replace(slot, new MailUnreadable(`the mail could not be read within ${this.options.timeoutMs / 1000} s`))
    }, this.options.timeoutMs)
    slot.job = { id, job, timer }
    // Moved, not copied: the mail is the worker's from now on.
    slot.worker.postMessage({ id, raw: job.raw }, job.raw.slabs)
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_ENTRY, { resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } })
    // An idle worker must not keep the process alive; a busy one is awaited by whoever sent the mail.
    worker.unref()
    const slot: Slot = { worker, job: null }
    worker.on('message', (reply: { id: number; mail?: ReadMail; error?: string }) => {
      if (!slot.job || slot.job.id !== reply.id) return
      const { job, timer } = slot.job
      clearTimeout(timer)
      slot.job = null
      if (reply.mail) job.resolve(reply.mail)
      else job.reject(new Error(`the mail could not be parsed: ${reply.error}`))
      this.dispatch()
    })
    worker.on('error', (error: Error & { code?: string }) => {
      const tooBig = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
      void this.replace(slot, tooBig ? new MailUnreadable('the mail needs more memory than a mail may take') : error)
    })
    worker.on('exit', () => void this.replace(slot, new Error('the mail reader stopped')))
    this.slots.push(slot)
    return slot
  }

  /** Fails the slot's mail, ends its worker and lets the queue go on with a new one. */
  private async replace(slot: Slot, error: Error): Promise<void> {
    const index = this.slots.indexOf(slot)
    if (index === -1) return
    this.slots.splice(index, 1)
    await this.retire(slot, error)
    if (!this.closed) this.dispatch()
  }

  private async retire(slot: Slot, error: Error): Promise<void> {
    if (slot.job) {
      clearTimeout(slot.job.timer)
      slot.job.job.reject(error)
      slot.job = null
    }
    slot.worker.removeAllListeners('exit')
    slot.worker.on('error', () => undefined)
    await slot.worker.terminate()
  }
}
