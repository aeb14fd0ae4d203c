// startHub: the Flotilla hub — the API server (with the platform.flotilla.dev kinds) on a data
// directory with its own CA, the admin kubeconfig, the directory of member clusters, and the
// hub's controllers and connectors (cluster import and health, the proxy to members, hub-issued
// kubeconfig tokens). `flotilla server` and the tests start the hub through here.

import { mkdirSync, rmSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { builtinKinds } from '../apis/index.ts'
import { platformKinds } from '../apis/platform/index.ts'
import type { AuditOptions } from '../apiserver/audit/auditor.ts'
import { type Authenticator, UnionAuthenticator } from '../apiserver/authn.ts'
import type { Connector } from '../apiserver/server.ts'
import { type RunningApiServer, startApiServer } from '../apiserver/start.ts'
import { writeKubeconfig } from '../cli/kubeconfig.ts'
import { LocalClient } from '../client/local-client.ts'
import type { Logger } from '../log/logger.ts'
import { isAlreadyExists } from '../machinery/errors.ts'
import { defaultSANs, ensureClientCertificate, ensureServingCertificate } from '../security/pki.ts'
import { TunnelListener } from '../tunnel/hub-listener.ts'
import { TunnelRegistry } from '../tunnel/registry.ts'
import { type Clock, realClock } from '../util/clock.ts'
import { ClusterController } from './clusters/cluster-controller.ts'
import { MemberDirectory } from './members/directory.ts'
import { clusterProxyConnector } from './proxy/connector.ts'
import { ensurePlatformRoles } from './rbac/platform-roles.ts'
import type { FailureLimiterOptions } from './registration/limiter.ts'
import { hubRegistration } from './registration/registration.ts'
import { hubAccessTokens } from './tokens/tokens.ts'

/** Where the hub keeps member credentials (kubeconfig Secrets) and its own agents' objects. */
export const HUB_SYSTEM_NAMESPACE = 'flotilla-system'

export interface HubOptions {
  dataDir: string
  host: string
  /** 0 picks a free port. */
  port: number
  log: Logger
  sync?: 'full' | 'normal'
  /** Extra names for the serving certificate (--tls-san). */
  tlsSANs?: string[]
  clock?: Clock
  /** How often each member's health is checked (--cluster-health-interval, default 10 s). */
  clusterHealthIntervalMs?: number
  /** Without a successful check for this long a member is Disconnected (--cluster-grace-period, default 40 s). */
  clusterGracePeriodMs?: number
  /**
   * The audit log; on by default at DATA_DIR/audit.log (100 MB files, 10 backups). A path of ""
   * turns it off, "-" writes to standard output.
   */
  audit?: Partial<AuditOptions>
  /** More authenticators, tried after the built-in ones (tests' static-token users ...). */
  authenticators?: Authenticator[]
  /**
   * The agent port registered clusters' agents dial (--agent-listen; the CLI's default is the
   * --listen host, port 9443; port 0 picks a free one). Undefined or false: no agent port.
   */
  agentListen?: { host: string; port: number } | false
  /** The URL agents are told to dial (--agent-advertise-url); default https://HOST:PORT of agentListen. */
  agentAdvertiseURL?: string
  /** A Register-mode cluster no agent reached within this is AccessTimeout (--cluster-access-timeout, default 10 min). */
  clusterAccessTimeoutMs?: number
  /** How often tunnels are checked against their credential's expiry (default 15 s; tests). */
  tunnelSweepIntervalMs?: number
  /** Failed agent-port authentications allowed per address (default 60 a minute; tests). */
  agentFailureLimits?: FailureLimiterOptions
}

export interface Hub {
  api: RunningApiServer
  url: string
  dataDir: string
  caCert: string
  /** DATA_DIR/admin.kubeconfig (the hub administrator, in system:masters). */
  adminKubeconfig: string
  /** How each connected member is reached. */
  members: MemberDirectory
  /** The URL agents dial (the agent port), when the hub has one. */
  agentURL?: string
  /** Live agent tunnels of registered clusters. */
  tunnels: TunnelRegistry
  /** Waits until the API server's and the hub controllers' queues are empty (tests). */
  settle(): Promise<void>
  close(): Promise<void>
}

export async function startHub(opts: HubOptions): Promise<Hub> {
  const dataDir = resolve(opts.dataDir)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const log = opts.log
  const clock = opts.clock ?? realClock

  // The administrator authenticates with a client certificate (admin.kubeconfig), so the hub
  // has no static tokens: x509, ServiceAccount and hub-issued tokens are all verifiable.
  const authenticator = new UnionAuthenticator([])

  const members = new MemberDirectory()
  const connectors = new Map<string, Connector>()
  connectors.set('clusters/proxy', clusterProxyConnector({ members, log }))
  // Hub-issued kubeconfig tokens: authenticated from an in-memory index, owners may list/revoke.
  const tokens = hubAccessTokens(clock, log)
  // The agent port serves the same certificate, so it must also cover the advertised host.
  const agentListen = opts.agentListen || undefined
  const advertisedHost = agentListen ? agentHost(opts.agentAdvertiseURL, agentListen.host) : undefined
  const pki = ensureServingCertificate(
    dataDir,
    defaultSANs(opts.host, [...(opts.tlsSANs ?? []), ...(advertisedHost ? [advertisedHost] : [])]),
  )
  const api = await startApiServer({
    dataDir,
    host: opts.host,
    port: opts.port,
    authenticator,
    log,
    kinds: [...builtinKinds, ...platformKinds],
    sync: opts.sync ?? 'full',
    connectors,
    tls: { cert: pki.cert, key: pki.key, ca: pki.caCert },
    authenticators: [tokens.authenticator, ...(opts.authenticators ?? [])],
    authorizers: [tokens.authorizer],
    audit: { ...opts.audit, path: opts.audit?.path ?? join(dataDir, 'audit.log') },
  })
  await ensureNamespace(api, HUB_SYSTEM_NAMESPACE)
  await ensurePlatformRoles(new LocalClient(api.registry, 'flotilla-hub'))
  await tokens.start({ registry: api.registry, connectors, caCert: pki.caCert, hubURL: () => api.url })
  // Registration before the agent port opens: a restarted hub has indexed every stored
  // credential by the time agents redial.
  const tunnels = new TunnelRegistry()
  let agentURL: string | undefined
  const registration = hubRegistration({
    client: new LocalClient(api.registry, 'flotilla-hub-registration'),
    registry: tunnels,
    namespace: HUB_SYSTEM_NAMESPACE,
    clock,
    log,
    caCert: pki.caCert,
    agentURL: () => agentURL,
    sweepIntervalMs: opts.tunnelSweepIntervalMs,
    limits: opts.agentFailureLimits,
  })
  await registration.start(connectors)
  const clusters = new ClusterController({
    client: new LocalClient(api.registry, 'flotilla-cluster-controller'),
    members,
    namespace: HUB_SYSTEM_NAMESPACE,
    clock,
    log: log.with({ controller: 'cluster-controller' }),
    healthIntervalMs: opts.clusterHealthIntervalMs ?? 10_000,
    gracePeriodMs: opts.clusterGracePeriodMs ?? 40_000,
    tunnels,
    accessTimeoutMs: opts.clusterAccessTimeoutMs ?? 10 * 60_000,
  })
  await clusters.start()
  const agentListener = agentListen
    ? await TunnelListener.start({
        host: agentListen.host,
        port: agentListen.port,
        tls: { cert: pki.cert, key: pki.key },
        registry: tunnels,
        authenticate: registration.authenticate,
        onRequest: registration.onRequest,
        log: log.with({ component: 'agent-port' }),
      })
    : undefined
  if (agentListener)
    agentURL = opts.agentAdvertiseURL ?? `https://${bracket(advertisedHost ?? '')}:${agentListener.port}`

  const adminKubeconfig = join(dataDir, 'admin.kubeconfig')
  const admin = adminCertificate(dataDir)
  writeKubeconfig(adminKubeconfig, {
    name: 'flotilla',
    server: api.url,
    clientCertificateData: Buffer.from(admin.cert).toString('base64'),
    clientKeyData: Buffer.from(admin.key).toString('base64'),
    certificateAuthorityData: Buffer.from(pki.caCert).toString('base64'),
  })

  let closed = false
  return {
    api,
    url: api.url,
    dataDir,
    caCert: pki.caCert,
    adminKubeconfig,
    members,
    agentURL,
    tunnels,
    async settle() {
      await api.settle()
      await clusters.idle()
    },
    async close() {
      if (closed) return
      closed = true
      await agentListener?.close()
      tunnels.closeAll()
      registration.stop()
      clusters.stop()
      members.close()
      tokens.stop()
      await api.close()
    },
  }
}

/**
 * The host agents reach the agent port by: the advertised URL's, else the listen host, or this
 * machine's name when listening on every interface.
 */
function agentHost(advertiseURL: string | undefined, listenHost: string): string {
  if (advertiseURL) return new URL(advertiseURL).hostname.replace(/^\[(.*)\]$/, '$1')
  return listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '' ? hostname() : listenHost
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

async function ensureNamespace(api: RunningApiServer, name: string): Promise<void> {
  try {
    await api.registry.namespaces().create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  } catch (e) {
    if (!isAlreadyExists(e)) throw e
  }
}

export const ADMIN_USER = 'flotilla-admin'
export const ADMIN_GROUPS = ['system:masters']
/**
 * The administrator's client certificate (CN flotilla-admin, O system:masters), kept in
 * DATA_DIR/pki/admin.{crt,key} so admin.kubeconfig stays the same across restarts.
 */
function adminCertificate(dataDir: string): { cert: string; key: string } {
  // The bearer token earlier versions kept: no longer accepted, so no longer worth keeping.
  rmSync(join(dataDir, 'admin.token'), { force: true })
  return ensureClientCertificate(dataDir, 'admin', ADMIN_USER, ADMIN_GROUPS)
}
