// What a simulated node looks like: labels, spec (pod CIDR, provider ID, taints) and the status a
// kubelet reports (conditions, addresses, capacity, nodeInfo), and the address plan behind it.

import { createHash } from 'node:crypto'
import type { Json } from '../../apis/json.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { KNOB, type NodeTemplate, type Taint, taintJson } from '../options.ts'
import { type Cidr, formatCidr, intToIp, parseCidr, subnet } from '../util/ip.ts'

/** Where node and pod addresses come from. */
export interface AddressPlan {
  /** Node InternalIPs: the (i+2)-th address of this range for node index i. */
  nodeCIDR: string
  /** Cluster pod range, cut into one block per node (a /24, larger for pods > 250). */
  podCIDR: string
}

export const DEFAULT_ADDRESS_PLAN: AddressPlan = { nodeCIDR: '172.18.0.0/16', podCIDR: '10.244.0.0/14' }

export const INDEX_ANNOTATION = `${KNOB}index`
export const CAPACITY_ANNOTATION = `${KNOB}capacity`
export const NOT_READY_ANNOTATION = `${KNOB}not-ready`

export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane'
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable'
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready'
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable'

/** Prefix length of each node's pod block for a pods-per-node limit. */
export function podBlockBits(maxPods: number): number {
  return Math.min(24, 32 - Math.ceil(Math.log2(Math.max(1, maxPods) + 4)))
}

export function nodeAddress(plan: AddressPlan, index: number): string {
  const range = parseCidr(plan.nodeCIDR)
  const ip = range.base + index + 2
  if (ip >= range.base + 2 ** (32 - range.bits) - 1) throw new Error(`node range ${plan.nodeCIDR} is full`)
  return intToIp(ip)
}

export function nodePodCidr(plan: AddressPlan, index: number, maxPods: number): Cidr {
  return subnet(parseCidr(plan.podCIDR), podBlockBits(maxPods), index)
}

export interface SimNodeSpec {
  name: string
  index: number
  controlPlane: boolean
  zone?: string
  template: NodeTemplate
}

/** The node object the simulator creates (status comes from the node controller). */
export function nodeObject(cluster: string, n: SimNodeSpec, plan: AddressPlan): KubeObject {
  const t = n.template
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': t.arch,
    'beta.kubernetes.io/os': t.os,
    'kubernetes.io/arch': t.arch,
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': t.os,
  }
  if (t.instanceType) {
    labels['node.kubernetes.io/instance-type'] = t.instanceType
    labels['beta.kubernetes.io/instance-type'] = t.instanceType
  }
  if (t.region) labels['topology.kubernetes.io/region'] = t.region
  if (n.zone) labels['topology.kubernetes.io/zone'] = n.zone
  if (n.controlPlane) labels[CONTROL_PLANE_LABEL] = ''
  Object.assign(labels, t.labels)
  const taints: Taint[] = [...t.taints]
  if (n.controlPlane) taints.push({ key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' })
  const cidr = formatCidr(nodePodCidr(plan, n.index, t.pods))
  const spec: Json = { podCIDR: cidr, podCIDRs: [cidr], providerID: `flotilla://${cluster}/${n.name}` }
  if (taints.length > 0) spec.taints = taints.map(taintJson)
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels,
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        [INDEX_ANNOTATION]: String(n.index),
      },
    },
    spec,
  }
}

function hex(seed: string, len: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, len)
}

function uuidFrom(seed: string): string {
  const h = hex(seed, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

export interface NodeIdentity {
  cluster: string
  name: string
  address: string
  version: string
  /** Changes on every simulator start, as a real boot ID does on reboot. */
  bootSeed: string
}

export function capacity(t: NodeTemplate): Json {
  return {
    cpu: t.cpu,
    'ephemeral-storage': t.ephemeralStorage,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: t.memory,
    pods: String(t.pods),
  }
}

export function nodeInfo(t: NodeTemplate, id: NodeIdentity): Json {
  return {
    architecture: t.arch,
    bootID: uuidFrom(`${id.bootSeed}/${id.cluster}/${id.name}/boot`),
    containerRuntimeVersion: 'containerd://1.7.18',
    kernelVersion: '6.1.0-25-cloud-amd64',
    kubeProxyVersion: id.version,
    kubeletVersion: id.version,
    machineID: hex(`${id.cluster}/${id.name}/machine`, 32),
    operatingSystem: t.os,
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    systemUUID: uuidFrom(`${id.cluster}/${id.name}/system`),
  }
}

export type NodeHealth = 'ready' | 'unreachable' | 'not-ready'

/** The not-ready knob: "true"/"unreachable" → heartbeats stop; "NotReady"/"False" → kubelet reports NotReady. */
export function nodeHealth(node: KubeObject): NodeHealth {
  const v = (node.metadata.annotations?.[NOT_READY_ANNOTATION] ?? '').trim().toLowerCase()
  if (v === '' || v === 'false' || v === '0' || v === 'no') return 'ready'
  if (v === 'notready' || v === 'not-ready' || v === 'kubeletnotready') return 'not-ready'
  return 'unreachable'
}

interface Condition {
  type: string
  status: string
  reason: string
  message: string
}

const READY_CONDITIONS: Condition[] = [
  {
    type: 'MemoryPressure',
    status: 'False',
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
  },
  {
    type: 'DiskPressure',
    status: 'False',
    reason: 'KubeletHasNoDiskPressure',
    message: 'kubelet has no disk pressure',
  },
  {
    type: 'PIDPressure',
    status: 'False',
    reason: 'KubeletHasSufficientPID',
    message: 'kubelet has sufficient PID available',
  },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
]

const NETWORK: Condition = {
  type: 'NetworkUnavailable',
  status: 'False',
  reason: 'RouteCreated',
  message: 'RouteController created a route',
}

/**
 * The node's conditions for a health state, keeping lastTransitionTime where the status did not
 * change and lastHeartbeatTime where no kubelet reported (unreachable).
 */
export function nodeConditions(existing: unknown[], health: NodeHealth, now: string): Json[] {
  const old = new Map<string, Json>()
  for (const c of existing) {
    if (c && typeof c === 'object' && typeof (c as Json).type === 'string')
      old.set((c as Json).type as string, c as Json)
  }
  const want: Condition[] = READY_CONDITIONS.map((c) => {
    if (health === 'unreachable') {
      return {
        type: c.type,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      }
    }
    if (health === 'not-ready' && c.type === 'Ready') {
      return {
        type: 'Ready',
        status: 'False',
        reason: 'KubeletNotReady',
        message:
          'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      }
    }
    return c
  })
  const out: Json[] = []
  const net = old.get('NetworkUnavailable')
  out.push(net ?? { ...NETWORK, lastHeartbeatTime: now, lastTransitionTime: now })
  for (const c of want) {
    const prev = old.get(c.type)
    const transition = prev && prev.status === c.status && typeof prev.lastTransitionTime === 'string'
    const heartbeat =
      health === 'unreachable' ? (typeof prev?.lastHeartbeatTime === 'string' ? prev.lastHeartbeatTime : now) : now
    out.push({
      type: c.type,
      status: c.status,
      lastHeartbeatTime: heartbeat,
      lastTransitionTime: transition ? prev.lastTransitionTime : now,
      reason: c.reason,
      message: c.message,
    })
  }
  return out
}
