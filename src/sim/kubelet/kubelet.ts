// The simulated kubelets of every node in one controller: pods bound to a (managed) node go
// through the pod state machine — sandbox, pulls, init containers, running, readiness, exits,
// restarts — with status written as a strategic merge patch on pods/status and kubelet events.
// One shared pod informer feeds it; each pod's next step sits in a single deadline heap (no
// per-pod timers); work is done by a few workers keyed by pod. Graceful deletion is confirmed
// with gracePeriodSeconds 0 once containers have stopped. Pods on a node that is down (the
// not-ready knob) freeze and are marked Ready=False, as the node lifecycle controller does.

import { randomBytes } from 'node:crypto'
import { arr, rec, str } from '../../apis/json.ts'
import { type Client, resources } from '../../client/client.ts'
import { objectKey } from '../../client/informer.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../controllers/manager.ts'
import { WorkQueue } from '../../controllers/util/work-queue.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import { type KubeObject, timestamp } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import { type EventRecorder, podReference } from '../events.ts'
import { type NodeHealth, nodeHealth } from '../nodes/node-object.ts'
import type { SimShared } from '../shared.ts'
import { Deadlines } from '../util/deadlines.ts'
import { IpPool } from './ip-pool.ts'
import { podKnobs } from './knobs.ts'
import {
  adoptMachine,
  advance,
  DEFAULT_TIMING,
  type KubeletTiming,
  type MachineEnv,
  newMachine,
  nextAt,
  type PodMachine,
  renderStatus,
  startTermination,
} from './pod-machine.ts'

export interface KubeletOptions extends KubeletTiming {
  /** Pods processed at once. */
  concurrency: number
  /** Which nodes these kubelets run (default: every node). */
  nodes?: (name: string) => boolean
}

export const DEFAULT_KUBELET_OPTIONS: KubeletOptions = { ...DEFAULT_TIMING, concurrency: 64 }

const MANAGER = 'kubelet'

interface NodeView {
  name: string
  address: string
  cidr: string
  health: NodeHealth
  pool?: IpPool
  images: Set<string>
}

interface PodRecord {
  key: string
  uid: string
  node: string
  machine?: PodMachine
  podIP?: string
  ipReleased: boolean
  lastWritten: string
  /** The node is down and Ready=False has been written. */
  markedNotReady: boolean
  /** Found terminal at start: nothing left to do but see it deleted. */
  frozen: boolean
  deleting: boolean
}

export class Kubelet {
  private readonly client: Client
  private readonly clock: Clock
  private readonly log: Logger
  private readonly shared: SimShared
  private readonly recorder: EventRecorder
  private readonly opts: KubeletOptions
  private readonly records = new Map<string, PodRecord>()
  private readonly byNode = new Map<string, Set<string>>()
  private readonly nodes = new Map<string, NodeView>()
  private readonly queue: WorkQueue
  private readonly deadlines: Deadlines
  private readonly unsubscribe: (() => void)[] = []

  constructor(ctx: ControllerContext, shared: SimShared, opts: KubeletOptions) {
    this.client = ctx.client
    this.clock = ctx.clock
    this.log = ctx.log
    this.shared = shared
    this.recorder = shared.recorder
    this.opts = opts
    this.queue = new WorkQueue((key) => this.process(key), ctx.log, { workers: opts.concurrency })
    this.deadlines = new Deadlines(ctx.clock, (key) => this.queue.add(key))
    this.unsubscribe.push(
      shared.nodes.subscribe({
        add: (n) => this.onNode(n),
        update: (n) => this.onNode(n),
        delete: (n) => this.nodes.delete(n.metadata.name ?? ''),
      }),
      shared.pods.subscribe({
        add: (p) => this.onPod(p),
        update: (p, old) => this.onPod(p, old),
        delete: (p) => this.onPodDelete(p),
      }),
    )
  }

  stop(): void {
    for (const u of this.unsubscribe) u()
    this.queue.stop()
    this.deadlines.stop()
  }

  idle(): Promise<void> {
    return this.queue.idle()
  }

  private manages(node: string): boolean {
    return this.opts.nodes ? this.opts.nodes(node) : true
  }

  // ---- informer events ----

