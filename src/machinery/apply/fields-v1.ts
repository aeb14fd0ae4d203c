// The FieldsV1 of a newly created object, built in one walk over it.
//
// A create makes its writer the owner of every field it sets. The general route (fieldSetOf →
// tracked → PathSet.toFieldsV1) builds a PathSet with a Map per node first; on the API server's
// create path that was a fifth of all memory allocated per request, and allocation is what sets
// how often V8 stops the event loop to collect. This walk writes the FieldsV1 JSON directly and
// must give exactly what the general route gives (fields-v1.test.ts compares them on random
// objects and schemas). A list with two elements at the same path element (a set with a repeated
// value, a list-map with a repeated key) needs the general route's merging: the walk then gives
// up and returns SAME_ELEMENT_TWICE.

import type { Schema } from '../../apis/schemas/types.ts'
import { isPlainObject } from '../object.ts'
import { childSchema, isAtomicMap, itemSchema, keyElement, listType, valueElement } from './schema-walk.ts'

export const SAME_ELEMENT_TWICE = Symbol('same list element twice')

type FieldsV1 = Record<string, unknown>

/** Metadata no manager owns (identity and system fields). */
export const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
])

export interface CreatedFieldsOptions {
  schema: Schema | undefined
  /** 'status' when the write goes through /status: then only status is tracked. */
  subresource: string
  /** The kind has a status subresource: status is then not tracked outside /status. */
  statusSubresource: boolean
}

/**
 * The fields `obj` sets that a create's manager owns, as FieldsV1; undefined when there are none.
 */
export function createdFieldsV1(
  obj: Record<string, unknown>,
  opts: CreatedFieldsOptions,
): FieldsV1 | undefined | typeof SAME_ELEMENT_TWICE {
  const rootKey = (k: string) =>
    k !== 'apiVersion' &&
    k !== 'kind' &&
    (opts.subresource === 'status' ? k === 'status' : !(opts.statusSubresource && k === 'status'))
  if (isAtomicMap(opts.schema)) return undefined
  try {
    const out: [string, unknown][] = []
    for (const k of Object.keys(obj)) {
      const v = obj[k]
      if (v === null || !rootKey(k)) continue
      const s = childSchema(opts.schema, k)
      // metadata itself is never a member: as a leaf (not an object) it owns nothing.
      const encoded = k !== 'metadata' ? field(v, s, false) : isPlainObject(v) ? metadataFields(v, s) : undefined
      if (encoded !== undefined) out.push([`f:${k}`, encoded])
    }
    return out.length > 0 ? sortedObject(out) : undefined
  } catch (e) {
    if (e === SAME_ELEMENT_TWICE) return SAME_ELEMENT_TWICE
    throw e
  }
}

/** metadata: its own membership is never tracked, nor are its identity fields. */
function metadataFields(meta: Record<string, unknown>, schema: Schema | undefined): FieldsV1 | undefined {
  if (isAtomicMap(schema)) return undefined
  const out: [string, unknown][] = []
  for (const k of Object.keys(meta)) {
    const v = meta[k]
    if (v === null || UNTRACKED_METADATA.has(k)) continue
    const encoded = field(v, childSchema(schema, k), false)
    if (encoded !== undefined) out.push([`f:${k}`, encoded])
  }
  return out.length > 0 ? sortedObject(out) : undefined
}

/**
 * The FieldsV1 of the node holding `value`, as PathSet's walk builds it; undefined when empty.
 * `element`: the node is a list-map element, a member whatever its value; otherwise it is a
 * member when its value is a leaf. One function, one stack frame per level: custom resources may
 * nest deeply.
 */
function field(value: unknown, schema: Schema | undefined, element: boolean): FieldsV1 | undefined {
  const children: [string, unknown][] = []
  let leaf = true
  /** Child nodes the walk creates, empty ones included: they decide whether "." is written. */
  let created = 0
  if (isPlainObject(value)) {
    const keys = isAtomicMap(schema) ? [] : Object.keys(value)
    if (keys.length > 0) leaf = false
    for (const k of keys) {
      const v = value[k]
      if (v === null) continue
      created++
      const encoded = field(v, childSchema(schema, k), false)
      if (encoded !== undefined) children.push([`f:${k}`, encoded])
    }
  } else if (Array.isArray(value)) {
    const lt = listType(schema)
    if (lt.type !== 'atomic' && value.length > 0) {
      leaf = false
      const seen = new Set<string>()
      const item = itemSchema(schema)
      for (const v of value) {
        const el = lt.type === 'set' ? valueElement(v) : keyElement(v, lt.keys, item)
        // An element without its key cannot be tracked: the list is owned whole, and (as in the
        // general route) the elements before it stay listed.
        if (el === undefined) {
          leaf = true
          break
        }
        if (seen.has(el)) throw SAME_ELEMENT_TWICE
        seen.add(el)
        children.push([el, lt.type === 'set' ? {} : field(v, item, true)])
      }
      created = seen.size
    }
  }
  return encode(element || leaf, created, children)
}

/** A node's FieldsV1: "." when it is a member with child nodes, then its non-empty children. */
function encode(self: boolean, created: number, children: [string, unknown][]): FieldsV1 | undefined {
  if (!self && children.length === 0) return undefined
  if (self && created > 0) children.push(['.', {}])
  return sortedObject(children)
}

/** An object with the entries' keys in code-unit order, as PathSet.toFieldsV1 writes them. */
function sortedObject(entries: [string, unknown][]): FieldsV1 {
  if (entries.length > 1) entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const out: FieldsV1 = {}
  for (const [k, v] of entries) out[k] = v
  return out
}
