// The agent's default handlers: forward each request (and upgrade) that arrives through the
// tunnel to the member's API server, presenting the agent's own credential instead of whatever
// came in. Watches and logs stream through (piped, flushed per chunk); upgrades (exec, attach,
// port-forward) are spliced byte for byte after the request head is rewritten. The hub's
// Impersonate-* headers pass through unchanged: the member's RBAC judges the hub user's mapped
// identity (docs/registration.md), the agent's own credential only vouches for the impersonation.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { request as httpRequest } from 'node:http'
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { connect as netConnect } from 'node:net'
import type { Duplex } from 'node:stream'
import { connect as tlsConnect } from 'node:tls'
import { authHeadersFor, httpsAgentFor, type RestConfig } from '../client/rest-config.ts'
import { connectionTokens, HOP_BY_HOP } from '../util/http-headers.ts'
import { relayBody } from '../util/relay.ts'

export interface ForwarderOptions {
  /** Adjusts the outgoing request headers (after hop-by-hop and credential headers are removed). */
  headers?: (out: Record<string, string | string[]>, req: IncomingMessage) => void
}

export interface Forwarder {
  onRequest(req: IncomingMessage, res: ServerResponse): void
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  close(): void
}

// Hop-by-hop headers describe one hop and are not forwarded; credentials are replaced.
const HOP = new Set([...HOP_BY_HOP, 'host', 'authorization'])

function outgoingHeaders(req: IncomingMessage, auth: Record<string, string>, host: string) {
  const out: Record<string, string | string[]> = {}
  const extraHop = connectionTokens(req.rawHeaders)
  // headersDistinct, not headers: Node joins repeated headers with ", ", and kube-apiserver reads
  // each Impersonate-Group / Impersonate-Extra-* line as one value (no comma splitting), so the
  // hub's Impersonate-* lines must reach the member as separate lines, unchanged.
  for (const [k, v] of Object.entries(req.headersDistinct)) {
    if (v === undefined || HOP.has(k) || extraHop?.has(k)) continue
    out[k] = v.length === 1 ? v[0] : v
  }
  out.host = host
  Object.assign(out, auth)
  return out
}

function responseHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v
  return out
}

export function memberForwarder(target: RestConfig, opts: ForwarderOptions = {}): Forwarder {
  const base = new URL(target.server)
  const secure = base.protocol === 'https:'
  const agent: HttpsAgent | undefined = secure ? httpsAgentFor(target, { maxSockets: 256 }) : undefined
  const auth = authHeadersFor(target)
  const prefix = base.pathname.replace(/\/+$/, '')
  const hostname = base.hostname.replace(/^\[|\]$/g, '')
  const port = Number(base.port || (secure ? 443 : 80))

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const headers = outgoingHeaders(req, auth, base.host)
    opts.headers?.(headers, req)
    const out = (secure ? httpsRequest : httpRequest)({
      hostname,
      port,
      method: req.method,
      path: prefix + (req.url ?? '/'),
      headers,
      agent,
    })
    out.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, responseHeaders(up.headers))
      relayBody(up, res)
    })
    out.on('error', (e) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const body = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `the agent cannot reach the cluster's API server: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
        reason: 'ServiceUnavailable',
        code: 503,
      })
      res.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    })
    // The hub went away (a watch stopped, the tunnel died): stop the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy()
    })
    req.pipe(out)
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const headers = outgoingHeaders(req, auth, base.host)
    opts.headers?.(headers, req)
    headers.connection = 'Upgrade'
    headers.upgrade = String(req.headers.upgrade ?? '')
    let text = `${req.method} ${prefix}${req.url ?? '/'} HTTP/1.1\r\n`
    for (const [k, v] of Object.entries(headers)) {
      for (const one of Array.isArray(v) ? v : [v]) text += `${k}: ${one.replace(/[\r\n]/g, '')}\r\n`
    }
    text += '\r\n'
    const upstream = secure
      ? tlsConnect({
          host: hostname,
          port,
          ca: target.ca,
          cert: target.cert,
          key: target.key,
          rejectUnauthorized: !target.insecure,
          servername: target.tlsServerName ?? (/^[\d.]+$|:/.test(hostname) ? undefined : hostname),
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host: hostname, port })
    const kill = () => {
      upstream.destroy()
      socket.destroy()
    }
    upstream.on('error', kill)
    socket.on('error', kill)
    // Each side's end is passed on by pipe(); a closed hub side ends the member connection.
    socket.on('close', () => upstream.destroy())
    upstream.write(text)
    if (head.length) upstream.write(head)
    upstream.pipe(socket)
    socket.pipe(upstream)
  }

  return { onRequest, onUpgrade, close: () => agent?.destroy() }
}
