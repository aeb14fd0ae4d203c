import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ago, cell, fields, object, row } from '../test-helpers.ts'
import { cronJob } from './cronjob.ts'
import { job } from './job.ts'

const podTemplate = (restartPolicy?: string) => ({
  spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], ...(restartPolicy ? { restartPolicy } : {}) },
})

describe('Job columns (printJob)', () => {
  const j = (spec: Record<string, unknown>, status: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) =>
    object(
      job,
      {
        spec: {
          template: podTemplate('Never'),
          selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } },
          ...spec,
        },
        status,
      },
      meta,
    )

  it('a completed job', () => {
    const done = j(
      { completions: 1, parallelism: 1 },
      {
        succeeded: 1,
        startTime: ago(600),
        completionTime: ago(555),
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      },
    )
    assert.deepEqual(row(job, done), {
      STATUS: 'Complete',
      COMPLETIONS: '1/1',
      DURATION: '45s',
      AGE: '10m',
      CONTAINERS: 'pi',
      IMAGES: 'perl:5.34',
      SELECTOR: 'batch.kubernetes.io/controller-uid=u1',
    })
  })

  it('COMPLETIONS without completions, DURATION while running, and the other statuses', () => {
    const running = j({ parallelism: 3 }, { succeeded: 1, startTime: ago(200) })
    assert.equal(cell(job, 'Completions', running), '1/1 of 3')
    assert.equal(cell(job, 'Duration', running), '3m20s')
    assert.equal(cell(job, 'Status', running), 'Running')
    assert.equal(cell(job, 'Completions', j({ parallelism: 1 })), '0/1')
    assert.equal(cell(job, 'Duration', j({})), '')
    assert.equal(cell(job, 'Status', j({}, { conditions: [{ type: 'Failed', status: 'True' }] })), 'Failed')
    assert.equal(cell(job, 'Status', j({}, { conditions: [{ type: 'Suspended', status: 'True' }] })), 'Suspended')
    assert.equal(
      cell(job, 'Status', j({}, { conditions: [{ type: 'FailureTarget', status: 'True' }] })),
      'FailureTarget',
    )
    assert.equal(cell(job, 'Status', j({}, {}, { deletionTimestamp: ago(1) })), 'Terminating')
    assert.equal(job.fieldSelectors['status.successful'](running), '1')
  })
})

describe('Job hooks', () => {
  it('prepareForCreate defaults the spec and generates the selector and pod labels', () => {
    const o = object(job, { spec: { template: podTemplate('OnFailure') } }, { name: 'pi', uid: 'uid-1' })
    job.prepareForCreate?.(o)
    const spec = o.spec as Record<string, any>
    assert.equal(spec.completions, 1)
    assert.equal(spec.parallelism, 1)
    assert.equal(spec.backoffLimit, 6)
    assert.equal(spec.completionMode, 'NonIndexed')
    assert.equal(spec.suspend, false)
    assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } })
    assert.deepEqual(spec.template.metadata.labels, {
      'batch.kubernetes.io/controller-uid': 'uid-1',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'uid-1',
      'job-name': 'pi',
    })
    assert.deepEqual(job.validate?.(o), [])
  })

  it('rejects restartPolicy Always (the pod default) and missing images', () => {
    const o = object(job, { spec: { template: { spec: { containers: [{ name: 'pi' }] } } } }, { uid: 'u' })
    job.prepareForCreate?.(o)
    const errs = job.validate?.(o) ?? []
    assert.deepEqual(fields(errs), ['spec.template.spec.containers[0].image', 'spec.template.spec.restartPolicy'])
    const restart = errs[1]
    assert.equal(restart.type, 'FieldValueNotSupported')
    assert.equal(restart.value, 'Always')
    assert.equal(restart.detail, 'supported values: "OnFailure", "Never"')
  })

  it('with manualSelector the selector must be given and match', () => {
    const o = object(job, { spec: { manualSelector: true, template: podTemplate('Never') } })
    job.prepareForCreate?.(o)
    assert.deepEqual(fields(job.validate?.(o) ?? []), ['spec.selector'])
    const mismatch = object(job, {
      spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: podTemplate('Never') },
    })
    job.prepareForCreate?.(mismatch)
    assert.deepEqual(fields(job.validate?.(mismatch) ?? []), ['spec.template.metadata.labels'])
  })
})

describe('CronJob', () => {
  const cj = (
    spec: Record<string, unknown>,
    status: Record<string, unknown> = {},
    meta: Record<string, unknown> = {},
  ) =>
    object(
      cronJob,
      {
        spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate('OnFailure') } }, ...spec },
        status,
      },
      meta,
    )

  it('SCHEDULE, TIMEZONE, SUSPEND, ACTIVE, LAST SCHEDULE', () => {
    const c = cj({ suspend: false }, { active: [{ name: 'x-1' }], lastScheduleTime: ago(120) })
    assert.deepEqual(row(cronJob, c), {
      SCHEDULE: '*/5 * * * *',
      TIMEZONE: '<none>',
      SUSPEND: 'False',
      ACTIVE: 1,
      'LAST SCHEDULE': '2m',
      AGE: '10m',
      CONTAINERS: 'pi',
      IMAGES: 'perl:5.34',
      SELECTOR: '<none>',
    })
    const other = cj({ timeZone: 'Etc/UTC', suspend: true })
    assert.equal(cell(cronJob, 'Timezone', other), 'Etc/UTC')
    assert.equal(cell(cronJob, 'Suspend', other), 'True')
    assert.equal(cell(cronJob, 'Last Schedule', other), '<none>')
    assert.equal(cell(cronJob, 'Suspend', cj({})), '<unset>')
  })

  it('prepareForCreate defaults suspend, concurrency and history limits', () => {
    const c = cj({})
    cronJob.prepareForCreate?.(c)
    const spec = c.spec as Record<string, unknown>
    assert.equal(spec.suspend, false)
    assert.equal(spec.concurrencyPolicy, 'Allow')
    assert.equal(spec.successfulJobsHistoryLimit, 3)
    assert.equal(spec.failedJobsHistoryLimit, 1)
    assert.deepEqual(cronJob.validate?.(c), [])
  })

  it('validation: schedule, name length, job template restart policy', () => {
    const long = cj({ schedule: '' }, {}, { name: 'a'.repeat(53) })
    cronJob.prepareForCreate?.(long)
    const errs = cronJob.validate?.(long) ?? []
    assert.deepEqual(fields(errs), ['metadata.name', 'spec.schedule'])
    assert.equal(errs[0].detail, 'must be no more than 52 characters')
    const always = cj({ jobTemplate: { spec: { template: podTemplate() } } })
    cronJob.prepareForCreate?.(always)
    assert.deepEqual(fields(cronJob.validate?.(always) ?? []), ['spec.jobTemplate.spec.template.spec.restartPolicy'])
  })
})
