// Pruning: dropping the fields a structural schema does not specify, as apiextensions' pruning
// algorithm (pkg/apiserver/schema/pruning) does while decoding a custom resource.
//
//  - A field is kept if it is a property, or if the object has additionalProperties.
//  - Under x-kubernetes-preserve-unknown-fields: true unknown fields are kept, but the fields the
//    schema does specify are still pruned inside (the flag is not inherited).
//  - An embedded resource (x-kubernetes-embedded-resource) keeps apiVersion, kind and metadata;
//    the resource root is always treated as one.
//  - metadata is not pruned by the schema but by ObjectMeta itself: at the root, fields ObjectMeta
//    does not have are dropped and reported ("metadata.foo"), as the JSON round trip through
//    metav1.ObjectMeta does; in embedded resources they are dropped silently (objectmeta.Coerce).
//
// Reported paths use Kubernetes' form, without a leading dot: "spec.foo", "spec.ports[0].bar".
// They are sorted, then the root metadata ones follow, which is the order kube-apiserver lists
// them in its `unknown field "spec.foo"` warnings and Strict errors.

import { additionalSchema, isObject, type JSONSchemaProps, type JsonObject, own } from './types.ts'

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata'])

const STRING: JSONSchemaProps = { type: 'string' }
const INTEGER: JSONSchemaProps = { type: 'integer', format: 'int64' }
const BOOLEAN: JSONSchemaProps = { type: 'boolean' }
const STRING_MAP: JSONSchemaProps = { type: 'object', additionalProperties: STRING }

/** The fields of metav1.ObjectMeta (and of the types inside it), for pruning and unknown-field reports. */
export const OBJECT_META_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    name: STRING,
    generateName: STRING,
    namespace: STRING,
    selfLink: STRING,
    uid: STRING,
    resourceVersion: STRING,
    generation: INTEGER,
    creationTimestamp: { type: 'string', format: 'date-time', nullable: true },
    deletionTimestamp: { type: 'string', format: 'date-time' },
    deletionGracePeriodSeconds: INTEGER,
    labels: STRING_MAP,
    annotations: STRING_MAP,
    ownerReferences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          apiVersion: STRING,
          kind: STRING,
          name: STRING,
          uid: STRING,
          controller: BOOLEAN,
          blockOwnerDeletion: BOOLEAN,
        },
      },
    },
    finalizers: { type: 'array', items: STRING },
    managedFields: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          manager: STRING,
          operation: STRING,
          apiVersion: STRING,
          time: STRING,
          fieldsType: STRING,
          fieldsV1: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          subresource: STRING,
        },
      },
    },
  },
}

export interface PruneOptions {
  /**
   * Whether `value` is a whole object (its root keeps apiVersion/kind/metadata and its metadata is
   * checked against ObjectMeta). Default true; false for a subtree such as a single spec.
   */
  isResourceRoot?: boolean
}

/** The walk shared by pruning and finding: `remove` deletes, `record` collects the paths. */
class Walker {
  readonly paths: string[] = []
  /** Unknown fields of the root metadata, reported after the sorted schema paths. */
  readonly metaPaths: string[] = []
  private readonly remove: boolean
  constructor(remove: boolean) {
    this.remove = remove
  }

  private unknown(obj: JsonObject, k: string, path: string, report: boolean): void {
    if (report) this.paths.push(path === '' ? k : `${path}.${k}`)
    if (this.remove) delete obj[k]
  }

