// Deployment helpers, after pkg/controller/deployment/util/deployment_util.go: surge and
// unavailability budgets, revisions and the annotations the controller keeps on ReplicaSets,
// finding the new and old ReplicaSets, replica counting and the status it reports.

import { num, rec } from '../../../apis/json.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import { replicasOf } from '../replicaset.ts'
import { canonicalJson, computeHash, normalize } from '../util/hash.ts'
import { scaledValue } from '../util/intstr.ts'
import { type Condition, getCondition, intAnnotation, now, setCondition } from '../util/meta.ts'

export const REVISION = 'deployment.kubernetes.io/revision'
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history'
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas'
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas'
export const POD_TEMPLATE_HASH = 'pod-template-hash'

/** Annotations the controller never copies from a Deployment to its ReplicaSets. */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
])

export const specOf = (o: KubeObject) => rec(o.spec)
export const statusOf = (o: KubeObject) => rec(o.status)

export function isRollingUpdate(d: KubeObject): boolean {
  return rec(specOf(d).strategy).type !== 'Recreate'
}

/** ResolveFenceposts: surge rounds up, unavailability rounds down; both zero means 1 unavailable. */
export function resolveFenceposts(maxSurge: unknown, maxUnavailable: unknown, desired: number): [number, number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true)
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false)
  if (surge === 0 && unavailable === 0) unavailable = 1
  return [surge, unavailable]
}

function rollingParams(d: KubeObject): [unknown, unknown] {
  const ru = rec(rec(specOf(d).strategy).rollingUpdate)
  return [ru.maxSurge ?? '25%', ru.maxUnavailable ?? '25%']
}

export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0
  const [s, u] = rollingParams(d)
  return resolveFenceposts(s, u, replicasOf(d))[0]
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = replicasOf(d)
  if (!isRollingUpdate(d) || replicas === 0) return 0
  const [s, u] = rollingParams(d)
  return Math.min(resolveFenceposts(s, u, replicas)[1], replicas)
}

export function revisionOf(o: KubeObject): number {
  return intAnnotation(o, REVISION) ?? 0
}

export function maxRevision(rss: KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0)
}

const ts = (o: KubeObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0

/** ReplicaSetsByCreationTimestamp: oldest first, ties by name. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  return ts(a) - ts(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')
}

/** ReplicaSetsByRevision: lowest revision first, ties by creation. */
export function byRevision(a: KubeObject, b: KubeObject): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b)
}

/** The template without the pod-template-hash label. */
export function templateWithoutHash(template: unknown): Record<string, unknown> {
  const t = structuredClone(rec(template))
  const meta = rec(t.metadata)
  const labels = { ...rec(meta.labels) }
  delete labels[POD_TEMPLATE_HASH]
  t.metadata = { ...meta, labels }
  return t
}

const templateKeys = new WeakMap<object, string>()

/** The canonical form of a template without its hash label (memoised per template object). */
function templateKey(t: unknown): string {
  const memo = typeof t === 'object' && t !== null ? templateKeys.get(t) : undefined
  if (memo !== undefined) return memo
  const key = canonicalJson(normalize(templateWithoutHash(t)))
  if (typeof t === 'object' && t !== null) templateKeys.set(t, key)
  return key
}

/** EqualIgnoreHash: the templates are semantically equal once the hash label is dropped. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return templateKey(a) === templateKey(b)
}

export function podTemplateHash(d: KubeObject): string {
  const cc = statusOf(d).collisionCount
  return computeHash(templateWithoutHash(specOf(d).template), typeof cc === 'number' ? cc : undefined)
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template matches the Deployment's. */
export function findNewReplicaSet(d: KubeObject, rss: KubeObject[]): KubeObject | undefined {
  const template = specOf(d).template
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(specOf(rs).template, template))
}

export function findOldReplicaSets(newRS: KubeObject | undefined, rss: KubeObject[]): KubeObject[] {
  return rss.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid)
}

export function filterActive(rss: KubeObject[]): KubeObject[] {
  return rss.filter((rs) => replicasOf(rs) > 0)
}

/** Sum of spec.replicas. */
export function specReplicaCount(rss: (KubeObject | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0)
}

/** Sum of status.replicas. */
export function actualReplicaCount(rss: (KubeObject | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? num(statusOf(rs).replicas) : 0), 0)
}

export function readyReplicaCount(rss: (KubeObject | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? num(statusOf(rs).readyReplicas) : 0), 0)
}

/**
 * Sum of status.availableReplicas, each capped at spec.replicas: after a scale down the pods
 * above spec.replicas are being deleted even while the ReplicaSet's status still counts them.
 */
export function availableReplicaCount(rss: (KubeObject | undefined)[]): number {
  return rss.reduce((n, rs) => (rs ? n + Math.min(num(statusOf(rs).availableReplicas), replicasOf(rs)) : n), 0)
}

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: KubeObject, all: KubeObject[], newRS: KubeObject): number {
  if (!isRollingUpdate(d)) return replicasOf(d)
  const current = specReplicaCount(all)
  const maxTotal = replicasOf(d) + maxSurge(d)
  if (current >= maxTotal) return replicasOf(newRS)
  const up = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS))
  return replicasOf(newRS) + up
}

