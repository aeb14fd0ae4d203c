// JSON merge patch (RFC 7396), hand-written. The result never shares structure with either
// input, so callers may mutate it freely and the inputs are never modified.

import { badRequest } from '../errors.ts'

type Json = unknown

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Sets an own property even for "__proto__", so patches cannot reach the prototype. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  else obj[key] = value
}

/** Deep copy of a JSON value (own enumerable properties only). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T
  if (isObject(v)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v)) setOwn(out, k, cloneJson(v[k]))
    return out as T
  }
  return v
}

/** Merges `patch` into `target` (an exclusively owned object) in place. */
function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const k of Object.keys(patch)) {
    const pv = patch[k]
    if (pv === null) {
      delete target[k]
      continue
    }
    if (isObject(pv)) {
      const cur = Object.hasOwn(target, k) ? target[k] : undefined
      const next: Record<string, unknown> = isObject(cur) ? cur : {}
      mergeInto(next, pv)
      setOwn(target, k, next)
    } else {
      setOwn(target, k, cloneJson(pv))
    }
  }
}

/**
 * RFC 7396 MergePatch(target, patch): a patch object merges recursively (null deletes a member),
 * any other patch value replaces the target. Returns a fresh value.
 */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return cloneJson(patch)
  const out: Record<string, unknown> = isObject(target) ? cloneJson(target) : {}
  mergeInto(out, patch)
  return out
}

/**
 * The apiserver's application/merge-patch+json: the patch must be a JSON object
 * (evanphx/json-patch answers ErrBadJSONPatch otherwise, which the apiserver returns as 400).
 */
export function applyMergePatch<T extends object>(target: T, patch: unknown): T {
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch')
  return mergePatch(target, patch) as T
}
