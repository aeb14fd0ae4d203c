// Owner references, conditions and small metadata helpers.

import { arr, type Json, rec } from '../../../apis/json.ts'
import { type KubeObject, type OwnerReference, timestamp } from '../../../machinery/object.ts'

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true)
}

/** metav1.NewControllerRef: controller and blockOwnerDeletion set. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  }
}

export function keyOf(obj: KubeObject): string {
  const m = obj.metadata
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '')
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/')
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)]
}

export interface Condition {
  type: string
  status: string
  reason?: string
  message?: string
  lastUpdateTime?: string
  lastTransitionTime?: string
  lastProbeTime?: string
  [k: string]: unknown
}

export function conditionsOf(status: Json): Condition[] {
  return arr(status.conditions).map((c) => rec(c) as Condition)
}

export function getCondition(status: Json, type: string): Condition | undefined {
  return conditionsOf(status).find((c) => c.type === type)
}

export function removeCondition(status: Json, type: string): void {
  const rest = conditionsOf(status).filter((c) => c.type !== type)
  if (rest.length > 0) status.conditions = rest
  else delete status.conditions
}

/**
 * SetDeploymentCondition & co.: no change when status and reason are the same; the transition
 * time is kept when only the reason changes; the condition moves to the end of the list.
 */
export function setCondition(status: Json, cond: Condition): void {
  const cur = getCondition(status, cond.type)
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return
  const next = { ...cond }
  if (cur && cur.status === cond.status && cur.lastTransitionTime) next.lastTransitionTime = cur.lastTransitionTime
  status.conditions = [...conditionsOf(status).filter((c) => c.type !== cond.type), next]
}

export function now(ms: number): string {
  return timestamp(ms)
}

export function labelsOf(obj: KubeObject): Record<string, string> {
  return obj.metadata.labels ?? {}
}

export function annotation(obj: KubeObject, key: string): string | undefined {
  return obj.metadata.annotations?.[key]
}

export function intAnnotation(obj: KubeObject, key: string): number | undefined {
  const v = annotation(obj, key)
  if (v === undefined) return undefined
  const n = Number.parseInt(v, 10)
  return Number.isNaN(n) ? undefined : n
}
