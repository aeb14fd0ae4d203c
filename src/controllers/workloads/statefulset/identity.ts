// A StatefulSet pod's stable identity and storage (pkg/controller/statefulset/stateful_set_utils.go):
// name <set>-<ordinal>, hostname and subdomain, the pod-name and pod-index labels, and one
// PersistentVolumeClaim <template>-<set>-<ordinal> per volumeClaimTemplate.

import { arr, num, rec, str, strMap } from '../../../apis/json.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import { CONTROLLER_REVISION_HASH } from '../util/history.ts'
import { newControllerRef } from '../util/meta.ts'
import { isPodReady, podFromTemplate, podPhase } from '../util/pods.ts'

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name'
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index'

const ORDINAL = /^(.*)-(\d+)$/

/** getParentNameAndOrdinal: ["web", 2] for "web-2"; ordinal -1 when the name has none. */
export function parentAndOrdinal(pod: KubeObject): [string, number] {
  const m = ORDINAL.exec(pod.metadata.name ?? '')
  if (!m) return ['', -1]
  const n = Number(m[2])
  return Number.isSafeInteger(n) ? [m[1], n] : ['', -1]
}

export const ordinalOf = (pod: KubeObject) => parentAndOrdinal(pod)[1]

export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentAndOrdinal(pod)[0] === set.metadata.name
}

export function startOrdinal(set: KubeObject): number {
  return num(rec(rec(set.spec).ordinals).start)
}

export function claimTemplates(set: KubeObject): Record<string, unknown>[] {
  return arr(rec(set.spec).volumeClaimTemplates).map(rec)
}

export function claimName(set: KubeObject, template: Record<string, unknown>, ordinal: number): string {
  return `${str(rec(template.metadata).name)}-${set.metadata.name}-${ordinal}`
}

/** getPersistentVolumeClaims: the claims of one ordinal, keyed by template (volume) name. */
export function claimsFor(set: KubeObject, ordinal: number): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>()
  const selectorLabels = strMap(rec(rec(set.spec).selector).matchLabels)
  for (const t of claimTemplates(set)) {
    const meta = rec(t.metadata)
    const volume = str(meta.name)
    const claim: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(set, t, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...strMap(meta.labels), ...selectorLabels },
      },
      spec: structuredClone(rec(t.spec)),
    }
    const annotations = strMap(meta.annotations)
    if (Object.keys(annotations).length > 0) claim.metadata.annotations = annotations
    out.set(volume, claim)
  }
  return out
}

/** newStatefulSetPod: the pod of `ordinal` from `set`'s template, at `revision`. */
export function newStatefulSetPod(set: KubeObject, template: unknown, ordinal: number, revision: string): KubeObject {
  const name = `${set.metadata.name}-${ordinal}`
  const pod = podFromTemplate(template, set.metadata.namespace ?? '', newControllerRef(set, 'apps/v1', 'StatefulSet'), {
    name,
  })
  pod.metadata.labels = {
    ...(pod.metadata.labels ?? {}),
    [POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ordinal),
    [CONTROLLER_REVISION_HASH]: revision,
  }
  const spec = rec(pod.spec)
  spec.hostname = name
  const svc = str(rec(set.spec).serviceName)
  if (svc) spec.subdomain = svc
  const claims = claimsFor(set, ordinal)
  if (claims.size > 0) {
    const volumes: unknown[] = [...claims].map(([volume, claim]) => ({
      name: volume,
      persistentVolumeClaim: { claimName: claim.metadata.name },
    }))
    for (const v of arr(spec.volumes)) if (!claims.has(str(rec(v).name))) volumes.push(v)
    spec.volumes = volumes
  }
  pod.spec = spec
  return pod
}

/** identityMatches && storageMatches. */
export function identityAndStorageMatch(set: KubeObject, pod: KubeObject): boolean {
  const [parent, ordinal] = parentAndOrdinal(pod)
  if (parent !== set.metadata.name || ordinal < 0) return false
  if (pod.metadata.namespace !== set.metadata.namespace) return false
  if (pod.metadata.labels?.[POD_NAME_LABEL] !== pod.metadata.name) return false
  const volumes = new Map(arr(rec(pod.spec).volumes).map((v) => [str(rec(v).name), rec(v)]))
  for (const [volume, claim] of claimsFor(set, ordinal)) {
    const v = volumes.get(volume)
    if (str(rec(v?.persistentVolumeClaim).claimName) !== claim.metadata.name) return false
  }
  return true
}

export const revisionOfPod = (pod: KubeObject) => pod.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? ''

export function isRunningAndReady(pod: KubeObject): boolean {
  return podPhase(pod) === 'Running' && isPodReady(pod)
}

export function isFailedOrSucceeded(pod: KubeObject): boolean {
  const p = podPhase(pod)
  return p === 'Failed' || p === 'Succeeded'
}
