// Name and ObjectMeta validation with Kubernetes' messages.

export {
  FIELD_IMMUTABLE,
  type ObjectMetaUpdateOptions,
  type ObjectMetaValidationOptions,
  TOTAL_ANNOTATION_SIZE_LIMIT_B,
  validateAnnotations,
  validateFinalizers,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './metadata.ts'
export {
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  generateName,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPathSegmentPrefix,
  LABEL_VALUE_MAX_LENGTH,
  MAX_GENERATED_NAME_LENGTH,
  maxLenError,
  QUALIFIED_NAME_MAX_LENGTH,
  RANDOM_NAME_LENGTH,
  randomNameSuffix,
  regexError,
  validateName,
} from './names.ts'
