// Schemas shared by the OpenAPI v2 and v3 documents: Kubernetes-style definition names, the
// meta/v1 schemas every kind refers to (ObjectMeta, ListMeta, ...), per-kind schemas built from
// KindDef.schema (or a permissive object schema), and the v3 → v2 schema conversion.

import { Scale } from '../../apis/schemas/groups.ts'
import {
  builtinSchemaFor,
  definitionNameOf,
  meta,
  type Schema as TypedSchema,
  useSiteOf,
} from '../../apis/schemas/index.ts'
import type { KindDef } from '../../machinery/kinds.ts'

export type Schema = Record<string, unknown>

export const GVK_EXTENSION = 'x-kubernetes-group-version-kind'

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1'
export const OBJECT_META = `${META}.ObjectMeta`
export const LIST_META = `${META}.ListMeta`
export const OWNER_REFERENCE = `${META}.OwnerReference`
export const MANAGED_FIELDS_ENTRY = `${META}.ManagedFieldsEntry`
export const TIME = `${META}.Time`
export const PATCH = `${META}.Patch`
export const DELETE_OPTIONS = `${META}.DeleteOptions`
export const PRECONDITIONS = `${META}.Preconditions`
export const STATUS = `${META}.Status`
export const STATUS_DETAILS = `${META}.StatusDetails`
export const STATUS_CAUSE = `${META}.StatusCause`
export const SCALE = 'io.k8s.api.autoscaling.v1.Scale'
export const SCALE_SPEC = 'io.k8s.api.autoscaling.v1.ScaleSpec'
export const SCALE_STATUS = 'io.k8s.api.autoscaling.v1.ScaleStatus'

/** Groups compiled into kubectl (k8s.io/api), named io.k8s.api.<short>.<version>.<Kind>. */
const K8S_API_GROUPS: Record<string, string> = {
  'admissionregistration.k8s.io': 'admissionregistration',
  'authentication.k8s.io': 'authentication',
  'authorization.k8s.io': 'authorization',
  'certificates.k8s.io': 'certificates',
  'coordination.k8s.io': 'coordination',
  'discovery.k8s.io': 'discovery',
  'events.k8s.io': 'events',
  'flowcontrol.apiserver.k8s.io': 'flowcontrol',
  'internal.apiserver.k8s.io': 'apiserverinternal',
  'networking.k8s.io': 'networking',
  'node.k8s.io': 'node',
  'rbac.authorization.k8s.io': 'rbac',
  'resource.k8s.io': 'resource',
  'scheduling.k8s.io': 'scheduling',
  'storage.k8s.io': 'storage',
  'storagemigration.k8s.io': 'storagemigration',
}

const SPECIAL_PACKAGES: Record<string, string> = {
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
}

type KindRef = Pick<KindDef, 'group' | 'version' | 'kind'> & { custom?: boolean }

/** True for kinds kubectl has compiled in (it then computes strategic merge patches itself). */
export function isKubectlBuiltin(def: Pick<KindDef, 'group'> & { custom?: boolean }): boolean {
  if (def.custom) return false
  const g = def.group
  return g === '' || !g.includes('.') || Object.hasOwn(K8S_API_GROUPS, g)
}

/** The package part of a definition name: "io.k8s.api.apps.v1", "com.example.stable.v1". */
export function definitionPackage(def: Pick<KindDef, 'group' | 'version'> & { custom?: boolean }): string {
  const g = def.group
  if (!def.custom) {
    if (g === '') return `io.k8s.api.core.${def.version}`
    if (Object.hasOwn(SPECIAL_PACKAGES, g)) return `${SPECIAL_PACKAGES[g]}.${def.version}`
    if (Object.hasOwn(K8S_API_GROUPS, g)) return `io.k8s.api.${K8S_API_GROUPS[g]}.${def.version}`
    if (!g.includes('.')) return `io.k8s.api.${g}.${def.version}`
  }
  return `${g.split('.').reverse().join('.')}.${def.version}`
}

/** Kubernetes' schema name for a kind: "io.k8s.api.core.v1.Pod", "com.example.stable.v1.CronTab". */
export function definitionName(def: KindRef): string {
  return `${definitionPackage(def)}.${def.kind}`
}

export function listDefinitionName(def: KindRef & Pick<KindDef, 'listKind'>): string {
  return `${definitionPackage(def)}.${def.listKind}`
}

export const v3Ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })

