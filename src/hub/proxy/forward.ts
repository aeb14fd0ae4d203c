// Forwards one ordinary HTTP request to a member and streams the answer back: bodies flow in
// both directions through pipes (backpressure included, nothing buffered or re-parsed), so a
// watch, `logs -f` or a 10,000-item list reaches the caller as the member writes it. The
// member's status and headers pass through unchanged (a member error is its own Status). A
// caller that goes away aborts the member request, and a member that breaks off mid-answer
// breaks the caller's response off too.

import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http'
import { StatusError, serviceUnavailable, timeout } from '../../machinery/errors.ts'
import { relayBody } from '../../util/relay.ts'
import type { MemberEndpoint } from '../members/directory.ts'
import { type ForwardedRequestHeaders, requestHeaders, responseHeaders } from './headers.ts'
import { targetOf } from './target.ts'

export interface ForwardRequest {
  cluster: string
  endpoint: MemberEndpoint
  req: IncomingMessage
  res: ServerResponse
  /** Member path (no prefix) plus the raw query string, e.g. "/api/v1/pods?limit=500". */
  path: string
  /** Identity and credential headers to add (raw list). */
  extraHeaders: readonly string[]
  /** The hub's audit id, sent along so both audit logs carry it. */
  auditId: string
  /** How long the member may take to answer with a status line (not for streams). */
  headersTimeoutMs?: number
}

/** Methods whose requests never carry a body unless the caller framed one. */
const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS', 'DELETE'])

/** The Status for a member that could not be reached or broke off before answering. */
export function unreachable(cluster: string, err: Error & { code?: string }): StatusError {
  const why = err.code ?? err.message
  return serviceUnavailable(`the member cluster "${cluster}" is unreachable: ${why}`)
}

/**
 * The header list sent to the member: the caller's (as requestHeaders left them), Host and the
 * hub's Audit-Id, then `own` (what this kind of forwarding adds), the endpoint's credential and
 * the identity headers.
 */
export function memberHeaders(f: ForwardRequest, host: string, fwd: ForwardedRequestHeaders, own: string[]): string[] {
  const headers = fwd.headers
  headers.push('Host', host, 'Audit-Id', f.auditId, ...own)
  for (const [k, v] of Object.entries(f.endpoint.authHeaders)) headers.push(k, v)
  for (let i = 0; i < f.extraHeaders.length; i++) headers.push(f.extraHeaders[i])
  return headers
}

/** Resolves once the exchange is over; rejects (with a Status) only before any response byte. */
export function forward(f: ForwardRequest): Promise<void> {
  const { req, res, endpoint } = f
  const t = targetOf(endpoint)
  const fwd = requestHeaders(req.rawHeaders)
  const method = req.method ?? 'GET'
  const own: string[] = []
  const caller = req.socket.remoteAddress
  if (caller || fwd.forwardedFor) own.push('X-Forwarded-For', [fwd.forwardedFor, caller].filter(Boolean).join(', '))
  if (fwd.chunked) own.push('Transfer-Encoding', 'chunked')
  const headers = memberHeaders(f, t.host, fwd, own)

  return new Promise<void>((resolve, reject) => {
    let settled = false
    const done = (err?: StatusError) => {
      if (settled) return
      settled = true
      if (err) reject(err)
      else resolve()
    }
    let upstream: ClientRequest
    try {
      upstream = t.request({
        hostname: t.hostname,
        port: t.port,
        method,
        path: t.basePath + f.path,
        agent: endpoint.agent,
        headers,
      })
    } catch (e) {
      // Invalid header values and the like, before anything was sent.
      done(new StatusError(400, 'BadRequest', `cannot forward the request: ${(e as Error).message}`))
      return
    }
    let headerTimer: NodeJS.Timeout | undefined
    if (f.headersTimeoutMs) {
      headerTimer = setTimeout(() => {
        upstream.destroy()
        done(timeout(`the member cluster "${f.cluster}" did not answer within ${f.headersTimeoutMs} ms`))
      }, f.headersTimeoutMs)
    }
    // The caller went away before the member's answer was fully relayed: abort the member request.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy()
      clearTimeout(headerTimer)
      done()
    })
    upstream.once('error', (err) => {
      clearTimeout(headerTimer)
      if (!res.headersSent) done(unreachable(f.cluster, err))
      else res.destroy(err)
    })
    upstream.once('response', (ures) => {
      clearTimeout(headerTimer)
      if (settled) {
        ures.destroy()
        return
      }
      res.writeHead(ures.statusCode ?? 502, ures.statusMessage, responseHeaders(ures.rawHeaders))
      relayBody(ures, res, done)
    })
    if (!fwd.chunked && BODYLESS.has(method) && !hasContentLength(req)) upstream.end()
    else {
      // pipe(), not pipeline(): a member failure must not destroy the caller's socket, which
      // still has to carry the 503.
      req.pipe(upstream)
      req.once('error', (err) => upstream.destroy(err))
    }
  })
}

function hasContentLength(req: IncomingMessage): boolean {
  const v = req.headers['content-length']
  return v !== undefined && v !== '0'
}
