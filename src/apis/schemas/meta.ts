// meta/v1 and the other apimachinery types every kind refers to (k8s.io/apimachinery: meta/v1,
// api/resource, util/intstr, runtime).

import {
  bool,
  embed,
  type GroupVersionKind,
  int32,
  int64,
  listOf,
  ref,
  type Schema,
  scalarType,
  str,
  strList,
  strMap,
  struct,
} from './types.ts'

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1'

// ---- scalar types -----------------------------------------------------------------------------

export const Time: Schema = scalarType(`${META}.Time`, {
  type: 'string',
  format: 'date-time',
  description: 'A timestamp in RFC 3339 form with second precision, such as 2024-05-01T10:00:00Z.',
})

export const MicroTime: Schema = scalarType(`${META}.MicroTime`, {
  type: 'string',
  format: 'date-time',
  description: 'A timestamp in RFC 3339 form with microsecond precision.',
})

export const Quantity: Schema = scalarType('io.k8s.apimachinery.pkg.api.resource.Quantity', {
  description:
    'An exact decimal amount written as a number with an optional suffix: binary (Ki, Mi, Gi, Ti, Pi, Ei), decimal (m, k, M, G, T, P, E) or an exponent (e3); for example 500m, 1.5, 128Mi.',
  oneOf: [{ type: 'string' }, { type: 'number' }],
})

export const IntOrString: Schema = scalarType('io.k8s.apimachinery.pkg.util.intstr.IntOrString', {
  type: 'string',
  format: 'int-or-string',
  'x-kubernetes-int-or-string': true,
  description:
    'A value that is either a 32-bit integer or a string, such as a port number or a port name, or 5 or "25%".',
})

export const RawExtension: Schema = scalarType('io.k8s.apimachinery.pkg.runtime.RawExtension', {
  type: 'object',
  // Decoded as raw bytes: nothing inside is unknown (or pruned).
  'x-kubernetes-preserve-unknown-fields': true,
  description: 'An embedded JSON object whose schema depends on context, typically a complete API object.',
})

export const FieldsV1: Schema = scalarType(`${META}.FieldsV1`, {
  type: 'object',
  description:
    'A set of field paths stored as a trie in JSON: keys are f:<field>, k:<list keys>, v:<value> or i:<index>, and "." marks the field itself.',
})

// ---- common descriptions ----------------------------------------------------------------------

export const API_VERSION_DOC =
  'The versioned schema of this object, as group/version (or just the version for the core group); servers convert recognised versions and may reject others.'
export const KIND_DOC =
  'The REST resource type this object represents, in CamelCase; servers may infer it from the request path and it cannot be updated.'
export const METADATA_DOC = "The object's standard metadata: name, namespace, labels, annotations and so on."
export const LIST_METADATA_DOC = "The list's standard metadata: resource version and continuation token."

// ---- objects ------------------------------------------------------------------------------------