/** A reference with siblings, as Kubernetes writes it in v3 (`allOf: [{$ref}]`). */
function refWith(name: string, extra: Schema): Schema {
  return { allOf: [v3Ref(name)], ...extra }
}

const str = (description: string): Schema => ({ type: 'string', description })

// ---- typed schemas (src/apis/schemas) → OpenAPI v3 JSON --------------------------------------

/**
 * Converts a typed schema to OpenAPI v3 JSON. Named types become `$ref`s and are added to
 * `components` (with their own closure); a field of a named type becomes
 * `{allOf: [{$ref}], description, default, x-kubernetes-...}` as Kubernetes publishes it.
 */
export function emitSchema(s: TypedSchema, components: Record<string, Schema>): Schema {
  const site = useSiteOf(s)
  if (site) {
    const name = emitDefinition(site.target, components)
    const extra = convertKeys(site.site, components)
    return Object.keys(extra).length ? { allOf: [v3Ref(name)], ...extra } : v3Ref(name)
  }
  if (definitionNameOf(s)) return v3Ref(emitDefinition(s, components))
  return convertKeys(s, components)
}

/** Adds a named type (and everything it refers to) to `components`; returns its name. */
export function emitDefinition(s: TypedSchema, components: Record<string, Schema>): string {
  const name = definitionNameOf(s)
  if (!name) throw new Error('emitDefinition needs a named schema')
  if (!Object.hasOwn(components, name)) {
    components[name] = {} // placeholder: recursive types (JSONSchemaProps) refer to themselves
    components[name] = convertKeys(s, components)
  }
  return name
}

function convertKeys(s: TypedSchema, components: Record<string, Schema>): Schema {
  const out: Schema = {}
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue
    if (k === 'properties') {
      const props: Record<string, Schema> = {}
      for (const [pk, pv] of Object.entries(v as Record<string, TypedSchema>)) props[pk] = emitSchema(pv, components)
      out.properties = props
    } else if (k === 'items') out.items = emitSchema(v as TypedSchema, components)
    else if (k === 'additionalProperties')
      out.additionalProperties = typeof v === 'object' ? emitSchema(v as TypedSchema, components) : v
    else if (k === 'oneOf' || k === 'anyOf') out[k] = (v as TypedSchema[]).map((x) => emitSchema(x, components))
    else out[k] = deepCopy(v)
  }
  return out
}

/** The complete schema of a kubectl built-in kind, when Flotilla declares one. */
export function builtinSchema(def: KindRef): TypedSchema | undefined {
  return def.custom ? undefined : builtinSchemaFor(def.group, def.version, def.kind)
}

/** meta/v1 schemas every document refers to (ObjectMeta, ListMeta, Status, DeleteOptions, Patch). */
export function metaSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {}
  for (const s of [meta.ObjectMeta, meta.ListMeta, meta.Status, meta.DeleteOptions, meta.Patch]) emitDefinition(s, out)
  return out
}

/** autoscaling/v1 Scale, referenced by /scale operations. */
export function scaleSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {}
  emitDefinition(Scale, out)
  return out
}

function deepCopy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T)
}

/**
 * The v3 schema of a kind. Built-in kinds: their complete declared schema (add its closure with
 * `emitDefinition`); other kinds: KindDef.schema with standard apiVersion/kind/metadata, or a
 * permissive object.
 */
export function kindSchema(def: KindDef): Schema {
  const builtin = builtinSchema(def)
  if (builtin) return convertKeys(builtin, {})
  const gvk = [{ group: def.group, kind: def.kind, version: def.version }]
  const base: Schema = def.schema ? deepCopy(def.schema) : {}
  const props: Record<string, Schema> = (base.properties as Record<string, Schema> | undefined) ?? {}
  props.apiVersion = { ...str(meta.API_VERSION_DOC), ...(props.apiVersion ?? {}), type: 'string' }
  props.kind = { ...str(meta.KIND_DOC), ...(props.kind ?? {}), type: 'string' }
  props.metadata = refWith(OBJECT_META, { default: {}, description: meta.METADATA_DOC })
  const out: Schema = {
    type: 'object',
    description:
      typeof base.description === 'string' ? base.description : `${def.kind} (${def.group || 'core'}/${def.version}).`,
    ...base,
    properties: props,
    [GVK_EXTENSION]: gvk,
  }
  if (!def.schema) out['x-kubernetes-preserve-unknown-fields'] = true
  return out
}

