// batch/v1 Job. Columns: printers.go jobColumnDefinitions / printJob (STATUS, COMPLETIONS,
// DURATION).

import { type FieldError, fieldNotSupported, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import { isPlainObject, type KubeObject } from '../../machinery/object.ts'
import { defaultTemplate } from '../defaults.ts'
import { DOC } from '../docs.ts'
import { arr, ensure, type Json, num, rec, setDefault } from '../json.ts'
import {
  ageColumn,
  column,
  containerColumns,
  formatLabelSelector,
  humanDuration,
  templateSpec,
  timestampMs,
} from '../printing.ts'
import { nonNegative, validatePodSpec, validateTemplateAgainstSelector } from '../validation.ts'

function condition(job: KubeObject, type: string): boolean {
  const c = arr(rec(job.status).conditions)
    .map(rec)
    .find((c) => c.type === type)
  return c?.status === 'True'
}

export function jobStatus(job: KubeObject): string {
  if (condition(job, 'Complete')) return 'Complete'
  if (condition(job, 'Failed')) return 'Failed'
  if (timestampMs(job.metadata.deletionTimestamp) !== null) return 'Terminating'
  if (condition(job, 'Suspended')) return 'Suspended'
  if (condition(job, 'FailureTarget')) return 'FailureTarget'
  return 'Running'
}

export function jobCompletions(job: KubeObject): string {
  const spec = rec(job.spec)
  const succeeded = num(rec(job.status).succeeded)
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`
  const parallelism = num(spec.parallelism)
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`
}

export function jobDuration(job: KubeObject, now: number): string {
  const status = rec(job.status)
  const start = timestampMs(status.startTime)
  if (start === null) return ''
  const end = timestampMs(status.completionTime)
  return humanDuration((end ?? now) - start)
}

/** SetDefaults_Job. */
function defaults(job: KubeObject): void {
  const spec = ensure(job, 'spec')
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1
  setDefault(spec, 'parallelism', 1)
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex == null ? 6 : 2147483647)
  setDefault(spec, 'completionMode', 'NonIndexed')
  setDefault(spec, 'suspend', false)
  setDefault(spec, 'podReplacementPolicy', spec.podFailurePolicy == null ? 'TerminatingOrFailed' : 'Failed')
  setDefault(spec, 'manualSelector', false)
  defaultTemplate(spec)
  defaultLabels(job)
}

/**
 * SetDefaults_Job: a Job without labels takes its pod template's. Kubernetes defaults on every
 * decode, so the created Job already carries the selector labels generateSelector added.
 */
function defaultLabels(job: KubeObject): void {
  const labels = rec(rec(rec(job.spec).template).metadata).labels
  if (isPlainObject(labels) && Object.keys(job.metadata.labels ?? {}).length === 0) {
    job.metadata.labels = { ...(labels as Record<string, string>) }
  }
}

/**
 * jobStrategy.PrepareForCreate's generateSelector: unless manualSelector, the pod template gets
 * the job-name and controller-uid labels and the selector selects the controller uid.
 */
function generateSelector(job: KubeObject): void {
  const spec = ensure(job, 'spec')
  if (spec.manualSelector === true) return
  const meta = ensure(ensure(spec, 'template'), 'metadata')
  const labels = ensure(meta, 'labels')
  const name = job.metadata.name ?? ''
  const uid = job.metadata.uid ?? ''
  setDefault(labels, 'batch.kubernetes.io/controller-uid', uid)
  setDefault(labels, 'batch.kubernetes.io/job-name', name)
  setDefault(labels, 'controller-uid', uid)
  setDefault(labels, 'job-name', name)
  const matchLabels = ensure(ensure(spec, 'selector'), 'matchLabels')
  setDefault(matchLabels, 'batch.kubernetes.io/controller-uid', uid)
}

/** The checks of ValidateJobSpec users hit first; also used for CronJob job templates. */
export function validateJobSpec(spec: Json, path: string, requireSelector: boolean): FieldError[] {
  const errs: FieldError[] = []
  for (const f of ['parallelism', 'completions', 'backoffLimit']) errs.push(...nonNegative(spec[f], `${path}.${f}`))
  if (spec.selector == null) {
    if (requireSelector) errs.push(fieldRequired(`${path}.selector`))
  } else errs.push(...validateTemplateAgainstSelector(spec, path))
  const podSpec = rec(rec(spec.template).spec)
  errs.push(...validatePodSpec(podSpec, `${path}.template.spec`))
  const restart = podSpec.restartPolicy
  if (restart !== 'OnFailure' && restart !== 'Never') {
    errs.push(fieldNotSupported(`${path}.template.spec.restartPolicy`, restart ?? '', ['OnFailure', 'Never']))
  }
  return errs
}

export const job: KindDef = defineKind({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  scope: 'Namespaced',
  categories: ['all'],
  generation: 'spec',
  subresources: { status: true },
  columns: [
    column('Status', 'Status of the job.', jobStatus),
    column('Completions', DOC.jobStatusSucceeded, jobCompletions),
    column('Duration', 'Time required to complete the job.', jobDuration),
    ageColumn(),
    ...containerColumns(templateSpec),
    column('Selector', DOC.jobSpecSelector, (o) => formatLabelSelector(rec(o.spec).selector), { priority: 1 }),
  ],
  // pkg/registry/batch/job/strategy.go JobToSelectableFields
  fieldSelectors: { 'status.successful': (o) => String(num(rec(o.status).succeeded)) },
  prepareForCreate: (obj) => {
    defaults(obj)
    generateSelector(obj)
    defaultLabels(obj)
  },
  prepareForUpdate: defaults,
  validate: (obj) => validateJobSpec(rec(obj.spec), 'spec', true),
})
