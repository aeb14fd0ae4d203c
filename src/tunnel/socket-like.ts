// An HTTP/2 stream standing in for a TCP socket. node:http's client and server, and code that
// pipes upgraded connections, call a few net.Socket methods (setNoDelay, setKeepAlive, ref,
// unref) that an Http2Stream lacks; on a stream inside a tunnel they have nothing to do (the
// tunnel's own TLS socket has no-delay and keepalive set once), so they become no-ops here.

import type { Http2Stream } from 'node:http2'
import type { Duplex } from 'node:stream'

export interface TunnelSocket extends Duplex {
  setNoDelay(noDelay?: boolean): this
  setKeepAlive(enable?: boolean, initialDelay?: number): this
  ref(): this
  unref(): this
  setTimeout(ms: number, cb?: () => void): this
}

const noop = function (this: unknown) {
  return this
}

type WritevChunk = { chunk: Buffer | string; encoding: BufferEncoding }
type Writev = (chunks: WritevChunk[], cb: (err?: Error | null) => void) => void

export function asSocket(stream: Http2Stream): TunnelSocket {
  const s = stream as unknown as Record<string, unknown>
  for (const m of ['setNoDelay', 'setKeepAlive', 'ref', 'unref']) {
    if (typeof s[m] !== 'function') s[m] = noop
  }
  // Node 24 corrupts data when a corked write mixes strings and Buffers on an Http2Stream
  // (node:http writes the response head as a latin1 string, then body Buffers): the first 16
  // bytes of the head arrive overwritten, as if the copy of the string were freed before
  // nghttp2 sent it. Handing the stream Buffers only takes the path where JS keeps them alive.
  const writev = s._writev as Writev
  s._writev = function (this: unknown, chunks: WritevChunk[], cb: (err?: Error | null) => void) {
    let mixed = false
    for (const c of chunks) if (typeof c.chunk === 'string') mixed = true
    if (!mixed) return writev.call(this, chunks, cb)
    const buffers = chunks.map((c) =>
      typeof c.chunk === 'string' ? { chunk: Buffer.from(c.chunk, c.encoding), encoding: 'buffer' } : c,
    ) as WritevChunk[] & { allBuffers?: boolean }
    buffers.allBuffers = true
    return writev.call(this, buffers, cb)
  }
  return stream as unknown as TunnelSocket
}
