// apiextensions.k8s.io/v1 (k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1):
// CustomResourceDefinition, including the recursive JSONSchemaProps.

import { kind, Time } from './meta.ts'
import {
  bool,
  double,
  embed,
  int32,
  int64,
  listOf,
  mapOf,
  mergeList,
  oneOfStr,
  ref,
  type Schema,
  type StructOptions,
  scalarType,
  str,
  strList,
  struct,
} from './types.ts'

const PKG = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1'
const ext = (name: string, description: string, props: Record<string, Schema>, opts?: StructOptions) =>
  struct(`${PKG}.${name}`, description, props, opts)

// Values that are arbitrary JSON, or one of several shapes: no type is published for them.
const JSON_: Schema = scalarType(`${PKG}.JSON`, { description: 'Any JSON value.' })
const JSONSchemaPropsOrArray: Schema = scalarType(`${PKG}.JSONSchemaPropsOrArray`, {
  description: 'A schema, or an array of schemas (one per position).',
})
const JSONSchemaPropsOrBool: Schema = scalarType(`${PKG}.JSONSchemaPropsOrBool`, {
  description: 'A schema, or a boolean: true allows anything, false nothing.',
})
const JSONSchemaPropsOrStringArray: Schema = scalarType(`${PKG}.JSONSchemaPropsOrStringArray`, {
  description: 'A schema, or an array of property names.',
})

const ExternalDocumentation: Schema = ext('ExternalDocumentation', 'A link to external documentation.', {
  description: str('Short description of the documentation.'),
  url: str('URL of the documentation.'),
})

const ValidationRule: Schema = ext(
  'ValidationRule',
  'A CEL expression that values of the schema must satisfy.',
  {
    fieldPath: str('Path of the field reported in the error, relative to the schema, such as .spec.replicas.'),
    message: str('Error message returned when the rule fails.'),
    messageExpression: str('CEL expression producing the error message; takes precedence over message.'),
    optionalOldSelf: bool('Also evaluates the rule on create, with oldSelf as an optional value.'),
    reason: oneOfStr(
      ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'],
      'Machine-readable reason returned when the rule fails; defaults to FieldValueInvalid.',
    ),
    rule: str('The CEL expression; self is the value, oldSelf the previous value on updates.'),
  },
  { required: ['rule'] },
)

/** JSONSchemaProps refers to itself: declared first, its properties filled in below. */
export const JSONSchemaProps: Schema = ext(
  'JSONSchemaProps',
  'A JSON Schema (draft 4 subset) with Kubernetes extensions.',
  {},
)

const schemaList = (description: string) => listOf(JSONSchemaProps, description)
const schemaMap = (description: string) => mapOf(JSONSchemaProps, description)

const jsonSchemaFields: Record<string, Schema> = {
  $ref: str('Reference to another schema; not allowed in CustomResourceDefinitions.'),
  $schema: str('URI of the JSON Schema dialect.'),
  additionalItems: ref(JSONSchemaPropsOrBool, 'Schema of array items beyond those given by an items array.'),
  additionalProperties: ref(
    JSONSchemaPropsOrBool,
    'Schema of properties not listed in properties, or whether they are allowed.',
  ),
  allOf: schemaList('Schemas that must all match.'),
  anyOf: schemaList('Schemas of which at least one must match.'),
  default: ref(JSON_, 'Value used when the field is absent; pruned and validated against the schema.'),
  definitions: schemaMap('Named schemas for reuse.'),
  dependencies: mapOf(JSONSchemaPropsOrStringArray, 'Schemas or property lists required when a property is present.'),
  description: str('Human-readable description of the value.'),
  enum: listOf(JSON_, 'Allowed values.'),
  example: ref(JSON_, 'An example value.'),
  exclusiveMaximum: bool('Whether maximum itself is excluded.'),
  exclusiveMinimum: bool('Whether minimum itself is excluded.'),
  externalDocs: ref(ExternalDocumentation, 'Link to external documentation.'),
  format: str('Format of a string value, such as date-time, int32, byte or uuid.'),
  id: str('Identifier of the schema.'),
  items: ref(JSONSchemaPropsOrArray, 'Schema of the array items.'),
  maxItems: int64('Maximum number of array items.'),
  maxLength: int64('Maximum string length.'),
  maxProperties: int64('Maximum number of object properties.'),
  maximum: double('Maximum numeric value.'),
  minItems: int64('Minimum number of array items.'),
  minLength: int64('Minimum string length.'),
  minProperties: int64('Minimum number of object properties.'),
  minimum: double('Minimum numeric value.'),
  multipleOf: double('Numbers must be a multiple of this value.'),
  not: ref(JSONSchemaProps, 'A schema that must not match.'),
  nullable: bool('Whether null is accepted (and kept) as a value.'),
  oneOf: schemaList('Schemas of which exactly one must match.'),
  pattern: str('Regular expression string values must match.'),
  patternProperties: schemaMap('Schemas of properties whose names match a regular expression.'),
  properties: schemaMap('Schemas of the named properties of an object.'),
  required: strList('Properties that must be present.'),
  title: str('Short title of the schema.'),
  type: str('Type of the value: object, array, string, integer, number or boolean.'),
  uniqueItems: bool('Whether array items must be distinct.'),
  'x-kubernetes-embedded-resource': bool(
    'Marks an object as a complete embedded Kubernetes object with apiVersion, kind and metadata.',
  ),
  'x-kubernetes-int-or-string': bool('Accepts either an integer or a string.'),
  'x-kubernetes-list-map-keys': strList('Key fields of a list of type map.'),
  'x-kubernetes-list-type': str('How a list merges: atomic (default), set (unique scalars) or map (keyed objects).'),
  'x-kubernetes-map-type': str('How an object merges: granular (default) or atomic.'),
  'x-kubernetes-preserve-unknown-fields': bool('Keeps fields not described by the schema instead of pruning them.'),
  'x-kubernetes-validations': mergeList(ValidationRule, 'rule', 'CEL validation rules of the value.'),
}
{
  const props = JSONSchemaProps.properties as Record<string, Schema>
  for (const key of Object.keys(jsonSchemaFields).sort()) props[key] = jsonSchemaFields[key]
}