export function listSchema(def: KindDef): Schema {
  return {
    type: 'object',
    description: `A list of ${def.kind} objects.`,
    required: ['items'],
    properties: {
      apiVersion: str(meta.API_VERSION_DOC),
      items: {
        type: 'array',
        description: `The ${def.plural} in the list.`,
        items: { ...refWith(definitionName(def), {}), default: {} },
      },
      kind: str(meta.KIND_DOC),
      metadata: refWith(LIST_META, { default: {}, description: meta.LIST_METADATA_DOC }),
    },
    [GVK_EXTENSION]: [{ group: def.group, kind: def.listKind, version: def.version }],
  }
}

// ---- v3 → v2 ---------------------------------------------------------------------------------

const toV2Ref = (ref: string) => ref.replace('#/components/schemas/', '#/definitions/')

/** Extensions that keep their meaning in Swagger 2.0 (what kubectl 1.28 reads from v2). */
const V2_EXTENSIONS = [
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-unions',
  GVK_EXTENSION,
]

function v2Extensions(src: Schema): Schema {
  const out: Schema = {}
  for (const k of V2_EXTENSIONS) if (src[k] !== undefined) out[k] = deepCopy(src[k])
  return out
}

const PRIMITIVES = new Set(['string', 'integer', 'number', 'boolean'])

/**
 * Converts a (structural) v3 schema to the subset of Swagger 2.0 that kube-openapi's proto models
 * understand, keeping `$ref`s (with their description and patch extensions, as Kubernetes'
 * swagger.json does), enums, primitive defaults and the x-kubernetes-* merge extensions.
 * Anything not representable (x-kubernetes-preserve-unknown-fields, anyOf/oneOf/not, nullable,
 * int-or-string without a type) becomes an arbitrary value, which kubectl never rejects. A
 * oneOf of primitive types that includes string (resource.Quantity) becomes a string.
 */
export function toV2Schema(s: unknown): Schema {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return {}
  const src = s as Schema
  const out: Schema = {}
  if (typeof src.description === 'string') out.description = src.description
  if (typeof src.$ref === 'string') return { ...out, $ref: toV2Ref(src.$ref), ...v2Extensions(src) }
  const allOf = src.allOf
  if (Array.isArray(allOf) && allOf.length === 1 && typeof (allOf[0] as Schema)?.$ref === 'string' && !src.properties) {
    return { ...out, $ref: toV2Ref((allOf[0] as Schema).$ref as string), ...v2Extensions(src) }
  }
  const oneOf = src.oneOf
  if (
    Array.isArray(oneOf) &&
    oneOf.length > 0 &&
    oneOf.every((x) => PRIMITIVES.has((x as Schema)?.type as string)) &&
    oneOf.some((x) => (x as Schema).type === 'string') &&
    !src.type
  ) {
    return { ...out, type: 'string' }
  }
  if (
    src['x-kubernetes-preserve-unknown-fields'] === true ||
    (src['x-kubernetes-int-or-string'] === true && src.type !== 'string') ||
    src.anyOf ||
    src.oneOf ||
    src.not ||
    src.allOf ||
    src.nullable === true
  ) {
    return out
  }
  const type = src.type
  if (type === 'array') {
    if (!src.items || Array.isArray(src.items)) return out
    return { ...out, type: 'array', items: toV2Schema(src.items), ...v2Extensions(src) }
  }
  if (type === 'object' || (type === undefined && src.properties)) {
    if (src.properties && typeof src.properties === 'object') {
      const props: Record<string, Schema> = {}
      for (const [k, v] of Object.entries(src.properties as Record<string, unknown>)) props[k] = toV2Schema(v)
      const kind: Schema = { ...out, type: 'object', properties: props }
      if (Array.isArray(src.required) && src.required.length)
        kind.required = src.required.filter((r) => typeof r === 'string')
      return { ...kind, ...v2Extensions(src) }
    }
    const ap = src.additionalProperties
    if (ap && typeof ap === 'object')
      return { ...out, type: 'object', additionalProperties: toV2Schema(ap), ...v2Extensions(src) }
    return { ...out, type: 'object', ...v2Extensions(src) }
  }
  if (typeof type === 'string' && PRIMITIVES.has(type)) {
    const prim: Schema = { ...out, type }
    if (typeof src.format === 'string') prim.format = src.format
    if (Array.isArray(src.enum)) prim.enum = deepCopy(src.enum)
    if (src.default !== undefined && (src.default === null || typeof src.default !== 'object'))
      prim.default = src.default
    return prim
  }
  return out
}
