// Status writes through the /status subresource as JSON merge patches: fields present in the new
// status are set, fields gone from it are removed (null), arrays (conditions) are replaced.

import { rec } from '../../../apis/json.ts'
import type { Client, Resource } from '../../../client/client.ts'
import { isPlainObject, type KubeObject } from '../../../machinery/object.ts'
import { canonicalJson } from './hash.ts'

/**
 * The JSON merge patch (RFC 7386) turning `old` into `next`: changed values set, removed keys
 * null, objects diffed recursively, arrays replaced whole. Null when nothing changed.
 */
export function mergeDiff(old: unknown, next: Record<string, unknown>): Record<string, unknown> | null {
  const prev = rec(old)
  const patch: Record<string, unknown> = {}
  let changed = false
  for (const [k, v] of Object.entries(next)) {
    if (v === undefined) continue
    if (canonicalJson(v) === canonicalJson(prev[k])) continue
    if (isPlainObject(v) && isPlainObject(prev[k])) {
      const sub = mergeDiff(prev[k], v)
      if (!sub) continue
      patch[k] = sub
    } else patch[k] = v
    changed = true
  }
  for (const k of Object.keys(prev)) {
    if (next[k] === undefined && prev[k] !== undefined) {
      patch[k] = null
      changed = true
    }
  }
  return changed ? patch : null
}

/** The status patch turning `oldStatus` into `next`, or null when equal. */
export function statusPatch(oldStatus: unknown, next: Record<string, unknown>): Record<string, unknown> | null {
  return mergeDiff(oldStatus, next)
}

/** Writes `next` as the object's status when it differs; returns the stored object. */
export async function writeStatus(
  client: Client,
  resource: Resource,
  obj: KubeObject,
  next: Record<string, unknown>,
): Promise<KubeObject> {
  const patch = statusPatch(obj.status, next)
  if (!patch) return obj
  return client.patch(
    resource,
    obj.metadata.namespace ?? '',
    obj.metadata.name ?? '',
    'merge',
    { status: patch },
    {
      subresource: 'status',
    },
  )
}

/** Drops zero and empty values, as Go's omitempty does for optional status fields. */
export function omitEmpty<T extends Record<string, unknown>>(o: T, keep: string[] = []): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) {
    if (keep.includes(k)) {
      out[k] = v
      continue
    }
    if (v === undefined || v === null || v === 0 || v === '' || v === false) continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = v
  }
  return out as T
}
