// The schema shape the engine works on: a CRD's `openAPIV3Schema` (apiextensions.k8s.io/v1
// JSONSchemaProps) as it arrives in JSON, plus every keyword kube-apiserver understands.
//
// Why our own interface and not `Schema` from src/apis/schemas: that type describes built-in kinds
// and deliberately carries only what the patch engines and OpenAPI writer need. This one is the
// superset a CRD author may write (value validations, junctors, forbidden keywords we must be able
// to *reject*), so a built-in `Schema` is assignable to it and both kinds of schema go through the
// same validator, pruner and defaulter (the patch and union extensions of built-in schemas are
// extra properties here: allowed, ignored). No index signature, on purpose: an interface such as
// `Schema` is only assignable to a type without one.

export interface JSONSchemaProps {
  type?: string
  format?: string
  title?: string
  description?: string
  nullable?: boolean
  default?: unknown
  example?: unknown
  enum?: readonly unknown[]

  maximum?: number
  exclusiveMaximum?: boolean
  minimum?: number
  exclusiveMinimum?: boolean
  multipleOf?: number

  maxLength?: number
  minLength?: number
  pattern?: string

  maxItems?: number
  minItems?: number
  uniqueItems?: boolean

  maxProperties?: number
  minProperties?: number
  required?: readonly string[]

  properties?: Readonly<Record<string, JSONSchemaProps>>
  additionalProperties?: JSONSchemaProps | boolean
  /** A schema; an array of schemas (tuple validation) is accepted by OpenAPI but forbidden in CRDs. */
  items?: JSONSchemaProps | readonly JSONSchemaProps[]

  allOf?: readonly JSONSchemaProps[]
  anyOf?: readonly JSONSchemaProps[]
  oneOf?: readonly JSONSchemaProps[]
  not?: JSONSchemaProps

  // Keywords OpenAPI has but CRDs forbid; declared so that validateStructuralSchema can name them.
  $ref?: string
  $schema?: string
  id?: string
  definitions?: Readonly<Record<string, JSONSchemaProps>>
  dependencies?: Readonly<Record<string, unknown>>
  patternProperties?: Readonly<Record<string, JSONSchemaProps>>
  additionalItems?: JSONSchemaProps | boolean
  externalDocs?: unknown

  'x-kubernetes-preserve-unknown-fields'?: boolean
  'x-kubernetes-embedded-resource'?: boolean
  'x-kubernetes-int-or-string'?: boolean
  'x-kubernetes-list-type'?: string
  'x-kubernetes-list-map-keys'?: readonly string[]
  'x-kubernetes-map-type'?: string
  /** CEL rules. Not evaluated by this engine (see the report of issue 3). */
  'x-kubernetes-validations'?: readonly unknown[]
}

/** A JSON object as decoded from a request body. */
export type JsonObject = Record<string, unknown>

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The single item schema, or undefined for a missing or tuple-style `items`. */
export function itemSchema(s: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  const items = s?.items
  return items === undefined || Array.isArray(items) ? undefined : (items as JSONSchemaProps)
}

/** The additionalProperties schema when it is one (not `true`/`false`/absent). */
export function additionalSchema(s: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  const ap = s?.additionalProperties
  return typeof ap === 'object' && ap !== null ? ap : undefined
}

const hasOwn = Object.prototype.hasOwnProperty

/** Own-property lookup, so that a field named "constructor" or "__proto__" is not found on the prototype. */
export function own<T>(rec: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return rec !== undefined && hasOwn.call(rec, key) ? rec[key] : undefined
}

export function hasKey(rec: object, key: string): boolean {
  return hasOwn.call(rec, key)
}

/** field.Path-style helpers: Child ("a.b"), Key ("a[k]"), Index ("a[0]"). An empty parent is the nil path. */
export function child(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`
}

export function key(parent: string, k: string): string {
  return `${parent}[${k}]`
}

export function index(parent: string, i: number): string {
  return `${parent}[${i}]`
}

/** JSON-ish deep equality (numbers by value, objects by key set), as reflect.DeepEqual on decoded JSON. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  const ka = Object.keys(a as object)
  const kb = Object.keys(b as object)
  if (ka.length !== kb.length) return false
  for (const k of ka) {
    if (!hasOwn.call(b, k) || !deepEqual((a as JsonObject)[k], (b as JsonObject)[k])) return false
  }
  return true
}

/** Deep copy of a JSON value (runtime.DeepCopyJSONValue). */
export function deepCopy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(deepCopy) as T
  const out: JsonObject = {}
  for (const k of Object.keys(v)) setOwn(out, k, deepCopy((v as JsonObject)[k]))
  return out as T
}

/** obj[k] = v, also for k === "__proto__" (which JSON.parse creates as an own property). */
export function setOwn(obj: JsonObject, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true })
  else obj[k] = v
}
