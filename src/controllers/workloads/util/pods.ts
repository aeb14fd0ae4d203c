// Pod predicates and orderings shared by the workload controllers (k8s.io/kubernetes
// pkg/api/v1/pod and pkg/controller: IsPodReady, IsPodAvailable, FilterActivePods, ActivePods,
// ActivePodsWithRanks, GetPodFromTemplate).

import { arr, type Json, num, rec, str, strMap } from '../../../apis/json.ts'
import type { KubeObject, OwnerReference } from '../../../machinery/object.ts'

export function podPhase(pod: KubeObject): string {
  return str(rec(pod.status).phase)
}

function readyCondition(pod: KubeObject): Json | undefined {
  return arr(rec(pod.status).conditions)
    .map(rec)
    .find((c) => c.type === 'Ready')
}

export function isPodReady(pod: KubeObject): boolean {
  return readyCondition(pod)?.status === 'True'
}

/** When the pod last became ready (ms), or null. */
export function podReadySince(pod: KubeObject): number | null {
  const c = readyCondition(pod)
  if (c?.status !== 'True') return null
  const t = Date.parse(str(c.lastTransitionTime))
  return Number.isNaN(t) ? null : t
}

/** IsPodAvailable: ready for at least minReadySeconds. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false
  if (minReadySeconds <= 0) return true
  const since = podReadySince(pod)
  return since !== null && since + minReadySeconds * 1000 <= now
}

export function isTerminating(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp
}

export function isTerminal(pod: KubeObject): boolean {
  const p = podPhase(pod)
  return p === 'Succeeded' || p === 'Failed'
}

/** controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  return !isTerminal(pod) && !isTerminating(pod)
}

export function nodeNameOf(pod: KubeObject): string {
  return str(rec(pod.spec).nodeName)
}

function maxRestarts(pod: KubeObject): number {
  let m = 0
  for (const cs of arr(rec(pod.status).containerStatuses)) m = Math.max(m, num(rec(cs).restartCount))
  return m
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 }

const ms = (ts: unknown): number => {
  const t = Date.parse(str(ts))
  return Number.isNaN(t) ? 0 : t
}

/** afterOrZero: a zero time sorts first, then the later time. */
function afterOrZero(a: number, b: number): boolean {
  if (a === 0 || b === 0) return a === 0
  return a > b
}

/** logarithmicRankDiff: compares the log2 of the ages in nanoseconds. */
function logRankDiff(a: number, b: number, now: number): number {
  const rank = (t: number) => {
    const d = (now - t) * 1e6
    return d > 0 ? Math.floor(Math.log2(d)) : -1
  }
  return rank(a) - rank(b)
}

/**
 * The criteria both orders begin with: a pod not yet on a node first, then by phase (Pending,
 * Unknown, Running), then a pod that is not ready; 0 when those tie.
 */
function compareAssignmentPhaseReadiness(a: KubeObject, b: KubeObject): number {
  const na = nodeNameOf(a)
  const nb = nodeNameOf(b)
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1
  const pa = PHASE_ORDINAL[podPhase(a)] ?? 0
  const pb = PHASE_ORDINAL[podPhase(b)] ?? 0
  if (pa !== pb) return pa - pb
  const ra = isPodReady(a)
  const rb = isPodReady(b)
  if (ra !== rb) return ra ? 1 : -1
  return 0
}

/**
 * controller.ActivePodsWithRanks.Less (with LogarithmicScaleDown and PodDeletionCost): negative
 * when `a` should be deleted before `b`. `rank` counts related pods on the pod's node.
 */
export function compareForDeletion(a: KubeObject, b: KubeObject, rank: (p: KubeObject) => number, now: number): number {
  const first = compareAssignmentPhaseReadiness(a, b)
  if (first !== 0) return first
  const ra = isPodReady(a)
  const rb = isPodReady(b)
  const ca = Number(a.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0) || 0
  const cb = Number(b.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0) || 0
  if (ca !== cb) return ca - cb
  const ka = rank(a)
  const kb = rank(b)
  if (ka !== kb) return kb - ka
  const uidOrder = () => {
    const ua = a.metadata.uid ?? ''
    const ub = b.metadata.uid ?? ''
    return ua < ub ? -1 : ua > ub ? 1 : 0
  }
  if (ra && rb) {
    const ta = podReadySince(a) ?? 0
    const tb = podReadySince(b) ?? 0
    if (ta !== tb) {
      if (ta === 0 || tb === 0) return afterOrZero(ta, tb) ? -1 : 1
      const d = logRankDiff(ta, tb, now)
      if (d === 0) return uidOrder()
      return d
    }
  }
  const xa = maxRestarts(a)
  const xb = maxRestarts(b)
  if (xa !== xb) return xb - xa
  const ta = ms(a.metadata.creationTimestamp)
  const tb = ms(b.metadata.creationTimestamp)
  if (ta !== tb) {
    if (ta === 0 || tb === 0) return afterOrZero(ta, tb) ? -1 : 1
    const d = logRankDiff(ta, tb, now)
    if (d === 0) return uidOrder()
    return d
  }
  return 0
}

/** controller.ActivePods.Less: negative when `a` should be removed before `b`. */
export function compareActivePods(a: KubeObject, b: KubeObject): number {
  const first = compareAssignmentPhaseReadiness(a, b)
  if (first !== 0) return first
  const ra = isPodReady(a)
  const rb = isPodReady(b)
  if (ra && rb) {
    const ta = podReadySince(a) ?? 0
    const tb = podReadySince(b) ?? 0
    if (ta !== tb) return afterOrZero(ta, tb) ? -1 : 1
  }
  const xa = maxRestarts(a)
  const xb = maxRestarts(b)
  if (xa !== xb) return xb - xa
  const ta = ms(a.metadata.creationTimestamp)
  const tb = ms(b.metadata.creationTimestamp)
  if (ta !== tb) return afterOrZero(ta, tb) ? -1 : 1
  return 0
}

/** controller.GetPodFromTemplate: a pod from a template, owned by `ref`. */
export function podFromTemplate(
  template: unknown,
  namespace: string,
  ref: OwnerReference,
  meta: { name?: string; generateName?: string } = {},
): KubeObject {
  const t = structuredClone(rec(template))
  const tm = rec(t.metadata)
  const metadata: KubeObject['metadata'] = { namespace, ...meta }
  const labels = strMap(tm.labels)
  if (Object.keys(labels).length > 0) metadata.labels = labels
  const annotations = strMap(tm.annotations)
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations
  const finalizers = arr(tm.finalizers).filter((f): f is string => typeof f === 'string')
  if (finalizers.length > 0) metadata.finalizers = finalizers
  metadata.ownerReferences = [ref]
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: rec(t.spec) }
}

/** The controller's pods, grouped by whether they are still active. */
export function activePods(pods: KubeObject[]): KubeObject[] {
  return pods.filter(isPodActive)
}
