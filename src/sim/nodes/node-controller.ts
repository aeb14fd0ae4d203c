// The simulated nodes' kubelets (node side) and the node lifecycle controller's part that reacts
// to them. It creates the cluster's nodes, reports their status (conditions, addresses,
// capacity, nodeInfo), renews a Lease per node in kube-node-lease every 10 s (jittered, as the
// kubelet does) and refreshes node conditions rarely. Any node, including ones created with
// kubectl, is managed: it gets a pod CIDR, an address and a status.
//
// Knobs: annotation sim.flotilla.dev/not-ready "true" makes a node unreachable (heartbeats stop,
// conditions Unknown, taints node.kubernetes.io/unreachable NoSchedule+NoExecute), "NotReady"
// makes its kubelet report Ready=False (taints node.kubernetes.io/not-ready). spec.unschedulable
// (kubectl cordon) adds the node.kubernetes.io/unschedulable:NoSchedule taint.

import { arr, type Json, rec, str } from '../../apis/json.ts'
import { type Client, resources } from '../../client/client.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../controllers/manager.ts'
import { WorkQueue } from '../../controllers/util/work-queue.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import { type KubeObject, microTimestamp, timestamp } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import { type EventRecorder, nodeReference } from '../events.ts'
import { type NodeTemplate, parseCapacity } from '../options.ts'
import type { SimShared } from '../shared.ts'
import { Deadlines } from '../util/deadlines.ts'
import { formatCidr } from '../util/ip.ts'
import {
  type AddressPlan,
  CAPACITY_ANNOTATION,
  capacity,
  INDEX_ANNOTATION,
  type NodeHealth,
  nodeAddress,
  nodeConditions,
  nodeHealth,
  nodeInfo,
  nodeObject,
  nodePodCidr,
  type SimNodeSpec,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from './node-object.ts'

export interface NodeControllerOptions {
  cluster: string
  /** The nodes the cluster starts with (created when missing). */
  nodes: SimNodeSpec[]
  /** What nodes created by others (kubectl) look like, unless annotated with capacity. */
  template: NodeTemplate
  plan: AddressPlan
  version: string
  leaseDurationSeconds: number
  /** Lease renewal period (jittered up to +4 %). */
  leaseRenewMs: number
  /** Node status (conditions' lastHeartbeatTime) refresh period (jittered up to +10 %). */
  statusRefreshMs: number
  concurrency: number
}

export const DEFAULT_NODE_CONTROLLER_OPTIONS = {
  leaseDurationSeconds: 40,
  leaseRenewMs: 10_000,
  statusRefreshMs: 60_000,
  concurrency: 16,
}

const MANAGER = 'kubelet'
/** Lease renewals and node status updates due within this window are sent together. */
const HEARTBEAT_TICK_MS = 100
const MANAGED_TAINTS = new Set([TAINT_UNREACHABLE, TAINT_NOT_READY, TAINT_UNSCHEDULABLE])

interface NodeState {
  index: number
  address: string
  template: NodeTemplate
  /** The full status (nodeInfo with this start's boot ID) has been written. */
  reported: boolean
  nextStatusAt: number
  leaseKnown: boolean
}

export class NodeController {
  private readonly client: Client
  private readonly clock: Clock
  private readonly log: Logger
  private readonly shared: SimShared
  private readonly recorder: EventRecorder
  private readonly opts: NodeControllerOptions
  private readonly state = new Map<string, NodeState>()
  private readonly specs = new Map<string, SimNodeSpec>()
  private readonly usedIndices = new Set<number>()
  private readonly queue: WorkQueue
  private readonly deadlines: Deadlines
  private readonly bootSeed = `${Date.now()}-${Math.random()}`
  private unsubscribe?: () => void

  constructor(ctx: ControllerContext, shared: SimShared, opts: NodeControllerOptions) {
    this.client = ctx.client
    this.clock = ctx.clock
    this.log = ctx.log
    this.shared = shared
    this.recorder = shared.recorder
    this.opts = opts
    for (const n of opts.nodes) {
      this.specs.set(n.name, n)
      this.usedIndices.add(n.index)
    }
    this.queue = new WorkQueue((key) => this.process(key), ctx.log, { workers: opts.concurrency })
    // Heartbeats need no millisecond timing: due ones go out together every HEARTBEAT_TICK_MS.
    this.deadlines = new Deadlines(ctx.clock, (key) => this.queue.add(key), { granularityMs: HEARTBEAT_TICK_MS })
  }

  async start(): Promise<void> {
    this.unsubscribe = this.shared.nodes.subscribe({
      add: (n) => this.queue.add(n.metadata.name ?? ''),
      update: (n, old) => {
        if (n.metadata.resourceVersion !== old.metadata.resourceVersion) this.queue.add(n.metadata.name ?? '')
      },
      delete: (n) => this.forget(n.metadata.name ?? ''),
    })
    await this.shared.nodes.synced
    const missing = this.opts.nodes.filter((n) => !this.shared.nodes.get(n.name))
    let next = 0
    const worker = async () => {
      while (next < missing.length) {
        const n = missing[next++]
        try {
          await this.client.create(resources.nodes, '', nodeObject(this.opts.cluster, n, this.opts.plan), {
            fieldManager: MANAGER,
          })
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 409)) throw e
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, missing.length) }, worker))
  }

  stop(): void {
    this.unsubscribe?.()
    this.queue.stop()
    this.deadlines.stop()
  }

  idle(): Promise<void> {
    return this.queue.idle()
  }

  private forget(name: string): void {
    const st = this.state.get(name)
    if (st && !this.specs.has(name)) this.usedIndices.delete(st.index)
    this.state.delete(name)
    this.deadlines.delete(`lease/${name}`)
    this.deadlines.delete(`status/${name}`)
  }

  private async process(key: string): Promise<void> {
    if (key.startsWith('lease/')) return this.renewLease(key.slice(6))
    if (key.startsWith('status/')) return this.reconcile(key.slice(7))
    return this.reconcile(key)
  }

  private stateOf(node: KubeObject): NodeState {
    const name = node.metadata.name ?? ''
    let st = this.state.get(name)
    if (st) return st
    const spec = this.specs.get(name)
    let template = spec?.template ?? this.opts.template
    const cap = node.metadata.annotations?.[CAPACITY_ANNOTATION]
    if (cap) {
      try {
        template = { ...template, ...parseCapacity(cap) }
      } catch (e) {
        this.log.warn('Ignoring bad capacity annotation', { node: name, err: String(e) })
      }
    }
    let index = spec?.index ?? Number(node.metadata.annotations?.[INDEX_ANNOTATION] ?? Number.NaN)
    if (!Number.isInteger(index) || index < 0 || (!spec && this.indexTaken(index, name))) {
      index = 0
      while (this.usedIndices.has(index)) index++
    }
    this.usedIndices.add(index)
    st = {
      index,
      address: nodeAddress(this.opts.plan, index),
      template,
      reported: false,
      nextStatusAt: 0,
      leaseKnown: false,
    }
    this.state.set(name, st)
    return st
  }

  private indexTaken(index: number, name: string): boolean {
    if (!this.usedIndices.has(index)) return false
    for (const [other, st] of this.state) if (other !== name && st.index === index) return true
    for (const [other, spec] of this.specs) if (other !== name && spec.index === index) return true
    return false
  }

  private async reconcile(name: string): Promise<void> {
    const node = this.shared.nodes.get(name)
    if (!node) {
      this.forget(name)
      return
    }
    const st = this.stateOf(node)
    const health = nodeHealth(node)
    if (await this.reconcileSpec(node, st, health)) return
    const now = this.clock.now()
    const status = rec(node.status)
    const conditions = arr(status.conditions)
    const ready = conditions.map(rec).find((c) => c.type === 'Ready')
    const wantReady = health === 'ready' ? 'True' : health === 'not-ready' ? 'False' : 'Unknown'
    const heartbeatDue = health !== 'unreachable' && now >= st.nextStatusAt
    if (!st.reported || ready?.status !== wantReady || heartbeatDue) {
      const ts = timestamp(now)
      const patch: Json = { conditions: nodeConditions(conditions, health, ts) }
      if (!st.reported) {
        const cap = capacity(st.template)
        patch.addresses = [
          { type: 'InternalIP', address: st.address },
          { type: 'Hostname', address: name },
        ]
        patch.allocatable = cap
        patch.capacity = cap
        patch.daemonEndpoints = { kubeletEndpoint: { Port: 10250 } }
        patch.nodeInfo = nodeInfo(st.template, {
          cluster: this.opts.cluster,
          name,
          address: st.address,
          version: this.opts.version,
          bootSeed: this.bootSeed,
        })
      }
      try {
        await this.client.patch(
          resources.nodes,
          '',
          name,
          'strategic',
          { status: patch },
          {
            subresource: 'status',
            fieldManager: MANAGER,
          },
        )
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) return
        throw e
      }
      if (!st.reported) this.startupEvents(name, health)
      else if (ready?.status !== wantReady) this.healthEvent(name, health)
      st.reported = true
      if (health !== 'unreachable') {
        st.nextStatusAt = now + this.opts.statusRefreshMs * (1 + Math.random() * 0.1)
        this.deadlines.set(`status/${name}`, st.nextStatusAt)
      }
    }
    if (health === 'unreachable') {
      this.deadlines.delete(`lease/${name}`)
      this.deadlines.delete(`status/${name}`)
    } else if (this.deadlines.get(`lease/${name}`) === undefined) {
      this.deadlines.set(`lease/${name}`, now)
    }
  }

  /** What a kubelet records when it starts (once per simulator start). */
  private startupEvents(name: string, health: NodeHealth): void {
    const ref = nodeReference(name)
    const kubelet = { component: 'kubelet', host: name }
    const e = (reason: string, message: string) => this.recorder.emit(kubelet, ref, 'Normal', reason, message)
    e('Starting', 'Starting kubelet.')
    e('NodeHasSufficientMemory', `Node ${name} status is now: NodeHasSufficientMemory`)
    e('NodeHasNoDiskPressure', `Node ${name} status is now: NodeHasNoDiskPressure`)
    e('NodeHasSufficientPID', `Node ${name} status is now: NodeHasSufficientPID`)
    e('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods')
    this.recorder.emit(
      { component: 'node-controller' },
      ref,
      'Normal',
      'RegisteredNode',
      `Node ${name} event: Registered Node ${name} in Controller`,
    )
    if (health === 'ready') e('NodeReady', `Node ${name} status is now: NodeReady`)
    else this.healthEvent(name, health)
  }

  private healthEvent(name: string, health: NodeHealth): void {
    const ref = nodeReference(name)
    if (health === 'ready') {
      this.recorder.emit(
        { component: 'kubelet', host: name },
        ref,
        'Normal',
        'NodeReady',
        `Node ${name} status is now: NodeReady`,
      )
    } else {
      this.recorder.emit(
        { component: 'node-controller' },
        ref,
        'Normal',
        'NodeNotReady',
        `Node ${name} status is now: NodeNotReady`,
      )
    }
  }

  /** Pod CIDR, index and lifecycle taints; true when a write was made (the update comes back). */
  private async reconcileSpec(node: KubeObject, st: NodeState, health: NodeHealth): Promise<boolean> {
    const spec = rec(node.spec)
    const name = node.metadata.name ?? ''
    const patch: Json = {}
    const meta: Json = { resourceVersion: node.metadata.resourceVersion }
    if (!str(spec.podCIDR)) {
      const cidr = formatCidr(nodePodCidr(this.opts.plan, st.index, st.template.pods))
      patch.podCIDR = cidr
      patch.podCIDRs = [cidr]
      if (!str(spec.providerID)) patch.providerID = `flotilla://${this.opts.cluster}/${name}`
    }
    if (node.metadata.annotations?.[INDEX_ANNOTATION] !== String(st.index)) {
      meta.annotations = { [INDEX_ANNOTATION]: String(st.index) }
    }
    const current = arr(spec.taints).map(rec)
    const want = current.filter((t) => !MANAGED_TAINTS.has(str(t.key)))
    const keep = (key: string, effect: string) => {
      const existing = current.find((t) => t.key === key && t.effect === effect)
      if (existing) want.push(existing)
      else want.push(effect === 'NoExecute' ? { key, effect, timeAdded: timestamp(this.clock.now()) } : { key, effect })
    }
    if (spec.unschedulable === true) keep(TAINT_UNSCHEDULABLE, 'NoSchedule')
    if (health !== 'ready') {
      const key = health === 'unreachable' ? TAINT_UNREACHABLE : TAINT_NOT_READY
      keep(key, 'NoSchedule')
      keep(key, 'NoExecute')
    }
    const sig = (ts: Json[]) =>
      ts
        .map((t) => `${str(t.key)}=${str(t.value)}:${str(t.effect)}`)
        .sort()
        .join(',')
    if (sig(want) !== sig(current)) patch.taints = want.length > 0 ? want : null
    if (Object.keys(patch).length === 0 && !meta.annotations) return false
    try {
      await this.client.patch(
        resources.nodes,
        '',
        name,
        'merge',
        { metadata: meta, spec: patch },
        {
          fieldManager: 'node-controller',
        },
      )
    } catch (e) {
      // A conflict means a newer version is on its way through the informer.
      if (e instanceof StatusError && (e.code === 409 || e.code === 404)) return true
      throw e
    }
    return true
  }

  private async renewLease(name: string): Promise<void> {
    const node = this.shared.nodes.get(name)
    const st = this.state.get(name)
    if (!node || !st || nodeHealth(node) === 'unreachable') return
    const now = this.clock.now()
    const renewTime = microTimestamp(now)
    const ns = 'kube-node-lease'
    const create = () =>
      this.client.create(
        resources.leases,
        ns,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name,
            namespace: ns,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }],
          },
          spec: { holderIdentity: name, leaseDurationSeconds: this.opts.leaseDurationSeconds, renewTime },
        },
        { fieldManager: MANAGER },
      )
    const renew = () =>
      this.client.patch(
        resources.leases,
        ns,
        name,
        'merge',
        { spec: { holderIdentity: name, renewTime } },
        {
          fieldManager: MANAGER,
        },
      )
    try {
      if (st.leaseKnown) {
        try {
          await renew()
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e
          await create()
        }
      } else {
        try {
          await create()
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 409)) throw e
          await renew()
        }
      }
      st.leaseKnown = true
    } finally {
      if (this.state.get(name) === st) {
        this.deadlines.set(`lease/${name}`, now + this.opts.leaseRenewMs * (1 + Math.random() * 0.04))
      }
    }
  }
}

export function nodeControllerDescriptor(
  shared: (ctx: ControllerContext) => SimShared,
  opts: NodeControllerOptions,
): ControllerDescriptor {
  return {
    name: 'sim-node-controller',
    async start(ctx): Promise<RunningController> {
      const s = shared(ctx)
      const c = new NodeController(ctx, s, opts)
      s.acquire()
      await c.start()
      return s.running(c)
    },
  }
}
