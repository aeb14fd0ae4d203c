// The schema engine: validation, pruning and defaulting against OpenAPI v3 structural schemas,
// with kube-apiserver's behaviour and messages (Kubernetes 1.31).
//
// A custom resource write goes through it the way kube-apiserver's CRD handler goes:
//
//   const unknown = pruneUnknownFields(obj, schema)   // while decoding; paths for Warn/Strict
//   applyDefaults(obj, schema)                         // drops non-nullable nulls, then defaults
//   const errs = validateValue(obj, schema)            // → invalid(kind, group, name, errs): 422
//
// For built-in kinds, findUnknownFields reports without pruning, and findDuplicateFields /
// findDuplicateYamlKeys find the duplicate fields of a request body; a CRD's own schema is
// checked with validateStructuralSchema when the CRD is created or updated.

export { applyDefaults, pruneNonNullableNulls } from './defaults.ts'
export {
  countObjectKeys,
  duplicateFieldMessage,
  findDuplicateFields,
  findDuplicateYamlKeys,
  hasDuplicateFields,
} from './duplicates.ts'
export { FIELD_VALUE_TOO_MANY } from './fielderrors.ts'
export { effectiveFormat, SUPPORTED_FORMATS } from './formats.ts'
export { validateListSetsAndMaps } from './lists.ts'
export {
  findUnknownFields,
  OBJECT_META_SCHEMA,
  type PruneOptions,
  pruneUnknownFields,
  unknownFieldMessage,
} from './prune.ts'
export { validateStructuralSchema } from './structural.ts'
export type { JSONSchemaProps } from './types.ts'
export { validateOpenAPIAt, validateValue } from './validate.ts'
