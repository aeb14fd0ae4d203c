// The cluster controller: for each Cluster, reads its kubeconfig Secret, registers the member in
// the hub's MemberDirectory, keeps a MemberConnection (health checks, version, node and pod
// watches) and writes status.phase, conditions and summaries — only when they change. Events on
// the Cluster record each step, so `kubectl describe cluster X` is the operation log.
//
// Deleting a Cluster (held by the cleanup finalizer) drops the connection and the kubeconfig
// Secret; nothing is ever written to the member. A changed Secret or connection spec replaces
// the connection with one using the new credential.

import { createHash } from 'node:crypto'
import { type Json, rec } from '../../apis/json.ts'
import {
  CLUSTER_CLEANUP_FINALIZER,
  type ClusterPhase,
  type ClusterSpec,
  clusterResource,
  clusterSpec,
} from '../../apis/platform/cluster.ts'
import { type Client, resources } from '../../client/client.ts'
import { Informer } from '../../client/informer.ts'
import { KubeconfigError, type RestConfig, restConfigFromKubeconfig } from '../../client/rest-config.ts'
import { WorkQueue } from '../../controllers/util/work-queue.ts'
import { EventRecorder } from '../../controllers/workloads/util/events.ts'
import type { Logger } from '../../log/logger.ts'
import { isConflict, isNotFound } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { TunnelRegistry } from '../../tunnel/registry.ts'
import { tunnelServerURL } from '../../tunnel/tunnel-agent.ts'
import type { Clock } from '../../util/clock.ts'
import type { MemberDirectory, MemberEndpoint } from '../members/directory.ts'
import {
  accessTimeoutView,
  agentDisconnectedView,
  awaitingAgentView,
  type ClusterView,
  configProblemView,
  versionCondition,
} from './conditions.ts'
import { MemberConnection } from './connection.ts'
import { desiredStatus, type ObservedState, shouldWrite, stampProbeTime } from './status.ts'

export interface ClusterControllerOptions {
  /** The hub's own API (in-process). */
  client: Client
  members: MemberDirectory
  /** Where kubeconfig Secrets live (flotilla-system). */
  namespace: string
  clock: Clock
  log: Logger
  healthIntervalMs: number
  gracePeriodMs: number
  /** Agents' tunnels (registered clusters); without it Register-mode clusters stay Pending. */
  tunnels?: TunnelRegistry
  /** A registered cluster no agent reached within this (from creation or the last bootstrap token) is AccessTimeout. */
  accessTimeoutMs?: number
}

/** What the controller holds per cluster between reconciles. */
interface ClusterState {
  /** Identifies the credential in use (or the configuration problem), to notice changes. */
  fingerprint?: string
  connection?: MemberConnection
  problem?: ClusterView
  /** phase/reason last reported by an event, so each transition is recorded once. */
  eventKey?: string
  versionKey?: string
  cancelHeartbeat?: () => void
  /** Registered clusters: the tunnel "up" generation the directory entry was made for. */
  tunnelUp?: number
  /** Registered clusters: the connection's own tunnel http.Agent (destroyed with it). */
  ownEndpoint?: MemberEndpoint
  cancelAccessTimer?: () => void
}

type KubeconfigSource = { text: string; secretKey: string } | { problem: ClusterView }

export class ClusterController {
  private readonly opts: ClusterControllerOptions
  private readonly clusters: Informer
  private readonly secrets: Informer
  private readonly queue: WorkQueue
  private readonly events: EventRecorder
  private readonly states = new Map<string, ClusterState>()
  private readonly heartbeatMs: number
  private ready = false
  private stopped = false
  private readonly pending = new Set<string>()
  /** Per cluster, how many times its first tunnel arrived (a new one means reconnect). */
  private readonly upGeneration = new Map<string, number>()

