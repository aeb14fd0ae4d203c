// The scheduler's filters over one pod and one node, in kube-scheduler's plugin order
// (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit), and the FitError
// message built from the per-node failure reasons.

import { nonZeroRequests, podRequests, type Resources } from '../../apis/core/resources.ts'
import { arr, type Json, rec, str } from '../../apis/json.ts'
import type { KubeObject } from '../../machinery/object.ts'

export interface Toleration {
  key: string
  operator: string
  value: string
  effect: string
}

export interface NodeTaint {
  key: string
  value: string
  effect: string
}

interface Requirement {
  key: string
  operator: string
  values: string[]
}

interface Term {
  expressions: Requirement[]
  fields: Requirement[]
}

/** What the scheduler needs from a pod, computed once per pod. */
export interface PodInfo {
  key: string
  uid: string
  requests: Resources
  nonZeroCpu: number
  nonZeroMemory: number
  nodeSelector: [string, string][]
  /** Required node affinity terms (ORed), or null when there is none. */
  terms: Term[] | null
  tolerations: Toleration[]
  priority: number
}

/** What the scheduler keeps per node. */
export interface NodeInfo {
  name: string
  labels: Record<string, string>
  /** NoSchedule and NoExecute taints (PreferNoSchedule is a scoring matter). */
  taints: NodeTaint[]
  unschedulable: boolean
  allocatable: Resources
  requested: Resources
  nonZeroCpu: number
  nonZeroMemory: number
  pods: number
}

export function podInfo(pod: KubeObject, key: string): PodInfo {
  const spec = rec(pod.spec)
  const nz = nonZeroRequests(pod)
  const required = rec(rec(rec(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution)
  const hasRequired = Object.keys(required).length > 0
  return {
    key,
    uid: pod.metadata.uid ?? '',
    requests: podRequests(pod),
    nonZeroCpu: nz.cpu,
    nonZeroMemory: nz.memory,
    nodeSelector: Object.entries(rec(spec.nodeSelector)).map(([k, v]) => [k, str(v)]),
    terms: hasRequired
      ? arr(required.nodeSelectorTerms).map((t) => ({
          expressions: arr(rec(t).matchExpressions).map(requirement),
          fields: arr(rec(t).matchFields).map(requirement),
        }))
      : null,
    tolerations: arr(spec.tolerations).map((t) => {
      const r = rec(t)
      return { key: str(r.key), operator: str(r.operator) || 'Equal', value: str(r.value), effect: str(r.effect) }
    }),
    priority: typeof spec.priority === 'number' ? spec.priority : 0,
  }
}

function requirement(v: unknown): Requirement {
  const r = rec(v)
  return { key: str(r.key), operator: str(r.operator), values: arr(r.values).map(str) }
}

export function nodeTaints(node: KubeObject): NodeTaint[] {
  return arr(rec(node.spec).taints)
    .map(rec)
    .filter((t: Json) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .map((t) => ({ key: str(t.key), value: str(t.value), effect: str(t.effect) }))
}

/** v1helper.ToleratesTaint. */
export function tolerates(t: Toleration, taint: NodeTaint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false
  if (t.key !== '' && t.key !== taint.key) return false
  if (t.operator === 'Exists') return true
  if (t.operator === 'Equal' || t.operator === '') return t.value === taint.value
  return false
}

function untolerated(pod: PodInfo, taints: NodeTaint[]): NodeTaint | undefined {
  for (const taint of taints) {
    if (!pod.tolerations.some((t) => tolerates(t, taint))) return taint
  }
  return undefined
}

const UNSCHEDULABLE_TAINT: NodeTaint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' }

function matchRequirement(r: Requirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && r.values.includes(value)
    case 'NotIn':
      return value === undefined || !r.values.includes(value)
    case 'Exists':
      return value !== undefined
    case 'DoesNotExist':
      return value === undefined
    case 'Gt':
    case 'Lt': {
      if (value === undefined || r.values.length !== 1) return false
      if (!/^-?\d+$/.test(value) || !/^-?\d+$/.test(r.values[0])) return false
      const a = BigInt(value)
      const b = BigInt(r.values[0])
      return r.operator === 'Gt' ? a > b : a < b
    }
    default:
      return false
  }
}

function matchTerm(t: Term, node: NodeInfo): boolean {
  // An empty term matches nothing (nodeaffinity.NewNodeSelector).
  if (t.expressions.length === 0 && t.fields.length === 0) return false
  for (const r of t.expressions) if (!matchRequirement(r, node.labels[r.key])) return false
  for (const r of t.fields) {
    if (r.key !== 'metadata.name') return false
    if (r.operator !== 'In' && r.operator !== 'NotIn') return false
    if (!matchRequirement(r, node.name)) return false
  }
  return true
}

export function matchesNodeAffinity(pod: PodInfo, node: NodeInfo): boolean {
  for (const [k, v] of pod.nodeSelector) if (node.labels[k] !== v) return false
  if (pod.terms === null) return true
  return pod.terms.some((t) => matchTerm(t, node))
}

/** Failure kinds: unresolvable ones make preemption pointless. */
export interface FilterFailure {
  reasons: string[]
  unresolvable: boolean
}

/** Runs the filters; undefined when the pod fits the node. */
export function filter(pod: PodInfo, node: NodeInfo): FilterFailure | undefined {
  if (node.unschedulable && !pod.tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) {
    return { reasons: ['node(s) were unschedulable'], unresolvable: true }
  }
  const taint = untolerated(pod, node.taints)
  if (taint) return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value}}`], unresolvable: true }
  if (!matchesNodeAffinity(pod, node)) {
    return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true }
  }
  const reasons: string[] = []
  if (node.pods + 1 > (node.allocatable.get('pods') ?? 0)) reasons.push('Too many pods')
  for (const [name, want] of pod.requests) {
    if (name === 'pods') continue
    const free = (node.allocatable.get(name) ?? 0) - (node.requested.get(name) ?? 0)
    if (want > free) reasons.push(`Insufficient ${name}`)
  }
  return reasons.length > 0 ? { reasons, unresolvable: false } : undefined
}

/** NodeResourcesFit LeastAllocated over cpu and memory (0–100), with non-zero defaults. */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const score = (alloc: number, used: number) => (alloc <= 0 || used > alloc ? 0 : ((alloc - used) * 100) / alloc)
  const cpu = score(node.allocatable.get('cpu') ?? 0, node.nonZeroCpu + pod.nonZeroCpu)
  const mem = score(node.allocatable.get('memory') ?? 0, node.nonZeroMemory + pod.nonZeroMemory)
  return (cpu + mem) / 2
}

/** framework.FitError.Error() plus the preemption post-filter message. */
export function fitErrorMessage(
  numNodes: number,
  failures: Map<string, number>,
  preemption: Map<string, number>,
): string {
  const part = (m: Map<string, number>) =>
    `0/${numNodes} nodes are available: ${[...m]
      .map(([reason, n]) => `${n} ${reason}`)
      .sort()
      .join(', ')}.`
  return `${part(failures)} preemption: ${part(preemption)}`
}

export const NO_NODES_MESSAGE = 'no nodes available to schedule pods'
