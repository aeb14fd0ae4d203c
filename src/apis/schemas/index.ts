// Complete structural schemas of the built-in kinds, looked up by group/version/kind. The API
// server applies a strategic merge patch with
// `applyStrategicMergePatch(live, patch, patchSchemaFor(g, v, k))` and serves the same graphs as
// /openapi/v2 and /openapi/v3 components; `undefined` means "not a built-in kind" (custom
// resources do not support SMP: 415).

import * as apiextensions from './apiextensions.ts'
import * as apps from './apps.ts'
import * as batch from './batch.ts'
import * as core from './core.ts'
import * as groups from './groups.ts'
import * as meta from './meta.ts'
import * as reviews from './reviews.ts'
import type { Schema } from './types.ts'

export type { GroupVersionKind, ListType, PatchStrategy, Schema, SchemaUnion } from './types.ts'
export { definitionNameOf, namedSchemas, useSiteOf } from './types.ts'
export { meta }

const registry = new Map<string, Schema>()

function register(group: string, version: string, kinds: Record<string, Schema>): void {
  for (const [kind, schema] of Object.entries(kinds)) registry.set(`${group}/${version}/${kind}`, schema)
}

register('', 'v1', {
  Pod: core.Pod,
  PodTemplate: core.PodTemplate,
  ReplicationController: core.ReplicationController,
  Service: core.Service,
  Endpoints: core.Endpoints,
  ConfigMap: core.ConfigMap,
  Secret: core.Secret,
  ServiceAccount: core.ServiceAccount,
  Node: core.Node,
  Namespace: core.Namespace,
  Event: core.Event,
  ResourceQuota: core.ResourceQuota,
  LimitRange: core.LimitRange,
  PersistentVolume: core.PersistentVolume,
  PersistentVolumeClaim: core.PersistentVolumeClaim,
})
register('apps', 'v1', {
  Deployment: apps.Deployment,
  ReplicaSet: apps.ReplicaSet,
  StatefulSet: apps.StatefulSet,
  DaemonSet: apps.DaemonSet,
  ControllerRevision: apps.ControllerRevision,
})
register('batch', 'v1', { Job: batch.Job, CronJob: batch.CronJob })
register('networking.k8s.io', 'v1', { Ingress: groups.Ingress, NetworkPolicy: groups.NetworkPolicy })
register('rbac.authorization.k8s.io', 'v1', {
  Role: groups.Role,
  ClusterRole: groups.ClusterRole,
  RoleBinding: groups.RoleBinding,
  ClusterRoleBinding: groups.ClusterRoleBinding,
})
register('coordination.k8s.io', 'v1', { Lease: groups.Lease })
register('autoscaling', 'v2', { HorizontalPodAutoscaler: groups.HorizontalPodAutoscaler })
register('policy', 'v1', { PodDisruptionBudget: groups.PodDisruptionBudget })
register('storage.k8s.io', 'v1', { StorageClass: groups.StorageClass })
register('events.k8s.io', 'v1', { Event: groups.EventsV1Event })
register('discovery.k8s.io', 'v1', { EndpointSlice: groups.EndpointSlice })
register('authorization.k8s.io', 'v1', {
  LocalSubjectAccessReview: reviews.LocalSubjectAccessReview,
  SelfSubjectAccessReview: reviews.SelfSubjectAccessReview,
  SelfSubjectRulesReview: reviews.SelfSubjectRulesReview,
  SubjectAccessReview: reviews.SubjectAccessReview,
})
register('authentication.k8s.io', 'v1', {
  SelfSubjectReview: reviews.SelfSubjectReview,
  TokenReview: reviews.TokenReview,
})
register('apiextensions.k8s.io', 'v1', { CustomResourceDefinition: apiextensions.CustomResourceDefinition })

/** The schema of a built-in kind ("" is the core group), or undefined for anything else. */
export function patchSchemaFor(group: string, version: string, kind: string): Schema | undefined {
  return registry.get(`${group}/${version}/${kind}`)
}

/** Same as patchSchemaFor: the complete schema of a built-in kind. */
export const builtinSchemaFor = patchSchemaFor

/** Every registered group/version/kind, for tests and discovery. */
export function builtinPatchKinds(): { group: string; version: string; kind: string }[] {
  return [...registry.keys()].map((k) => {
    const [group, version, kind] = k.split('/')
    return { group, version, kind }
  })
}
