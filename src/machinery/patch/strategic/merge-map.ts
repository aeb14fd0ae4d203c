// Merging a map (apimachinery's mergeMap and the directives processed at map level:
// `$patch`, `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`).

import type { Schema } from '../../../apis/schemas/types.ts'
import {
  cleanPatchValue,
  DELETE_FROM_PRIMITIVE_LIST,
  directiveField,
  PATCH,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
} from './directives.ts'
import { badArgType, badPatchType, MSG_BAD_RETAIN_KEYS, noMergeKey, smpError } from './errors.ts'
import { goFormat } from './gofmt.ts'
import { cloneJson, goType, has, isMap, type JsonMap, setKey } from './json.ts'
import { elementKind, liveOrderAfterMerge, mergeListField } from './merge-list.ts'
import { fieldSchema, patchMeta } from './meta.ts'
import { normalizeElementOrder, partitionMaps, partitionScalars } from './order.ts'

/**
 * Merges `patch` into `original` and returns a new map; neither input is modified and the result
 * shares no structure with them. Patch keys are processed in their JSON order — Go iterates
 * maps randomly, which only matters for the self-contradictory patch that both adds and
 * deletes one value of a primitive list (kubectl then usually behaves as we do).
 */
export function mergeMap(original: JsonMap, patch: JsonMap, schema: Schema | undefined): JsonMap {
  if (has(patch, PATCH)) return mapDirective(patch)

  // Start from a shallow copy; values the patch does not touch are deep-copied at the end.
  const out: JsonMap = {}
  for (const k of Object.keys(original)) setKey(out, k, original[k])
  const touched = new Set<string>()
  const put = (k: string, v: unknown) => {
    if (v === undefined) delete out[k]
    else {
      setKey(out, k, v)
      touched.add(k)
    }
  }

  if (has(patch, RETAIN_KEYS)) applyRetainKeys(out, patch)

  // $setElementOrder runs before the other keys, and consumes the list it orders.
  let ordered: Set<string> | undefined
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue
    const field = applySetElementOrder(out, patch, key, schema)
    if (field !== undefined) {
      touched.add(field)
      ordered ??= new Set()
      ordered.add(field)
    }
  }

  for (const key of Object.keys(patch)) {
    if (key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || ordered?.has(key)) continue
    const pv = patch[key]
    if (pv === undefined) continue
    let field = key
    let isDeleteList = false
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      field = directiveField(key, DELETE_FROM_PRIMITIVE_LIST)
      isDeleteList = true
    }
    // null deletes the field (for a deletion list too: `"$deleteFromPrimitiveList/x": null`
    // removes x entirely, as in apimachinery).
    if (pv === null) {
      delete out[field]
      continue
    }
    // Nothing to merge with, or a type change: the patch value replaces (a deletion list has
    // nothing to delete from).
    if (!has(out, field) || goType(out[field]) !== goType(pv)) {
      if (!isDeleteList) put(field, cleanPatchValue(pv))
      continue
    }
    const ov = out[field]
    const fs = fieldSchema(schema, field)
    if (isMap(ov)) {
      // patchStrategy "replace" on a map field (PodDisruptionBudgetSpec.selector) replaces it.
      put(field, patchMeta(fs).strategy === 'replace' ? cleanPatchValue(pv) : mergeMap(ov, pv as JsonMap, fs))
    } else if (Array.isArray(ov)) {
      put(field, mergeListField(ov, pv as unknown[], fs, isDeleteList))
    } else {
      put(field, pv)
    }
  }

  for (const k of Object.keys(out)) if (!touched.has(k)) out[k] = cloneJson(out[k])
  return out
}

/** handleDirectiveInMergeMap: `$patch` on a map. "merge" is not accepted here, as in Go. */
function mapDirective(patch: JsonMap): JsonMap {
  const directive = patch[PATCH]
  if (directive === 'replace') {
    const rest: JsonMap = {}
    for (const k of Object.keys(patch)) if (k !== PATCH) setKey(rest, k, patch[k])
    return cleanPatchValue(rest) as JsonMap
  }
  if (directive === 'delete') return {}
  throw badPatchType(directive, patch)
}

