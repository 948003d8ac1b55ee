import net from 'node:net'

/**
 * A plain SMTP client on a raw socket, reply by reply, for tests that must see exactly when the
 * server answers or that must not spend the test process's own time encoding (nodemailer does that
 * work on the event loop the in-process server shares).
 */
export class RawSmtp {
  private buffered = ''
  private waiting: ((line: string) => void) | null = null
  readonly lines: string[] = []
  closed = false

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (data: string) => {
      this.buffered += data
      let end: number
      while ((end = this.buffered.indexOf('\r\n')) !== -1) {
        const line = this.buffered.slice(0, end)
        this.buffered = this.buffered.slice(end + 2)
        // Multi-line replies ("250-...") end with a line whose code is followed by a space.
        if (/^\d{3}-/.test(line)) continue
        this.lines.push(line)
        const waiter = this.waiting
        this.waiting = null
        waiter?.(line)
      }
    })
    socket.on('close', () => (this.closed = true))
    socket.on('error', () => undefined) // the server hangs up on us on purpose here
  }

  static connect(port: number): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawSmtp(socket)))
      socket.once('error', reject)
    })
  }

  reply(): Promise<string> {
    const ready = this.lines.shift()
    if (ready !== undefined) return Promise.resolve(ready)
    return new Promise((resolve) => {
      this.waiting = (line) => {
        this.lines.shift()
        resolve(line)
      }
    })
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`)
    return this.reply()
  }

  /** EHLO, MAIL FROM and RCPT TO, each expected to be accepted, then DATA (354). */
  async begin(from: string, to: string[]): Promise<void> {
    const expectReply = async (line: string, code: string) => {
      const reply = await this.command(line)
      if (!reply.startsWith(code)) throw new Error(`${line}: ${reply}`)
    }
    const greeting = await this.reply()
    if (!greeting.startsWith('220')) throw new Error(`greeting: ${greeting}`)
    await expectReply('EHLO client.test', '250')
    await expectReply(`MAIL FROM:<${from}>`, '250')
    for (const rcpt of to) await expectReply(`RCPT TO:<${rcpt}>`, '250')
    await expectReply('DATA', '354')
  }

  /** Writes a mail's data (CRLF lines, none starting with a dot) in small chunks, then the final dot; resolves with the reply. */
  async data(raw: Buffer, chunkBytes = 64 * 1024): Promise<string> {
    const answer = this.reply()
    for (let at = 0; at < raw.length; at += chunkBytes) {
      if (!this.socket.write(raw.subarray(at, at + chunkBytes))) await new Promise<void>((resolve) => this.socket.once('drain', resolve))
    }
    this.socket.write('\r\n.\r\n')
    return answer
  }
}
