// Assembles a running API server from a data directory: storage, the registry of kinds, the
// HTTP front, bootstrap objects and the built-in lifecycle controllers. The hub, simulated
// member clusters and tests all start servers through here.

import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { builtinKinds } from '../apis/index.ts'
import { LocalClient } from '../client/local-client.ts'
import { CrdController } from '../controllers/crd/crd-controller.ts'
import { GarbageCollector } from '../controllers/gc/garbage-collector.ts'
import { ControllerManager } from '../controllers/manager.ts'
import { ensureDefaultNamespaces, ensureKubernetesService } from '../controllers/namespaces/bootstrap.ts'
import { NamespaceController } from '../controllers/namespaces/namespace-controller.ts'
import { clusterRoleAggregation } from '../controllers/rbac/aggregation-controller.ts'
import type { Logger } from '../log/logger.ts'
import type { KindDef } from '../machinery/kinds.ts'
import { openStorage } from '../storage/index.ts'
import type { Storage } from '../storage/interface.ts'
import { realClock } from '../util/clock.ts'
import { ServiceAllocator } from './admission/service-allocator.ts'
import type { AuditOptions } from './audit/auditor.ts'
import { ServiceAccountTokens } from './authn/serviceaccount-tokens.ts'
import { tokenRequestConnector, withTokenRequest } from './authn/token-request.ts'
import { tokenReviewHandler } from './authn/token-review.ts'
import { type Authenticator, UnionAuthenticator, X509Authenticator } from './authn.ts'
import type { Authorizer } from './authz/attributes.ts'
import { ensureBootstrapPolicy } from './authz/bootstrap-policy.ts'
import { AuthorizerChain } from './authz/privileged.ts'
import { RBACAuthorizer } from './authz/rbac.ts'
import { reviewHandlers, type VirtualHandler } from './authz/reviews.ts'
import type { ServerSettings } from './handlers/context.ts'
import { Registry } from './registry/registry.ts'
import { ApiServer, type Connector } from './server.ts'

export interface StartOptions {
  dataDir: string
  host: string
  port: number
  authenticator: Authenticator
  log: Logger
  kinds?: KindDef[]
  sync?: 'full' | 'normal'
  kubernetesVersion?: string
  settings?: Partial<ServerSettings>
  connectors?: Map<string, Connector>
  /** History kept for watches and paging (revisions); older resourceVersions get 410. */
  historyRevisions?: number
  /** Range Service cluster IPs are allocated from (kube-apiserver --service-cluster-ip-range). */
  serviceCIDR?: string
  /** Serve HTTPS with this certificate; plain HTTP without. */
  tls?: { cert: string; key: string; ca?: string }
  /** More authenticators, tried in order after `authenticator` (hub kubeconfig tokens ...). */
  authenticators?: Authenticator[]
  /**
   * Authorizers consulted before RBAC (after the system:masters bypass): the first that allows
   * a request decides; a denial falls through to the next, as kube-apiserver's union does.
   */
  authorizers?: Authorizer[]
  /** More handlers for virtual (create-only, never stored) kinds, keyed "group/plural". */
  virtual?: Map<string, VirtualHandler>
  /** The audit log (kube-apiserver --audit-log-*); off when absent or its path is "". */
  audit?: AuditOptions
}

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12'

export interface RunningApiServer {
  server: ApiServer
  registry: Registry
  storage: Storage
  address: AddressInfo
  url: string
  /** Waits until the built-in controllers have nothing queued (tests). */
  settle(): Promise<void>
  close(): Promise<void>
}

export async function startApiServer(opts: StartOptions): Promise<RunningApiServer> {
  mkdirSync(opts.dataDir, { recursive: true })
  const storage = openStorage(opts.dataDir, {
    sync: opts.sync ?? 'full',
    historyRetention: opts.historyRevisions ? { revisions: opts.historyRevisions } : undefined,
    // What storage reports has no caller to go to: failed watch handlers, rolled-back batches,
    // background compaction, slow disks.
    logger: (msg, fields) => opts.log.warn(msg, { component: 'storage', ...fields }),
  })
  const registry = new Registry(storage, opts.kinds ?? builtinKinds)
  const services = new ServiceAllocator(opts.serviceCIDR ?? DEFAULT_SERVICE_CIDR)
  await services.load(storage)
  registry.admission.register(services)
  await registry.trackNamespaces()
  await ensureDefaultNamespaces(registry)
  // Custom resources are registered first so the collector's snapshot includes them.
  const crds = new CrdController({ registry, log: opts.log })
  await crds.start()
  const gc = new GarbageCollector({ registry, log: opts.log })
  const namespaces = new NamespaceController({ registry, log: opts.log })
  await gc.start()
  await namespaces.start()
  // Authorization: RBAC with the bootstrap policy, behind the system:masters bypass.
  const client = new LocalClient(registry, 'flotilla-apiserver')
  await ensureBootstrapPolicy(client)
  const rbacControllers = new ControllerManager()
  await rbacControllers.start({ client, log: opts.log, clock: realClock }, [clusterRoleAggregation])
  const rbac = new RBACAuthorizer({ client, log: opts.log })
  await rbac.start()
  const authorizer = new AuthorizerChain(rbac, opts.authorizers)
  // ServiceAccount tokens (TokenRequest, TokenReview) on every server; signing key in DATA_DIR/pki/sa.key.
  const saTokens = new ServiceAccountTokens({ dataDir: opts.dataDir, client })
  const tokenReview = tokenReviewHandler(
    saTokens,
    new UnionAuthenticator([opts.authenticator, ...(opts.authenticators ?? [])]),
  )
  const server = new ApiServer({
    authorizer,
    virtual: new Map([
      ...reviewHandlers(authorizer, rbac),
      ['authentication.k8s.io/tokenreviews', tokenReview],
      ...(opts.virtual ?? []),
    ]),
    registry,
    // Client certificates first (verified by the TLS layer against the server's CA), then tokens.
    authenticator: new UnionAuthenticator([
      ...(opts.tls?.ca ? [new X509Authenticator()] : []),
      opts.authenticator,
      ...(opts.authenticators ?? []),
      saTokens,
    ]),
    log: opts.log,
    kubernetesVersion: opts.kubernetesVersion,
    settings: opts.settings,
    connectors: withTokenRequest(opts.connectors, tokenRequestConnector(saTokens, client)),
    tls: opts.tls,
    audit: opts.audit,
  })
  const address = await server.listen(opts.host, opts.port)
  await ensureKubernetesService(registry, services.firstIP, address.port)
  // On a wildcard address the server reaches itself (and kubeconfigs written beside it) over
  // loopback: "0.0.0.0" is no destination, and no serving certificate names it.
  const reachable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address
  const host = address.family === 'IPv6' ? `[${reachable}]` : reachable
  let closed = false
  return {
    server,
    registry,
    storage,
    address,
    url: `${opts.tls ? 'https' : 'http'}://${host}:${address.port}`,
    async settle() {
      for (let i = 0; i < 3; i++) {
        await rbacControllers.idle()
        await crds.idle()
        await gc.idle()
        await namespaces.idle()
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    async close() {
      if (closed) return
      closed = true
      await server.close()
      rbac.stop()
      rbacControllers.stop()
      crds.stop()
      gc.stop()
      namespaces.stop()
      await storage.close()
    },
  }
}
