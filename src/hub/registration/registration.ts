// Registration, assembled (docs/registration.md): the credential index, the agent port's
// credential endpoint and tunnel authentication, the `clusters/registration` connector, and
// revocation — a deleted credentials Secret, a deleted Cluster, or a Cluster no longer in
// Register mode closes the cluster's tunnels at once; a tunnel whose own credential expired or
// was rotated out is retired by a periodic sweep. start() must finish before the agent port
// opens, so a restarted hub never refuses a valid credential it has not indexed yet.

import { clusterResource } from '../../apis/platform/cluster.ts'
import type { Connector } from '../../apiserver/server.ts'
import type { Client } from '../../client/client.ts'
import { Informer } from '../../client/informer.ts'
import { EventRecorder } from '../../controllers/workloads/util/events.ts'
import type { Logger } from '../../log/logger.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { TunnelRegistry } from '../../tunnel/registry.ts'
import type { Clock } from '../../util/clock.ts'
import { registrationConnector } from './connector.ts'
import { CredentialIndex } from './credential-index.ts'
import { CredentialService, registrationProblem } from './credentials.ts'
import { FailureLimiter, type FailureLimiterOptions } from './limiter.ts'

export interface HubRegistrationOptions {
  client: Client
  registry: TunnelRegistry
  /** flotilla-system. */
  namespace: string
  clock: Clock
  log: Logger
  caCert: string
  agentURL: () => string | undefined
  limits?: FailureLimiterOptions
  /** How often tunnels are checked against their credential's expiry (default 15 s). */
  sweepIntervalMs?: number
}

export interface HubRegistration {
  index: CredentialIndex
  /** For TunnelListener: authenticate and onRequest. */
  authenticate: CredentialService['authenticate']
  onRequest: CredentialService['onRequest']
  start(connectors: Map<string, Connector>): Promise<void>
  stop(): void
}

export function hubRegistration(opts: HubRegistrationOptions): HubRegistration {
  const log = opts.log.with({ component: 'registration' })
  const index = new CredentialIndex()
  const clusters = new Informer({ client: opts.client, resource: clusterResource, log, watchTimeoutSeconds: 0 })
  const events = new EventRecorder(opts.client, 'flotilla-hub-registration', opts.clock, log)
  const service = new CredentialService({
    client: opts.client,
    index,
    cluster: (name) => clusters.get(name),
    namespace: opts.namespace,
    clock: opts.clock,
    log,
    events,
    limiter: new FailureLimiter(opts.clock, opts.limits),
  })

  const close = (name: string, reason: string) => {
    const n = opts.registry.closeCluster(name, reason)
    if (n > 0) log.info('TunnelsClosed', { cluster: name, tunnels: n, reason })
  }
  index.onRevoked = (name) => {
    close(name, 'the cluster credentials were revoked')
    const obj = clusters.get(name)
    if (obj && !obj.metadata.deletionTimestamp) {
      events.event(
        obj,
        'Warning',
        'CredentialsRevoked',
        'every cluster credential was revoked; the agents must register again',
      )
    }
  }
  const clusterChanged = (obj: KubeObject) => {
    const name = obj.metadata.name ?? ''
    const problem = registrationProblem(obj, name)
    if (problem) close(name, problem)
  }
  clusters.on({
    update: clusterChanged,
    delete: (obj) => close(obj.metadata.name ?? '', `cluster ${obj.metadata.name} was deleted`),
  })

  // A tunnel lives no longer than the credential it was opened with: one rotated out (its expiry
  // cut to the overlap) or expired is retired, and what is still running on it (a watch) is cut
  // at the next sweep. The agent refreshed its tunnel when it rotated (long before); a copy of
  // an old credential keeps nothing open.
  const sweepIntervalMs = opts.sweepIntervalMs ?? 15_000
  const sweep = () => {
    const now = opts.clock.now()
    const retired = opts.registry.retireWhere(
      (s) => s.grant !== undefined && !index.credentialValid(s.grant, now),
      'the cluster credential of this tunnel expired or was rotated out',
      sweepIntervalMs,
    )
    if (retired > 0) log.info('TunnelsRetired', { tunnels: retired, reason: 'credential expired or rotated out' })
  }
  let sweeper: NodeJS.Timeout | undefined

  return {
    index,
    authenticate: service.authenticate,
    onRequest: service.onRequest,
    async start(connectors) {
      sweeper = setInterval(sweep, sweepIntervalMs)
      sweeper.unref()
      clusters.start()
      await Promise.all([clusters.synced, index.start(opts.client, opts.namespace, log)])
      connectors.set(
        'clusters/registration',
        registrationConnector({
          client: opts.client,
          namespace: opts.namespace,
          clock: opts.clock,
          caCert: opts.caCert,
          agentURL: opts.agentURL,
          events,
        }),
      )
    },
    stop() {
      clearInterval(sweeper)
      clusters.stop()
      index.stop()
    },
  }
}
