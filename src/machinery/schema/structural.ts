// validateStructuralSchema: is a CRD's openAPIV3Schema acceptable to apiextensions.k8s.io/v1?
// Three of kube-apiserver's checks, in its order:
//
//  1. Structural invariants and completeness (pkg/apiserver/schema/validation.go, complete.go):
//     every specified field and item has a type (unless x-kubernetes-int-or-string or
//     x-kubernetes-preserve-unknown-fields), value validations inside allOf/anyOf/oneOf/not
//     carry no type/default/description/nullable/extensions and name only fields specified
//     outside them, metadata at the root restricts at most name and generateName, embedded
//     resources are objects, no additionalProperties at the root. Sorted by message, as
//     Kubernetes sorts them.
//  2. Only when 1 passes: defaults (defaulting/validation.go) must be pruned ("must not have
//     unknown fields") and valid against their own schema.
//  3. The OpenAPI subset (apis/apiextensions/validation ValidateCustomResourceDefinitionOpenAPISchema):
//     no $ref/definitions/dependencies/patternProperties/additionalItems/id, no type null, no
//     uniqueItems, no additionalProperties next to properties, and the list-type / map-type /
//     list-map-keys rules.
//
// Paths start at the caller's `path` (e.g. "spec.versions[0].schema.openAPIV3Schema") and use
// field.Path's form: properties[spec].type, items, anyOf[0]. CEL rules (x-kubernetes-validations)
// are not compiled or checked.

import { type FieldError, fieldForbidden, fieldInvalid } from '../errors.ts'
import { validateEmbeddedResources } from './embedded.ts'
import { goQuote } from './gofmt.ts'
import { validateCompleteness, validateInvariants } from './invariants.ts'
import { pruneUnknownFields } from './prune.ts'
import { META_FIELDS, prop } from './schemapath.ts'
import { validateOpenAPISchema } from './subset.ts'
import { child, deepCopy, deepEqual, itemSchema, type JSONSchemaProps } from './types.ts'
import { validateOpenAPIAt } from './validate.ts'

// ---- check 2: defaults ----------------------------------------------------------------------------

function validateDefaults(s: JSONSchemaProps, path: string, insideMeta: boolean, errs: FieldError[]): void {
  const embedded = s['x-kubernetes-embedded-resource'] === true
  if (embedded) insideMeta = false
  // Defaults inside TypeMeta/ObjectMeta would need a surrounding object to check; the ones at the
  // resource root are forbidden outright (check 3), embedded ones are left to kube-apiserver.
  if (s.default != null && !insideMeta) {
    const at = child(path, 'default')
    const pruned = deepCopy(s.default)
    pruneUnknownFields(pruned, s, { isResourceRoot: embedded })
    if (!deepEqual(pruned, s.default)) errs.push(fieldInvalid(at, s.default, 'must not have unknown fields'))
    const embeddedErrs = embedded ? validateEmbeddedResources(s.default, s, at) : []
    errs.push(...(embeddedErrs.length > 0 ? embeddedErrs : validateOpenAPIAt(s.default, s, at)))
  }
  const items = itemSchema(s)
  if (items !== undefined) validateDefaults(items, child(path, 'items'), insideMeta, errs)
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    validateDefaults(p, prop(path, k), insideMeta || (embedded && META_FIELDS.has(k)), errs)
  }
}

// ---- ordering --------------------------------------------------------------------------------------

/** field.Error.Error(), close enough to order errors as Kubernetes sorts them. */
function errorString(e: FieldError): string {
  const value = (v: unknown) =>
    typeof v === 'string' ? goQuote(v) : v === undefined || v === null ? '"null"' : JSON.stringify(v)
  const withDetail = (s: string) => (e.detail ? `${s}: ${e.detail}` : s)
  switch (e.type) {
    case 'FieldValueRequired':
      return `${e.field}: ${withDetail('Required value')}`
    case 'FieldValueForbidden':
      return `${e.field}: ${withDetail('Forbidden')}`
    case 'FieldValueNotSupported':
      return `${e.field}: ${withDetail(`Unsupported value: ${value(e.value)}`)}`
    default:
      return `${e.field}: ${withDetail(`Invalid value: ${value(e.value)}`)}`
  }
}

/**
 * Errors that make `schema` unacceptable as a CRD version's openAPIV3Schema, at `path` (the
 * caller's prefix, e.g. "spec.versions[0].schema.openAPIV3Schema"). Empty when it is structural.
 */
export function validateStructuralSchema(schema: JSONSchemaProps, path = ''): FieldError[] {
  const errs: FieldError[] = []
  if (schema.nullable) errs.push(fieldForbidden(child(path, 'nullable'), 'nullable cannot be true at the root'))

  const structural: FieldError[] = []
  validateInvariants(schema, 'root', path, structural)
  validateCompleteness(schema, schema, path, path, structural)
  structural.sort((a, b) => {
    const x = errorString(a)
    const y = errorString(b)
    return x < y ? -1 : x > y ? 1 : 0
  })
  errs.push(...structural)
  if (structural.length === 0) {
    // The resource root is an embedded resource for defaulting purposes.
    validateDefaults({ ...schema, 'x-kubernetes-embedded-resource': true }, path, false, errs)
  }

  validateOpenAPISchema(schema, path, { isRoot: true, insideResourceMeta: false }, errs)
  return errs
}
