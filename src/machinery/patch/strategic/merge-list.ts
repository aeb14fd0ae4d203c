// Merging a list field (apimachinery's mergeSliceHandler / mergeSlice and helpers).

import type { Schema } from '../../../apis/schemas/types.ts'
import { cleanPatchValue, PATCH } from './directives.ts'
import { badPatchType, listsOfListsError, noMergeKey, smpError } from './errors.ts'
import { goFormat } from './gofmt.ts'
import { cloneJson, goType, has, isMap, type JsonMap } from './json.ts'
import { mergeMap } from './merge-map.ts'
import { elementKindName, patchMeta } from './meta.ts'
import { type ElementKind, findByKey, normalizeElementOrder, partitionMaps, partitionScalars } from './order.ts'

/**
 * sliceElementType: every element of the given lists must have the same Go type, and lists of
 * lists are not supported. Returns the kind used for identity and ordering.
 */
export function elementKind(...lists: (readonly unknown[])[]): ElementKind {
  let first: string | undefined
  for (const list of lists) {
    for (const v of list) {
      const t = goType(v)
      if (first === undefined) {
        if (t === 'list') throw listsOfListsError()
        // Go panics on a leading null (reflect.TypeOf(nil).Kind()); refuse it like a type mismatch.
        if (t === 'nil') throw smpError(`list element types are not identical: ${goFormat(lists)}`)
        first = t
      } else if (t !== first) {
        throw smpError(`list element types are not identical: ${goFormat(lists)}`)
      }
    }
  }
  if (first === undefined) throw smpError('no elements in any of the given slices')
  return first === 'map' ? 'map' : 'scalar'
}

/**
 * mergeSliceHandler: lists merge only under patchStrategy "merge" — or when the patch key was
 * `$deleteFromPrimitiveList/<field>`, which removes values whatever the field's strategy.
 * Everything else is atomic: the patch list replaces the live one.
 */
export function mergeListField(
  original: unknown[],
  patch: unknown[],
  field: Schema | undefined,
  isDeleteList: boolean,
): unknown[] {
  const meta = patchMeta(field)
  if (meta.strategy === 'merge' || isDeleteList)
    return mergeList(original, patch, meta.items, meta.mergeKey, isDeleteList)
  return cleanPatchValue(patch) as unknown[]
}

/** mergeSlice. */
function mergeList(
  original: unknown[],
  patch: unknown[],
  items: Schema | undefined,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return []
  const kind = elementKind(original, patch)
  if (kind === 'scalar') {
    if (isDeleteList) {
      const remove = new Set(patch)
      return original.filter((v) => !remove.has(v))
    }
    // A union: live values then patch values, without duplicates (this also de-duplicates
    // the live list). The order is settled by normalizeElementOrder below.
    const merged = [...new Set([...original, ...patch])]
    const [inPatch, serverOnly] = partitionScalars(merged, patch)
    return normalizeElementOrder(inPatch, serverOnly, patch, original, '', 'scalar')
  }
  if (!mergeKey) throw smpError(`cannot merge lists without merge key for ${elementKindName(items)}`)

  const { live, rest, replaced } = applySpecialElements(original, patch, mergeKey)
  // Track where each element of the result comes from: merged elements are fresh, elements
  // taken from the patch are cleaned, untouched live elements are deep-copied at the end.
  const fresh = new Set<unknown>()
  const fromPatch = new Set<unknown>(replaced ? live : [])
  const merged = live.slice()
  for (const v of rest) {
    const el = v as JsonMap
    if (!has(el, mergeKey)) throw noMergeKey(el, mergeKey)
    const i = findByKey(merged, mergeKey, el[mergeKey])
    if (i >= 0) {
      merged[i] = mergeMap(merged[i] as JsonMap, el, items)
      fresh.add(merged[i])
    } else {
      merged.push(el)
      fromPatch.add(el)
    }
  }
  const [inPatch, serverOnly] = partitionMaps(merged, rest, mergeKey)
  const ordered = normalizeElementOrder(inPatch, serverOnly, rest, live, mergeKey, 'map')
  const out: unknown[] = []
  for (const e of ordered) {
    const v = fresh.has(e) ? e : fromPatch.has(e) ? cleanPatchValue(e) : cloneJson(e)
    if (v !== undefined) out.push(v)
  }
  return out
}