  constructor(opts: ClusterControllerOptions) {
    this.opts = opts
    // lastProbeTime is refreshed this often when nothing else changes: a sign of life for
    // readers, without a write per member per health check.
    this.heartbeatMs = Math.max(60_000, 30 * opts.healthIntervalMs)
    this.clusters = new Informer({ client: opts.client, resource: clusterResource, log: opts.log })
    this.secrets = new Informer({
      client: opts.client,
      resource: resources.secrets,
      namespace: opts.namespace,
      log: opts.log,
    })
    this.queue = new WorkQueue((name) => this.reconcile(name), opts.log, { workers: 8 })
    this.events = new EventRecorder(opts.client, 'flotilla-cluster-controller', opts.clock, opts.log)
  }

  async start(): Promise<void> {
    this.clusters.on({
      add: (c) => this.enqueue(c.metadata.name ?? ''),
      update: (c) => this.enqueue(c.metadata.name ?? ''),
      delete: (c) => this.enqueue(c.metadata.name ?? ''),
    })
    const secretChanged = (s: KubeObject) => {
      for (const c of this.clustersUsingSecret(s.metadata.name ?? '')) this.enqueue(c.metadata.name ?? '')
    }
    this.secrets.on({ add: secretChanged, update: secretChanged, delete: secretChanged })
    this.watchTunnels()
    this.clusters.start()
    this.secrets.start()
    // Nothing is reconciled on a partial cache: a Cluster seen before its Secret would be
    // reported as missing its kubeconfig.
    await Promise.all([this.clusters.synced, this.secrets.synced])
    this.ready = true
    for (const k of this.pending) this.queue.add(k)
    this.pending.clear()
  }

