// Structural invariants and completeness of a CRD schema, as apiextensions'
// pkg/apiserver/schema/validation.go (ValidateStructural) and complete.go:
//  - every specified field and item has a type, unless x-kubernetes-int-or-string or
//    x-kubernetes-preserve-unknown-fields says it need not;
//  - allOf/anyOf/oneOf/not only validate values: no type, default, title, description,
//    nullable, externalDocs or x-kubernetes-* inside them (the two int-or-string spellings
//    excepted), and at the root they only name fields specified outside them;
//  - metadata at the root restricts at most name and generateName; nested junctors never name it;
//  - embedded resources are objects with properties (or preserve unknown fields);
//  - no additionalProperties at the root.
// Completeness is only checked for the root's junctors, exactly as Kubernetes does (a nested
// junctor naming an unspecified field is accepted; pruning removes the field before validation).

import { type FieldError, fieldForbidden, fieldInvalid, fieldRequired } from '../errors.ts'
import { patternError } from './regex.ts'
import { eachOf, prop } from './schemapath.ts'
import { additionalSchema, child, itemSchema, type JSONSchemaProps } from './types.ts'

type Level = 'root' | 'item' | 'field'

/** anyOf: [{type: integer}, {type: string}] and nothing else in either branch. */
function isIntOrStringAnyOf(anyOf: readonly JSONSchemaProps[] | undefined): boolean {
  if (anyOf?.length !== 2) return false
  const only = (s: JSONSchemaProps, t: string) => Object.keys(s).length === 1 && s.type === t
  return only(anyOf[0], 'integer') && only(anyOf[1], 'string')
}

function validatePattern(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (!s.pattern) return
  const err = patternError(s.pattern)
  if (err)
    errs.push(fieldInvalid(child(path, 'pattern'), s.pattern, `must be a valid regular expression, but isn't: ${err}`))
}

/** The junctors of a node: each branch is a "nested value validation". */
function validateValueValidation(
  s: JSONSchemaProps,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  lvl: Level,
  path: string,
  errs: FieldError[],
): void {
  if (!skipAnyOf) eachOf(s.anyOf, path, 'anyOf', (v, p) => validateNested(v, false, lvl, p, errs))
  eachOf(s.allOf, path, 'allOf', (v, p, i) => validateNested(v, skipFirstAllOfAnyOf && i === 0, lvl, p, errs))
  eachOf(s.oneOf, path, 'oneOf', (v, p) => validateNested(v, false, lvl, p, errs))
  if (s.not !== undefined) validateNested(s.not, false, lvl, child(path, 'not'), errs)
  validatePattern(s, path, errs)
}

/** A schema inside allOf/anyOf/oneOf/not may only validate values, not declare structure. */
function validateNested(v: JSONSchemaProps, skipAnyOf: boolean, lvl: Level, path: string, errs: FieldError[]): void {
  validateValueValidation(v, skipAnyOf, false, lvl, path, errs)
  const items = itemSchema(v)
  if (items !== undefined) validateNested(items, false, lvl, child(path, 'items'), errs)
  for (const [k, p] of Object.entries(v.properties ?? {})) validateNested(p, false, 'field', prop(path, k), errs)
  const forbid = (name: string, detail: string) => errs.push(fieldForbidden(child(path, name), detail))
  if (v.type) forbid('type', 'must be empty to be structural')
  if (v.additionalProperties !== undefined) forbid('additionalProperties', 'must be undefined to be structural')
  if (v.default != null) forbid('default', 'must be undefined to be structural')
  if (v.title) forbid('title', 'must be empty to be structural')
  if (v.description) forbid('description', 'must be empty to be structural')
  if (v.nullable) forbid('nullable', 'must be false to be structural')
  if (v.externalDocs !== undefined) forbid('externalDocs', 'must be undefined to be structural')
  if (v['x-kubernetes-preserve-unknown-fields'])
    forbid('x-kubernetes-preserve-unknown-fields', 'must be false to be structural')
  if (v['x-kubernetes-embedded-resource']) forbid('x-kubernetes-embedded-resource', 'must be false to be structural')
  if (v['x-kubernetes-int-or-string']) forbid('x-kubernetes-int-or-string', 'must be false to be structural')
  if ((v['x-kubernetes-list-map-keys']?.length ?? 0) > 0)
    forbid('x-kubernetes-list-map-keys', 'must be empty to be structural')
  if (v['x-kubernetes-list-type'] !== undefined) forbid('x-kubernetes-list-type', 'must be undefined to be structural')
  if (v['x-kubernetes-map-type'] !== undefined) forbid('x-kubernetes-map-type', 'must be undefined to be structural')
  if ((v['x-kubernetes-validations']?.length ?? 0) > 0)
    forbid('x-kubernetes-validations', 'must be empty to be structural')
  if (v.properties?.metadata !== undefined) {
    errs.push(fieldForbidden(prop(path, 'metadata'), 'must not be specified in a nested context'))
  }
}

/** Keys of a root `metadata` schema that make it more than a name/generateName restriction. */
function metadataRestrictsMore(m: JSONSchemaProps): boolean {
  for (const [k, v] of Object.entries(m)) {
    if (k === 'type' || k === 'default' || v === undefined || v === false || v === '') continue
    if (Array.isArray(v) && v.length === 0) continue
    if (k === 'properties') {
      const names = Object.keys(v as object)
      const onlyNames =
        names.length > 0 && names.length <= 2 && names.every((n) => n === 'name' || n === 'generateName')
      if (onlyNames) continue
    }
    return true
  }
  return false
}

