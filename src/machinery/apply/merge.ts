// Merging an apply configuration into a live object, by schema: structs and granular maps
// merge key by key; list-maps merge elements matched by their keys (new ones appended in the
// configuration's order); sets take the union; atomic lists and scalars are replaced.

import type { Schema } from '../../apis/schemas/types.ts'
import { isPlainObject } from '../object.ts'
import { deepEqual } from './field-set.ts'
import { childSchema, isAtomicMap, itemSchema, keyElement, listType } from './schema-walk.ts'

export function mergeApplied(live: unknown, config: unknown, schema: Schema | undefined): unknown {
  if (isPlainObject(config) && isPlainObject(live) && !isAtomicMap(schema)) {
    const out: Record<string, unknown> = { ...live }
    for (const [k, v] of Object.entries(config)) {
      if (v === null) {
        delete out[k]
        continue
      }
      out[k] = mergeApplied(live[k], v, childSchema(schema, k))
    }
    return out
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const lt = listType(schema)
    if (lt.type === 'set') {
      const out = [...live]
      for (const item of config) if (!out.some((x) => deepEqual(x, item))) out.push(structuredClone(item))
      return out
    }
    if (lt.type === 'map') {
      const out = [...live]
      for (const item of config) {
        const element = itemSchema(schema)
        const key = keyElement(item, lt.keys, element)
        const i = key === undefined ? -1 : out.findIndex((x) => keyElement(x, lt.keys, element) === key)
        if (i >= 0) out[i] = mergeApplied(out[i], item, itemSchema(schema))
        else out.push(structuredClone(item))
      }
      return out
    }
  }
  return structuredClone(config)
}
