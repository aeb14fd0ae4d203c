// OpenAPI v2 (JSON and gnostic protobuf) and v3 documents built from KindDefs.

export { ProtoWriter } from './protobuf.ts'
export {
  builtinSchema,
  definitionName,
  definitionPackage,
  emitDefinition,
  emitSchema,
  isKubectlBuiltin,
  kindSchema,
  listDefinitionName,
  listSchema,
  metaSchemas,
  type Schema,
  toV2Schema,
} from './schemas.ts'
export { type OpenAPIResponse, OpenAPIService, openAPIV2Format } from './service.ts'
export { buildSwaggerV2, encodeSwaggerV2, MINIMAL_OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './v2.ts'
export {
  buildOpenAPIV3,
  buildOpenAPIV3Root,
  groupVersionPath,
  type OpenAPIOptions,
  openAPIHash,
  PATCH_CONTENT_TYPES,
  patchContentTypes,
  STRATEGIC_MERGE_PATCH,
} from './v3.ts'
