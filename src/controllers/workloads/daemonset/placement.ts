// Where a DaemonSet's pods belong (pkg/controller/daemon: NodeShouldRunDaemonPod and
// pkg/controller/daemon/util): nodeName, nodeSelector and required node affinity must match, and
// every NoSchedule/NoExecute taint must be tolerated — counting the tolerations the controller
// adds to every daemon pod. Pods are pinned to their node with required node affinity
// (matchFields metadata.name In [node]) for the scheduler to bind.

import { arr, type Json, rec, str, strMap } from '../../../apis/json.ts'
import type { KubeObject } from '../../../machinery/object.ts'

export interface Toleration {
  key?: string
  operator?: string
  value?: string
  effect?: string
  tolerationSeconds?: number
}

export interface Taint {
  key: string
  value?: string
  effect: string
}

/** AddOrUpdateDaemonPodTolerations: the tolerations every daemon pod gets. */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect })
  const list = [
    t('node.kubernetes.io/not-ready', 'NoExecute'),
    t('node.kubernetes.io/unreachable', 'NoExecute'),
    t('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    t('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    t('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    t('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ]
  if (hostNetwork) list.push(t('node.kubernetes.io/network-unavailable', 'NoSchedule'))
  return list
}

const sameToleration = (a: Toleration, b: Toleration) =>
  (a.key ?? '') === (b.key ?? '') &&
  (a.operator || 'Equal') === (b.operator || 'Equal') &&
  (a.value ?? '') === (b.value ?? '') &&
  (a.effect ?? '') === (b.effect ?? '')

/** The pod spec's tolerations with the daemon tolerations added (AddOrUpdateTolerationInPodSpec). */
export function withDaemonTolerations(podSpec: Json): Toleration[] {
  const list = arr(podSpec.tolerations).map((t) => rec(t) as Toleration)
  for (const t of daemonTolerations(podSpec.hostNetwork === true)) {
    const i = list.findIndex((x) => sameToleration(x, t))
    if (i >= 0) list[i] = t
    else list.push(t)
  }
  return list
}

/** Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false
  if (t.key && t.key !== taint.key) return false
  const op = t.operator || 'Equal'
  if (op === 'Exists') return true
  if (op === 'Equal') return (t.value ?? '') === (taint.value ?? '')
  return false
}

export function taintsOf(node: KubeObject): Taint[] {
  return arr(rec(node.spec).taints).map((t) => rec(t) as unknown as Taint)
}

/** FindMatchingUntoleratedTaint over the taints `filter` selects. */
function untolerated(taints: Taint[], tolerations: Toleration[], filter: (t: Taint) => boolean): boolean {
  return taints.some((taint) => filter(taint) && !tolerations.some((t) => tolerates(t, taint)))
}

function requirementMatches(req: Json, get: (key: string) => string | undefined): boolean {
  const key = str(req.key)
  const values = arr(req.values).map(str)
  const v = get(key)
  switch (req.operator) {
    case 'In':
      return v !== undefined && values.includes(v)
    case 'NotIn':
      return v === undefined || !values.includes(v)
    case 'Exists':
      return v !== undefined
    case 'DoesNotExist':
      return v === undefined
    case 'Gt':
    case 'Lt': {
      if (v === undefined || values.length !== 1) return false
      const a = Number.parseInt(v, 10)
      const b = Number.parseInt(values[0], 10)
      if (Number.isNaN(a) || Number.isNaN(b)) return false
      return req.operator === 'Gt' ? a > b : a < b
    }
  }
  return false
}

/** A NodeSelectorTerm: all of matchExpressions (labels) and matchFields (metadata.name). */
function termMatches(term: Json, node: KubeObject): boolean {
  const exprs = arr(term.matchExpressions).map(rec)
  const fields = arr(term.matchFields).map(rec)
  if (exprs.length === 0 && fields.length === 0) return false
  const labels = node.metadata.labels ?? {}
  for (const e of exprs)
    if (!requirementMatches(e, (k) => (Object.hasOwn(labels, k) ? labels[k] : undefined))) return false
  for (const f of fields)
    if (!requirementMatches(f, (k) => (k === 'metadata.name' ? node.metadata.name : undefined))) return false
  return true
}

/** GetRequiredNodeAffinity(pod).Match(node): nodeSelector and required node affinity. */
export function nodeAffinityMatches(podSpec: Json, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {}
  for (const [k, v] of Object.entries(strMap(podSpec.nodeSelector))) if (labels[k] !== v) return false
  const required = rec(rec(rec(podSpec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution)
  if (Object.keys(required).length === 0) return true
  const terms = arr(required.nodeSelectorTerms).map(rec)
  return terms.some((t) => termMatches(t, node))
}

/** NodeShouldRunDaemonPod: [shouldRun, shouldContinueRunning]. */
export function nodeShouldRunDaemonPod(ds: KubeObject, node: KubeObject): [boolean, boolean] {
  const podSpec = rec(rec(rec(ds.spec).template).spec)
  const nodeName = str(podSpec.nodeName)
  if (nodeName !== '' && nodeName !== node.metadata.name) return [false, false]
  if (!nodeAffinityMatches(podSpec, node)) return [false, false]
  const tolerations = withDaemonTolerations(podSpec)
  const taints = taintsOf(node)
  if (untolerated(taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
    return [false, !untolerated(taints, tolerations, (t) => t.effect === 'NoExecute')]
  }
  return [true, true]
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: required affinity pinning the pod to `node`. */
export function pinToNode(affinity: unknown, node: string): Json {
  const a = structuredClone(rec(affinity))
  const na = rec(a.nodeAffinity)
  const required = rec(na.requiredDuringSchedulingIgnoredDuringExecution)
  required.nodeSelectorTerms = [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }]
  na.requiredDuringSchedulingIgnoredDuringExecution = required
  a.nodeAffinity = na
  return a
}

/** GetTargetNodeName: spec.nodeName, or the node the affinity pins the pod to. */
export function targetNode(pod: KubeObject): string | undefined {
  const spec = rec(pod.spec)
  if (str(spec.nodeName)) return str(spec.nodeName)
  const terms = arr(
    rec(rec(rec(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms,
  ).map(rec)
  for (const t of terms) {
    for (const f of arr(t.matchFields).map(rec)) {
      const values = arr(f.values)
      if (f.key === 'metadata.name' && f.operator === 'In' && values.length === 1) return str(values[0])
    }
  }
  return undefined
}
