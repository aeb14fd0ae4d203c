// meta/v1 pieces shared by every kind (k8s.io/apimachinery/pkg/apis/meta/v1/types.go).

import { atomicList, mergeList, object, type Schema, STRING, STRING_MAP, setList } from './types.ts'

export const OwnerReference: Schema = object({})

export const ManagedFieldsEntry: Schema = object({})

/**
 * ObjectMeta. finalizers: `patchStrategy:"merge"` (a set of strings); ownerReferences:
 * `patchStrategy:"merge" patchMergeKey:"uid"`; labels / annotations are plain maps, so a
 * `null` value deletes one key; managedFields is atomic.
 */
export const ObjectMeta: Schema = object({
  labels: STRING_MAP,
  annotations: STRING_MAP,
  finalizers: setList(STRING),
  ownerReferences: mergeList(OwnerReference, 'uid'),
  managedFields: atomicList(ManagedFieldsEntry),
})

/** LabelSelector: matchExpressions is atomic, matchLabels a plain map. */
export const LabelSelector: Schema = object({
  matchLabels: STRING_MAP,
  matchExpressions: atomicList(object({ values: atomicList(STRING) })),
})

/** metav1.Condition / the per-kind XxxCondition structs, all keyed by `type` in status lists. */
export const Condition: Schema = object({})

/** `patchStrategy:"merge" patchMergeKey:"type"`, the shape of nearly every status.conditions. */
export function conditionList(item: Schema = Condition): Schema {
  return mergeList(item, 'type')
}

/** The top level of an object: ObjectMeta plus the given spec/status/other fields. */
export function kindSchema(fields: Record<string, Schema>): Schema {
  return object({ metadata: ObjectMeta, ...fields })
}
