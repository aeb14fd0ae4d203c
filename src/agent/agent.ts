// The agent: the credential lifecycle (credentials.ts), the reverse tunnel to the hub
// (TunnelClient) and the forwarder that runs the hub's requests against this cluster's API
// server with the agent's own credential, passing the hub's Impersonate-* headers through.
// Logs report transitions (connected, disconnected, refused, unreachable), not every retry:
// a hub that is away for an hour must not fill the log with one line per backoff step.

import type { Logger } from '../log/logger.ts'
import { TunnelClient, type TunnelClientOptions, TunnelRejectedError } from '../tunnel/client.ts'
import { type Forwarder, memberForwarder } from '../tunnel/forward.ts'
import { type AgentConfig, CREDENTIAL_SECRET_NAME } from './config.ts'
import { CredentialSecret } from './credential-secret.ts'
import { CredentialManager, NoCredentialError } from './credentials.ts'
import { type HealthServer, startHealthServer } from './health.ts'
import { describeHubError, HubExchange } from './hub-exchange.ts'
import type { MemberAccess } from './member-access.ts'

export interface AgentOptions {
  config: AgentConfig
  member: MemberAccess
  log: Logger
  /** Serve /healthz and /readyz here. */
  health?: { host: string; port: number }
  /** Tunnel tuning (tests shorten the backoff). */
  tunnel?: Pick<TunnelClientOptions, 'backoff' | 'keepalive' | 'connectTimeoutMs'>
  /** Called at every (re)connection. */
  onConnected?: () => void
}

export interface Agent {
  client: TunnelClient
  credentials: CredentialManager
  forwarder: Forwarder
  health?: HealthServer
  readonly connected: boolean
  stop(): Promise<void>
}

/** The tunnel library logs every dial; the agent reports transitions itself, so its lines go to debug. */
function demoted(log: Logger): Logger {
  return {
    debug: (m, f) => log.debug(m, f),
    info: (m, f) => log.debug(m, f),
    warn: (m, f) => log.debug(m, f),
    error: (m, f) => log.error(m, f),
    with: (fields) => demoted(log.with(fields)),
  }
}

export async function startAgent(opts: AgentOptions): Promise<Agent> {
  const { config, member } = opts
  const log = opts.log.with({ cluster: config.cluster, agent: config.agentId })
  const hub = new HubExchange(config)
  const secret = new CredentialSecret(member, config.namespace, CREDENTIAL_SECRET_NAME)
  const credentials = new CredentialManager({
    cluster: config.cluster,
    bootstrapToken: config.bootstrapToken,
    secret,
    exchange: (bearer) => hub.exchange(bearer),
    log,
    // A rotated credential: open a fresh tunnel with it and retire the old one (make-before-break),
    // before the hub, which cuts the old credential's validity short, retires that tunnel itself.
    onRenewed: () => void client.refresh(),
  })
  // The member credential: a client certificate lives in the forwarder's TLS agent; a token is
  // set on every request, since an in-cluster token file is rotated by the kubelet.
  const forwarder = memberForwarder(member.config, {
    headers: (out) => Object.assign(out, member.authHeaders()),
  })
  const client = new TunnelClient({
    hubURL: config.hubURL,
    ca: config.hubCA,
    cluster: config.cluster,
    agentId: config.agentId,
    credential: () => credentials.current(),
    onRequest: forwarder.onRequest,
    onUpgrade: forwarder.onUpgrade,
    log: demoted(log),
    ...opts.tunnel,
  })

  let state = ''
  const transition = (next: string, level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => {
    if (next === state) {
      log.debug(msg, fields)
      return
    }
    state = next
    log[level](msg, fields)
  }
  client.on('connected', () => {
    credentials.connected()
    state = 'connected'
    log.info('AgentConnected', { hub: config.hubURL })
    opts.onConnected?.()
  })
  client.on('refreshed', () => log.info('AgentTunnelRefreshed', { hub: config.hubURL }))
  client.on('disconnected', ({ error, lastedMs }) => {
    state = 'disconnected'
    log.warn('AgentDisconnected', { hub: config.hubURL, lastedMs, error: error?.message })
  })
  client.on('rejected', ({ status, message }) => {
    credentials.tunnelRefused(status)
    const why =
      status === 401
        ? 'the hub refused the cluster credential (revoked or expired); trying the stored Secret, then the bootstrap token'
        : status === 403
          ? `the credential does not belong to cluster ${config.cluster} on this hub`
          : 'the hub could not check the credential; retrying'
    transition(`rejected:${status}`, status === 503 ? 'warn' : 'error', 'TunnelRejected', {
      status,
      message,
      reason: why,
    })
  })
  client.on('retry', ({ delayMs, error }) => {
    // Credential problems were reported by the credential manager, refusals above.
    if (!error || error instanceof NoCredentialError || error instanceof TunnelRejectedError) {
      log.debug('TunnelRetry', { delayMs })
      return
    }
    transition('unreachable', 'warn', 'HubUnreachable', { hub: config.hubURL, error: describeHubError(error), delayMs })
  })

  let health: HealthServer | undefined
  if (opts.health) {
    try {
      health = await startHealthServer(opts.health.host, opts.health.port, () => client.connected)
    } catch (e) {
      hub.close()
      secret.close()
      forwarder.close()
      throw e
    }
  }
  log.info('AgentStarting', { hub: config.hubURL, member: member.source, namespace: config.namespace })
  client.start()
  return {
    client,
    credentials,
    forwarder,
    health,
    get connected() {
      return client.connected
    },
    async stop() {
      credentials.stop()
      await client.stop()
      await health?.close()
      forwarder.close()
      hub.close()
      secret.close()
    },
  }
}
