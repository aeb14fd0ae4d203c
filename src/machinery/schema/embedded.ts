// x-kubernetes-embedded-resource: a field that holds a whole Kubernetes object (a RawExtension,
// e.g. a template). apiextensions checks it in a pass of its own (objectmeta.Validate): apiVersion
// and kind are required strings, apiVersion must parse as group/version, kind must be a DNS-1035
// label up to case, and metadata must be a valid ObjectMeta (its name validated as a path
// segment, "fakename" standing in when it is empty; namespaced when it names a namespace).
// Paths follow field.Path: "spec.template.kind", map entries as keys ("spec.byName[a].kind").

import { type FieldError, fieldInvalid, fieldRequired } from '../errors.ts'
import { validateObjectMeta } from '../validation/metadata.ts'
import { isDNS1035Label } from '../validation/names.ts'
import { additionalSchema, child, index, isObject, type JSONSchemaProps, key, own } from './types.ts'

/** The Go type of a JSON value as encoding/json names it in an UnmarshalTypeError. */
function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'object'
  return typeof v === 'boolean' ? 'bool' : typeof v
}

// The typed fields of ObjectMeta that a JSON round trip would refuse with a type error.
const STRING_FIELDS = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion']
const STRING_MAP_FIELDS = ['labels', 'annotations']

/**
 * objectmeta.GetObjectMeta's round trip, reduced to the type errors worth reporting. The wording
 * is encoding/json's; kube-apiserver decodes with json-iterator, whose text differs
 * ("v1.ObjectMeta.Name: ReadString: expects \" or n, but found 3, ..."): same field, same verdict.
 */
function metadataTypeError(meta: unknown): string | undefined {
  if (meta === null) return undefined
  if (!isObject(meta)) return `json: cannot unmarshal ${jsonTypeName(meta)} into Go value of type v1.ObjectMeta`
  for (const f of STRING_FIELDS) {
    const v = meta[f]
    if (v !== undefined && v !== null && typeof v !== 'string') {
      return `json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ObjectMeta.${f} of type string`
    }
  }
  for (const f of STRING_MAP_FIELDS) {
    const v = meta[f]
    if (v === undefined || v === null) continue
    if (!isObject(v))
      return `json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ObjectMeta.${f} of type map[string]string`
    for (const k of Object.keys(v)) {
      const x = v[k]
      if (x !== null && typeof x !== 'string') {
        return `json: cannot unmarshal ${jsonTypeName(x)} into Go struct field ObjectMeta.${f} of type string`
      }
    }
  }
  return undefined
}

/** "group/version" or "version"; more than one slash is refused (schema.ParseGroupVersion). */
function parseGroupVersionError(gv: string): string | undefined {
  return gv.split('/').length > 2 ? `unexpected GroupVersion string: ${gv}` : undefined
}

function validateEmbeddedResource(path: string, x: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = []
  if (!Object.hasOwn(x, 'apiVersion')) errs.push(fieldRequired(child(path, 'apiVersion'), ''))
  if (!Object.hasOwn(x, 'kind')) errs.push(fieldRequired(child(path, 'kind'), ''))
  for (const k of Object.keys(x)) {
    const v = x[k]
    if (k === 'apiVersion') {
      const p = child(path, 'apiVersion')
      if (typeof v !== 'string') errs.push(fieldInvalid(p, v, 'must be a string'))
      else if (v === '') errs.push(fieldRequired(p, ''))
      else {
        const e = parseGroupVersionError(v)
        if (e) errs.push(fieldInvalid(p, v, e))
      }
    } else if (k === 'kind') {
      const p = child(path, 'kind')
      if (typeof v !== 'string') errs.push(fieldInvalid(p, v, 'must be a string'))
      else if (v === '') errs.push(fieldRequired(p, ''))
      else {
        const msgs = isDNS1035Label(v.toLowerCase())
        if (msgs.length > 0)
          errs.push(fieldInvalid(p, v, `may have mixed case, but should otherwise match: ${msgs.join(',')}`))
      }
    } else if (k === 'metadata') {
      const p = child(path, 'metadata')
      const typeError = metadataTypeError(v)
      if (typeError) {
        errs.push(fieldInvalid(p, v, typeError))
        continue
      }
      const meta = isObject(v) ? { ...v } : {}
      if (typeof meta.name !== 'string' || meta.name === '') meta.name = 'fakename'
      const ns = meta.namespace
      errs.push(
        ...validateObjectMeta(meta, {
          namespaced: typeof ns === 'string' && ns !== '',
          nameValidation: 'path-segment',
          path: p,
        }),
      )
    }
  }
  return errs
}

/** Errors of every embedded resource in `x` (the root itself only if its schema says it is one). */
export function validateEmbeddedResources(x: unknown, s: JSONSchemaProps | undefined, path = ''): FieldError[] {
  if (s === undefined) return []
  const errs: FieldError[] = []
  if (isObject(x)) {
    if (s['x-kubernetes-embedded-resource']) errs.push(...validateEmbeddedResource(path, x))
    const ap = additionalSchema(s)
    for (const k of Object.keys(x)) {
      const prop = own(s.properties, k)
      if (prop !== undefined) errs.push(...validateEmbeddedResources(x[k], prop, child(path, k)))
      else if (ap !== undefined) errs.push(...validateEmbeddedResources(x[k], ap, key(path, k)))
    }
  } else if (Array.isArray(x)) {
    const items = s.items
    if (items !== undefined && !Array.isArray(items)) {
      for (let i = 0; i < x.length; i++)
        errs.push(...validateEmbeddedResources(x[i], items as JSONSchemaProps, index(path, i)))
    }
  }
  return errs
}
