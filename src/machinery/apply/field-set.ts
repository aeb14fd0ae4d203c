// The set of fields an object (or an apply configuration) sets, per its schema; and the two
// walks server-side apply needs over objects: which owned fields changed between two versions,
// and removing a set of fields from an object.

import type { Schema } from '../../apis/schemas/types.ts'
import { isPlainObject } from '../object.ts'
import { PathSet } from './path-set.ts'
import { childSchema, isAtomicMap, itemSchema, keyElement, listType, valueElement } from './schema-walk.ts'

/** Adds the fields `value` sets under `node`; returns true when `value` is itself a leaf. */
function walk(value: unknown, schema: Schema | undefined, node: PathSet): boolean {
  if (isPlainObject(value)) {
    if (isAtomicMap(schema)) return true
    const keys = Object.keys(value)
    if (keys.length === 0) return true
    for (const k of keys) {
      if (value[k] === null) continue
      const child = node.child(`f:${k}`)
      if (walk(value[k], childSchema(schema, k), child)) child.self = true
    }
    return false
  }
  if (Array.isArray(value)) {
    const lt = listType(schema)
    if (lt.type === 'atomic' || value.length === 0) return true
    for (const item of value) {
      if (lt.type === 'set') {
        node.child(valueElement(item)).self = true
        continue
      }
      const el = keyElement(item, lt.keys, itemSchema(schema))
      if (!el) return true // an element without its key cannot be tracked: own the list whole
      const child = node.child(el)
      child.self = true
      walk(item, itemSchema(schema), child)
    }
    return false
  }
  return true
}

export function fieldSetOf(obj: unknown, schema: Schema | undefined): PathSet {
  const root = new PathSet()
  walk(obj, schema, root)
  return root
}

/** Follows one path element into a value (`schema` = the value's, for list-map key defaults). */
function step(value: unknown, el: string, schema?: Schema): unknown {
  const kind = el.slice(0, 2)
  const rest = el.slice(2)
  if (kind === 'f:') return isPlainObject(value) ? value[rest] : undefined
  if (!Array.isArray(value)) return undefined
  if (kind === 'k:') {
    const want = JSON.parse(rest) as Record<string, unknown>
    const keys = Object.keys(want)
    const element = itemSchema(schema)
    return value.find((item) => {
      const got = keyElement(item, keys, element)
      return got !== undefined && deepEqual(JSON.parse(got.slice(2)), want)
    })
  }
  if (kind === 'v:') {
    const want = JSON.parse(rest)
    return value.find((item) => deepEqual(item, want))
  }
  if (kind === 'i:') return value[Number(rest)]
  return undefined
}

export function valueAt(obj: unknown, path: readonly string[], schema?: Schema): unknown {
  let cur = obj
  let s = schema
  for (const el of path) {
    cur = step(cur, el, s)
    s = schemaStep(s, el)
  }
  return cur
}

/** The schema below one path element. */
function schemaStep(schema: Schema | undefined, el: string): Schema | undefined {
  return el.startsWith('f:') ? childSchema(schema, el.slice(2)) : itemSchema(schema)
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a as object)
  const kb = Object.keys(b as object)
  if (ka.length !== kb.length) return false
  for (const k of ka) if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  return true
}

/**
 * The fields of `next` that are new or hold a different value than in `prev`, and the fields
 * of `prev` that `next` no longer has, for two whole objects.
 *
 * A root's field set is the union of its top-level fields' sets (the root itself is never a
 * member), so each top-level field is diffed on its own and one equal in both (most of an
 * object, e.g. a Pod's spec when its status changes) is skipped after a deepEqual, without
 * building its field sets. fields-v1.test.ts compares this with diffWhole on random objects.
 */
export function diffFields(prev: unknown, next: unknown, schema: Schema | undefined): FieldDiff {
  if (!isPlainObject(prev) || !isPlainObject(next) || isAtomicMap(schema)) return diffWhole(prev, next, schema)
  const changed = new PathSet()
  const removed = new PathSet()
  const visit = (k: string) => {
    const inPrev = Object.hasOwn(prev, k)
    const inNext = Object.hasOwn(next, k)
    if (inPrev === inNext && deepEqual(prev[k], next[k])) return
    const d = diffWhole(inPrev ? { [k]: prev[k] } : {}, inNext ? { [k]: next[k] } : {}, schema)
    for (const [el, node] of d.changed.children) changed.children.set(el, node)
    for (const [el, node] of d.removed.children) removed.children.set(el, node)
  }
  for (const k of Object.keys(next)) visit(k)
  for (const k of Object.keys(prev)) if (!Object.hasOwn(next, k)) visit(k)
  return { changed, removed }
}

export interface FieldDiff {
  changed: PathSet
  removed: PathSet
}

/** diffFields by the definition: both field sets, their difference, and value comparisons. */
export function diffWhole(prev: unknown, next: unknown, schema: Schema | undefined): FieldDiff {
  const prevSet = fieldSetOf(prev, schema)
  const nextSet = fieldSetOf(next, schema)
  const changed = nextSet.difference(prevSet)
  for (const path of nextSet.intersection(prevSet).members()) {
    const node = nodeAt(nextSet, path)
    // A member with children (a list element's ".") is compared through its children.
    if (node && node.children.size > 0) continue
    if (!deepEqual(valueAt(prev, path, schema), valueAt(next, path, schema))) changed.add(path)
  }
  return { changed, removed: prevSet.difference(nextSet) }
}

function nodeAt(set: PathSet, path: readonly string[]): PathSet | undefined {
  let node: PathSet | undefined = set
  for (const el of path) node = node?.children.get(el)
  return node
}

/** Removes every member of `set` from `obj` (in place). List elements go as a whole. */
export function removeFields(obj: unknown, set: PathSet, schema?: Schema): void {
  for (const [el, node] of set.children) {
    if (node.self) {
      removeElement(obj, el, schema)
      continue
    }
    removeFields(step(obj, el, schema), node, schemaStep(schema, el))
  }
}

function removeElement(container: unknown, el: string, schema: Schema | undefined): void {
  if (el.startsWith('f:')) {
    if (isPlainObject(container)) delete container[el.slice(2)]
    return
  }
  if (!Array.isArray(container)) return
  const target = step(container, el, schema)
  const i = container.indexOf(target)
  if (i >= 0) container.splice(i, 1)
}
