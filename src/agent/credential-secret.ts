// The member Secret `<namespace>/flotilla-agent-credential` that every agent replica and every
// restart shares the cluster credential through (docs/registration.md: keys `credential` and
// `expirationTimestamp`; the agent also writes `issuedTimestamp` to time its rotation). Writes
// are compare-and-swap: create fails with 409 when another replica created it first, update
// carries the resourceVersion read, so two replicas never overwrite each other blindly.

import { HttpClient, statusErrorFrom } from '../client/http-client.ts'
import type { IssuedCredential } from './hub-exchange.ts'
import type { MemberAccess } from './member-access.ts'

export interface SecretState {
  /** The Secret exists (possibly without a usable credential). */
  exists: boolean
  resourceVersion?: string
  /** Its credential, when it holds a well-formed one. */
  credential?: IssuedCredential
}

export type WriteResult = 'stored' | 'conflict'

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64')
}

function unb64(v: unknown): string | undefined {
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined
}

export class CredentialSecret {
  private readonly client: HttpClient
  private readonly access: MemberAccess
  readonly namespace: string
  readonly name: string

  constructor(access: MemberAccess, namespace: string, name: string) {
    this.access = access
    this.client = HttpClient.fromConfig(access.config, { userAgent: 'flotilla-agent', timeoutMs: 15_000 })
    this.namespace = namespace
    this.name = name
  }

  private get path(): string {
    return `/api/v1/namespaces/${this.namespace}/secrets`
  }

  private request(method: string, path: string, body?: unknown) {
    return this.client.raw(method, path, { body, headers: this.access.authHeaders() })
  }

  async read(): Promise<SecretState> {
    const res = await this.request('GET', `${this.path}/${this.name}`)
    if (res.status === 404) return { exists: false }
    if (res.status !== 200) throw describe(statusErrorFrom(res.status, res.body), `read Secret ${this.where}`)
    const obj = JSON.parse(res.body.toString('utf8')) as {
      metadata?: { resourceVersion?: string }
      data?: Record<string, unknown>
    }
    const state: SecretState = { exists: true, resourceVersion: obj.metadata?.resourceVersion }
    const credential = unb64(obj.data?.credential)?.trim()
    const expiresAt = Date.parse(unb64(obj.data?.expirationTimestamp) ?? '')
    const issued = Date.parse(unb64(obj.data?.issuedTimestamp) ?? '')
    // A Secret without a well-formed credential (emptied by hand, half-written) counts as none.
    if (credential && !Number.isNaN(expiresAt)) {
      state.credential = { credential, expiresAt, issuedAt: Number.isNaN(issued) ? Number.NaN : issued }
    }
    return state
  }

  get where(): string {
    return `${this.namespace}/${this.name}`
  }

  /** Stores `c`: creates the Secret when `previous` says it does not exist, else updates that version. */
  async write(c: IssuedCredential, previous: SecretState): Promise<WriteResult> {
    const obj = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'flotilla-agent' },
        ...(previous.exists ? { resourceVersion: previous.resourceVersion } : {}),
      },
      data: {
        credential: b64(c.credential),
        expirationTimestamp: b64(new Date(c.expiresAt).toISOString()),
        issuedTimestamp: b64(new Date(c.issuedAt).toISOString()),
      },
    }
    if (previous.exists) {
      const res = await this.request('PUT', `${this.path}/${this.name}`, obj)
      if (res.status === 200 || res.status === 201) return 'stored'
      // 409: another replica wrote first; 404: deleted meanwhile. Either way: re-read and decide.
      if (res.status === 409 || res.status === 404) return 'conflict'
      throw describe(statusErrorFrom(res.status, res.body), `update Secret ${this.where}`)
    }
    let res = await this.request('POST', this.path, obj)
    if (res.status === 404) {
      // Outside a cluster the manifest has not run: make the namespace (best effort), then retry.
      await this.request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: this.namespace },
      })
      res = await this.request('POST', this.path, obj)
    }
    if (res.status === 201 || res.status === 200) return 'stored'
    if (res.status === 409) return 'conflict'
    throw describe(statusErrorFrom(res.status, res.body), `create Secret ${this.where}`)
  }

  close(): void {
    this.client.close()
  }
}

function describe(e: Error & { code?: number }, what: string): Error {
  const hint =
    e.code === 403 || e.code === 401
      ? ' (the agent needs get/create/update on this Secret: the registration manifest grants it)'
      : ''
  return new Error(`cannot ${what} in the member cluster: ${e.message}${hint}`)
}
