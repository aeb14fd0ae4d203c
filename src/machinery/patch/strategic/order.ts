// Element order of merged lists — apimachinery's partition*/normalizeElementOrder/
// mergeSortedSlice, which decide where every element of a merged list ends up:
//
//   1. split the merged list into "patch items" (present in the patch list, or in the
//      $setElementOrder list) and "server-only items";
//   2. sort the patch items by their position in the patch/order list and the server-only items
//      by their position in the live list;
//   3. interleave them: walk both, emitting the server-only item first only when both items are
//      found in the live list and the server-only one comes earlier there. A patch item that is
//      new (not in the live list) is therefore emitted as soon as it is reached, which is why
//      `env: [X]` patched with `[Y]` gives `[Y, X]`.
//
// Elements are identified by their merge-key value (lists of maps) or by value (scalars),
// compared like Go's `==` on interface values, and always by the *first* match in a list.

import { badArgType, noMergeKey, smpError } from './errors.ts'
import { has, isMap } from './json.ts'

/** 'map': a list of maps identified by merge key; 'scalar': a list of scalars identified by value. */
export type ElementKind = 'map' | 'scalar'

function identity(e: unknown, mergeKey: string, kind: ElementKind): unknown {
  if (kind === 'scalar') return e ?? null
  return isMap(e) ? (e[mergeKey] ?? null) : null
}

/** First index of every identity in `list` (apimachinery's linear `index()`, precomputed). */
function firstIndexes(list: readonly unknown[], mergeKey: string, kind: ElementKind): Map<unknown, number> {
  const m = new Map<unknown, number>()
  for (let i = 0; i < list.length; i++) {
    const id = identity(list[i], mergeKey, kind)
    if (!m.has(id)) m.set(id, i)
  }
  return m
}

/** validateMergeKeyInLists: every element must be a map holding the merge key. */
function validateMergeKeys(mergeKey: string, list: readonly unknown[]): void {
  for (const e of list) {
    if (!isMap(e)) throw badArgType('map[string]interface {}', e)
    if (!has(e, mergeKey)) throw noMergeKey(e, mergeKey)
  }
}

/**
 * normalizeSliceOrder: a stable sort of `toSort` by position in `order`. With maps, elements
 * still carrying `$patch: delete` go last. (apimachinery's comparator treats an element that is
 * missing from `order` as "less" than anything; every caller only sorts elements that are
 * present, so an ordinary stable sort gives the same result.)
 */
function sortByOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let deletes: unknown[] = []
  let items = toSort
  if (kind === 'map') {
    validateMergeKeys(mergeKey, toSort)
    validateMergeKeys(mergeKey, order)
    items = []
    deletes = []
    for (const e of toSort) ((e as Record<string, unknown>).$patch === 'delete' ? deletes : items).push(e)
  }
  if (items.length > 1) {
    const pos = firstIndexes(order, mergeKey, kind)
    const decorated = items.map((e, i) => ({ e, i, p: pos.get(identity(e, mergeKey, kind)) ?? -1 }))
    decorated.sort((a, b) => (a.p >= 0 && b.p >= 0 ? a.p - b.p : 0) || a.i - b.i)
    items = decorated.map((d) => d.e)
  }
  return deletes.length ? items.concat(deletes) : items
}

/**
 * mergeSortedSlice: interleave the server-only items (left) into the patch items (right). A
 * server-only item goes first only if both are in the live list and it is earlier there.
 */
function mergeSorted(
  left: unknown[],
  right: unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  if (left.length === 0) return right
  if (right.length === 0) return left
  const pos = firstIndexes(serverOrder, mergeKey, kind)
  const out: unknown[] = []
  let i = 0
  let j = 0
  while (i < left.length && j < right.length) {
    const li = pos.get(identity(left[i], mergeKey, kind))
    const ri = pos.get(identity(right[j], mergeKey, kind))
    if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++])
    else out.push(right[j++])
  }
  while (i < left.length) out.push(left[i++])
  while (j < right.length) out.push(right[j++])
  return out
}

/** normalizeElementOrder: sort both halves, then interleave them by the live order. */
export function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const p = sortByOrder(patchItems, patchOrder, mergeKey, kind)
  const s = sortByOrder(serverOnly, serverOrder, mergeKey, kind)
  return mergeSorted(s, p, serverOrder, mergeKey, kind)
}

/** partitionPrimitivesByPresentInList. */
export function partitionScalars(merged: readonly unknown[], by: readonly unknown[]): [unknown[], unknown[]] {
  const present = new Set<unknown>()
  for (const v of by) {
    // Go hashes the values into a map[interface{}]bool and panics on a map or list.
    if (typeof v === 'object' && v !== null) throw smpError('cannot order a list of maps that has no merge key')
    present.add(v)
  }
  const inPatch: unknown[] = []
  const serverOnly: unknown[] = []
  for (const v of merged) {
    if (typeof v === 'object' && v !== null) throw smpError('cannot order a list of maps that has no merge key')
    ;(present.has(v) ? inPatch : serverOnly).push(v)
  }
  return [inPatch, serverOnly]
}

/** findMapInSliceBasedOnKeyValue, for membership only. */
export function findByKey(list: readonly unknown[], mergeKey: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const e = list[i]
    if (!isMap(e)) throw smpError(`value for key ${i} is not a map`)
    if (has(e, mergeKey) && (e[mergeKey] ?? null) === (value ?? null)) return i
  }
  return -1
}

function keysOf(list: readonly unknown[], mergeKey: string): Set<unknown> {
  const ids = new Set<unknown>()
  for (let i = 0; i < list.length; i++) {
    const e = list[i]
    if (!isMap(e)) throw smpError(`value for key ${i} is not a map`)
    if (has(e, mergeKey)) ids.add(e[mergeKey] ?? null)
  }
  return ids
}

/** partitionMapsByPresentInList. */
export function partitionMaps(
  merged: readonly unknown[],
  by: readonly unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const inPatch: unknown[] = []
  const serverOnly: unknown[] = []
  let ids: Set<unknown> | undefined
  for (const v of merged) {
    if (!isMap(v)) throw badArgType('map[string]interface {}', v)
    if (!has(v, mergeKey)) throw noMergeKey(v, mergeKey)
    // Index `by` once instead of scanning it per element; like findMapInSliceBasedOnKeyValue,
    // fail on its first non-map element.
    ids ??= keysOf(by, mergeKey)
    ;(ids.has(v[mergeKey] ?? null) ? inPatch : serverOnly).push(v)
  }
  return [inPatch, serverOnly]
}
