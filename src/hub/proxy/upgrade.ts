// Forwards an upgrade request (exec, attach, port-forward over WebSocket or SPDY/3.1) to a
// member: the rewritten request head goes out on a fresh connection to the member, and the
// member's answer comes back. A 101 is relayed byte for byte (the hub never interprets the
// WebSocket or SPDY framing) and then the two sockets are joined until either side closes; any
// other answer (403, 404, the kubelet's 500 …) is relayed as an ordinary response.

import type { ClientRequest, IncomingMessage, RequestOptions, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { type Duplex, pipeline } from 'node:stream'
import { StatusError, timeout } from '../../machinery/errors.ts'
import type { MemberEndpoint } from '../members/directory.ts'
import { type ForwardRequest, memberHeaders, unreachable } from './forward.ts'
import { rawHeader, requestHeaders, responseHeaders } from './headers.ts'
import { targetOf } from './target.ts'

/** How long the member may take to answer an upgrade request (kubelet included). */
const UPGRADE_TIMEOUT_MS = 30_000

export function forwardUpgrade(f: ForwardRequest): Promise<void> {
  const { req, res, endpoint } = f
  const t = targetOf(endpoint)
  const fwd = requestHeaders(req.rawHeaders)
  const own = ['Connection', 'Upgrade', 'Upgrade', req.headers.upgrade ?? '']
  if (req.socket.remoteAddress) own.push('X-Forwarded-For', req.socket.remoteAddress)
  // Without a length, Node's client would frame an empty POST body as chunked, and the member
  // would read that terminating chunk as the first bytes of the upgraded stream.
  if (rawHeader(fwd.headers, 'content-length') === undefined) own.push('Content-Length', '0')
  const headers = memberHeaders(f, t.host, fwd, own)

  return new Promise<void>((resolve, reject) => {
    let settled = false
    const done = (err?: StatusError) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (err) reject(err)
      else resolve()
    }
    const options: RequestOptions = {
      hostname: t.hostname,
      port: t.port,
      method: req.method,
      path: t.basePath + f.path,
      headers,
      ...connection(endpoint),
    }
    let upstream: ClientRequest
    try {
      upstream = t.request(options)
    } catch (e) {
      done(new StatusError(400, 'BadRequest', `cannot forward the request: ${(e as Error).message}`))
      return
    }
    const timer = setTimeout(() => {
      upstream.destroy()
      done(timeout(`the member cluster "${f.cluster}" did not answer the upgrade within ${UPGRADE_TIMEOUT_MS} ms`))
    }, UPGRADE_TIMEOUT_MS)
    // The caller hung up while the member was still deciding.
    const callerGone = () => {
      upstream.destroy()
      done()
    }
    req.socket.once('close', callerGone)
    upstream.once('error', (err) => {
      if (!res.headersSent) done(unreachable(f.cluster, err))
      else res.destroy()
    })
    upstream.once('upgrade', (ures, memberSocket, head) => {
      req.socket.off('close', callerGone)
      if (settled) {
        memberSocket.destroy()
        return
      }
      clearTimeout(timer)
      join(req.socket, memberSocket, ures, head, f.auditId, res)
      let open = 2
      const closed = () => {
        if (--open === 0) done()
      }
      req.socket.once('close', closed)
      memberSocket.once('close', closed)
    })
    upstream.once('response', (ures) => {
      req.socket.off('close', callerGone)
      clearTimeout(timer)
      if (settled) {
        ures.destroy()
        return
      }
      res.writeHead(ures.statusCode ?? 502, ures.statusMessage, responseHeaders(ures.rawHeaders))
      pipeline(ures, res, () => done())
    })
    upstream.end()
  })
}

/** A dedicated connection (an endpoint's own dialer, e.g. a tunnel) or the endpoint's pool. */
function connection(endpoint: MemberEndpoint): Pick<RequestOptions, 'agent' | 'createConnection'> {
  const dial = endpoint.connect
  // (No agent at all: Node only calls createConnection when `agent` is undefined.)
  if (dial) return { agent: undefined, createConnection: () => dial() as Socket }
  // A socket taken over by an upgrade leaves the agent's pool for good.
  return { agent: endpoint.agent }
}

/** Relays the member's 101 to the caller and joins the two byte streams. */
function join(
  caller: Duplex,
  member: Duplex,
  ures: IncomingMessage,
  head: Buffer,
  auditId: string,
  res: ServerResponse,
): void {
  // Hop-by-hop headers stay: Connection and Upgrade are the answer itself.
  let text = `HTTP/1.1 ${ures.statusCode} ${ures.statusMessage || 'Switching Protocols'}\r\n`
  const raw = ures.rawHeaders
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'audit-id') text += `${raw[i]}: ${raw[i + 1]}\r\n`
  }
  text += `Audit-Id: ${auditId}\r\n\r\n`
  // For the request's metrics and audit record: the session was accepted.
  res.statusCode = 101
  const destroyBoth = () => {
    caller.destroy()
    member.destroy()
  }
  caller.on('error', destroyBoth)
  member.on('error', destroyBoth)
  caller.once('close', () => member.destroy())
  member.once('close', () => caller.destroy())
  for (const s of [caller, member] as Socket[]) {
    s.setNoDelay?.(true)
    s.setTimeout?.(0)
  }
  caller.write(text)
  if (head.length > 0) caller.write(head)
  // pipe() with its default end:true passes half-closes on (SPDY and WebSocket close frames
  // travel as data; a FIN from either side ends the other's writing side).
  member.pipe(caller)
  caller.pipe(member)
}