/**
 * applyRetainKeysDirective: every non-null patch field must be listed (parallel-list directives
 * excepted); live fields that are not listed are cleared before merging. This is how a one-of
 * union is switched, e.g. a Deployment strategy from RollingUpdate to Recreate.
 */
function applyRetainKeys(out: JsonMap, patch: JsonMap): void {
  const list = patch[RETAIN_KEYS]
  if (!Array.isArray(list)) throw smpError(MSG_BAD_RETAIN_KEYS)
  const keep = new Set<unknown>(list)
  for (const k of Object.keys(patch)) {
    const v = patch[k]
    if (k === RETAIN_KEYS || v === null || v === undefined) continue
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue
    if (!keep.has(k)) throw smpError(MSG_BAD_RETAIN_KEYS)
  }
  for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k]
}

/**
 * mergePatchIntoOriginal for one `$setElementOrder/<field>`: merges the field's patch list (if
 * any) into the live list, then orders the result — listed elements in the directive's order,
 * live elements not listed interleaved by their live position. Returns the field it wrote.
 */
function applySetElementOrder(
  out: JsonMap,
  patch: JsonMap,
  key: string,
  schema: Schema | undefined,
): string | undefined {
  const order = patch[key]
  if (!Array.isArray(order)) throw badArgType('[]interface {}', order)
  const field = directiveField(key, SET_ELEMENT_ORDER)
  const foundLive = has(out, field)
  const foundPatch = has(patch, field)
  let live: unknown[] = []
  let patchList: unknown[] = []
  if (foundLive) {
    if (!Array.isArray(out[field])) throw badArgType('[]interface {}', out[field])
    live = out[field] as unknown[]
  }
  if (foundPatch) {
    if (!Array.isArray(patch[field])) throw badArgType('[]interface {}', patch[field])
    patchList = patch[field] as unknown[]
  }
  const fs = fieldSchema(schema, field)
  const { mergeKey, strategy } = patchMeta(fs)
  validateAgainstOrder(patchList, order, mergeKey)
  if (!foundLive && !foundPatch) return undefined

  let merged: unknown[]
  if (!foundPatch) merged = cloneJson(live) as unknown[]
  else if (!foundLive) merged = cleanPatchValue(patchList) as unknown[]
  else merged = mergeListField(live, patchList, fs, false)

  const [inOrder, serverOnly] = mergeKey ? partitionMaps(merged, order, mergeKey) : partitionScalars(merged, order)
  const kind = elementKind(live, patchList)
  // The live order apimachinery compares against here is the live list as left behind by the
  // merge it just did (see liveOrderAfterMerge).
  const liveOrder =
    foundLive && foundPatch && strategy === 'merge' && kind === 'map'
      ? liveOrderAfterMerge(live, patchList, mergeKey)
      : live
  setKey(out, field, normalizeElementOrder(inOrder, serverOnly, order, liveOrder, mergeKey, kind))
  return field
}

/**
 * validatePatchWithSetOrderList: the patch list (deletions and other directive elements aside)
 * must be a subsequence of the $setElementOrder list.
 */
function validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return
  let items = patchList
  if (mergeKey) {
    items = []
    for (const v of patchList) {
      if (!isMap(v)) throw badArgType('map[string]interface {}', v)
      if (v[PATCH] !== 'delete') items.push(v)
    }
  }
  let pi = 0
  let oi = 0
  while (pi < items.length && oi < order.length) {
    const p = items[pi]
    if (isMap(p) && has(p, PATCH)) {
      pi++
      continue
    }
    if (sameElement(p, order[oi], mergeKey)) pi++
    oi++
  }
  if (pi < items.length && oi >= order.length) {
    throw smpError(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`,
    )
  }
}

/** mergeKeyValueEqual. */
function sameElement(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) {
    if (typeof left === 'object' && left !== null) throw smpError('cannot order a list of maps that has no merge key')
    return left === right
  }
  if (!isMap(left)) throw badArgType('map[string]interface {}', left)
  if (!isMap(right)) throw badArgType('map[string]interface {}', right)
  if (!has(left, mergeKey)) throw noMergeKey(left, mergeKey)
  if (!has(right, mergeKey)) throw noMergeKey(right, mergeKey)
  return (left[mergeKey] ?? null) === (right[mergeKey] ?? null)
}
