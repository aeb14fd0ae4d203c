// batch/v1 CronJob. Columns: printers.go cronJobColumnDefinitions / printCronJob.

import { type FieldError, fieldInvalid, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { defaultTemplate } from '../defaults.ts'
import { DOC } from '../docs.ts'
import { arr, ensure, type Json, rec, setDefault, str } from '../json.ts'
import { ageColumn, boolPtr, column, containerCells, formatLabelSelector, since } from '../printing.ts'
import { validateJobSpec } from './job.ts'

const jobSpec = (o: KubeObject): Json => rec(rec(rec(o.spec).jobTemplate).spec)
const podSpec = (o: KubeObject): Json => rec(rec(jobSpec(o).template).spec)

/** SetDefaults_CronJob, plus the pod defaults of the job template. */
function defaults(cj: KubeObject): void {
  const spec = ensure(cj, 'spec')
  setDefault(spec, 'concurrencyPolicy', 'Allow')
  setDefault(spec, 'suspend', false)
  setDefault(spec, 'successfulJobsHistoryLimit', 3)
  setDefault(spec, 'failedJobsHistoryLimit', 1)
  defaultTemplate(jobSpec(cj))
}

function validate(cj: KubeObject): FieldError[] {
  const errs: FieldError[] = []
  const name = cj.metadata.name ?? ''
  // The controller appends an 11-character suffix to job names (63 - 11 = 52).
  if (name.length > 52) errs.push(fieldInvalid('metadata.name', name, 'must be no more than 52 characters'))
  const spec = rec(cj.spec)
  if (str(spec.schedule) === '') errs.push(fieldRequired('spec.schedule'))
  errs.push(...validateJobSpec(jobSpec(cj), 'spec.jobTemplate.spec', false))
  return errs
}

export const cronJob: KindDef = defineKind({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  scope: 'Namespaced',
  shortNames: ['cj'],
  categories: ['all'],
  generation: 'spec',
  subresources: { status: true },
  columns: [
    column('Schedule', DOC.cronJobSpecSchedule, (o) => str(rec(o.spec).schedule)),
    column('Timezone', DOC.cronJobSpecTimeZone, (o) => {
      const tz = rec(o.spec).timeZone
      return typeof tz === 'string' ? tz : '<none>'
    }),
    column('Suspend', DOC.cronJobSpecSuspend, (o) => boolPtr(rec(o.spec).suspend), { type: 'boolean' }),
    column('Active', DOC.cronJobStatusActive, (o) => arr(rec(o.status).active).length, { type: 'integer' }),
    column('Last Schedule', DOC.cronJobStatusLastScheduleTime, (o, now) => {
      const t = rec(o.status).lastScheduleTime
      return t ? since(t, now) : '<none>'
    }),
    ageColumn(),
    column('Containers', 'Names of each container in the template.', (o) => containerCells(podSpec(o)).names, {
      priority: 1,
    }),
    column('Images', 'Images referenced by each container in the template.', (o) => containerCells(podSpec(o)).images, {
      priority: 1,
    }),
    column('Selector', DOC.jobSpecSelector, (o) => formatLabelSelector(jobSpec(o).selector), { priority: 1 }),
  ],
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
})
