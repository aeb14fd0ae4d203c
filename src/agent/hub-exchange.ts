// The one hub call the agent makes besides the tunnel: `POST /agent/v1/credentials` on the agent
// port (docs/registration.md), exchanging a bootstrap token — or the current cluster credential,
// to rotate it — for a new cluster credential. TLS verifies the hub with FLOTILLA_HUB_CA_DATA.

import { HttpClient } from '../client/http-client.ts'
import type { AgentConfig } from './config.ts'

export const CREDENTIALS_PATH = '/agent/v1/credentials'

export interface IssuedCredential {
  credential: string
  /** Epoch ms. */
  expiresAt: number
  /** Epoch ms (when we got it; used to time the rotation). */
  issuedAt: number
}

/** The hub answered with an error status (401: token unknown/used/expired/revoked, 403: other cluster). */
export class HubRefusedError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
])

/** A network error as an operator can act on it: TLS verification failures name the CA setting. */
export function describeHubError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  if (code && TLS_CODES.has(code)) {
    return `cannot verify the hub's certificate with FLOTILLA_HUB_CA_DATA (${code}): is it the hub's CA, and does the certificate name the FLOTILLA_HUB_URL host?`
  }
  if (code === 'ECONNREFUSED')
    return `the hub refused the connection (ECONNREFUSED): is FLOTILLA_HUB_URL its agent port?`
  return (e as Error)?.message ?? String(e)
}

export class HubExchange {
  private readonly client: HttpClient
  private readonly cluster: string
  private readonly agentId: string

  constructor(cfg: Pick<AgentConfig, 'hubURL' | 'hubCA' | 'cluster' | 'agentId'>, opts: { timeoutMs?: number } = {}) {
    this.client = HttpClient.fromConfig(
      { server: cfg.hubURL, ca: cfg.hubCA },
      { userAgent: 'flotilla-agent', timeoutMs: opts.timeoutMs ?? 15_000 },
    )
    this.cluster = cfg.cluster
    this.agentId = cfg.agentId
  }

  /** Exchanges `bearer` (bootstrap token or current credential) for a new cluster credential. */
  async exchange(bearer: string): Promise<IssuedCredential> {
    const issuedAt = Date.now()
    const res = await this.client.raw('POST', CREDENTIALS_PATH, {
      headers: { authorization: `Bearer ${bearer}` },
      body: { cluster: this.cluster, agentID: this.agentId },
    })
    let body: { message?: string; credential?: unknown; expirationTimestamp?: unknown; cluster?: unknown } = {}
    try {
      body = JSON.parse(res.body.toString('utf8'))
    } catch {
      // not JSON: handled below
    }
    if (res.status !== 201 && res.status !== 200) {
      const message = typeof body.message === 'string' ? body.message : `HTTP ${res.status}`
      throw new HubRefusedError(res.status, message.slice(0, 500))
    }
    const expiresAt = typeof body.expirationTimestamp === 'string' ? Date.parse(body.expirationTimestamp) : Number.NaN
    if (typeof body.credential !== 'string' || !body.credential || Number.isNaN(expiresAt)) {
      throw new Error('the hub answered the credential exchange without a credential and expirationTimestamp')
    }
    if (body.cluster !== undefined && body.cluster !== this.cluster) {
      throw new Error(`the hub issued a credential for cluster "${String(body.cluster)}", not "${this.cluster}"`)
    }
    return { credential: body.credential, expiresAt, issuedAt }
  }

  close(): void {
    this.client.close()
  }
}
