/**
 * A mail's bytes, copied as they arrive into slabs of their own. Why not a list of chunks joined at
 * the end: joining megabytes is one long copy on the event loop, and chunks are views into the
 * socket's buffers that cannot be handed to a worker; slabs are copied a chunk at a time and are
 * moved (transferred) to the worker that reads the mail, never copied on the loop again.
 */
export class MailBytes {
  private readonly slabs: ArrayBuffer[] = []
  private current: Uint8Array | null = null
  private used = 0
  /** Bytes held. */
  size = 0

  append(chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length) {
      if (!this.current || this.used === this.current.length) {
        // Small first: most mails are a few kilobytes.
        this.current = new Uint8Array(this.slabs.length === 0 ? 64 * 1024 : 1024 * 1024)
        this.slabs.push(this.current.buffer as ArrayBuffer)
        this.used = 0
      }
      const n = Math.min(chunk.length - at, this.current.length - this.used)
      this.current.set(chunk.subarray(at, at + n), this.used)
      this.used += n
      at += n
    }
    this.size += chunk.length
  }

  /** The slabs, in order; the bytes are their first `size` bytes together. */
  parts(): { slabs: ArrayBuffer[]; size: number } {
    return { slabs: this.slabs, size: this.size }
  }

  /** All of it as one buffer (for small mails: a copy of at most a few slabs). */
  toBuffer(): Buffer {
    return joinSlabs(this.parts())
  }
}

export const joinSlabs = ({ slabs, size }: { slabs: ArrayBuffer[]; size: number }): Buffer =>
  Buffer.concat(
    slabs.map((s) => new Uint8Array(s)),
    size,
  )

/** For callers (tests, tools) that hold a whole mail already. */
export function mailBytesOf(raw: Uint8Array): MailBytes {
  const bytes = new MailBytes()
  bytes.append(raw)
  return bytes
}
