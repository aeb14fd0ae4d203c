// Kubernetes strategic merge patch, apply direction: what the kube-apiserver does with
// `Content-Type: application/strategic-merge-patch+json` (the default of `kubectl patch`, and
// what client-side `kubectl apply` and `kubectl edit` send for built-in kinds). A hand-written
// port of the semantics of apimachinery's pkg/util/strategicpatch (StrategicMergeMapPatch),
// checked case by case against `kubectl patch --local` (see cases/ and oracle.ts).
//
// Module map: merge-map.ts (maps, $patch, $retainKeys, $setElementOrder), merge-list.ts (lists,
// $patch elements, $deleteFromPrimitiveList), order.ts (where merged elements end up),
// directives.ts (directive names, clean-up of copied patch values), meta.ts (schema lookups),
// errors.ts + gofmt.ts (apimachinery's error messages).

import type { Schema } from '../../../apis/schemas/types.ts'
import { MSG_BAD_JSON_DOC, smpError } from './errors.ts'
import { cloneJson, isMap } from './json.ts'
import { mergeMap } from './merge-map.ts'

export type { Schema } from '../../../apis/schemas/types.ts'
export { containsDirectives } from './directives.ts'

/**
 * Applies a strategic merge patch to `original` (the live object, as JSON) and returns the
 * patched object. `schema` gives the patch strategies of the kind (`patchSchemaFor(group,
 * version, kind)`); without one every list is atomic and every map merges, like JSON merge
 * patch plus directives.
 *
 * Pure: neither input is modified and the result shares no structure with them. Throws a
 * StatusError (400 BadRequest; 422 for lists of lists) with apimachinery's message when the
 * patch is malformed. A `null` patch is a no-op, as in apimachinery.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: Schema | undefined): unknown {
  const live = original ?? {}
  if (!isMap(live)) throw smpError(MSG_BAD_JSON_DOC)
  if (patch === null || patch === undefined) return cloneJson(live)
  if (!isMap(patch)) throw smpError(MSG_BAD_JSON_DOC)
  return mergeMap(live, patch, schema)
}
