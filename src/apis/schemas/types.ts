// Structural OpenAPI-v3-shaped schemas of the built-in kinds, written as TypeScript declarations.
//
// One graph serves three consumers:
//  - strategic merge patch and server-side apply walk it directly (properties / items /
//    additionalProperties plus the x-kubernetes-* extensions), with no resolver;
//  - the OpenAPI documents (/openapi/v2, /openapi/v3) turn every *named* schema into a
//    component (`io.k8s.api.core.v1.PodSpec`, ...) and every use of it into a `$ref`;
//  - `kubectl explain` reads those documents, hence a description on every type and field.
//
// Reuse is by plain object references. `named()` registers a type under its Kubernetes
// definition name. A field that uses a named type goes through `ref()` / `embed()`, which
// return a shallow copy of the type (so the patch engines see its properties) carrying the
// field's own description, default and patch extensions; the copy remembers its target so the
// OpenAPI writer emits `allOf: [{$ref}]` plus those site-level keys, as Kubernetes does.
//
// Field facts (names, types, formats, required fields, defaults, patch strategies, list and map
// types) follow Kubernetes' published OpenAPI; the descriptions are Flotilla's own.

/** Values of x-kubernetes-patch-strategy that apimachinery understands. */
export type PatchStrategy = 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace'

export type ListType = 'atomic' | 'set' | 'map'

export interface SchemaUnion {
  discriminator?: string
  'fields-to-discriminateBy': Readonly<Record<string, string>>
}

export interface GroupVersionKind {
  group: string
  version: string
  kind: string
}

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
  required?: readonly string[]
  enum?: readonly (string | number | boolean)[]
  default?: unknown
  oneOf?: readonly Schema[]
  anyOf?: readonly Schema[]
  /** SMP: how this field is patched. Lives on the field's schema, as in Kubernetes' OpenAPI. */
  'x-kubernetes-patch-strategy'?: PatchStrategy
  /** SMP: the element field that identifies list elements (only with a merge strategy). */
  'x-kubernetes-patch-merge-key'?: string
  /** SSA: atomic | set | map. */
  'x-kubernetes-list-type'?: ListType
  /** SSA: the key fields of a list-type=map (may be more than SMP's single merge key). */
  'x-kubernetes-list-map-keys'?: readonly string[]
  /** SSA: atomic maps/structs are owned as a whole. */
  'x-kubernetes-map-type'?: 'atomic' | 'granular'
  'x-kubernetes-int-or-string'?: boolean
  'x-kubernetes-preserve-unknown-fields'?: boolean
  'x-kubernetes-embedded-resource'?: boolean
  /** One-of groups of a struct (discriminator field and the members it selects). */
  'x-kubernetes-unions'?: readonly SchemaUnion[]
  /** On the top-level schema of a kind (and its List). */
  'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[]
}

// ---- named types and references ----------------------------------------------------------------

const definitionNames = new WeakMap<Schema, string>()
const useSites = new WeakMap<Schema, { target: Schema; site: Schema }>()
const byName = new Map<string, Schema>()

/** Registers `schema` as the definition `name` (e.g. "io.k8s.api.core.v1.PodSpec"). */
export function register<T extends Schema>(name: string, schema: T): T {
  const prev = byName.get(name)
  if (prev && prev !== schema) throw new Error(`schema ${name} defined twice`)
  definitionNames.set(schema, name)
  byName.set(name, schema)
  return schema
}

/** The definition name of a named schema (not of a use-site copy). */
export function definitionNameOf(s: Schema): string | undefined {
  return definitionNames.get(s)
}

/** For a field schema made by ref()/embed(): the named type and the field-level keys. */
export function useSiteOf(s: Schema): { target: Schema; site: Schema } | undefined {
  return useSites.get(s)
}

/** Every registered definition, by name. */
export function namedSchemas(): ReadonlyMap<string, Schema> {
  return byName
}

export interface StructOptions {
  required?: readonly string[]
  mapType?: 'atomic' | 'granular'
  unions?: readonly SchemaUnion[]
  gvk?: GroupVersionKind
  /** Required scalar fields that get no zero-value default (pointers in Go). */
  noDefault?: readonly string[]
}

const ZERO: Partial<Record<NonNullable<Schema['type']>, unknown>> = {
  string: '',
  integer: 0,
  number: 0,
  boolean: false,
}

/**
 * A named struct. Required scalar fields get their zero value as `default` (as Kubernetes
 * publishes it for non-pointer, non-omitempty fields) unless listed in `noDefault`.
 */
export function struct(
  name: string,
  description: string,
  properties: Record<string, Schema>,
  opts: StructOptions = {},
): Schema {
  const props: Record<string, Schema> = {}
  for (const key of Object.keys(properties).sort()) props[key] = properties[key]
  for (const r of opts.required ?? []) {
    const p = props[r]
    if (!p) throw new Error(`${name}: required field ${r} is not declared`)
    if (
      p.default === undefined &&
      !useSites.has(p) &&
      p.type &&
      ZERO[p.type] !== undefined &&
      !opts.noDefault?.includes(r)
    )
      props[r] = { ...p, default: ZERO[p.type] }
  }
  const s: Schema = { type: 'object', description, properties: props }
  if (opts.required?.length) s.required = opts.required
  if (opts.mapType) s['x-kubernetes-map-type'] = opts.mapType
  if (opts.unions) s['x-kubernetes-unions'] = opts.unions
  if (opts.gvk) s['x-kubernetes-group-version-kind'] = [opts.gvk]
  return register(name, s)
}

