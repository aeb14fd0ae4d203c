// Header rewriting for proxied requests, on raw header lists ([name, value, name, value ...], as
// IncomingMessage.rawHeaders) so duplicates survive and nothing is re-parsed.
//
// Towards the member, dropped: hop-by-hop headers (RFC 9110 §7.6.1, plus any the Connection
// header names), Host (set to the member's), the caller's Authorization (the member gets the
// hub's credential instead), every Impersonate-* header (the hub has already applied them to
// decide who the caller is; the member sees that identity, mapped), X-Remote-* (front-proxy
// identity headers must never come from a caller), and Audit-Id (the hub's own is sent, so both
// audit logs share it). Added: X-Forwarded-For with the caller's address.
// Towards the caller, dropped: hop-by-hop headers and the member's Audit-Id (the hub's stays).

import { connectionTokens, HOP_BY_HOP } from '../../util/http-headers.ts'

const REQUEST_DROP = new Set([...HOP_BY_HOP, 'host', 'authorization', 'audit-id', 'x-forwarded-for'])
const RESPONSE_DROP = new Set([...HOP_BY_HOP, 'audit-id'])

export interface ForwardedRequestHeaders {
  /** The headers to send, without hop-by-hop ones. */
  headers: string[]
  /** Whether the caller framed its body with Transfer-Encoding (the member request must too). */
  chunked: boolean
  /** The caller's X-Forwarded-For, if any. */
  forwardedFor?: string
}

export function requestHeaders(raw: string[]): ForwardedRequestHeaders {
  const listed = connectionTokens(raw)
  const headers: string[] = []
  let chunked = false
  let forwardedFor: string | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase()
    if (REQUEST_DROP.has(name) || name.startsWith('impersonate-') || name.startsWith('x-remote-')) {
      if (name === 'transfer-encoding') chunked = true
      else if (name === 'x-forwarded-for') forwardedFor = forwardedFor ? `${forwardedFor}, ${raw[i + 1]}` : raw[i + 1]
      continue
    }
    if (listed?.has(name)) continue
    headers.push(raw[i], raw[i + 1])
  }
  return { headers, chunked, forwardedFor }
}

export function responseHeaders(raw: string[]): string[] {
  const listed = connectionTokens(raw)
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase()
    if (RESPONSE_DROP.has(name) || listed?.has(name)) continue
    out.push(raw[i], raw[i + 1])
  }
  return out
}

/** The value of the first header `lowerName` in a raw list. */
export function rawHeader(raw: string[], lowerName: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === lowerName) return raw[i + 1]
  return undefined
}
