// x-kubernetes-list-type: set | map uniqueness, as apiextensions' listtype.ValidateListSetsAndMaps.
// It is a separate pass over the object, after the OpenAPI validation, with field.Path paths:
// properties are children ("spec.ports"), map entries are keys ("spec.byName[a]"), items are
// indexes ("spec.ports[1]"). Each repeated element is reported once, at its first repetition:
//   spec.tags[2]: Duplicate value: "a"
//   spec.ports[1]: Duplicate value: map[string]interface {}{"containerPort":80, "protocol":"TCP"}
// (the value of a list-map duplicate is the object of its keys; errors.ts renders it as JSON).

import type { FieldError } from '../errors.ts'
import { fieldInvalid } from '../errors.ts'
import { duplicate } from './fielderrors.ts'
import { goJSON } from './gofmt.ts'
import { additionalSchema, child, index, isObject, type JSONSchemaProps, key, own } from './types.ts'

/** Index of every element that repeats an earlier one, once per distinct value. */
function nonUniqueIndices(values: readonly unknown[]): number[] {
  if (values.length <= 1) return []
  const seen = new Map<unknown, number>()
  const out: number[] = []
  for (let i = 0; i < values.length; i++) {
    const x = values[i]
    // Compound values compare by their JSON encoding (sorted keys), scalars by value.
    const k = x !== null && typeof x === 'object' ? `\u0000${goJSON(x)}` : x
    const times = seen.get(k) ?? 0
    seen.set(k, times + 1)
    if (times === 1) out.push(i)
  }
  return out
}

/** A missing key and a null element are distinct from every real key value. */
const UNSPECIFIED = Symbol('unspecified key')

function validateListMap(path: string, s: JSONSchemaProps, list: readonly unknown[]): FieldError[] {
  for (let i = 0; i < list.length; i++) {
    const x = list[i]
    if (x !== null && !isObject(x))
      return [fieldInvalid(index(path, i), x, 'must be an object for an array of list-type map')]
  }
  if (list.length <= 1) return []
  const keyFields = s['x-kubernetes-list-map-keys'] ?? []
  if (keyFields.length === 1) {
    const kf = keyFields[0]
    const keys = list.map((x) => (isObject(x) && Object.hasOwn(x, kf) ? x[kf] : UNSPECIFIED))
    return nonUniqueIndices(keys).map((i) =>
      duplicate(index(path, i), keys[i] === UNSPECIFIED ? {} : { [kf]: keys[i] }),
    )
  }
  const keys = list.map((x) => {
    const k: Record<string, unknown> = {}
    if (isObject(x)) for (const kf of keyFields) if (Object.hasOwn(x, kf)) k[kf] = x[kf]
    return k
  })
  return nonUniqueIndices(keys).map((i) => duplicate(index(path, i), keys[i]))
}

function validateArray(path: string, s: JSONSchemaProps, list: readonly unknown[]): FieldError[] {
  const errs: FieldError[] = []
  const lt = s['x-kubernetes-list-type']
  if (lt === 'set') for (const i of nonUniqueIndices(list)) errs.push(duplicate(index(path, i), list[i]))
  else if (lt === 'map') errs.push(...validateListMap(path, s, list))
  const items = s.items
  if (items !== undefined && !Array.isArray(items)) {
    for (let i = 0; i < list.length; i++) errs.push(...validateValue(index(path, i), items as JSONSchemaProps, list[i]))
  }
  return errs
}

function validateValue(path: string, s: JSONSchemaProps, v: unknown): FieldError[] {
  if (Array.isArray(v)) return validateArray(path, s, v)
  if (isObject(v)) return validateListSetsAndMaps(v, s, path)
  return []
}

/** Duplicate errors for every list-type=set/map list in `obj`, at or below `path`. */
export function validateListSetsAndMaps(obj: unknown, s: JSONSchemaProps | undefined, path = ''): FieldError[] {
  if (s === undefined) return []
  if (Array.isArray(obj) && path !== '') return validateArray(path, s, obj)
  if (!isObject(obj)) return []
  const errs: FieldError[] = []
  const ap = additionalSchema(s)
  if (ap !== undefined) for (const k of Object.keys(obj)) errs.push(...validateValue(key(path, k), ap, obj[k]))
  if (s.properties !== undefined) {
    for (const k of Object.keys(obj)) {
      const sub = own(s.properties, k)
      if (sub !== undefined) errs.push(...validateValue(child(path, k), sub, obj[k]))
    }
  }
  return errs
}