/** A named non-struct type (Time, Quantity, IntOrString, RawExtension, ...). */
export function scalarType(name: string, schema: Schema): Schema {
  return register(name, schema)
}

/**
 * A field of a named type: a shallow copy of the type with the field's description and
 * field-level keys (patch strategy, default...). The copy shares the type's properties, so the
 * patch engines see through it; the OpenAPI writer emits a `$ref` to the type instead.
 */
export function ref(target: Schema, description?: string, extra: Schema = {}): Schema {
  const base = useSites.get(target)?.target ?? target
  if (!definitionNames.has(base)) throw new Error('ref() needs a named schema')
  const site: Schema = { ...extra }
  if (description !== undefined) site.description = description
  const out: Schema = { ...base, ...site }
  useSites.set(out, { target: base, site })
  return out
}

/** A non-pointer struct field: like ref() with the empty object as default. */
export function embed(target: Schema, description: string, extra: Schema = {}): Schema {
  return ref(target, description, { default: {}, ...extra })
}

// ---- scalars --------------------------------------------------------------------------------

export const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra })
export const int32 = (description: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  format: 'int32',
  description,
  ...extra,
})
export const int64 = (description: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  format: 'int64',
  description,
  ...extra,
})
export const double = (description: string, extra: Schema = {}): Schema => ({
  type: 'number',
  format: 'double',
  description,
  ...extra,
})
export const bool = (description: string, extra: Schema = {}): Schema => ({ type: 'boolean', description, ...extra })
/** A string from a fixed set of values. */
export const oneOfStr = (values: readonly string[], description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  description,
  enum: values,
  ...extra,
})

// ---- maps -----------------------------------------------------------------------------------

/** map[string]string. */
export function strMap(description: string, extra: Schema = {}): Schema {
  return { type: 'object', description, additionalProperties: { type: 'string', default: '' }, ...extra }
}

/** map[string]T with a value schema (a named type is referenced). */
export function mapOf(value: Schema, description: string, extra: Schema = {}): Schema {
  return { type: 'object', description, additionalProperties: itemSchema(value, false), ...extra }
}

// ---- lists ----------------------------------------------------------------------------------

export interface ListOptions {
  /** x-kubernetes-list-type (default: atomic; `null` = none published). */
  type?: ListType | null
  /** x-kubernetes-list-map-keys (list type map). */
  keys?: readonly string[]
  /** SMP merge key (`patchStrategy: merge` unless `strategy` says otherwise). */
  mergeKey?: string
  /** SMP patch strategy. */
  strategy?: PatchStrategy
}

const SCALAR_ITEM_DEFAULT: Partial<Record<NonNullable<Schema['type']>, unknown>> = { string: '', integer: 0, number: 0 }

/** The element schema of a list/map: named structs by reference with `default: {}`. */
function itemSchema(item: Schema, structDefault = true): Schema {
  if (definitionNames.has(item)) {
    return item.type === 'object' && item.properties && structDefault
      ? ref(item, undefined, { default: {} })
      : ref(item)
  }
  if (useSites.has(item)) return item
  if (item.type && SCALAR_ITEM_DEFAULT[item.type] !== undefined && item.default === undefined && !item.enum) {
    return { ...item, default: SCALAR_ITEM_DEFAULT[item.type] }
  }
  return item
}

/** A list field. */
export function listOf(item: Schema, description: string, opts: ListOptions = {}): Schema {
  const type = opts.type === undefined ? 'atomic' : opts.type
  const keys = type === 'map' ? (opts.keys ?? (opts.mergeKey ? [opts.mergeKey] : ['name'])) : undefined
  // kubectl explain prints descriptions only: say how list entries are identified.
  const doc = keys ? `${description} Entries are identified by ${keys.join(' and ')}.` : description
  const s: Schema = { type: 'array', description: doc, items: itemSchema(item) }
  if (type) s['x-kubernetes-list-type'] = type
  if (keys) s['x-kubernetes-list-map-keys'] = keys
  if (opts.mergeKey) {
    s['x-kubernetes-patch-merge-key'] = opts.mergeKey
    s['x-kubernetes-patch-strategy'] = opts.strategy ?? 'merge'
  } else if (opts.strategy) {
    s['x-kubernetes-patch-strategy'] = opts.strategy
  }
  return s
}

/** []string with list type atomic. */
export const strList = (description: string, opts: ListOptions = {}): Schema =>
  listOf({ type: 'string' }, description, opts)

/** `patchStrategy: merge, patchMergeKey: key` with a matching list-map (the usual pairing). */
export function mergeList(item: Schema, mergeKey: string, description: string, opts: ListOptions = {}): Schema {
  return listOf(item, description, { type: 'map', keys: [mergeKey], mergeKey, ...opts })
}