const CustomResourceValidation: Schema = ext(
  'CustomResourceValidation',
  'Validation rules of a custom resource version.',
  {
    openAPIV3Schema: ref(JSONSchemaProps, 'OpenAPI v3 schema used for validation, pruning and defaulting.'),
  },
)

const CustomResourceSubresourceStatus: Schema = scalarType(`${PKG}.CustomResourceSubresourceStatus`, {
  type: 'object',
  description:
    'Enables the status subresource: writes to the main resource then ignore .status; this object has no fields.',
})

const CustomResourceSubresourceScale: Schema = ext(
  'CustomResourceSubresourceScale',
  'Enables the scale subresource and says where replicas live.',
  {
    labelSelectorPath: str('JSON path of the string label selector in the object, reported in Scale status.selector.'),
    specReplicasPath: str('JSON path of the desired replica count, such as .spec.replicas.'),
    statusReplicasPath: str('JSON path of the observed replica count, such as .status.replicas.'),
  },
  { required: ['specReplicasPath', 'statusReplicasPath'] },
)

const CustomResourceSubresources: Schema = ext(
  'CustomResourceSubresources',
  'Subresources a custom resource version serves.',
  {
    scale: ref(CustomResourceSubresourceScale, 'Enables the scale subresource.'),
    status: ref(CustomResourceSubresourceStatus, 'Enables the status subresource.'),
  },
)

const CustomResourceColumnDefinition: Schema = ext(
  'CustomResourceColumnDefinition',
  'An extra column shown by kubectl get.',
  {
    description: str('Human-readable description of the column.'),
    format: str('OpenAPI format of the column, such as date-time or int32.'),
    jsonPath: str('Simple JSON path evaluated against each object to fill the column.'),
    name: str('Human-readable name of the column.'),
    priority: int32('0 shows the column by default; higher values only in wide output.'),
    type: str('OpenAPI type of the column: string, integer, number, boolean or date.'),
  },
  { required: ['name', 'type', 'jsonPath'] },
)

const SelectableField: Schema = ext(
  'SelectableField',
  'A field that can be used in field selectors.',
  { jsonPath: str('Simple JSON path of the field, such as .spec.color; must be a string, integer or boolean.') },
  { required: ['jsonPath'] },
)

const CustomResourceDefinitionVersion: Schema = ext(
  'CustomResourceDefinitionVersion',
  'One version of a custom resource.',
  {
    additionalPrinterColumns: listOf(
      CustomResourceColumnDefinition,
      'Extra columns shown by kubectl get; age by default.',
    ),
    deprecated: bool('Whether the version is deprecated; requests then get a warning.'),
    deprecationWarning: str('Warning returned to clients instead of the default deprecation message.'),
    name: str('Name of the version, such as v1 or v2beta1.'),
    schema: ref(CustomResourceValidation, 'Schema of objects in this version.'),
    selectableFields: listOf(SelectableField, 'Fields usable in field selectors, besides metadata.name and namespace.'),
    served: bool('Whether this version is served over the REST API.'),
    storage: bool('Whether objects are stored in this version; exactly one version must set it.'),
    subresources: ref(CustomResourceSubresources, 'Subresources this version serves.'),
  },
  { required: ['name', 'served', 'storage'] },
)