  idle(): Promise<void> {
    return this.queue.idle()
  }

  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.queue.stop()
    this.clusters.stop()
    this.secrets.stop()
    for (const name of [...this.states.keys()]) this.disconnect(name)
    for (const st of this.states.values()) {
      st.cancelHeartbeat?.()
      st.cancelAccessTimer?.()
    }
    this.states.clear()
  }

  /** The live connection to a member (tests, diagnostics). */
  connection(name: string): MemberConnection | undefined {
    return this.states.get(name)?.connection
  }

  private enqueue(name: string): void {
    if (this.stopped || !name) return
    if (this.ready) this.queue.add(name)
    else this.pending.add(name)
  }

  private clustersUsingSecret(secretName: string): KubeObject[] {
    // A registered cluster's bootstrap Secret restarts its access window.
    const labelled = this.clusters.get(secretName.replace(/^cluster-(.*)-bootstrap$/, '$1'))
    if (labelled && secretName.endsWith('-bootstrap')) return [labelled]
    return this.clusters.list().filter((c) => {
      const ref = rec(rec(rec(c.spec).connection).kubeconfigSecretRef)
      return ref.name === secretName && (ref.namespace ?? this.opts.namespace) === this.opts.namespace
    })
  }

  private state(name: string): ClusterState {
    let st = this.states.get(name)
    if (!st) {
      st = {}
      this.states.set(name, st)
    }
    return st
  }

  /** Drops the connection and the directory entry (the member is not contacted). */
  private disconnect(name: string): void {
    const st = this.states.get(name)
    st?.connection?.stop()
    st?.ownEndpoint?.agent.destroy()
    st?.cancelAccessTimer?.()
    if (st) {
      st.connection = undefined
      st.fingerprint = undefined
      st.problem = undefined
      st.tunnelUp = undefined
      st.ownEndpoint = undefined
      st.cancelAccessTimer = undefined
    }
    this.opts.members.delete(name)
  }

  private async reconcile(name: string): Promise<void> {
    if (this.stopped) return
    let obj = this.clusters.get(name)
    if (!obj) {
      this.disconnect(name)
      this.states.get(name)?.cancelHeartbeat?.()
      this.states.delete(name)
      this.upGeneration.delete(name)
      return
    }
    if (obj.metadata.deletionTimestamp) {
      await this.finalize(obj)
      return
    }
    if (!(obj.metadata.finalizers ?? []).includes(CLUSTER_CLEANUP_FINALIZER)) {
      // Clusters stored before the finalizer existed, or whose finalizer someone removed.
      obj = await this.opts.client.patch(clusterResource, '', name, 'merge', {
        metadata: {
          resourceVersion: obj.metadata.resourceVersion,
          finalizers: [...(obj.metadata.finalizers ?? []), CLUSTER_CLEANUP_FINALIZER],
        },
      })
    }
    const st = this.state(name)
    const stored = rec(obj.status)
    if (st.eventKey === undefined) {
      // Transitions already recorded by an earlier hub run are not recorded again.
      st.eventKey = eventKeyOf(stored.phase, readyReasonOf(stored))
    }
    const spec = clusterSpec(obj)
    let view: ClusterView | undefined
    const registered = spec.connection?.mode === 'Register'
    if (registered) {
      view = this.reconcileRegistered(obj, st, stored.phase as ClusterPhase | undefined)
    } else {
      // Switched from Register to Import: the tunnel connection gives way to the kubeconfig one.
      if (st.fingerprint === 'register') this.disconnect(name)
      this.ensureConnection(obj, spec, st, stored.phase as ClusterPhase | undefined)
      view = st.problem ?? (st.connection?.checked ? st.connection.view() : undefined)
    }
    const conn = st.problem ? undefined : st.connection
    const observed: ObservedState = {
      view,
      apiEndpoint: registered ? undefined : conn?.server,
      kubernetesVersion: conn?.kubernetesVersion,
      nodeSummary: conn?.summaries.nodeSummary(),
      resourceSummary: conn?.summaries.resourceSummary(),
      agents: registered ? this.agentsOf(name) : undefined,
    }
    const written = await this.writeStatus(obj, observed)
    this.recordTransitions(written ?? obj, st, view, conn)
    this.scheduleHeartbeat(name, st)
  }

  /** Follows the agents' tunnels: each change is reconciled, and recorded as an event. */
  private watchTunnels(): void {
    const tunnels = this.opts.tunnels
    if (!tunnels) return
    tunnels.on('up', (cluster) => {
      this.upGeneration.set(cluster, (this.upGeneration.get(cluster) ?? 0) + 1)
      this.enqueue(cluster)
    })
    tunnels.on('down', (cluster) => this.enqueue(cluster))
    tunnels.on('added', (s) => {
      const obj = this.clusters.get(s.cluster)
      if (obj)
        this.events.event(obj, 'Normal', 'AgentConnected', `agent ${s.agentId} connected from ${s.remoteAddress}`)
      this.enqueue(s.cluster)
    })
    tunnels.on('removed', (s, error) => {
      const obj = this.clusters.get(s.cluster)
      const why = error ? `: ${error.message}` : ''
      if (obj) this.events.event(obj, 'Normal', 'AgentDisconnected', `agent ${s.agentId}'s tunnel closed${why}`)
      this.enqueue(s.cluster)
    })
  }

  /**
   * A registered cluster: while an agent's tunnel is up the member is in the directory, reached
   * through the tunnels, and a MemberConnection checks its health exactly as for an import.
   * When the last tunnel goes the directory entry goes at once (the proxy answers 503) but the
   * connection stays: its checks fail, and the phase turns Disconnected after the grace period,
   * as an imported member's does. Before any agent ever came, the cluster waits (Pending) until
   * the access window closes (AccessTimeout).
   */
  private reconcileRegistered(obj: KubeObject, st: ClusterState, storedPhase?: ClusterPhase): ClusterView | undefined {
    const name = obj.metadata.name ?? ''
    const tunnels = this.opts.tunnels
    if (st.fingerprint !== 'register') {
      this.disconnect(name)
      st.fingerprint = 'register'
    }
    if (!tunnels) return awaitingAgentView()
    const connected = tunnels.connected(name)
    const generation = this.upGeneration.get(name) ?? 0
    if (connected && st.tunnelUp !== generation) {
      // An agent (re)connected: a fresh connection checks at once, so Running follows quickly.
      st.tunnelUp = generation
      st.cancelAccessTimer?.()
      st.cancelAccessTimer = undefined
      this.opts.members.set(tunnelEndpoint(tunnels, name))
      this.startTunnelConnection(name, st, storedPhase)
    } else if (!connected && st.tunnelUp !== undefined) {
      st.tunnelUp = undefined
      this.opts.members.delete(name)
    }
    if (!st.connection && (storedPhase === 'Running' || storedPhase === 'Disconnected')) {
      // A restarted hub: the agents have not redialled yet. The connection's failing checks
      // turn the cluster Disconnected after the grace period unless they do.
      this.startTunnelConnection(name, st, storedPhase)
    }
    if (st.connection) {
      if (!st.connection.checked) return undefined
      const view = st.connection.view()
      return view.phase === 'Disconnected' && !connected ? agentDisconnectedView(this.opts.gracePeriodMs) : view
    }
    return this.accessWindowView(obj, st)
  }

  private startTunnelConnection(name: string, st: ClusterState, storedPhase?: ClusterPhase): void {
    const tunnels = this.opts.tunnels as TunnelRegistry
    st.connection?.stop()
    st.ownEndpoint?.agent.destroy()
    // Its own http.Agent: the directory's is destroyed whenever the tunnels go down.
    const endpoint = tunnelEndpoint(tunnels, name)
    st.ownEndpoint = endpoint
    st.connection = new MemberConnection({
      endpoint,
      intervalMs: this.opts.healthIntervalMs,
      gracePeriodMs: this.opts.gracePeriodMs,
      clock: this.opts.clock,
      log: this.opts.log.with({ cluster: name }),
      previousPhase: storedPhase === 'Running' || storedPhase === 'Disconnected' ? storedPhase : undefined,
      onChange: () => this.enqueue(name),
    })
    st.connection.start()
  }

  /** Pending until the access window (from creation or the latest bootstrap token) closes. */
  private accessWindowView(obj: KubeObject, st: ClusterState): ClusterView {
    const windowMs = this.opts.accessTimeoutMs
    if (!windowMs) return awaitingAgentView()
    const name = obj.metadata.name ?? ''
    const created = Date.parse(obj.metadata.creationTimestamp ?? '') || 0
    const bootstrap = this.secrets.get(`${this.opts.namespace}/cluster-${name}-bootstrap`)
    const issued = Date.parse(bootstrap?.metadata.annotations?.['platform.flotilla.dev/issued-at'] ?? '') || 0
    const deadline = Math.max(created, issued) + windowMs
    const now = this.opts.clock.now()
    if (now >= deadline) return accessTimeoutView(windowMs)
    st.cancelAccessTimer?.()
    st.cancelAccessTimer = this.opts.clock.setTimeout(() => this.enqueue(name), deadline - now + 10)
    return awaitingAgentView()
  }

  /** The connected agents as status.agents shows them (bounded, in a stable order). */
  private agentsOf(name: string): Json[] {
    return (this.opts.tunnels?.sessions(name) ?? [])
      .filter((s) => s.alive)
      .sort((a, b) => a.agentId.localeCompare(b.agentId))
      .slice(0, 10)
      .map((s) => ({
        id: s.agentId,
        connectedAt: new Date(s.connectedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        ...(s.remoteAddress ? { remoteAddress: s.remoteAddress } : {}),
      }))
  }

  /** Reads the Secret the spec names: its kubeconfig text, or why there is none. */
  private kubeconfigSource(spec: ClusterSpec): KubeconfigSource {
    const ref = spec.connection.kubeconfigSecretRef
    if (!ref)
      return { problem: configProblemView('KubeconfigNotFound', 'spec.connection.kubeconfigSecretRef is not set') }
    const where = `Secret ${ref.namespace}/${ref.name}`
    const secret = this.secrets.get(`${ref.namespace}/${ref.name}`)
    if (!secret) return { problem: configProblemView('KubeconfigNotFound', `${where} not found`) }
    const b64 = rec(secret.data)[ref.key]
    if (typeof b64 !== 'string' || b64 === '') {
      return { problem: configProblemView('KubeconfigNotFound', `${where} has no key "${ref.key}"`) }
    }
    return { text: Buffer.from(b64, 'base64').toString('utf8'), secretKey: `${where} key ${ref.key}` }
  }

  private ensureConnection(obj: KubeObject, spec: ClusterSpec, st: ClusterState, storedPhase?: ClusterPhase): void {
    const name = obj.metadata.name ?? ''
    const src = this.kubeconfigSource(spec)
    const fingerprint =
      'problem' in src
        ? `problem:${src.problem.ready.reason}:${src.problem.ready.message}`
        : `kubeconfig:${createHash('sha256').update(src.text).digest('hex')}`
    if (fingerprint === st.fingerprint) return
    const replacing = st.connection !== undefined
    // This process saw another kubeconfig (or none) for the cluster before: the Secret changed.
    const changed = st.fingerprint !== undefined
    this.disconnect(name)
    st.fingerprint = fingerprint
    if ('problem' in src) {
      st.problem = src.problem
      return
    }
    let cfg: RestConfig
    try {
      cfg = restConfigFromKubeconfig(src.text)
      if (!cfg.server.startsWith('https://')) {
        throw new KubeconfigError('the server must be an https:// URL: the hub sends member credentials over TLS only')
      }
    } catch (e) {
      const message = e instanceof KubeconfigError ? e.message : `cannot read the kubeconfig: ${String(e)}`
      st.problem = configProblemView('InvalidKubeconfig', `${src.secretKey}: ${message}`)
      return
    }
    const endpoint = this.opts.members.setFromConfig(name, cfg)
    const conn = new MemberConnection({
      endpoint,
      intervalMs: this.opts.healthIntervalMs,
      gracePeriodMs: this.opts.gracePeriodMs,
      clock: this.opts.clock,
      log: this.opts.log.with({ cluster: name }),
      // A new credential is a new first contact; a hub restart is not.
      previousPhase: replacing ? undefined : storedPhase,
      onChange: () => this.enqueue(name),
    })
    st.connection = conn
    // Importing the first time; Connecting when a (re)started hub picks up a known cluster.
    const [reason, what] = changed
      ? ['CredentialsUpdated', 'connecting with the updated']
      : storedPhase
        ? ['Connecting', 'hub started: connecting with the']
        : ['Importing', 'connecting with the']
    this.events.event(obj, 'Normal', reason, `${what} kubeconfig in ${src.secretKey} to ${cfg.server}`)
    conn.start()
  }

  /** Writes the status when it changed (or the heartbeat is due); returns the stored object. */
  private async writeStatus(obj: KubeObject, observed: ObservedState): Promise<KubeObject | undefined> {
    let current = obj
    for (let attempt = 0; ; attempt++) {
      const now = this.opts.clock.now()
      const stored = rec(current.status)
      const next = desiredStatus(stored, observed, now)
      if (!shouldWrite(stored, next, now, this.heartbeatMs)) return undefined
      try {
        return await this.opts.client.update(
          clusterResource,
          '',
          { ...current, status: stampProbeTime(next, now) },
          { subresource: 'status', fieldManager: 'flotilla-cluster-controller' },
        )
      } catch (e) {
        // The cache lags our own writes (and the finalizer patch): compose again on the latest.
        if (!isConflict(e) || attempt >= 3) throw e
        current = await this.opts.client.get(clusterResource, '', current.metadata.name ?? '')
      }
    }
  }

  private recordTransitions(
    obj: KubeObject,
    st: ClusterState,
    view: ClusterView | undefined,
    conn: MemberConnection | undefined,
  ): void {
    if (!view) return
    const key = eventKeyOf(view.phase, view.ready.reason)
    const previous = st.eventKey
    if (key !== previous) {
      st.eventKey = key
      const prevPhase = previous?.split('/')[0]
      if (view.phase === 'Running') {
        const version = conn?.kubernetesVersion ? `, Kubernetes ${conn.kubernetesVersion}` : ''
        if (prevPhase === 'Disconnected') {
          this.events.event(obj, 'Normal', 'Reconnected', `the member answers health checks again${version}`)
        } else {
          this.events.event(obj, 'Normal', 'Connected', `connected to ${conn?.server ?? 'the member'}${version}`)
        }
      } else if (view.phase === 'Disconnected') {
        this.events.event(obj, 'Warning', 'Disconnected', view.ready.message)
      } else if (view.ready.status === 'False') {
        this.events.event(obj, 'Warning', view.ready.reason, view.ready.message)
      } else if (view.ready.reason === 'AwaitingAgent') {
        this.events.event(obj, 'Normal', 'AwaitingAgent', view.ready.message)
      }
    }
    const version = conn?.kubernetesVersion
    if (version && version !== st.versionKey) {
      st.versionKey = version
      const vc = versionCondition(version)
      if (vc.status === 'False') this.events.event(obj, 'Warning', vc.reason, vc.message)
    }
  }

  private scheduleHeartbeat(name: string, st: ClusterState): void {
    st.cancelHeartbeat?.()
    st.cancelHeartbeat = this.opts.clock.setTimeout(() => this.enqueue(name), this.heartbeatMs)
  }

  /** A Cluster being deleted: drop the connection and the credential, then the finalizer. */
  private async finalize(obj: KubeObject): Promise<void> {
    const name = obj.metadata.name ?? ''
    this.disconnect(name)
    const st = this.states.get(name)
    st?.cancelHeartbeat?.()
    this.states.delete(name)
    this.upGeneration.delete(name)
    if (!(obj.metadata.finalizers ?? []).includes(CLUSTER_CLEANUP_FINALIZER)) return
    let current = obj
    if (rec(obj.status).phase !== 'Deleting') {
      this.events.event(
        obj,
        'Normal',
        'Deleting',
        "removing the hub's connection and kubeconfig Secret; nothing in the member is changed",
      )
      const next = desiredStatus(rec(obj.status), { phase: 'Deleting' }, this.opts.clock.now())
      current = await this.opts.client.update(
        clusterResource,
        '',
        { ...obj, status: stampProbeTime(next, this.opts.clock.now()) },
        { subresource: 'status', fieldManager: 'flotilla-cluster-controller' },
      )
    }
    await this.deleteCredential(current)
    await this.opts.client.patch(clusterResource, '', name, 'merge', {
      metadata: {
        resourceVersion: current.metadata.resourceVersion,
        finalizers: (current.metadata.finalizers ?? []).filter((f) => f !== CLUSTER_CLEANUP_FINALIZER),
      },
    })
  }

  /** Deletes the cluster's kubeconfig Secret unless another Cluster still uses it. */
  private async deleteCredential(obj: KubeObject): Promise<void> {
    const ref = rec(rec(rec(obj.spec).connection).kubeconfigSecretRef) as Json
    if (typeof ref.name !== 'string' || (ref.namespace ?? this.opts.namespace) !== this.opts.namespace) return
    const shared = this.clustersUsingSecret(ref.name).some(
      (c) => c.metadata.name !== obj.metadata.name && !c.metadata.deletionTimestamp,
    )
    if (shared) return
    try {
      await this.opts.client.delete(resources.secrets, this.opts.namespace, ref.name)
    } catch (e) {
      if (!isNotFound(e)) throw e
    }
  }
}

function readyReasonOf(status: Json): string {
  const ready = (Array.isArray(status.conditions) ? status.conditions : []).find((c) => rec(c).type === 'Ready')
  return typeof rec(ready).reason === 'string' ? (rec(ready).reason as string) : ''
}

function eventKeyOf(phase: unknown, reason: string): string {
  return `${typeof phase === 'string' ? phase : ''}/${reason}`
}

/** How a registered member is reached: through its agents' tunnels (a fresh http.Agent each time). */
function tunnelEndpoint(tunnels: TunnelRegistry, cluster: string): MemberEndpoint {
  const server = tunnelServerURL(cluster)
  return {
    cluster,
    server,
    agent: tunnels.createAgent(cluster),
    authHeaders: {},
    config: { server },
    connect: () => tunnels.connect(cluster),
  }
}