/** SetReplicasAnnotations: returns the annotations to set, or null when already right. */
export function replicasAnnotations(rs: KubeObject, desired: number, max: number): Record<string, string> | null {
  const a = rs.metadata.annotations ?? {}
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return null
  return { [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(max) }
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations (minus the skipped ones),
 * raises the revision to `newRevision` (recording the old one in revision-history) and, for a
 * ReplicaSet being created, sets desired/max replicas. Mutates `rs`; returns whether it changed.
 */
export function setNewReplicaSetAnnotations(
  d: KubeObject,
  rs: KubeObject,
  newRevision: number,
  exists: boolean,
): boolean {
  const a = { ...(rs.metadata.annotations ?? {}) }
  let changed = false
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || a[k] === v) continue
    a[k] = v
    changed = true
  }
  const oldRevision = a[REVISION]
  const oldNum = oldRevision === undefined ? 0 : Number.parseInt(oldRevision, 10) || 0
  if (oldNum < newRevision) {
    a[REVISION] = String(newRevision)
    changed = true
    if (oldRevision !== undefined && oldRevision !== '') {
      const hist = a[REVISION_HISTORY]
      a[REVISION_HISTORY] = hist ? `${hist},${oldRevision}` : oldRevision
    }
  }
  if (!exists) {
    const r = replicasAnnotations({ metadata: { annotations: a } }, replicasOf(d), replicasOf(d) + maxSurge(d))
    if (r) {
      Object.assign(a, r)
      changed = true
    }
  }
  rs.metadata.annotations = a
  return changed
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active. */
export function findActiveOrLatest(newRS: KubeObject | undefined, olds: KubeObject[]): KubeObject | undefined {
  if (!newRS && olds.length === 0) return undefined
  const sortedOld = [...olds].sort(byCreation).reverse()
  const active = filterActive([...sortedOld, ...(newRS ? [newRS] : [])])
  if (active.length === 0) return newRS ?? sortedOld[0]
  if (active.length === 1) return active[0]
  return undefined
}

export function isSaturated(d: KubeObject, rs: KubeObject | undefined): boolean {
  if (!rs) return false
  const desired = intAnnotation(rs, DESIRED_REPLICAS)
  return (
    desired === replicasOf(d) &&
    replicasOf(rs) === replicasOf(d) &&
    num(statusOf(rs).availableReplicas) === replicasOf(d)
  )
}

/** getReplicaSetFraction: the proportional share of a scaling event for one ReplicaSet. */
function replicaSetFraction(rs: KubeObject, d: KubeObject): number {
  if (replicasOf(d) === 0) return -replicasOf(rs)
  const deploymentReplicas = replicasOf(d) + maxSurge(d)
  const annotated = intAnnotation(rs, MAX_REPLICAS) ?? num(statusOf(d).replicas)
  if (annotated === 0) return 0
  const newSize = (replicasOf(rs) * deploymentReplicas) / annotated
  return roundToInt(newSize) - replicasOf(rs)
}

/** integer.RoundToInt32: round half away from zero. */
function roundToInt(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x)
}

/** GetProportion: how many replicas to add to (or take from) `rs` in a proportional scale. */
export function proportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0
  const fraction = replicaSetFraction(rs, d)
  const allowed = toAdd - added
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed)
}

export function hasProgressDeadline(d: KubeObject): boolean {
  const p = specOf(d).progressDeadlineSeconds
  return typeof p === 'number' && p !== 2147483647
}

/** DeploymentComplete. */
export function deploymentComplete(d: KubeObject, st: Record<string, unknown>): boolean {
  const r = replicasOf(d)
  return (
    num(st.updatedReplicas) === r &&
    num(st.replicas) === r &&
    num(st.availableReplicas) === r &&
    num(st.observedGeneration) >= (d.metadata.generation ?? 0)
  )
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas. */
export function deploymentProgressing(d: KubeObject, st: Record<string, unknown>): boolean {
  const old = statusOf(d)
  const oldOld = num(old.replicas) - num(old.updatedReplicas)
  const newOld = num(st.replicas) - num(st.updatedReplicas)
  return (
    num(st.updatedReplicas) > num(old.updatedReplicas) ||
    newOld < oldOld ||
    num(st.readyReplicas) > num(old.readyReplicas) ||
    num(st.availableReplicas) > num(old.availableReplicas)
  )
}

export const TIMED_OUT = 'ProgressDeadlineExceeded'
export const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable'

/** DeploymentTimedOut. */
export function deploymentTimedOut(d: KubeObject, st: Record<string, unknown>, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false
  const c = getCondition(st, 'Progressing')
  if (!c) return false
  if (c.reason === NEW_RS_AVAILABLE) return false
  if (c.reason === TIMED_OUT) return true
  const from = Date.parse(c.lastUpdateTime ?? '')
  if (Number.isNaN(from)) return false
  return from + num(specOf(d).progressDeadlineSeconds) * 1000 < nowMs
}

export function newCondition(type: string, status: string, reason: string, message: string, t: number): Condition {
  const s = now(t)
  return { type, status, lastUpdateTime: s, lastTransitionTime: s, reason, message }
}

/** calculateStatus: counts from the ReplicaSets and the Available condition. */
export function calculateStatus(
  all: KubeObject[],
  newRS: KubeObject | undefined,
  d: KubeObject,
  t: number,
): Record<string, unknown> {
  const available = availableReplicaCount(all)
  const total = specReplicaCount(all)
  const st: Record<string, unknown> = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(all),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: structuredClone(statusOf(d).conditions ?? []),
    collisionCount: statusOf(d).collisionCount,
  }
  if (available >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(
      st,
      newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', t),
    )
  } else {
    setCondition(
      st,
      newCondition(
        'Available',
        'False',
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
        t,
      ),
    )
  }
  return st
}

/** The status as stored: zero counters omitted like Go's omitempty. */
export function compactStatus(st: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(st)) {
    if (v === undefined || v === null || v === 0) continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out
}
