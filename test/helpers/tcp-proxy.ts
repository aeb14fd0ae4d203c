// A TCP relay on loopback in front of a server, for tests that need a client to lag: pause()
// holds everything the server sends (it is still read from the server, so the server sees no
// back-pressure and can finish its responses) until resume() delivers it, in order. TLS passes
// through untouched; the server's certificate names 127.0.0.1, which is where the relay listens.

import { createServer, type Socket, connect as tcpConnect } from 'node:net'

export interface TcpProxy {
  port: number
  /** Holds server-to-client data (and connection ends) until resume(). */
  pause(): void
  /** Delivers what was held and forwards again. */
  resume(): void
  /** Bytes held right now. */
  heldBytes(): number
  close(): Promise<void>
}

interface Pair {
  client: Socket
  upstream: Socket
  held: Buffer[]
  upstreamEnded: boolean
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let paused = false
  const pairs = new Set<Pair>()

  const flush = (p: Pair) => {
    for (const b of p.held) p.client.write(b)
    p.held = []
    if (p.upstreamEnded) p.client.end()
  }

  const server = createServer((client) => {
    const upstream = tcpConnect(targetPort, targetHost)
    const pair: Pair = { client, upstream, held: [], upstreamEnded: false }
    pairs.add(pair)
    client.on('data', (d: Buffer) => upstream.write(d))
    client.on('end', () => upstream.end())
    upstream.on('data', (d: Buffer) => {
      if (paused) pair.held.push(d)
      else client.write(d)
    })
    upstream.on('end', () => {
      pair.upstreamEnded = true
      if (!paused) client.end()
    })
    const destroy = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', destroy)
    upstream.on('error', destroy)
    client.on('close', () => {
      pairs.delete(pair)
      upstream.destroy()
    })
    upstream.on('close', () => {
      // Whatever is held is delivered on resume(); only then does the client see the close.
      if (!paused) {
        pairs.delete(pair)
        client.end()
      }
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no port')

  return {
    port: address.port,
    pause() {
      paused = true
    },
    resume() {
      paused = false
      for (const p of [...pairs]) flush(p)
    },
    heldBytes() {
      let n = 0
      for (const p of pairs) for (const b of p.held) n += b.length
      return n
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy()
        p.upstream.destroy()
      }
      pairs.clear()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
