// Reading merge semantics from a schema for server-side apply: list types and keys, atomic
// maps, and the schema of a child. Built-in kinds without explicit x-kubernetes-list-type get
// it from their strategic-merge tags, as kube-openapi's schemaconv does: merge + key → map,
// merge without key → set, anything else → atomic.

import type { Schema } from '../../apis/schemas/types.ts'

export type ListType = 'atomic' | 'set' | 'map'

export function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined
  const p = schema.properties?.[key]
  if (p) return p
  const ap = schema.additionalProperties
  return typeof ap === 'object' ? ap : undefined
}

export function itemSchema(schema: Schema | undefined): Schema | undefined {
  return schema?.items
}

export function listType(schema: Schema | undefined): { type: ListType; keys: readonly string[] } {
  const explicit = schema?.['x-kubernetes-list-type']
  if (explicit === 'map') {
    return {
      type: 'map',
      keys: schema?.['x-kubernetes-list-map-keys'] ?? [schema?.['x-kubernetes-patch-merge-key'] ?? 'name'],
    }
  }
  if (explicit) return { type: explicit, keys: [] }
  const strategy = schema?.['x-kubernetes-patch-strategy'] ?? ''
  if (strategy.split(',').includes('merge')) {
    const key = schema?.['x-kubernetes-patch-merge-key']
    return key ? { type: 'map', keys: [key] } : { type: 'set', keys: [] }
  }
  return { type: 'atomic', keys: [] }
}

export function isAtomicMap(schema: Schema | undefined): boolean {
  return schema?.['x-kubernetes-map-type'] === 'atomic'
}

/**
 * The path element of a list-map item: k:{"name":"web"} with keys in sorted order. A key field
 * the item leaves out takes its schema default (`item` = the element schema), as
 * structured-merge-diff does: a container port applied without a protocol is the TCP port.
 */
export function keyElement(item: unknown, keys: readonly string[], elementSchema?: Schema): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined
  const rec = item as Record<string, unknown>
  const key: Record<string, unknown> = {}
  let any = false
  for (const k of [...keys].sort()) {
    if (rec[k] !== undefined && rec[k] !== null) {
      key[k] = rec[k]
      any = true
    } else {
      const d = elementSchema?.properties?.[k]?.default
      if (d !== undefined && d !== null) key[k] = d
    }
  }
  return any ? `k:${JSON.stringify(key)}` : undefined
}

export function valueElement(item: unknown): string {
  return `v:${JSON.stringify(item)}`
}
