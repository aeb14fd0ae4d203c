// A stand-in for the hub's agent port, for agent tests while the hub's registration side is being
// built: a real TunnelListener (real TLS, data-dir CA) plus `POST /agent/v1/credentials` with the
// contract's semantics (docs/registration.md) — single-use expiring bootstrap tokens, credentials
// with a lifetime, rotation keeping the old credential valid for a grace period, 403 across
// clusters, and revocation that closes the cluster's tunnels. It counts exchanges and tunnel
// dials so tests can check that nothing is done twice and that refused agents back off.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultSANs, ensureServingCertificate } from '../../src/security/pki.ts'
import { TunnelAuthError, TunnelListener } from '../../src/tunnel/hub-listener.ts'
import { TunnelRegistry } from '../../src/tunnel/registry.ts'

interface Credential {
  cluster: string
  expiresAt: number
}

export interface FakeAgentHub {
  url: string
  caCert: string
  registry: TunnelRegistry
  /** Successful exchanges: bootstrap (first) and rotations. */
  exchanges: { kind: 'bootstrap' | 'rotation'; cluster: string; agentID: string }[]
  /** Refused exchanges (any status ≠ 201). */
  refusedExchanges: number
  /** Tunnel dials that reached authentication, and those refused. */
  dials: { cluster: string; agentId: string; ok: boolean; at: number }[]
  /** Issues a single-use bootstrap token for `cluster` (earlier unused ones are invalidated). */
  bootstrap(cluster: string, ttlMs?: number): string
  /** Revokes every credential of the cluster and closes its tunnels. */
  revoke(cluster: string): void
  /** Whether `credential` is currently valid. */
  valid(credential: string): boolean
  dispose(): Promise<void>
}

export async function startFakeAgentHub(opts: { credentialTtlMs?: number; rotationGraceMs?: number } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-fakehub-'))
  const pki = ensureServingCertificate(dataDir, defaultSANs('127.0.0.1'))
  const registry = new TunnelRegistry()
  const bootstraps = new Map<string, { cluster: string; expiresAt: number; used: boolean }>()
  const credentials = new Map<string, Credential>()
  const ttl = opts.credentialTtlMs ?? 24 * 3600_000
  const grace = opts.rotationGraceMs ?? 5 * 60_000

  const live = (c: string): Credential | undefined => {
    const cred = credentials.get(c)
    return cred && cred.expiresAt > Date.now() ? cred : undefined
  }

  const send = (res: ServerResponse, code: number, obj: unknown) => {
    const body = JSON.stringify(obj)
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }
  const status = (res: ServerResponse, code: number, reason: string, message: string) =>
    send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code })

  const hub: FakeAgentHub = {
    url: '',
    caCert: pki.caCert,
    registry,
    exchanges: [],
    refusedExchanges: 0,
    dials: [],
    bootstrap(cluster, ttlMs = 3600_000) {
      for (const [k, b] of bootstraps) if (b.cluster === cluster && !b.used) bootstraps.delete(k)
      const token = `flb_${randomBytes(10).toString('hex').slice(0, 16)}.${randomBytes(32).toString('base64url')}`
      bootstraps.set(token, { cluster, expiresAt: Date.now() + ttlMs, used: false })
      return token
    },
    revoke(cluster) {
      for (const [k, c] of credentials) if (c.cluster === cluster) credentials.delete(k)
      registry.closeCluster(cluster, 'credentials revoked')
    },
    valid: (c) => !!live(c),
    async dispose() {
      registry.closeAll()
      await listener.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }

  const onCredentials = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const refuse = (code: number, reason: string, message: string) => {
      hub.refusedExchanges++
      status(res, code, reason, message)
    }
    let body: { cluster?: unknown; agentID?: unknown }
    try {
      body = JSON.parse(raw)
    } catch {
      return refuse(400, 'BadRequest', 'the body is not JSON')
    }
    if (typeof body.cluster !== 'string' || typeof body.agentID !== 'string') {
      return refuse(400, 'BadRequest', 'cluster and agentID are required')
    }
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
    let kind: 'bootstrap' | 'rotation'
    const b = bootstraps.get(bearer)
    if (b) {
      if (b.used || b.expiresAt <= Date.now())
        return refuse(401, 'Unauthorized', 'the bootstrap token is used or expired')
      if (b.cluster !== body.cluster) return refuse(403, 'Forbidden', 'the token belongs to another cluster')
      b.used = true
      kind = 'bootstrap'
    } else {
      const c = live(bearer)
      if (!c) return refuse(401, 'Unauthorized', 'unknown, expired or revoked credential')
      if (c.cluster !== body.cluster) return refuse(403, 'Forbidden', 'the credential belongs to another cluster')
      c.expiresAt = Math.min(c.expiresAt, Date.now() + grace)
      kind = 'rotation'
    }
    const credential = `flc_${randomBytes(10).toString('hex').slice(0, 16)}.${randomBytes(32).toString('base64url')}`
    const expiresAt = Date.now() + ttl
    credentials.set(credential, { cluster: body.cluster, expiresAt })
    hub.exchanges.push({ kind, cluster: body.cluster, agentID: body.agentID })
    send(res, 201, {
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'ClusterCredential',
      cluster: body.cluster,
      credential,
      expirationTimestamp: new Date(expiresAt).toISOString(),
    })
  }

  const listener = await TunnelListener.start({
    host: '127.0.0.1',
    port: 0,
    tls: { cert: pki.cert, key: pki.key },
    registry,
    authenticate: async ({ credential, cluster, agentId }) => {
      const c = live(credential)
      hub.dials.push({ cluster, agentId, ok: !!c, at: Date.now() })
      if (!c) throw new TunnelAuthError(401, 'unknown, expired or revoked cluster credential')
      return c.cluster
    },
    onRequest: (req, res) => {
      if (req.method !== 'POST' || req.url !== '/agent/v1/credentials') {
        status(res, 404, 'NotFound', 'not found')
        return
      }
      let raw = ''
      req.setEncoding('utf8')
      req.on('data', (d: string) => {
        raw += d
      })
      req.on('end', () => onCredentials(req, res, raw))
    },
  })
  hub.url = listener.url
  return hub
}