const CustomResourceDefinitionNames: Schema = ext(
  'CustomResourceDefinitionNames',
  'The names under which a custom resource is served.',
  {
    categories: strList('Categories the resource belongs to, such as all.'),
    kind: str('CamelCase kind of the objects.'),
    listKind: str('Kind of list objects; defaults to <kind>List.'),
    plural: str('Lowercase plural name used in URLs, such as crontabs.'),
    shortNames: strList('Short aliases accepted by kubectl.'),
    singular: str('Lowercase singular name; defaults to the lowercased kind.'),
  },
  { required: ['plural', 'kind'] },
)

const ServiceReference: Schema = ext(
  'ServiceReference',
  'A service that hosts a webhook.',
  {
    name: str('Name of the service.'),
    namespace: str('Namespace of the service.'),
    path: str('URL path sent to the service.'),
    port: int32('Port of the service; defaults to 443.'),
  },
  { required: ['namespace', 'name'] },
)

const WebhookClientConfig: Schema = ext('WebhookClientConfig', 'How to reach a webhook over TLS.', {
  caBundle: str('PEM CA bundle used to verify the webhook certificate; the system roots when empty.', {
    format: 'byte',
  }),
  service: ref(ServiceReference, 'Service hosting the webhook; exclusive with url.'),
  url: str('URL of the webhook, as https://host:port/path; exclusive with service.'),
})

const CustomResourceConversion: Schema = ext(
  'CustomResourceConversion',
  'How objects are converted between versions.',
  {
    strategy: oneOfStr(['None', 'Webhook'], 'None (only apiVersion changes) or Webhook (a webhook converts).'),
    webhook: ref(
      ext(
        'WebhookConversion',
        'A conversion webhook.',
        {
          clientConfig: ref(WebhookClientConfig, 'How to call the webhook.'),
          conversionReviewVersions: strList('ConversionReview versions the webhook accepts, in order of preference.'),
        },
        { required: ['conversionReviewVersions'] },
      ),
      'Webhook settings; required with strategy Webhook.',
    ),
  },
  { required: ['strategy'] },
)

const CustomResourceDefinitionCondition: Schema = ext(
  'CustomResourceDefinitionCondition',
  'One aspect of the state of a CustomResourceDefinition, such as Established.',
  {
    lastTransitionTime: ref(Time, 'When the condition last changed status.'),
    message: str('Human-readable details about the last transition.'),
    observedGeneration: int64('The metadata.generation the condition was computed from.'),
    reason: str('CamelCase reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition, such as Established or NamesAccepted.'),
  },
  { required: ['type', 'status'] },
)

export const CustomResourceDefinition: Schema = kind(
  `${PKG}.CustomResourceDefinition`,
  { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' },
  'Defines a custom resource type served by the API server; its name must be <plural>.<group>.',
  {
    spec: embed(
      ext(
        'CustomResourceDefinitionSpec',
        'The custom resource type to serve.',
        {
          conversion: ref(CustomResourceConversion, 'How objects are converted between versions.'),
          group: str('API group of the resource, such as stable.example.com.'),
          names: embed(CustomResourceDefinitionNames, 'Names of the resource and its kind.'),
          preserveUnknownFields: bool('Deprecated: keeps unknown fields; must be false in apiextensions.k8s.io/v1.'),
          scope: oneOfStr(['Cluster', 'Namespaced'], 'Whether objects are Namespaced or Cluster-scoped.'),
          versions: listOf(CustomResourceDefinitionVersion, 'Versions of the resource, sorted by priority.'),
        },
        { required: ['group', 'names', 'scope', 'versions'] },
      ),
      'Description of the custom resource type.',
    ),
    status: embed(
      ext('CustomResourceDefinitionStatus', 'The observed state of a CustomResourceDefinition.', {
        acceptedNames: embed(CustomResourceDefinitionNames, 'Names actually being served.'),
        conditions: listOf(CustomResourceDefinitionCondition, 'Current conditions.', { type: 'map', keys: ['type'] }),
        observedGeneration: int64('Generation most recently observed by the controller.'),
        storedVersions: strList('Versions objects have ever been stored in.'),
      }),
      'Observed state of the definition.',
    ),
  },
  { required: ['spec'] },
)
