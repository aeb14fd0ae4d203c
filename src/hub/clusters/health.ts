// Health checks of a member's API server: GET /readyz (falling back to /healthz where /readyz
// does not exist, as Karmada does), and GET /version. Failures are classified so the Cluster's
// Ready condition says what is wrong: the member rejected the hub's credential (Unauthorized,
// Forbidden), the TLS handshake failed (wrong CA, wrong name, expired certificate), or the
// member could not be reached or is not ready.

import type { RawResponse } from '../../client/http-client.ts'
import type { ProbeFailureReason, ProbeOutcome } from './conditions.ts'

/** The part of HttpClient the checks need (tests can use any server). */
export interface RawRequester {
  raw(method: string, path: string, opts?: { timeoutMs?: number }): Promise<RawResponse>
}

/** OpenSSL verification codes and Node's TLS error codes. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'EPROTO',
])

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code
  return typeof code === 'string' ? code : ''
}

/** The reason and message for a request that got no HTTP answer. */
export function classifyNetworkError(e: unknown): { reason: ProbeFailureReason; message: string } {
  const code = errorCode(e)
  const text = e instanceof Error ? e.message : String(e)
  const message = code && !text.includes(code) ? `${code}: ${text}` : text
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return { reason: 'TLSError', message: `TLS handshake with the member failed: ${message}` }
  }
  return { reason: 'Unreachable', message: `cannot reach the member's API server: ${message}` }
}

function excerpt(body: Buffer): string {
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim()
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

function failureFor(path: string, res: RawResponse): ProbeOutcome {
  if (res.status === 401) {
    return {
      ok: false,
      reason: 'Unauthorized',
      message: `the member rejected the hub's credential (GET ${path}: 401); update the kubeconfig Secret`,
    }
  }
  if (res.status === 403) {
    return {
      ok: false,
      reason: 'Forbidden',
      message: `the member denied the hub's identity access to ${path} (403); grant it in the member or use another credential`,
    }
  }
  const body = excerpt(res.body)
  return {
    ok: false,
    reason: 'NotReady',
    message: `the member's API server is not ready (GET ${path}: ${res.status}${body ? ` ${body}` : ''})`,
  }
}

/** One health check: /readyz, or /healthz when the member has no /readyz. */
export async function probeMember(client: RawRequester, timeoutMs: number): Promise<ProbeOutcome> {
  try {
    let path = '/readyz'
    let res = await client.raw('GET', path, { timeoutMs })
    if (res.status === 404) {
      path = '/healthz'
      res = await client.raw('GET', path, { timeoutMs })
    }
    if (res.status >= 200 && res.status < 300) return { ok: true, path }
    return failureFor(path, res)
  } catch (e) {
    return { ok: false, ...classifyNetworkError(e) }
  }
}

/**
 * Whether the member accepts the hub's credential: GET /api (discovery, which every
 * authenticated identity may read). Health endpoints may answer without checking credentials
 * at all, so a wrong token would otherwise look healthy. Undefined when it does.
 */
export async function checkCredentials(
  client: RawRequester,
  timeoutMs: number,
): Promise<Extract<ProbeOutcome, { ok: false }> | undefined> {
  try {
    const res = await client.raw('GET', '/api', { timeoutMs })
    if (res.status === 401 || res.status === 403) return failureFor('/api', res) as Extract<ProbeOutcome, { ok: false }>
    return undefined
  } catch (e) {
    return { ok: false, ...classifyNetworkError(e) }
  }
}

/** The member's gitVersion from GET /version, or undefined when it does not say. */
export async function fetchVersion(client: RawRequester, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await client.raw('GET', '/version', { timeoutMs })
    if (res.status < 200 || res.status > 299) return undefined
    const v = (JSON.parse(res.body.toString('utf8')) as { gitVersion?: unknown }).gitVersion
    return typeof v === 'string' && v ? v.slice(0, 64) : undefined
  } catch {
    return undefined
  }
}