  private onNode(node: KubeObject): void {
    const name = node.metadata.name ?? ''
    if (!this.manages(name)) return
    const address =
      arr(rec(node.status).addresses)
        .map(rec)
        .find((a) => a.type === 'InternalIP')?.address ?? ''
    const cidr = str(rec(node.spec).podCIDR)
    const health = nodeHealth(node)
    let view = this.nodes.get(name)
    const before = view ? `${view.address}|${view.cidr}|${view.health}` : ''
    if (!view) {
      view = { name, address: str(address), cidr, health, images: new Set() }
      this.nodes.set(name, view)
    }
    view.address = str(address)
    view.health = health
    if (cidr !== view.cidr || (!view.pool && cidr)) {
      view.cidr = cidr
      view.pool = cidr ? new IpPool(cidr) : undefined
      for (const key of this.byNode.get(name) ?? []) {
        const r = this.records.get(key)
        if (r?.podIP && !r.ipReleased) view.pool?.claim(r.podIP)
      }
    }
    if (`${view.address}|${view.cidr}|${view.health}` !== before) {
      for (const key of this.byNode.get(name) ?? []) this.queue.add(key)
    }
  }

  private onPod(pod: KubeObject, old?: KubeObject): void {
    const node = str(rec(pod.spec).nodeName)
    if (!node || !this.manages(node)) return
    const key = objectKey(pod)
    const uid = pod.metadata.uid ?? ''
    let r = this.records.get(key)
    if (r && r.uid !== uid) {
      this.drop(r)
      r = undefined
    }
    if (!r) {
      r = {
        key,
        uid,
        node,
        ipReleased: false,
        lastWritten: '',
        markedNotReady: false,
        frozen: false,
        deleting: false,
      }
      this.records.set(key, r)
      let set = this.byNode.get(node)
      if (!set) {
        set = new Set()
        this.byNode.set(node, set)
      }
      set.add(key)
      this.queue.add(key)
      return
    }
    if (!old) {
      this.queue.add(key)
      return
    }
    // Our own status writes come back here: only react to what the kubelet cares about.
    if (pod.metadata.deletionTimestamp !== old.metadata.deletionTimestamp) this.queue.add(key)
    else if (arr(rec(pod.spec).readinessGates).length > 0) this.queue.add(key)
  }

  private onPodDelete(pod: KubeObject): void {
    const r = this.records.get(objectKey(pod))
    if (r && r.uid === pod.metadata.uid) this.drop(r)
  }

  private drop(r: PodRecord): void {
    this.records.delete(r.key)
    this.byNode.get(r.node)?.delete(r.key)
    this.deadlines.delete(r.key)
    this.releaseIP(r)
  }

  private releaseIP(r: PodRecord): void {
    if (r.podIP && !r.ipReleased) {
      r.ipReleased = true
      this.nodes.get(r.node)?.pool?.release(r.podIP)
    }
  }

  // ---- processing ----

  private env(pod: KubeObject, view: NodeView): MachineEnv {
    const source = { component: 'kubelet', host: view.name }
    return {
      emit: (type, reason, message, fieldPath) =>
        this.recorder.emit(source, podReference(pod, fieldPath), type, reason, message),
      hasImage: (name) => view.images.has(name),
      addImage: (name) => view.images.add(name),
      newContainerID: () => `containerd://${this.randomHex32()}`,
    }
  }

  private entropy = Buffer.alloc(0)
  private entropyAt = 0

  /** 32 random bytes as hex, from a pool (one randomBytes call per 256 container IDs). */
  private randomHex32(): string {
    if (this.entropyAt + 32 > this.entropy.length) {
      this.entropy = randomBytes(32 * 256)
      this.entropyAt = 0
    }
    const hex = this.entropy.toString('hex', this.entropyAt, this.entropyAt + 32)
    this.entropyAt += 32
    return hex
  }

  private async process(key: string): Promise<void> {
    const r = this.records.get(key)
    if (!r) return
    const pod = this.shared.pods.get(key)
    if (!pod || pod.metadata.uid !== r.uid) {
      if (!pod) this.drop(r)
      return
    }
    const view = this.nodes.get(r.node)
    if (!view?.address || !view.pool) return
    if (view.health !== 'ready') return this.nodeDown(r, pod)
    if (r.markedNotReady) {
      r.markedNotReady = false
      r.lastWritten = ''
    }
    const now = this.clock.now()
    const deleting = !!pod.metadata.deletionTimestamp
    if (!r.machine) {
      const phase = rec(pod.status).phase
      if (phase === 'Succeeded' || phase === 'Failed') {
        r.frozen = true
        return
      }
      if (!r.frozen) this.admit(r, pod, view, now)
    }
    if (r.frozen || !r.machine) {
      if (deleting) await this.confirmDeletion(r, pod)
      return
    }
    const m = r.machine
    const env = this.env(pod, view)
    if (deleting && !m.terminating) {
      if (!startTermination(m, env, now, pod.metadata.deletionGracePeriodSeconds ?? 30)) {
        await this.confirmDeletion(r, pod)
        return
      }
    }
    advance(m, env, now)
    if (m.sandboxReady && !r.podIP) this.allocateIP(r, pod, view)
    // The first status goes out once the sandbox is up (within sandboxMs), so a pod whose image
    // is on the node goes from Pending to Running in one write.
    if (m.sandboxReady || m.terminal || m.terminating || m.sandboxAt - m.admittedAt > 1000) {
      await this.writeStatus(r, pod, view, now)
    }
    if (m.terminal) this.releaseIP(r)
    if (deleting && (m.terminating?.stopped || m.terminal)) {
      await this.confirmDeletion(r, pod)
      return
    }
    this.deadlines.set(key, nextAt(m))
  }

