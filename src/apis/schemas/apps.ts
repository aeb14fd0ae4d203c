// apps/v1 (k8s.io/api/apps/v1/types.go).

import { PersistentVolumeClaimTemplate, PodTemplateSpec } from './core.ts'
import { conditionList, kindSchema, LabelSelector } from './meta.ts'
import { atomicList, object, type Schema, withPatchStrategy } from './types.ts'

/**
 * DeploymentSpec.strategy is `patchStrategy:"retainKeys"`: kubectl apply sends
 * `{"$retainKeys":["type"],"type":"Recreate"}` to switch from RollingUpdate, and the server drops
 * the now-unlisted rollingUpdate field.
 */
const DeploymentStrategy: Schema = withPatchStrategy(object({ rollingUpdate: object({}) }), 'retainKeys')

export const Deployment: Schema = kindSchema({
  spec: object({ selector: LabelSelector, template: PodTemplateSpec, strategy: DeploymentStrategy }),
  status: object({ conditions: conditionList() }),
})

export const ReplicaSet: Schema = kindSchema({
  spec: object({ selector: LabelSelector, template: PodTemplateSpec }),
  status: object({ conditions: conditionList() }),
})

/** StatefulSet/DaemonSet updateStrategy have no retainKeys tag (unlike Deployment.strategy). */
export const StatefulSet: Schema = kindSchema({
  spec: object({
    selector: LabelSelector,
    template: PodTemplateSpec,
    volumeClaimTemplates: atomicList(PersistentVolumeClaimTemplate),
  }),
  status: object({ conditions: conditionList() }),
})

export const DaemonSet: Schema = kindSchema({
  spec: object({ selector: LabelSelector, template: PodTemplateSpec }),
  status: object({ conditions: conditionList() }),
})

/** ControllerRevision.data is a RawExtension: plain JSON, merged as maps. */
export const ControllerRevision: Schema = kindSchema({})
