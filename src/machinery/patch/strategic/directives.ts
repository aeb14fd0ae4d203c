// SMP directives (apimachinery strategicpatch/patch.go, the constants at the top) and the
// clean-up applied to every value that is copied from the patch into the result.

import { MSG_BAD_PRIMITIVE_LIST, MSG_BAD_SET_ELEMENT_ORDER, smpError } from './errors.ts'
import { has, isMap, type JsonMap, setKey } from './json.ts'

/** `"$patch": "replace" | "delete" | "merge"` inside a map or a list element. */
export const PATCH = '$patch'
/** `"$retainKeys": [fields]`: after merging, drop the fields not listed (one-of unions). */
export const RETAIN_KEYS = '$retainKeys'
/** `"$setElementOrder/<field>": [...]`: the final order of a merged list. */
export const SET_ELEMENT_ORDER = '$setElementOrder'
/** `"$deleteFromPrimitiveList/<field>": [values]`: removals from a list of scalars. */
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList'

/**
 * The field a parallel-list directive key refers to ("$setElementOrder/containers" →
 * "containers"). apimachinery's extractKey: the part before the first "/" must be the prefix.
 */
export function directiveField(key: string, prefix: string): string {
  const slash = key.indexOf('/')
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw smpError(prefix === SET_ELEMENT_ORDER ? MSG_BAD_SET_ELEMENT_ORDER : MSG_BAD_PRIMITIVE_LIST)
  }
  return key.slice(slash + 1)
}

function isDirectiveKey(k: string): boolean {
  return k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)
}

/**
 * A patch value taken over as-is (a field the live object lacks, a new list element, an atomic
 * list, a `$patch: replace` map...). apimachinery runs `removeDirectives` and
 * `discardNullValuesFromPatch` on *some* of these positions and copies the others raw, which
 * lets `$retainKeys`, nested `$patch` maps and nulls reach its output; the kube-apiserver then
 * loses them when it decodes the result into the typed object. We store JSON as-is, so we
 * apply one rule everywhere instead, giving what a typed server ends up storing:
 *   - a map that carries `$patch` is dropped (removeDirectives: a directive, not data),
 *   - other directive keys are dropped,
 *   - `null` map values are dropped (nothing to delete in new content).
 * Returns undefined when the value itself is to be dropped. Always returns a fresh copy.
 */
export function cleanPatchValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = []
    for (const e of v) {
      const c = cleanPatchValue(e)
      if (c !== undefined) out.push(c)
    }
    return out
  }
  if (isMap(v)) {
    if (has(v, PATCH)) return undefined
    const out: JsonMap = {}
    for (const k of Object.keys(v)) {
      const e = v[k]
      if (e === null || e === undefined || isDirectiveKey(k)) continue
      const c = cleanPatchValue(e)
      if (c !== undefined) setKey(out, k, c)
    }
    return out
  }
  return v
}

/** True if a value still holds any SMP directive (used by tests: results must be clean). */
export function containsDirectives(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(containsDirectives)
  if (isMap(v)) return Object.keys(v).some((k) => isDirectiveKey(k) || containsDirectives(v[k]))
  return false
}
