// The smaller API groups: networking.k8s.io, rbac.authorization.k8s.io, coordination.k8s.io,
// autoscaling, policy, storage.k8s.io, events.k8s.io. Few of their fields carry patch tags; the
// schemas mostly exist so that ObjectMeta (finalizers, ownerReferences) merges correctly.

import { conditionList, kindSchema, LabelSelector } from './meta.ts'
import { atomicList, object, type Schema, STRING, STRING_MAP, withPatchStrategy } from './types.ts'

export const Ingress: Schema = kindSchema({
  spec: object({ rules: atomicList(object({})), tls: atomicList(object({})) }),
  status: object({ loadBalancer: object({ ingress: atomicList(object({})) }) }),
})

export const NetworkPolicy: Schema = kindSchema({
  spec: object({
    podSelector: LabelSelector,
    ingress: atomicList(object({})),
    egress: atomicList(object({})),
    policyTypes: atomicList(STRING),
  }),
})

const RoleRules: Schema = atomicList(object({}))

export const Role: Schema = kindSchema({ rules: RoleRules })

export const ClusterRole: Schema = kindSchema({
  rules: RoleRules,
  aggregationRule: object({ clusterRoleSelectors: atomicList(LabelSelector) }),
})

export const RoleBinding: Schema = kindSchema({ subjects: atomicList(object({})) })

export const ClusterRoleBinding: Schema = kindSchema({ subjects: atomicList(object({})) })

export const Lease: Schema = kindSchema({})

export const HorizontalPodAutoscaler: Schema = kindSchema({
  spec: object({ metrics: atomicList(object({})) }),
  status: object({ currentMetrics: atomicList(object({})), conditions: conditionList() }),
})

/**
 * PodDisruptionBudgetSpec.selector is `patchStrategy:"replace"`: a patch replaces the whole
 * selector instead of merging matchLabels (an empty selector means "all pods" in policy/v1).
 */
export const PodDisruptionBudget: Schema = kindSchema({
  spec: object({ selector: withPatchStrategy(LabelSelector, 'replace') }),
  status: object({ disruptedPods: STRING_MAP, conditions: conditionList() }),
})

export const StorageClass: Schema = kindSchema({
  parameters: STRING_MAP,
  mountOptions: atomicList(STRING),
  allowedTopologies: atomicList(object({})),
})

export const EventsV1Event: Schema = kindSchema({})
