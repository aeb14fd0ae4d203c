// Schemas shared by the OpenAPI v2 and v3 documents: Kubernetes-style definition names, the
// meta/v1 schemas every kind refers to (ObjectMeta, ListMeta, ...), per-kind schemas built from
// KindDef.schema (or a permissive object schema), and the v3 → v2 schema conversion.

import type { KindDef } from '../../machinery/kinds.ts'

export type Schema = Record<string, unknown>

export const GVK_EXTENSION = 'x-kubernetes-group-version-kind'

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1'
export const OBJECT_META = `${META}.ObjectMeta`
export const LIST_META = `${META}.ListMeta`
export const OWNER_REFERENCE = `${META}.OwnerReference`
export const MANAGED_FIELDS_ENTRY = `${META}.ManagedFieldsEntry`
export const TIME = `${META}.Time`
export const PATCH = `${META}.Patch`
export const DELETE_OPTIONS = `${META}.DeleteOptions`
export const PRECONDITIONS = `${META}.Preconditions`
export const STATUS = `${META}.Status`
export const STATUS_DETAILS = `${META}.StatusDetails`
export const STATUS_CAUSE = `${META}.StatusCause`
export const SCALE = 'io.k8s.api.autoscaling.v1.Scale'
export const SCALE_SPEC = 'io.k8s.api.autoscaling.v1.ScaleSpec'
export const SCALE_STATUS = 'io.k8s.api.autoscaling.v1.ScaleStatus'

/** Groups compiled into kubectl (k8s.io/api), named io.k8s.api.<short>.<version>.<Kind>. */
const K8S_API_GROUPS: Record<string, string> = {
  'admissionregistration.k8s.io': 'admissionregistration',
  'authentication.k8s.io': 'authentication',
  'authorization.k8s.io': 'authorization',
  'certificates.k8s.io': 'certificates',
  'coordination.k8s.io': 'coordination',
  'discovery.k8s.io': 'discovery',
  'events.k8s.io': 'events',
  'flowcontrol.apiserver.k8s.io': 'flowcontrol',
  'internal.apiserver.k8s.io': 'apiserverinternal',
  'networking.k8s.io': 'networking',
  'node.k8s.io': 'node',
  'rbac.authorization.k8s.io': 'rbac',
  'resource.k8s.io': 'resource',
  'scheduling.k8s.io': 'scheduling',
  'storage.k8s.io': 'storage',
  'storagemigration.k8s.io': 'storagemigration',
}

const SPECIAL_PACKAGES: Record<string, string> = {
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
}

type KindRef = Pick<KindDef, 'group' | 'version' | 'kind'> & { custom?: boolean }

/** True for kinds kubectl has compiled in (it then computes strategic merge patches itself). */
export function isKubectlBuiltin(def: Pick<KindDef, 'group'> & { custom?: boolean }): boolean {
  if (def.custom) return false
  const g = def.group
  return g === '' || !g.includes('.') || Object.hasOwn(K8S_API_GROUPS, g)
}

/** The package part of a definition name: "io.k8s.api.apps.v1", "com.example.stable.v1". */
export function definitionPackage(def: Pick<KindDef, 'group' | 'version'> & { custom?: boolean }): string {
  const g = def.group
  if (!def.custom) {
    if (g === '') return `io.k8s.api.core.${def.version}`
    if (Object.hasOwn(SPECIAL_PACKAGES, g)) return `${SPECIAL_PACKAGES[g]}.${def.version}`
    if (Object.hasOwn(K8S_API_GROUPS, g)) return `io.k8s.api.${K8S_API_GROUPS[g]}.${def.version}`
    if (!g.includes('.')) return `io.k8s.api.${g}.${def.version}`
  }
  return `${g.split('.').reverse().join('.')}.${def.version}`
}

/** Kubernetes' schema name for a kind: "io.k8s.api.core.v1.Pod", "com.example.stable.v1.CronTab". */
export function definitionName(def: KindRef): string {
  return `${definitionPackage(def)}.${def.kind}`
}

export function listDefinitionName(def: KindRef & Pick<KindDef, 'listKind'>): string {
  return `${definitionPackage(def)}.${def.listKind}`
}

