// validateValue: what kube-apiserver's custom resource strategy checks against a structural
// schema, in its order: the OpenAPI validation (kube-openapi), embedded resources
// (x-kubernetes-embedded-resource), then list-type set/map uniqueness. CEL rules
// (x-kubernetes-validations) are not evaluated.
//
// It does not prune, null-prune or default: Kubernetes does those while decoding, before it
// validates. Run pruneUnknownFields and applyDefaults first to get the same verdicts (a null for a
// non-nullable field is removed there; validated as is, it reports `must be of type ...: "null"`).

import type { FieldError } from '../errors.ts'
import { validateEmbeddedResources } from './embedded.ts'
import { toFieldErrors } from './fielderrors.ts'
import { validateListSetsAndMaps } from './lists.ts'
import { type OpenAPIError, walk } from './openapi.ts'
import type { JSONSchemaProps } from './types.ts'

/**
 * Validates `value` against `schema`. `path` names where `value` sits ("" for a whole custom
 * resource, "spec" for its spec); it is the prefix of both the field paths and of the
 * "<path> in body ..." messages. Errors of anyOf/oneOf/allOf/not carry no field in Kubernetes
 * and are reported at "<nil>", as kube-apiserver does for custom resources.
 */
export function validateValue(value: unknown, schema: JSONSchemaProps, path = ''): FieldError[] {
  const errs: OpenAPIError[] = []
  walk(value, schema, path, errs)
  return [
    ...toFieldErrors(errs, null),
    ...validateEmbeddedResources(value, schema, path),
    ...validateListSetsAndMaps(value, schema, path),
  ]
}

/**
 * The OpenAPI validation of `value` with kube-openapi's root at `value` and field paths under
 * `fieldPath`, as apiextensions validates a default value ("…properties[x].default: Invalid value:
 * 0:  in body should be greater than or equal to 1" — the name in the message is empty).
 */
export function validateOpenAPIAt(value: unknown, schema: JSONSchemaProps, fieldPath: string): FieldError[] {
  const errs: OpenAPIError[] = []
  walk(value, schema, '', errs)
  return toFieldErrors(errs, fieldPath)
}
