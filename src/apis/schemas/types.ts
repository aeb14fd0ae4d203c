// Partial OpenAPI v3 schemas for built-in kinds, reduced for now to what strategic merge patch
// needs: where lists merge (and by which key), where maps are replaced, where one-of unions are
// switched with retainKeys. The shape is deliberately OpenAPI's (properties / items /
// additionalProperties plus the x-kubernetes-* extensions Kubernetes publishes) so that the
// same declarations can later grow into the served /openapi/v3 documents and into server-side
// apply's list-type / map-type metadata.
//
// The SMP half (x-kubernetes-patch-strategy / -merge-key) is complete for the kinds we serve: it
// was checked against the struct tags compiled into kubectl and against kubectl's own patch
// results. The SSA half (list types, list-map keys) is declared where known and is best-effort:
// check it against the published OpenAPI before server-side apply relies on it.
//
// Reuse is by plain object references (shared constants) rather than "$ref" strings: the SMP
// engine walks the graph directly, with no resolver. Fields that are not declared are "plain"
// for SMP: lists are replaced atomically and maps merge key by key, exactly what apimachinery
// does for a field without patch tags.

/** Values of x-kubernetes-patch-strategy that apimachinery understands. */
export type PatchStrategy = 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace'

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean'
  format?: string
  description?: string
  /** Named fields of an object. */
  properties?: Readonly<Record<string, Schema>>
  /** The value schema of a map (map[string]T); `true` = any value. */
  additionalProperties?: Schema | boolean
  /** The element schema of a list. */
  items?: Schema
  /** SMP: how this field is patched. Lives on the field's schema, as in Kubernetes' OpenAPI. */
  'x-kubernetes-patch-strategy'?: PatchStrategy
  /** SMP: the element field that identifies list elements (only with a merge strategy). */
  'x-kubernetes-patch-merge-key'?: string
  /** SSA: atomic | set | map. */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map'
  /** SSA: the key fields of a list-type=map (may be more than SMP's single merge key). */
  'x-kubernetes-list-map-keys'?: readonly string[]
  /** SSA: atomic maps/structs are owned as a whole. */
  'x-kubernetes-map-type'?: 'atomic' | 'granular'
}

// ---- Small builders, so the declarations read like the Go struct tags they mirror. ----

export const STRING: Schema = { type: 'string' }
export const INTEGER: Schema = { type: 'integer' }
export const BOOLEAN: Schema = { type: 'boolean' }
/** resource.Quantity, serialized as a string ("100m", "1Gi") or a number. */
export const QUANTITY: Schema = { type: 'string', format: 'quantity' }

/** A struct with the given fields (only the interesting ones need to be listed). */
export function object(properties: Record<string, Schema> = {}): Schema {
  return { type: 'object', properties }
}

/** map[string]T, e.g. labels, annotations, ConfigMap data, resource lists. */
export function mapOf(value: Schema = STRING): Schema {
  return { type: 'object', additionalProperties: value }
}

export const STRING_MAP: Schema = mapOf(STRING)
export const QUANTITY_MAP: Schema = mapOf(QUANTITY)

export interface MergeListOptions {
  /** patchStrategy "merge,retainKeys" (PodSpec.volumes, resourceClaims). */
  retainKeys?: boolean
  /** SSA list-map keys when they differ from the single SMP merge key. */
  listMapKeys?: readonly string[]
  /** SSA list type when Kubernetes declares something other than "map" for this merge list. */
  listType?: 'atomic' | 'set' | 'map'
}

/** `patchStrategy:"merge" patchMergeKey:"<key>"`: elements are matched by `mergeKey` and merged. */
export function mergeList(items: Schema, mergeKey: string, opts: MergeListOptions = {}): Schema {
  const s: Schema = {
    type: 'array',
    items,
    'x-kubernetes-patch-strategy': opts.retainKeys ? 'merge,retainKeys' : 'merge',
    'x-kubernetes-patch-merge-key': mergeKey,
  }
  const listType = opts.listType ?? 'map'
  s['x-kubernetes-list-type'] = listType
  if (listType === 'map') s['x-kubernetes-list-map-keys'] = opts.listMapKeys ?? [mergeKey]
  return s
}

/** `patchStrategy:"merge"` on a list of scalars (finalizers, podCIDRs): a union without duplicates. */
export function setList(items: Schema = STRING): Schema {
  return { type: 'array', items, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' }
}

/** A list without patch strategy: an SMP replaces it whole. */
export function atomicList(items: Schema = STRING): Schema {
  return { type: 'array', items, 'x-kubernetes-list-type': 'atomic' }
}

/**
 * A list-type=map for server-side apply that has no SMP patch tags (e.g. ResourceRequirements.claims):
 * SMP still replaces it whole, because apimachinery only reads patchStrategy / patchMergeKey.
 */
export function keyedAtomicList(items: Schema, keys: readonly string[]): Schema {
  return { type: 'array', items, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys }
}

/** The same schema with a field-level patch strategy (e.g. DeploymentSpec.strategy retainKeys). */
export function withPatchStrategy(schema: Schema, strategy: PatchStrategy): Schema {
  return { ...schema, 'x-kubernetes-patch-strategy': strategy }
}