export const OwnerReference: Schema = struct(
  `${META}.OwnerReference`,
  'Identifies an object that owns this one; the owner lives in the same namespace or is cluster-scoped.',
  {
    apiVersion: str('API version of the owner.'),
    kind: str('Kind of the owner.'),
    name: str('Name of the owner.'),
    uid: str('UID of the owner.'),
    controller: bool('True when the owner is the managing controller of this object; at most one owner may set it.'),
    blockOwnerDeletion: bool(
      'When true and the owner carries the foregroundDeletion finalizer, the owner is not removed from storage until this reference is gone.',
    ),
  },
  { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic' },
)

export const ManagedFieldsEntry: Schema = struct(
  `${META}.ManagedFieldsEntry`,
  'The set of fields one field manager owns, the operation that claimed them and the API version they are expressed in.',
  {
    apiVersion: str('API version the field set is expressed in; needed because fields change between versions.'),
    fieldsType: str('Format of the field set; the only known value is FieldsV1.'),
    fieldsV1: ref(FieldsV1, 'The owned fields, when fieldsType is FieldsV1.'),
    manager: str('Name of the workflow (field manager) that owns these fields.'),
    operation: str('Operation that recorded this entry: Apply or Update.'),
    subresource: str('Subresource the update went through (such as status), or empty for the main resource.'),
    time: ref(Time, 'When this entry was last changed by an operation that touched its fields.'),
  },
)

export const ObjectMeta: Schema = struct(
  `${META}.ObjectMeta`,
  'Metadata every persisted object carries: identity, labels, annotations, ownership and lifecycle information.',
  {
    annotations: strMap('Arbitrary non-identifying key/value data that tools and extensions attach to the object.'),
    creationTimestamp: ref(Time, 'Server time at which the object was created; set by the system and read-only.'),
    deletionGracePeriodSeconds: int64(
      'Seconds the object is allowed to terminate gracefully before removal; set with deletionTimestamp and read-only.',
    ),
    deletionTimestamp: ref(
      Time,
      'Time after which the object will be removed, set when deletion is requested; read-only.',
    ),
    finalizers: strList(
      'Names of pending cleanup tasks; the object is only removed from storage once this list is empty.',
      { type: 'set', strategy: 'merge' },
    ),
    generateName: str('Prefix from which the server builds a unique name when name is empty at creation.'),
    generation: int64('Sequence number of the desired state, incremented by the system when the spec changes.'),
    labels: strMap('Identifying key/value pairs used to organise and select objects.'),
    managedFields: listOf(ManagedFieldsEntry, 'Which field manager owns which fields, maintained by the server.'),
    name: str('Name of the object, unique within its namespace (or cluster-wide) for its kind.'),
    namespace: str('Namespace the object belongs to; empty for cluster-scoped objects.'),
    ownerReferences: listOf(
      OwnerReference,
      'Objects this object depends on; garbage collection removes it with them.',
      {
        type: 'map',
        keys: ['uid'],
        mergeKey: 'uid',
      },
    ),
    resourceVersion: str(
      'Opaque version of the object used for optimistic concurrency and watches; set by the server.',
    ),
    selfLink: str('Deprecated and no longer filled in by the system.'),
    uid: str('Unique identifier of this object over time, generated by the server at creation.'),
  },
)

export const ListMeta: Schema = struct(`${META}.ListMeta`, 'Metadata of list responses and other synthetic objects.', {
  continue: str('Token to pass as the continue parameter to fetch the next page, when the list was limited.'),
  remainingItemCount: int64(
    'Number of items after this page, when the server can tell; an estimate if the list is filtered.',
  ),
  resourceVersion: str('Version of the store the list was read at; use it to start a watch.'),
  selfLink: str('Deprecated and no longer filled in by the system.'),
})

export const LabelSelectorRequirement: Schema = struct(
  `${META}.LabelSelectorRequirement`,
  'A label key, an operator and a set of values that a label must satisfy.',
  {
    key: str('Label key the requirement applies to.'),
    operator: str('How the key relates to the values: In, NotIn, Exists or DoesNotExist.'),
    values: strList('Values to compare against; required for In and NotIn, must be empty for Exists and DoesNotExist.'),
  },
  { required: ['key', 'operator'] },
)

export const LabelSelector: Schema = struct(
  `${META}.LabelSelector`,
  'A label query; all of matchLabels and matchExpressions must hold. Empty matches everything, null matches nothing.',
  {
    matchExpressions: listOf(LabelSelectorRequirement, 'Set-based requirements, all of which must be satisfied.'),
    matchLabels: strMap('Exact key/value pairs the labels must contain (each one an In requirement with one value).'),
  },
  { mapType: 'atomic' },
)

export const Condition: Schema = struct(
  `${META}.Condition`,
  'One aspect of the current state of an object, in the standard condition shape.',
  {
    lastTransitionTime: ref(Time, 'When the condition last changed from one status to another.'),
    message: str('Human-readable details about the transition; may be empty.'),
    observedGeneration: int64('The metadata.generation the condition was computed from.'),
    reason: str('CamelCase machine-readable reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition, in CamelCase or as a domain-prefixed name.'),
  },
  { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
)

export const Preconditions: Schema = struct(
  `${META}.Preconditions`,
  'Conditions that must hold before an update or delete is carried out.',
  {
    resourceVersion: str('The resourceVersion the object must have.'),
    uid: str('The UID the object must have.'),
  },
)

export const DeleteOptions: Schema = struct(
  `${META}.DeleteOptions`,
  'Options that may accompany a delete request.',
  {
    apiVersion: str(API_VERSION_DOC),
    dryRun: strList('When set to All, the request is fully processed but nothing is persisted.'),
    gracePeriodSeconds: int64('Seconds before the object is deleted; 0 means immediately, unset means the default.'),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool(
      'Forces the removal of an object that cannot be read from storage; unsafe, for emergencies only.',
    ),
    kind: str(KIND_DOC),
    orphanDependents: bool('Deprecated: use propagationPolicy. Whether dependents should be orphaned.'),
    preconditions: ref(Preconditions, 'Conditions that must hold, or the delete fails with a conflict.'),
    propagationPolicy: str('How dependents are garbage collected: Orphan, Background or Foreground.'),
  },
  { gvk: { group: '', version: 'v1', kind: 'DeleteOptions' } },
)

export const StatusCause: Schema = struct(
  `${META}.StatusCause`,
  'One reason why an operation failed, possibly tied to a field.',
  {
    field: str('Path of the field that caused the error, such as spec.containers[0].name.'),
    message: str('Human-readable description of the cause.'),
    reason: str('Machine-readable description of the cause.'),
  },
)

export const StatusDetails: Schema = struct(
  `${META}.StatusDetails`,
  'Extra information the server may attach to a Status.',
  {
    causes: listOf(StatusCause, 'Individual causes of the failure.'),
    group: str('Group of the resource involved.'),
    kind: str('Kind of the resource involved.'),
    name: str('Name of the resource involved.'),
    retryAfterSeconds: int32('Seconds the client should wait before retrying.'),
    uid: str('UID of the resource involved.'),
  },
)

export const Status: Schema = struct(
  `${META}.Status`,
  'The result of an operation that does not return an object, typically an error.',
  {
    apiVersion: str(API_VERSION_DOC),
    code: int32('Suggested HTTP status code, or 0.'),
    details: ref(StatusDetails, 'Extra data about the failure, depending on the reason.'),
    kind: str(KIND_DOC),
    message: str('Human-readable description of the result.'),
    metadata: embed(ListMeta, LIST_METADATA_DOC),
    reason: str('Machine-readable reason for a failure, such as NotFound or Conflict.'),
    status: str('Success or Failure.'),
  },
  { gvk: { group: '', version: 'v1', kind: 'Status' } },
)

export const Patch: Schema = struct(
  `${META}.Patch`,
  'The body of a PATCH request; its format depends on the request content type.',
  {},
)

// ---- kinds ----------------------------------------------------------------------------------------

/** A top-level kind: apiVersion, kind and metadata plus the given fields, tagged with its GVK. */
export function kind(
  name: string,
  gvk: GroupVersionKind,
  description: string,
  fields: Record<string, Schema>,
  opts: { required?: readonly string[]; metadataDoc?: string; metadataRequired?: boolean } = {},
): Schema {
  return struct(
    name,
    description,
    {
      apiVersion: str(API_VERSION_DOC),
      kind: str(KIND_DOC),
      metadata: embed(ObjectMeta, opts.metadataDoc ?? METADATA_DOC),
      ...fields,
    },
    { required: opts.required, gvk },
  )
}