  prune(x: unknown, s: JSONSchemaProps | undefined, path: string): void {
    if (s?.['x-kubernetes-preserve-unknown-fields']) {
      this.skipPrune(x, s, path)
      return
    }
    // A schema that declares nothing at all (no type, no fields) is any JSON: the built-in types
    // Go decodes by hand (apiextensions JSON, JSONSchemaPropsOrBool ...). A structural schema
    // never has one outside preserve-unknown-fields and int-or-string.
    if (s !== undefined && isOpaque(s)) return
    if (isObject(x)) {
      if (s === undefined) {
        for (const k of Object.keys(x)) this.unknown(x, k, path, true)
        return
      }
      const ap = s.additionalProperties
      for (const k of Object.keys(x)) {
        if (s['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) {
          if (k === 'metadata') this.pruneMetadata(x[k], path, false)
          continue
        }
        const prop = own(s.properties, k)
        if (prop !== undefined) this.prune(x[k], prop, sub(path, k))
        else if (ap !== undefined && ap !== false) this.prune(x[k], additionalSchema(s) ?? ANY, sub(path, k))
        // Kubernetes drops, without reporting, an unknown apiVersion/kind/metadata at the top of
        // a walk that is not a resource root.
        else this.unknown(x, k, path, !META_FIELDS.has(k) || path !== '')
      }
    } else if (Array.isArray(x)) {
      const items = s === undefined || Array.isArray(s.items) ? undefined : (s.items as JSONSchemaProps | undefined)
      for (let i = 0; i < x.length; i++) this.prune(x[i], items, `${path}[${i}]`)
    }
  }

  /** Under preserve-unknown-fields: keep unknown fields, keep pruning inside the specified ones. */
  private skipPrune(x: unknown, s: JSONSchemaProps, path: string): void {
    if (isObject(x)) {
      const ap = additionalSchema(s)
      for (const k of Object.keys(x)) {
        if (s['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) {
          if (k === 'metadata') this.pruneMetadata(x[k], path, false)
          continue
        }
        const prop = own(s.properties, k)
        if (prop !== undefined) this.prune(x[k], prop, sub(path, k))
        else if (ap !== undefined) this.prune(x[k], ap, sub(path, k))
      }
    } else if (Array.isArray(x)) {
      const items = Array.isArray(s.items) ? undefined : (s.items as JSONSchemaProps | undefined)
      if (items === undefined) return
      for (let i = 0; i < x.length; i++) this.skipPrune(x[i], items, `${path}[${i}]`)
    }
  }

  /** ObjectMeta's own fields; `report` only at the resource root (see the header). */
  pruneMetadata(meta: unknown, parent: string, report: boolean): void {
    if (!isObject(meta)) return
    const inner = new Walker(this.remove)
    inner.prune(meta, OBJECT_META_SCHEMA, sub(parent, 'metadata'))
    if (report) this.metaPaths.push(...inner.paths.sort())
  }
}

function isOpaque(s: JSONSchemaProps): boolean {
  return (
    s.type === undefined &&
    s.properties === undefined &&
    s.additionalProperties === undefined &&
    s.items === undefined &&
    !s['x-kubernetes-int-or-string'] &&
    s.allOf === undefined &&
    s.anyOf === undefined &&
    s.oneOf === undefined
  )
}

/** additionalProperties: true — any value, nothing inside is pruned. */
const ANY: JSONSchemaProps = { 'x-kubernetes-preserve-unknown-fields': true }

function sub(path: string, k: string): string {
  return path === '' ? k : `${path}.${k}`
}

function run(value: unknown, schema: JSONSchemaProps, opts: PruneOptions, remove: boolean): string[] {
  const root = opts.isResourceRoot ?? true
  const s =
    root && !schema['x-kubernetes-embedded-resource'] ? { ...schema, 'x-kubernetes-embedded-resource': true } : schema
  const w = new Walker(remove)
  // The root metadata goes first and reports; the schema walk then meets it again, as an
  // embedded resource's metadata, and finds nothing left to say.
  if (root && isObject(value)) w.pruneMetadata(value.metadata, '', true)
  w.prune(value, s, '')
  return [...w.paths.sort(), ...w.metaPaths]
}

/** Removes, in place, every field `schema` does not specify; returns their paths ("spec.foo"). */
export function pruneUnknownFields(value: unknown, schema: JSONSchemaProps, opts: PruneOptions = {}): string[] {
  return run(value, schema, opts, true)
}

/**
 * The paths pruneUnknownFields would report, without changing `value`: what fieldValidation=Warn
 * and Strict report for built-in kinds, whose unknown fields Kubernetes finds while decoding into
 * Go structs (`unknown field "spec.foo"`).
 */
export function findUnknownFields(value: unknown, schema: JSONSchemaProps, opts: PruneOptions = {}): string[] {
  return run(value, schema, opts, false)
}

/** kube-apiserver's wording for an unknown field (warning text and Strict error entry). */
export function unknownFieldMessage(path: string): string {
  return `unknown field ${JSON.stringify(path)}`
}