/**
 * mergeSliceWithSpecialElements: elements carrying `$patch`. `{<key>: v, $patch: delete}` removes
 * every live element with that key; `{$patch: replace}` makes the rest of the patch list the new
 * list; `$patch: merge` is refused in lists. Returns the live list after deletions (or the
 * replacement list) and the patch elements left to merge.
 */
function applySpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): { live: unknown[]; rest: unknown[]; replaced: boolean } {
  let live = original
  const rest: unknown[] = []
  let replace = false
  for (const v of patch) {
    const el = v as JsonMap
    if (!has(el, PATCH)) {
      rest.push(el)
      continue
    }
    const directive = el[PATCH]
    if (directive === 'delete') {
      if (!has(el, mergeKey)) throw noMergeKey(el, mergeKey)
      const key = el[mergeKey] ?? null
      // deleteMatchingEntries: every element with that key goes (elementKind made them all maps).
      live = live.filter((e) => !(isMap(e) && has(e, mergeKey) && (e[mergeKey] ?? null) === key))
    } else if (directive === 'replace') {
      replace = true // keep scanning: later elements may still be invalid directives
    } else if (directive === 'merge') {
      throw smpError('merging lists cannot yet be specified in the patch')
    } else {
      throw badPatchType(directive, el)
    }
  }
  return replace ? { live: rest, rest: [], replaced: true } : { live, rest, replaced: false }
}

/**
 * The live list as apimachinery's $setElementOrder step sees it *after* merging, reproduced
 * because it changes results. In Go, mergeSlice deletes elements in place
 * (`append(s[:k], s[k+1:]...)` shifts the tail left) and then appends new patch elements to the
 * shortened slice, which writes them into the freed slots of the same backing array. The caller
 * still holds the original slice header, so its "live order" afterwards is: survivors shifted
 * left, then as many new elements as there were deletions, then stale leftovers. New elements
 * found there count as "live" when server-only elements are interleaved. This happens on a
 * real kube-apiserver too (it does not depend on spare capacity), whenever a three-way patch
 * deletes and adds elements of one merge list, e.g. removing one container and adding another.
 */
export function liveOrderAfterMerge(
  original: readonly unknown[],
  patch: readonly unknown[],
  mergeKey: string,
): unknown[] {
  const backing = original.slice()
  let len = backing.length
  const matches = (e: unknown, key: unknown) => isMap(e) && has(e, mergeKey) && (e[mergeKey] ?? null) === key
  let replaced = false
  for (const p of patch) {
    if (!isMap(p) || !has(p, PATCH)) continue
    if (p[PATCH] === 'replace') replaced = true
    if (p[PATCH] !== 'delete') continue
    const key = p[mergeKey] ?? null
    for (let k = backing.findIndex((e, i) => i < len && matches(e, key)); k >= 0 && k < len; ) {
      backing.copyWithin(k, k + 1, len) // the last slot keeps its old value, as in Go
      len--
      k = backing.findIndex((e, i) => i < len && matches(e, key))
    }
  }
  // With a replace directive mergeSlice continues on the patch's own list: no more writes here.
  if (replaced) return backing
  let current = backing
  let curLen = len
  for (const p of patch) {
    if (!isMap(p) || has(p, PATCH)) continue
    const key = p[mergeKey] ?? null
    let found = false
    for (let i = 0; i < curLen && !found; i++) found = matches(current[i], key)
    if (found) continue
    if (current === backing && curLen < backing.length) backing[curLen] = p
    else {
      // Out of capacity: append reallocates, later writes no longer reach the caller's array.
      if (current === backing) current = backing.slice(0, curLen)
      current.push(p)
    }
    curLen++
  }
  return backing
}
