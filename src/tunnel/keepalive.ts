// HTTP/2 PING keepalives, run by both ends of a tunnel. TCP keepalive alone takes minutes to
// notice a peer behind a NAT that silently dropped the mapping; a PING every few seconds with
// a deadline finds a dead tunnel quickly, so the hub stops routing to it and the agent redials.
// One PING is outstanding at a time, so a slow peer is never flooded.

import type { Http2Session } from 'node:http2'
import { type KeepaliveOptions, TunnelError } from './protocol.ts'

/** Starts pinging `session`; destroys it when an ack is late. Stops by itself on close. */
export function startKeepalive(session: Http2Session, opts: KeepaliveOptions): () => void {
  let deadline: NodeJS.Timeout | undefined
  const tick = () => {
    if (deadline || session.destroyed || session.closed) return
    deadline = setTimeout(() => {
      session.destroy(new TunnelError('ETUNNELPING', `no PING ack within ${opts.pingTimeoutMs} ms`))
    }, opts.pingTimeoutMs)
    deadline.unref()
    try {
      session.ping((err) => {
        clearTimeout(deadline)
        deadline = undefined
        // An error here means the session is going away; its own close handling covers it.
        void err
      })
    } catch {
      // ping() throws on a session that is closing: nothing to keep alive any more.
      clearTimeout(deadline)
      deadline = undefined
    }
  }
  const interval = setInterval(tick, opts.pingIntervalMs)
  interval.unref()
  const stop = () => {
    clearInterval(interval)
    clearTimeout(deadline)
  }
  session.once('close', stop)
  return stop
}
