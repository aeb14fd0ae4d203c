// Patch metadata lookups on the OpenAPI-shaped schemas (apimachinery's LookupPatchMeta).
//
// apimachinery, given Go types, fails with "unable to find api field" when both the live object
// and the patch hold a map or list under a field the type does not declare. Our schemas are
// partial by design — they declare only what changes SMP behaviour — so a field we do not know
// is simply plain: maps merge, lists are replaced. (kubectl does the same for kinds it has no
// metadata for only via JSON merge patch; for built-in kinds every real field is known to it.)

import type { Schema } from '../../../apis/schemas/types.ts'
import { smpError } from './errors.ts'

/** The schema of field `key` of an object schema (a named property, or the map value schema). */
export function fieldSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined
  const p = schema.properties
  if (p && Object.hasOwn(p, key)) return p[key]
  const ap = schema.additionalProperties
  return typeof ap === 'object' ? ap : undefined
}

export interface FieldPatchMeta {
  /** "merge" (lists merge by key / as sets), "replace" (maps replaced whole) or "" (default). */
  strategy: '' | 'merge' | 'replace' | 'retainKeys'
  mergeKey: string
  /** The element schema of a list field. */
  items: Schema | undefined
}

const PLAIN: FieldPatchMeta = { strategy: '', mergeKey: '', items: undefined }
const cache = new WeakMap<Schema, FieldPatchMeta>()

/**
 * extractRetainKeysPatchStrategy: "merge,retainKeys" behaves as "merge" when applying (the
 * retainKeys half only tells the diff side to emit $retainKeys, which apply honours anywhere).
 */
export function patchMeta(field: Schema | undefined): FieldPatchMeta {
  if (!field) return PLAIN
  const cached = cache.get(field)
  if (cached) return cached
  const raw = field['x-kubernetes-patch-strategy'] ?? ''
  const parts = raw === '' ? [] : raw.split(',')
  let strategy: string
  if (parts.length <= 1) strategy = parts[0] ?? ''
  else if (parts.length === 2 && parts.includes('retainKeys'))
    strategy = parts[0] === 'retainKeys' ? parts[1] : parts[0]
  else throw smpError(`unexpected patch strategy: ${raw}`)
  const meta: FieldPatchMeta = {
    strategy: strategy as FieldPatchMeta['strategy'],
    mergeKey: field['x-kubernetes-patch-merge-key'] ?? '',
    items: field.items,
  }
  cache.set(field, meta)
  return meta
}

/** How apimachinery names a list's element type in "cannot merge lists without merge key for %s". */
export function elementKindName(items: Schema | undefined): string {
  switch (items?.type) {
    case 'string':
      return 'string'
    case 'integer':
      return 'int64'
    case 'number':
      return 'float64'
    case 'boolean':
      return 'bool'
    default:
      return 'struct'
  }
}
