// Node and resource summaries of a member cluster, from compact per-object records. The hub
// watches every member's nodes and pods but keeps, per object, only the few numbers the
// summaries need (a hub manages hundreds of members; their full objects would not fit).
// Amounts are integers in the units the scheduler compares: cpu in millicores, memory in bytes,
// pods as a count. Totals are kept incrementally, so an event costs O(1).

import { nodeAllocatable, podRequests } from '../../apis/core/resources.ts'
import { arr, rec } from '../../apis/json.ts'
import type { KubeObject } from '../../machinery/object.ts'

export interface NodeRecord {
  ready: boolean
  cpu: number
  memory: number
  pods: number
}

/** A pod that counts as allocated: bound to a node and not terminated. */
export interface PodRecord {
  cpu: number
  memory: number
}

/** Readiness and allocatable only: heartbeats and other status churn leave the record unchanged. */
export function nodeRecord(node: KubeObject): NodeRecord {
  const ready = arr(rec(node.status).conditions).some((c) => rec(c).type === 'Ready' && rec(c).status === 'True')
  const alloc = nodeAllocatable(node)
  return { ready, cpu: alloc.get('cpu') ?? 0, memory: alloc.get('memory') ?? 0, pods: alloc.get('pods') ?? 0 }
}

/** The requests of a pod that occupies a node, or undefined for pods that do not (yet, any more). */
export function podRecord(pod: KubeObject): PodRecord | undefined {
  if (!rec(pod.spec).nodeName) return undefined
  const phase = rec(pod.status).phase
  if (phase === 'Succeeded' || phase === 'Failed') return undefined
  const req = podRequests(pod)
  return { cpu: req.get('cpu') ?? 0, memory: req.get('memory') ?? 0 }
}

export function sameNodeRecord(a: NodeRecord, b: NodeRecord): boolean {
  return a.ready === b.ready && a.cpu === b.cpu && a.memory === b.memory && a.pods === b.pods
}

export function samePodRecord(a: PodRecord, b: PodRecord): boolean {
  return a.cpu === b.cpu && a.memory === b.memory
}

/** Running sums over records, updated as records come and go. */
export interface Aggregate<R> {
  add(r: R): void
  remove(r: R): void
  reset(): void
}

export class NodeTotals implements Aggregate<NodeRecord> {
  total = 0
  ready = 0
  cpu = 0
  memory = 0
  pods = 0

  add(r: NodeRecord): void {
    this.apply(r, 1)
  }

  remove(r: NodeRecord): void {
    this.apply(r, -1)
  }

  reset(): void {
    this.total = this.ready = this.cpu = this.memory = this.pods = 0
  }

  private apply(r: NodeRecord, sign: 1 | -1): void {
    this.total += sign
    if (r.ready) this.ready += sign
    this.cpu += sign * r.cpu
    this.memory += sign * r.memory
    this.pods += sign * r.pods
  }
}

export class PodTotals implements Aggregate<PodRecord> {
  count = 0
  cpu = 0
  memory = 0

  add(r: PodRecord): void {
    this.count++
    this.cpu += r.cpu
    this.memory += r.memory
  }

  remove(r: PodRecord): void {
    this.count--
    this.cpu -= r.cpu
    this.memory -= r.memory
  }

  reset(): void {
    this.count = this.cpu = this.memory = 0
  }
}

const BINARY_SUFFIXES: [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
]

/** Millicores as a canonical cpu quantity: "24", "1500m". */
export function cpuQuantity(milli: number): string {
  const m = Math.max(0, Math.round(milli))
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`
}

/** Bytes as a canonical memory quantity: the largest binary suffix that divides it exactly. */
export function memoryQuantity(bytes: number): string {
  const b = Math.max(0, Math.round(bytes))
  if (b === 0) return '0'
  for (const [suffix, size] of BINARY_SUFFIXES) if (b % size === 0) return `${b / size}${suffix}`
  return String(b)
}

export interface NodeSummary {
  totalNum: number
  readyNum: number
}

export interface ResourceAmounts {
  cpu: string
  memory: string
  pods: string
}

export interface ResourceSummary {
  allocatable: ResourceAmounts
  allocated: ResourceAmounts
}

export function nodeSummary(n: NodeTotals): NodeSummary {
  return { totalNum: n.total, readyNum: n.ready }
}

export function resourceSummary(n: NodeTotals, p: PodTotals): ResourceSummary {
  return {
    allocatable: { cpu: cpuQuantity(n.cpu), memory: memoryQuantity(n.memory), pods: String(n.pods) },
    allocated: { cpu: cpuQuantity(p.cpu), memory: memoryQuantity(p.memory), pods: String(p.count) },
  }
}
