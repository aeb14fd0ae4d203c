// Type errors in a request body for a built-in kind: kube-apiserver decodes bodies into Go structs,
// and a value of the wrong JSON type fails the decode whatever fieldValidation says. The message
// is encoding/json's for the first such value:
//   json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
// (the struct that declares the field, the JSON path from the root without indices, the Go type).
// Custom resources are not checked here: their schema validation reports wrong types (422).

import { definitionNameOf, type Schema, useSiteOf } from '../../apis/schemas/types.ts'
import { isPlainObject } from '../../machinery/object.ts'

function nameOf(s: Schema): string | undefined {
  return definitionNameOf(s) ?? (useSiteOf(s) ? definitionNameOf(useSiteOf(s)!.target) : undefined)
}

/** "io.k8s.api.apps.v1.DeploymentSpec" → "v1.DeploymentSpec", as Go prints a type. */
function goTypeName(definition: string): string {
  const parts = definition.split('.')
  return parts.slice(-2).join('.')
}

function goType(s: Schema): string {
  const named = nameOf(s)
  if (s['x-kubernetes-int-or-string']) return 'intstr.IntOrString'
  switch (s.type) {
    case 'integer':
      return s.format === 'int32' || s.format === 'int64' ? s.format : 'int'
    case 'number':
      return 'float64'
    case 'boolean':
      return 'bool'
    case 'string':
      return named ? goTypeName(named) : 'string'
    case 'array':
      return `[]${s.items ? goType(s.items) : 'interface {}'}`
    case 'object': {
      if (named) return goTypeName(named)
      const ap = s.additionalProperties
      return `map[string]${typeof ap === 'object' ? goType(ap) : 'interface {}'}`
    }
    default:
      return 'interface {}'
  }
}

function jsonType(v: unknown): string {
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : `number ${v}`
  if (Array.isArray(v)) return 'array'
  return 'object'
}

function fits(v: unknown, s: Schema): boolean {
  if (s['x-kubernetes-int-or-string']) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))
  switch (s.type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v)
    case 'number':
      return typeof v === 'number'
    case 'boolean':
      return typeof v === 'boolean'
    case 'string':
      return typeof v === 'string'
    case 'array':
      return Array.isArray(v)
    case 'object':
      return isPlainObject(v)
    default:
      return true
  }
}

export interface TypeMismatch {
  /** encoding/json's message. */
  message: string
  /** Where, as "spec.containers[0].image". */
  at: string
  /** The JSON type expected there ("string", "integer", "object" ...). */
  expected: string
  /** The JSON type found. */
  found: string
}

/** The decode error for the first value of the wrong type in `obj`, if any. */
export function firstTypeError(obj: unknown, schema: Schema | undefined, rootStruct: string): TypeMismatch | undefined {
  // Where the walk is, kept as two stacks and turned into strings only for the error: this runs
  // on every write, and almost every write has no error.
  const at: (string | number)[] = [] // keys and array indexes: "spec.containers[0].image"
  const goPath: string[] = [] // struct field names only, for encoding/json's message
  const walk = (v: unknown, s: Schema | undefined, struct: string): TypeMismatch | undefined => {
    if (v === null || v === undefined || !s || s['x-kubernetes-preserve-unknown-fields']) return undefined
    if (!fits(v, s)) {
      return {
        message: `json: cannot unmarshal ${jsonType(v)} into Go struct field ${struct}.${goPath.join('.')} of type ${goType(s)}`,
        at: formatAt(at),
        expected: s['x-kubernetes-int-or-string'] ? 'int-or-string' : (s.type ?? 'any'),
        found: Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : typeof v,
      }
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        at.push(i)
        const e = walk(v[i], s.items, struct)
        at.pop()
        if (e) return e
      }
      return undefined
    }
    if (!isPlainObject(v)) return undefined
    // Fields of a struct are reported against that struct; map values against the map's field.
    const named = s.properties ? nameOf(s) : undefined
    const inner = named ? (named.split('.').pop() ?? struct) : struct
    const ap = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined
    for (const k of Object.keys(v)) {
      const prop = s.properties?.[k]
      const cs = prop ?? ap
      if (!cs) continue
      at.push(k)
      if (prop) goPath.push(k)
      const e = walk(v[k], cs, prop ? inner : struct)
      if (prop) goPath.pop()
      at.pop()
      if (e) return e
    }
    return undefined
  }
  return walk(obj, schema, rootStruct)
}

/** "spec.containers[0].image" from ["spec", "containers", 0, "image"]. */
function formatAt(at: readonly (string | number)[]): string {
  let out = ''
  for (const x of at) out = typeof x === 'number' ? `${out}[${x}]` : out === '' ? x : `${out}.${x}`
  return out
}
