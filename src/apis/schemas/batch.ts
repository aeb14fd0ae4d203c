// batch/v1 (k8s.io/api/batch/v1/types.go).

import { PodTemplateSpec } from './core.ts'
import { Condition, kindSchema, LabelSelector, ObjectMeta } from './meta.ts'
import { atomicList, mergeList, object, type Schema } from './types.ts'

const JobSpec: Schema = object({
  selector: LabelSelector,
  template: PodTemplateSpec,
  podFailurePolicy: object({ rules: atomicList(object({})) }),
})

export const Job: Schema = kindSchema({
  spec: JobSpec,
  // JobStatus.conditions: `patchStrategy:"merge" patchMergeKey:"type"` for SMP, but +listType=atomic for SSA.
  status: object({ conditions: mergeList(Condition, 'type', { listType: 'atomic' }) }),
})

export const CronJob: Schema = kindSchema({
  spec: object({ jobTemplate: object({ metadata: ObjectMeta, spec: JobSpec }) }),
  status: object({ active: atomicList(object({})) }),
})