export const v3Ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` })

/** A reference with siblings, as Kubernetes writes it in v3 (`allOf: [{$ref}]`). */
function refWith(name: string, extra: Schema): Schema {
  return { allOf: [v3Ref(name)], ...extra }
}

const str = (description: string): Schema => ({ type: 'string', description })

const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'
const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'
const METADATA_DOC =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
const LIST_METADATA_DOC =
  'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'

const stringMap = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string', default: '' },
})

const stringList = (description: string): Schema => ({
  type: 'array',
  description,
  items: { type: 'string', default: '' },
})

/** meta/v1 schemas in v3 form (refs to #/components/schemas). */
export function metaSchemas(): Record<string, Schema> {
  return {
    [TIME]: {
      type: 'string',
      format: 'date-time',
      description:
        'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.',
    },
    [OWNER_REFERENCE]: {
      type: 'object',
      description:
        'OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      properties: {
        apiVersion: str('API version of the referent.'),
        blockOwnerDeletion: {
          type: 'boolean',
          description:
            'If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.',
        },
        controller: { type: 'boolean', description: 'If true, this reference points to the managing controller.' },
        kind: str('Kind of the referent.'),
        name: str('Name of the referent.'),
        uid: str('UID of the referent.'),
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [MANAGED_FIELDS_ENTRY]: {
      type: 'object',
      description:
        'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.',
      properties: {
        apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
        fieldsType: str('FieldsType is the discriminator for the different fields format and version.'),
        fieldsV1: {
          type: 'object',
          description: 'FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.',
        },
        manager: str('Manager is an identifier of the workflow managing these fields.'),
        operation: str(
          "Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.",
        ),
        subresource: str(
          'Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.',
        ),
        time: refWith(TIME, { description: 'Time is the timestamp of when the ManagedFields entry was added.' }),
      },
    },
    [OBJECT_META]: {
      type: 'object',
      description:
        'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      properties: {
        annotations: stringMap(
          'Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.',
        ),
        creationTimestamp: refWith(TIME, {
          description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
        }),
        deletionGracePeriodSeconds: {
          type: 'integer',
          format: 'int64',
          description:
            'Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.',
        },
        deletionTimestamp: refWith(TIME, {
          description: 'DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.',
        }),
        finalizers: {
          ...stringList('Must be empty before the object is deleted from the registry.'),
          'x-kubernetes-list-type': 'set',
        },
        generateName: str(
          'GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.',
        ),
        generation: {
          type: 'integer',
          format: 'int64',
          description: 'A sequence number representing a specific generation of the desired state.',
        },
        labels: stringMap(
          'Map of string keys and values that can be used to organize and categorize (scope and select) objects.',
        ),
        managedFields: {
          type: 'array',
          description:
            'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.',
          items: { ...refWith(MANAGED_FIELDS_ENTRY, {}), default: {} },
          'x-kubernetes-list-type': 'atomic',
        },
        name: str('Name must be unique within a namespace.'),
        namespace: str('Namespace defines the space within which each name must be unique.'),
        ownerReferences: {
          type: 'array',
          description: 'List of objects depended by this object.',
          items: { ...refWith(OWNER_REFERENCE, {}), default: {} },
          'x-kubernetes-list-map-keys': ['uid'],
          'x-kubernetes-list-type': 'map',
        },
        resourceVersion: str('An opaque value that represents the internal version of this object.'),
        selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
        uid: str('UID is the unique in time and space value for this object.'),
      },
    },
    [LIST_META]: {
      type: 'object',
      description:
        'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.',
      properties: {
        continue: str('continue may be set if the user set a limit on the number of items returned.'),
        remainingItemCount: {
          type: 'integer',
          format: 'int64',
          description:
            'remainingItemCount is the number of subsequent items in the list which are not included in this list response.',
        },
        resourceVersion: str("String that identifies the server's internal version of this object."),
        selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      },
    },
    [PATCH]: {
      type: 'object',
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    },
    [PRECONDITIONS]: {
      type: 'object',
      description: 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
      properties: {
        resourceVersion: str('Specifies the target ResourceVersion'),
        uid: str('Specifies the target UID.'),
      },
    },
    [DELETE_OPTIONS]: {
      type: 'object',
      description: 'DeleteOptions may be provided when deleting an API object.',
      properties: {
        apiVersion: str(API_VERSION_DOC),
        dryRun: {
          ...stringList('When present, indicates that modifications should not be persisted.'),
          'x-kubernetes-list-type': 'atomic',
        },
        gracePeriodSeconds: {
          type: 'integer',
          format: 'int64',
          description: 'The duration in seconds before the object should be deleted.',
        },
        kind: str(KIND_DOC),
        orphanDependents: { type: 'boolean', description: 'Deprecated: please use the PropagationPolicy.' },
        preconditions: refWith(PRECONDITIONS, { description: 'Must be fulfilled before a deletion is carried out.' }),
        propagationPolicy: str(
          "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
        ),
      },
    },
    [STATUS_CAUSE]: {
      type: 'object',
      description: 'StatusCause provides more information about an api.Status failure.',
      properties: {
        field: str('The field of the resource that has caused this error.'),
        message: str('A human-readable description of the cause of the error.'),
        reason: str('A machine-readable description of the cause of the error.'),
      },
    },
    [STATUS_DETAILS]: {
      type: 'object',
      description:
        'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.',
      properties: {
        causes: {
          type: 'array',
          description: 'The Causes array includes more details.',
          items: { ...refWith(STATUS_CAUSE, {}), default: {} },
          'x-kubernetes-list-type': 'atomic',
        },
        group: str('The group attribute of the resource associated with the status StatusReason.'),
        kind: str('The kind attribute of the resource associated with the status StatusReason.'),
        name: str('The name attribute of the resource associated with the status StatusReason.'),
        retryAfterSeconds: {
          type: 'integer',
          format: 'int32',
          description: 'If specified, the time in seconds before the operation should be retried.',
        },
        uid: str('UID of the resource.'),
      },
    },
    [STATUS]: {
      type: 'object',
      description: "Status is a return value for calls that don't return other objects.",
      properties: {
        apiVersion: str(API_VERSION_DOC),
        code: {
          type: 'integer',
          format: 'int32',
          description: 'Suggested HTTP return code for this status, 0 if not set.',
        },
        details: refWith(STATUS_DETAILS, { description: 'Extended data associated with the reason.' }),
        kind: str(KIND_DOC),
        message: str('A human-readable description of the status of this operation.'),
        metadata: refWith(LIST_META, { default: {}, description: LIST_METADATA_DOC }),
        reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
        status: str('Status of the operation. One of: "Success" or "Failure".'),
      },
      [GVK_EXTENSION]: [{ group: '', kind: 'Status', version: 'v1' }],
    },
  }
}

/** autoscaling/v1 Scale, referenced by /scale operations. */
export function scaleSchemas(): Record<string, Schema> {
  return {
    [SCALE_SPEC]: {
      type: 'object',
      description: 'ScaleSpec describes the attributes of a scale subresource.',
      properties: {
        replicas: {
          type: 'integer',
          format: 'int32',
          description: 'replicas is the desired number of instances for the scaled object.',
        },
      },
    },
    [SCALE_STATUS]: {
      type: 'object',
      description: 'ScaleStatus represents the current status of a scale subresource.',
      required: ['replicas'],
      properties: {
        replicas: {
          type: 'integer',
          format: 'int32',
          default: 0,
          description: 'replicas is the actual number of observed instances of the scaled object.',
        },
        selector: str('selector is the label query over pods that should match the replicas count.'),
      },
    },
    [SCALE]: {
      type: 'object',
      description: 'Scale represents a scaling request for a resource.',
      properties: {
        apiVersion: str(API_VERSION_DOC),
        kind: str(KIND_DOC),
        metadata: refWith(OBJECT_META, { default: {}, description: METADATA_DOC }),
        spec: refWith(SCALE_SPEC, { default: {}, description: 'spec defines the behavior of the scale.' }),
        status: refWith(SCALE_STATUS, { default: {}, description: 'status is the current status of the scale.' }),
      },
      [GVK_EXTENSION]: [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
    },
  }
}

function deepCopy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T)
}

/** The v3 schema of a kind: KindDef.schema with standard apiVersion/kind/metadata, or a permissive object. */
export function kindSchema(def: KindDef): Schema {
  const gvk = [{ group: def.group, kind: def.kind, version: def.version }]
  const base: Schema = def.schema ? deepCopy(def.schema) : {}
  const props: Record<string, Schema> = (base.properties as Record<string, Schema> | undefined) ?? {}
  props.apiVersion = { ...str(API_VERSION_DOC), ...(props.apiVersion ?? {}), type: 'string' }
  props.kind = { ...str(KIND_DOC), ...(props.kind ?? {}), type: 'string' }
  props.metadata = refWith(OBJECT_META, { default: {}, description: METADATA_DOC })
  const out: Schema = {
    type: 'object',
    description:
      typeof base.description === 'string' ? base.description : `${def.kind} (${def.group || 'core'}/${def.version}).`,
    ...base,
    properties: props,
    [GVK_EXTENSION]: gvk,
  }
  if (!def.schema) out['x-kubernetes-preserve-unknown-fields'] = true
  return out
}

export function listSchema(def: KindDef): Schema {
  return {
    type: 'object',
    description: `${def.listKind} is a list of ${def.kind}.`,
    required: ['items'],
    properties: {
      apiVersion: str(API_VERSION_DOC),
      items: {
        type: 'array',
        description: `List of ${def.plural}.`,
        items: { ...refWith(definitionName(def), {}), default: {} },
      },
      kind: str(KIND_DOC),
      metadata: refWith(LIST_META, { default: {}, description: LIST_METADATA_DOC }),
    },
    [GVK_EXTENSION]: [{ group: def.group, kind: def.listKind, version: def.version }],
  }
}

// ---- v3 → v2 ---------------------------------------------------------------------------------

const toV2Ref = (ref: string) => ref.replace('#/components/schemas/', '#/definitions/')

/**
 * Converts a (structural) v3 schema to the subset of Swagger 2.0 that kube-openapi's proto models
 * understand. Anything not representable (x-kubernetes-preserve-unknown-fields, int-or-string,
 * anyOf/oneOf/not, nullable) becomes an arbitrary value, which kubectl never rejects.
 */
export function toV2Schema(s: unknown): Schema {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return {}
  const src = s as Schema
  const out: Schema = {}
  if (typeof src.description === 'string') out.description = src.description
  if (typeof src.$ref === 'string') return { ...out, $ref: toV2Ref(src.$ref) }
  const allOf = src.allOf
  if (Array.isArray(allOf) && allOf.length === 1 && typeof (allOf[0] as Schema)?.$ref === 'string' && !src.properties) {
    return { ...out, $ref: toV2Ref((allOf[0] as Schema).$ref as string) }
  }
  if (
    src['x-kubernetes-preserve-unknown-fields'] === true ||
    src['x-kubernetes-int-or-string'] === true ||
    src.anyOf ||
    src.oneOf ||
    src.not ||
    src.allOf ||
    src.nullable === true
  ) {
    return out
  }
  const type = src.type
  if (type === 'array') {
    if (!src.items || Array.isArray(src.items)) return out
    return { ...out, type: 'array', items: toV2Schema(src.items) }
  }
  if (type === 'object' || (type === undefined && src.properties)) {
    if (src.properties && typeof src.properties === 'object') {
      const props: Record<string, Schema> = {}
      for (const [k, v] of Object.entries(src.properties as Record<string, unknown>)) props[k] = toV2Schema(v)
      const kind: Schema = { ...out, type: 'object', properties: props }
      if (Array.isArray(src.required) && src.required.length)
        kind.required = src.required.filter((r) => typeof r === 'string')
      return kind
    }
    const ap = src.additionalProperties
    if (ap && typeof ap === 'object') return { ...out, type: 'object', additionalProperties: toV2Schema(ap) }
    return { ...out, type: 'object' }
  }
  if (type === 'string' || type === 'integer' || type === 'number' || type === 'boolean') {
    const prim: Schema = { ...out, type }
    if (typeof src.format === 'string') prim.format = src.format
    return prim
  }
  return out
}