  private admit(r: PodRecord, pod: KubeObject, view: NodeView, now: number): void {
    const knobs = podKnobs(pod)
    const adopted = adoptMachine(pod, knobs, this.opts, now)
    r.machine = adopted ?? newMachine(pod, knobs, this.opts, now)
    const ip = str(rec(pod.status).podIP)
    if (adopted && ip) {
      if (rec(pod.spec).hostNetwork === true || view.pool?.claim(ip)) r.podIP = ip
      r.ipReleased = rec(pod.spec).hostNetwork === true
    }
    if (knobs.errors.length > 0) {
      this.recorder.emit(
        { component: 'kubelet', host: view.name },
        podReference(pod),
        'Warning',
        'InvalidSimulatorKnob',
        knobs.errors.join('; '),
      )
    }
  }

  private allocateIP(r: PodRecord, pod: KubeObject, view: NodeView): void {
    if (rec(pod.spec).hostNetwork === true) {
      r.podIP = view.address
      r.ipReleased = true
      return
    }
    const ip = view.pool?.allocate()
    if (!ip) {
      this.log.warn('Node pod CIDR exhausted', { node: view.name, cidr: view.cidr })
      return
    }
    r.podIP = ip
    r.ipReleased = false
  }

  private async writeStatus(r: PodRecord, pod: KubeObject, view: NodeView, now: number): Promise<void> {
    const status = renderStatus(r.machine!, pod, { now, hostIP: view.address, podIP: r.podIP })
    const s = JSON.stringify(status)
    if (s === r.lastWritten) return
    try {
      await this.client.patch(
        resources.pods,
        pod.metadata.namespace ?? '',
        pod.metadata.name ?? '',
        'strategic',
        { status },
        {
          subresource: 'status',
          fieldManager: MANAGER,
        },
      )
      r.lastWritten = s
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return
      throw e
    }
  }

  private async confirmDeletion(r: PodRecord, pod: KubeObject): Promise<void> {
    if (r.deleting) return
    r.deleting = true
    try {
      await this.client.delete(resources.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid: r.uid },
      })
    } catch (e) {
      r.deleting = false
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return
      throw e
    }
    this.releaseIP(r)
  }

  /** The node stopped reporting: the pod is frozen and, like node lifecycle does, not Ready. */
  private async nodeDown(r: PodRecord, pod: KubeObject): Promise<void> {
    this.deadlines.delete(r.key)
    if (r.markedNotReady) return
    const ready = arr(rec(pod.status).conditions)
      .map(rec)
      .find((c) => c.type === 'Ready')
    if (ready?.status !== 'True') {
      r.markedNotReady = true
      return
    }
    const now = this.clock.now()
    try {
      await this.client.patch(
        resources.pods,
        pod.metadata.namespace ?? '',
        pod.metadata.name ?? '',
        'strategic',
        { status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: timestamp(now) }] } },
        { subresource: 'status', fieldManager: 'node-controller' },
      )
      r.markedNotReady = true
      r.machine?.conds.set('Ready', { status: 'False', time: now })
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return
      throw e
    }
  }
}

export function kubeletDescriptor(
  shared: (ctx: ControllerContext) => SimShared,
  opts: Partial<KubeletOptions> = {},
): ControllerDescriptor {
  return {
    name: 'sim-kubelet',
    async start(ctx): Promise<RunningController> {
      const s = shared(ctx)
      const k = new Kubelet(ctx, s, { ...DEFAULT_KUBELET_OPTIONS, ...opts })
      s.acquire()
      await Promise.all([s.pods.synced, s.nodes.synced])
      return s.running(k)
    },
  }
}
