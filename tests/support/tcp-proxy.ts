import net from 'node:net'

export interface TcpProxy {
  url: string
  port: number
  /** Drops every open connection and refuses new ones: a real network loss for whoever uses the proxy. */
  cut(): void
  /** Stops carrying bytes while keeping every connection open: a network that silently went away
   *  (a tablet leaving the building), which only timeouts can notice. Bytes wait, as TCP would
   *  retransmit them, and flow again on restore. */
  freeze(): void
  /** Accepts connections again, and carries bytes again after a freeze. */
  restore(): void
  /** Sends new connections to another server from now on (open ones stay where they are): a load
   *  balancer moving clients to the surviving process. */
  retarget(target: { host: string; port: number }): void
  close(): Promise<void>
}

/**
 * A loopback TCP proxy in front of the server. Chromium's offline emulation leaves WebSockets open, so
 * tests that need a real network loss for one agent route that agent through here and cut it.
 */
export async function startTcpProxy(initial: { host: string; port: number }): Promise<TcpProxy> {
  let target = initial
  const sockets = new Set<net.Socket>()
  let cut = false
  let frozen = false
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy()
      return
    }
    const upstream = net.connect(target.port, target.host)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream)
    upstream.pipe(client)
    if (frozen) for (const s of [client, upstream]) s.pause()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    cut() {
      cut = true
      for (const s of sockets) s.destroy()
    },
    freeze() {
      frozen = true
      for (const s of sockets) s.pause()
    },
    retarget(next) {
      target = next
    },
    restore() {
      cut = false
      frozen = false
      for (const s of sockets) s.resume()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
