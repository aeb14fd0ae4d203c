// ControllerRevisions (pkg/controller/history): snapshots of a StatefulSet's or DaemonSet's pod
// template, stored as the strategic merge patch that restores it
// ({"spec":{"template":{...,"$patch":"replace"}}}) — the form `kubectl rollout undo` applies.

import { num, rec } from '../../../apis/json.ts'
import type { Client } from '../../../client/client.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject, OwnerReference } from '../../../machinery/object.ts'
import { canonicalJson, normalize, safeEncode, semanticEqual } from './hash.ts'

export const CONTROLLER_REVISION_HASH = 'controller-revision-hash'
export const CR_HASH_LABEL = 'controller.kubernetes.io/hash'

/** getPatch: the template as a replace-patch of spec.template. */
export function revisionData(obj: KubeObject): Record<string, unknown> {
  const template = structuredClone(rec(rec(obj.spec).template))
  return { spec: { template: { ...template, $patch: 'replace' } } }
}

/** The template a revision restores (ApplyRevision). */
export function revisionTemplate(cr: KubeObject): Record<string, unknown> {
  const t = { ...rec(rec(rec(cr.data).spec).template) }
  delete t.$patch
  return t
}

function fnv32(bytes: Uint8Array): number {
  let h = 0x811c9dc5
  for (const b of bytes) {
    h = Math.imul(h, 0x01000193) >>> 0
    h ^= b
  }
  return h >>> 0
}

/** HashControllerRevision: FNV-32 of the data (and the collision count as decimal), safe-encoded. */
export function hashRevision(data: unknown, collisionCount?: number): string {
  let s = canonicalJson(normalize(data) ?? {})
  if (collisionCount !== undefined) s += String(collisionCount)
  return safeEncode(String(fnv32(new TextEncoder().encode(s))))
}

/** ControllerRevisionName: prefix (cut to 223 characters) and hash. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`
}

export function equalRevision(a: KubeObject, b: KubeObject): boolean {
  return semanticEqual(a.data, b.data)
}

export const revisionNumber = (cr: KubeObject): number => num(cr.revision)

/** SortControllerRevisions: by revision, then creation, then name. */
export function sortRevisions(list: KubeObject[]): KubeObject[] {
  return [...list].sort(
    (a, b) =>
      revisionNumber(a) - revisionNumber(b) ||
      (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0) ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  )
}

export function nextRevision(sorted: KubeObject[]): number {
  return sorted.length === 0 ? 1 : revisionNumber(sorted[sorted.length - 1]) + 1
}

/** NewControllerRevision (unsaved): name from the hash of the data and collision count. */
export function newRevision(
  parent: KubeObject,
  ref: OwnerReference,
  data: Record<string, unknown>,
  revision: number,
  collisionCount: number,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
): KubeObject {
  const hash = hashRevision(data, collisionCount)
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(parent.metadata.name ?? '', hash),
      namespace: parent.metadata.namespace,
      labels: { ...labels, [CR_HASH_LABEL]: hash },
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      ownerReferences: [ref],
    },
    data,
    revision,
  }
}

/**
 * CreateControllerRevision: creates the revision, moving to the next collision count while the
 * name is taken by a revision with different data. Returns the stored revision and the count.
 */
export async function createRevision(
  client: Client,
  parent: KubeObject,
  build: (collisionCount: number) => KubeObject,
  collisionCount: number,
): Promise<[KubeObject, number]> {
  let cc = collisionCount
  for (;;) {
    const cr = build(cc)
    try {
      return [await client.create(resources.controllerrevisions, parent.metadata.namespace ?? '', cr), cc]
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists')) throw e
      const existing = await client.get(
        resources.controllerrevisions,
        parent.metadata.namespace ?? '',
        cr.metadata.name ?? '',
      )
      if (equalRevision(existing, cr)) return [existing, cc]
      cc++
    }
  }
}