function validateMetadataInvariants(
  m: JSONSchemaProps,
  checkMetadata: boolean,
  lvl: Level,
  path: string,
  errs: FieldError[],
): void {
  if (checkMetadata && m.type !== 'object') errs.push(fieldInvalid(child(path, 'type'), m.type ?? '', 'must be object'))
  if (lvl === 'root' && metadataRestrictsMore(m)) {
    errs.push(
      fieldForbidden(
        path,
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    )
  }
}

export function validateInvariants(s: JSONSchemaProps, lvl: Level, path: string, errs: FieldError[]): void {
  if (s.type === 'array' && s.items === undefined) errs.push(fieldRequired(child(path, 'items'), 'must be specified'))
  const items = itemSchema(s)
  if (items !== undefined) validateInvariants(items, 'item', child(path, 'items'), errs)
  for (const [k, p] of Object.entries(s.properties ?? {})) validateInvariants(p, 'field', prop(path, k), errs)
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') errs.push(fieldForbidden(child(path, 'additionalProperties'), 'must not be used at the root'))
    const ap = additionalSchema(s)
    if (ap !== undefined) validateInvariants(ap, 'field', child(path, 'additionalProperties'), errs)
  }

  const intOrString = s['x-kubernetes-int-or-string'] === true
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true
  const embedded = s['x-kubernetes-embedded-resource'] === true
  if (intOrString && preserve) {
    errs.push(
      fieldInvalid(
        child(path, 'x-kubernetes-preserve-unknown-fields'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    )
  }
  if (intOrString && embedded) {
    errs.push(
      fieldInvalid(
        child(path, 'x-kubernetes-embedded-resource'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    )
  }

  // The two int-or-string spellings are allowed to carry types inside anyOf.
  const skipAnyOf = isIntOrStringAnyOf(s.anyOf)
  const skipFirstAllOfAnyOf = (s.allOf?.length ?? 0) >= 1 && isIntOrStringAnyOf(s.allOf?.[0].anyOf)
  validateValueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, lvl, path, errs)

  const checkMetadata = lvl === 'root' || embedded
  if (embedded && s.type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true'
    errs.push(s.type ? fieldInvalid(child(path, 'type'), s.type, detail) : fieldRequired(child(path, 'type'), detail))
  } else if (!s.type && !intOrString && !preserve) {
    const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl]
    errs.push(fieldRequired(child(path, 'type'), `must not be empty ${where}`))
  }
  if (embedded && s.additionalProperties !== undefined) {
    errs.push(
      fieldForbidden(child(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'),
    )
  }
  if (lvl === 'root' && s.type && s.type !== 'object')
    errs.push(fieldInvalid(child(path, 'type'), s.type, 'must be object at the root'))

  const props = s.properties ?? {}
  for (const f of ['kind', 'apiVersion']) {
    const p = props[f]
    if (p !== undefined && Object.hasOwn(props, f) && checkMetadata && p.type !== 'string') {
      errs.push(fieldInvalid(child(prop(path, f), 'type'), p.type ?? '', 'must be string'))
    }
  }
  if (Object.hasOwn(props, 'metadata'))
    validateMetadataInvariants(props.metadata, checkMetadata, lvl, prop(path, 'metadata'), errs)
  if (embedded && !preserve && Object.keys(props).length === 0) {
    errs.push(
      fieldRequired(
        child(path, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    )
  }
}

// ---- completeness: junctors may only name fields that exist outside them ----------------------------

export function validateCompleteness(
  v: JSONSchemaProps,
  s: JSONSchemaProps | undefined,
  sPath: string,
  vPath: string,
  errs: FieldError[],
): void {
  const nested = (n: JSONSchemaProps, np: string) => validateNestedCompleteness(n, s, sPath, np, errs)
  if (v.not !== undefined) nested(v.not, child(vPath, 'not'))
  eachOf(v.allOf, vPath, 'allOf', nested)
  eachOf(v.anyOf, vPath, 'anyOf', nested)
  eachOf(v.oneOf, vPath, 'oneOf', nested)
}

function validateNestedCompleteness(
  v: JSONSchemaProps,
  s: JSONSchemaProps | undefined,
  sPath: string,
  vPath: string,
  errs: FieldError[],
): void {
  if (s === undefined) {
    errs.push(fieldRequired(sPath, `because it is defined in ${vPath}`))
    return
  }
  validateCompleteness(v, s, sPath, vPath, errs)
  const vItems = itemSchema(v)
  if (vItems !== undefined)
    validateNestedCompleteness(vItems, itemSchema(s), child(sPath, 'items'), child(vPath, 'items'), errs)
  for (const [k, p] of Object.entries(v.properties ?? {})) {
    const sp = s.properties !== undefined && Object.hasOwn(s.properties, k) ? s.properties[k] : undefined
    if (sp === undefined) errs.push(fieldRequired(prop(sPath, k), `because it is defined in ${prop(vPath, k)}`))
    else validateNestedCompleteness(p, sp, prop(sPath, k), prop(vPath, k), errs)
  }
}
