// The OpenAPI subset a CRD schema may use, as apiextensions' ValidateCustomResourceDefinitionOpenAPISchema
// (pkg/apis/apiextensions/validation): no $ref, definitions, dependencies, patternProperties,
// additionalItems or id; no type null (use nullable); no uniqueItems (quadratic); no
// additionalProperties next to properties; no defaults in the top-level metadata; and the rules
// of x-kubernetes-list-type / list-map-keys / map-type / preserve-unknown-fields, including the
// ones Kubernetes applies to new CRDs (set items atomic, list-map keys required or defaulted and
// never nullable). CEL rules are not checked.

import { type FieldError, fieldForbidden, fieldInvalid, fieldRequired } from '../errors.ts'
import { notSupported } from './fielderrors.ts'
import { eachOf, META_FIELDS, prop } from './schemapath.ts'
import { additionalSchema, child, itemSchema, type JSONSchemaProps, key } from './types.ts'

const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string']

export interface Context {
  isRoot: boolean
  insideResourceMeta: boolean
  /** Why defaults are forbidden here, if they are. */
  noDefaults?: string
}

export function validateOpenAPISchema(s: JSONSchemaProps, path: string, ctx: Context, errs: FieldError[]): void {
  const forbid = (name: string, detail: string) => errs.push(fieldForbidden(child(path, name), detail))

  // specStandardValidatorV3
  if (s.type && !OPENAPI_V3_TYPES.includes(s.type))
    errs.push(notSupported(child(path, 'type'), s.type, OPENAPI_V3_TYPES))
  if (s.default != null && ctx.noDefaults !== undefined) forbid('default', `must not be set ${ctx.noDefaults}`)
  if (s.id) forbid('id', 'id is not supported')
  if (s.additionalItems !== undefined) forbid('additionalItems', 'additionalItems is not supported')
  if (Object.keys(s.patternProperties ?? {}).length > 0)
    forbid('patternProperties', 'patternProperties is not supported')
  if (Object.keys(s.definitions ?? {}).length > 0) forbid('definitions', 'definitions is not supported')
  if (s.dependencies !== undefined) forbid('dependencies', 'dependencies is not supported')
  if (s.$ref !== undefined) forbid('$ref', '$ref is not supported')
  if (s.type === 'null') forbid('type', 'type cannot be set to null, use nullable as an alternative')
  if (Array.isArray(s.items) && s.items.length > 0) forbid('items', 'items must be a schema object and not an array')
  if (ctx.insideResourceMeta && s['x-kubernetes-embedded-resource']) {
    forbid('x-kubernetes-embedded-resource', 'must not be used inside of resource meta')
  }

  if (s.uniqueItems)
    forbid('uniqueItems', 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic')

  const sub = (n: JSONSchemaProps, p: string, c: Partial<Context> = {}) =>
    validateOpenAPISchema(n, p, { ...ctx, isRoot: false, ...c }, errs)

  // properties are for structs, additionalProperties for maps: both would contradict the API
  // convention of ignoring unknown fields.
  if (s.additionalProperties !== undefined) {
    if (
      Object.keys(s.properties ?? {}).length > 0 &&
      (s.additionalProperties === false || typeof s.additionalProperties === 'object')
    ) {
      forbid('additionalProperties', 'additionalProperties and properties are mutual exclusive')
    }
    const ap = additionalSchema(s)
    if (ap !== undefined) {
      sub(
        ap,
        child(path, 'additionalProperties'),
        ctx.insideResourceMeta ? { noDefaults: 'inside additionalProperties applying to object metadata' } : {},
      )
    }
  }
  const embedded = s['x-kubernetes-embedded-resource'] === true
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    const c: Partial<Context> = {}
    if ((ctx.isRoot || embedded) && META_FIELDS.has(k)) {
      c.insideResourceMeta = true
      if (ctx.isRoot) c.noDefaults = `in top-level ${k}`
    }
    sub(p, prop(path, k), c)
  }
  if (s.not !== undefined) sub(s.not, child(path, 'not'))
  eachOf(s.allOf, path, 'allOf', (n, p) => sub(n, p))
  eachOf(s.oneOf, path, 'oneOf', (n, p) => sub(n, p))
  eachOf(s.anyOf, path, 'anyOf', (n, p) => sub(n, p))
  for (const [k, d] of Object.entries(s.definitions ?? {})) sub(d, key(child(path, 'definitions'), k))
  if (Array.isArray(s.items)) eachOf(s.items as readonly JSONSchemaProps[], path, 'items', (n, p) => sub(n, p))
  else if (s.items !== undefined) sub(s.items as JSONSchemaProps, child(path, 'items'))

  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(fieldInvalid(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'))
  }

  const mapType = s['x-kubernetes-map-type']
  if (mapType !== undefined && s.type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified'
    errs.push(s.type ? fieldInvalid(child(path, 'type'), s.type, detail) : fieldRequired(child(path, 'type'), detail))
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    errs.push(notSupported(child(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']))
  }

  const listType = s['x-kubernetes-list-type']
  const items = itemSchema(s)
  if (listType !== undefined && s.type !== 'array') {
    const detail = 'must be array if x-kubernetes-list-type is specified'
    errs.push(s.type ? fieldInvalid(child(path, 'type'), s.type, detail) : fieldRequired(child(path, 'type'), detail))
  } else if (listType === 'set' && items !== undefined) {
    const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set'
    if (
      items.type === 'array' &&
      items['x-kubernetes-list-type'] !== undefined &&
      items['x-kubernetes-list-type'] !== 'atomic'
    ) {
      errs.push(
        fieldInvalid(child(child(path, 'items'), 'x-kubernetes-list-type'), items['x-kubernetes-list-type'], detail),
      )
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(
        fieldInvalid(
          child(child(path, 'items'), 'x-kubernetes-map-type'),
          items['x-kubernetes-list-type'] ?? null,
          detail,
        ),
      )
    }
  }
  if (listType !== undefined && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    errs.push(notSupported(child(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']))
  }

  const mapKeys = s['x-kubernetes-list-map-keys'] ?? []
  if (mapKeys.length > 0) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty'
    if (listType === undefined) errs.push(fieldRequired(child(path, 'x-kubernetes-list-type'), detail))
    else if (listType !== 'map') errs.push(fieldInvalid(child(path, 'x-kubernetes-list-type'), listType, detail))
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) {
      errs.push(
        fieldRequired(child(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'),
      )
    }
    if (s.items === undefined)
      errs.push(fieldRequired(child(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'))
    else if (items === undefined) {
      errs.push(
        fieldInvalid(child(path, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'),
      )
    }
    if (items !== undefined && items.type !== 'object') {
      errs.push(
        fieldInvalid(
          child(child(path, 'items'), 'type'),
          items.type ?? '',
          "must be object if parent array's x-kubernetes-list-type is map",
        ),
      )
    }
    if (items !== undefined && items.type === 'object') {
      const seen = new Set<string>()
      for (const k of mapKeys) {
        const kp =
          items.properties !== undefined && Object.hasOwn(items.properties, k) ? items.properties[k] : undefined
        if (kp === undefined) {
          errs.push(
            fieldInvalid(
              child(path, 'x-kubernetes-list-map-keys'),
              mapKeys,
              'entries must all be names of item properties',
            ),
          )
        } else if (kp.type === 'array' || kp.type === 'object') {
          errs.push(
            fieldInvalid(
              child(prop(child(path, 'items'), k), 'type'),
              items.type,
              "must be a scalar type if parent array's x-kubernetes-list-type is map",
            ),
          )
        }
        if (seen.has(k))
          errs.push(
            fieldInvalid(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'must not contain duplicate entries'),
          )
        seen.add(k)
      }
    }
  }

  // validateMapListKeysMapSet: set/map items are never null; map keys are required or defaulted.
  if (items !== undefined && (listType === 'set' || listType === 'map')) {
    if (items.nullable) {
      errs.push(
        fieldForbidden(
          child(child(path, 'items'), 'nullable'),
          `cannot be nullable when x-kubernetes-list-type is ${listType}`,
        ),
      )
    }
    if (listType === 'map') {
      const required = new Set(items.required ?? [])
      for (const k of mapKeys) {
        const kp =
          items.properties !== undefined && Object.hasOwn(items.properties, k) ? items.properties[k] : undefined
        if (kp === undefined) continue
        const at = prop(child(path, 'items'), k)
        if (!required.has(k) && kp.default == null) {
          errs.push(
            fieldRequired(
              child(at, 'default'),
              'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
            ),
          )
        }
        if (kp.nullable)
          errs.push(
            fieldForbidden(
              child(at, 'nullable'),
              'this property is in x-kubernetes-list-map-keys, so it cannot be nullable',
            ),
          )
      }
    }
  }
}
