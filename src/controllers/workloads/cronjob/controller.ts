// The CronJob controller (pkg/controller/cronjob, the v2 controller): a Job per schedule time,
// named <cronjob>-<minutes since the epoch>, with the batch.kubernetes.io/cronjob-scheduled-timestamp
// annotation; concurrencyPolicy Allow/Forbid/Replace, startingDeadlineSeconds, suspend, history
// limits; status active, lastScheduleTime, lastSuccessfulTime. Time comes from the injected
// clock, so tests advance it instead of sleeping.

import { arr, rec, str } from '../../../apis/json.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import { type KubeObject, timestamp } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { isJobFinished, jobCondition } from '../job/controller.ts'
import { EventRecorder } from '../util/events.ts'
import { controllerUidIndex, type Index, type SharedInformer } from '../util/informers.ts'
import { controllerRefOf, newControllerRef, splitKey } from '../util/meta.ts'
import { ControllerRuntime } from '../util/runtime.ts'
import { mergeDiff } from '../util/status.ts'
import { parseSchedule, rfc3339In, type Schedule, validTimeZone } from './schedule.ts'

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp'
const NEXT_SCHEDULE_DELTA_MS = 100
const TOO_MANY_MISSED = 100

interface ActiveRef {
  kind: string
  namespace: string
  name: string
  uid: string
  apiVersion: string
  resourceVersion?: string
}

const ms = (v: unknown): number | undefined => {
  const t = Date.parse(str(v))
  return Number.isNaN(t) ? undefined : t
}

/** getJobName: <cronjob>-<scheduled time in minutes since the epoch>. */
export function jobName(cj: KubeObject, scheduled: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`
}

/**
 * mostRecentScheduleTime: the latest schedule time in (earliest, now], where earliest is the
 * last schedule time or the creation time (moved up to now - startingDeadlineSeconds), and how
 * many schedule times were missed.
 */
export function mostRecentSchedule(
  cj: KubeObject,
  now: number,
  sched: Schedule,
  withDeadline: boolean,
): { time?: number; missed: number } {
  let earliest = ms(rec(cj.status).lastScheduleTime) ?? ms(cj.metadata.creationTimestamp) ?? now
  const deadline = rec(cj.spec).startingDeadlineSeconds
  if (withDeadline && typeof deadline === 'number') earliest = Math.max(earliest, now - deadline * 1000)
  const t1 = sched.next(earliest)
  if (now < t1) return { missed: 0 }
  const t2 = sched.next(t1)
  if (now < t2) return { time: t1, missed: 1 }
  const between = Math.round((t2 - t1) / 1000)
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second')
  const missed = Math.floor(Math.floor((now - t1) / 1000) / between) + 1
  let recent: number | undefined
  let t = sched.next(t1 + (missed - 2) * between * 1000)
  for (; t <= now; t = sched.next(t)) recent = t
  if (recent === undefined) {
    for (t = t1; t <= now; t = sched.next(t)) recent = t
  }
  return { time: recent, missed }
}

class CronJobController {
  private readonly rt: ControllerRuntime
  private readonly cjInf: SharedInformer
  private readonly jobInf: SharedInformer
  private readonly jobsByOwner: Index
  private readonly events: EventRecorder

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
    this.cjInf = this.rt.informer(resources.cronjobs)
    this.jobInf = this.rt.informer(resources.jobs)
    this.jobsByOwner = this.jobInf.index('controller', controllerUidIndex)
    this.events = new EventRecorder(ctx.client, 'cronjob-controller', ctx.clock, ctx.log)
  }

  async run(): Promise<RunningController> {
    this.cjInf.on({
      add: (cj) => this.rt.enqueueObject(cj),
      update: (cj, old) => {
        this.rt.enqueueObject(cj)
        // A new schedule or time zone: requeue from scratch.
        if (rec(cj.spec).schedule !== rec(old.spec).schedule || rec(cj.spec).timeZone !== rec(old.spec).timeZone) {
          this.rt.enqueueObject(cj)
        }
      },
    })
    const onJob = (job: KubeObject) => {
      const ref = controllerRefOf(job)
      if (ref?.kind !== 'CronJob') return
      const cj = this.cjInf.get(job.metadata.namespace ?? '', ref.name)
      if (cj && cj.metadata.uid === ref.uid) this.rt.enqueueObject(cj)
    }
    this.jobInf.on({ add: onJob, update: onJob, delete: onJob })
    await this.rt.start()
    return this.rt
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const cached = this.cjInf.get(ns, name)
    if (!cached) return
    const cj = structuredClone(cached)
    const jobs = this.jobsByOwner.get(cj.metadata.uid ?? '').filter((j) => controllerRefOf(j)?.kind === 'CronJob')
    // The next run is due relative to the moment this sync looked at the clock, not to when its
    // writes are done (a fake clock may even have jumped past it meanwhile).
    const syncedAt = this.rt.clock.now()
    const { requeueAfter, update } = await this.syncCronJob(cj, jobs)
    const cleaned = await this.cleanupFinishedJobs(cj, jobs)
    if (update || cleaned) {
      const patch = mergeDiff(cached.status, compactStatus(rec(cj.status)))
      if (patch) {
        try {
          await this.rt.client.patch(
            resources.cronjobs,
            ns,
            name,
            'merge',
            { status: patch },
            { subresource: 'status' },
          )
        } catch (e) {
          if (e instanceof StatusError && e.code === 404) return
          throw e
        }
      }
    }
    if (requeueAfter !== undefined) this.rt.enqueueAt(key, syncedAt + requeueAfter)
  }

  private active(cj: KubeObject): ActiveRef[] {
    return arr(rec(cj.status).active).map((r) => rec(r) as unknown as ActiveRef)
  }

  private setActive(cj: KubeObject, list: ActiveRef[]): void {
    const st = rec(cj.status)
    if (list.length > 0) st.active = list
    else delete st.active
    cj.status = st
  }

  private async syncCronJob(cj: KubeObject, jobs: KubeObject[]): Promise<{ requeueAfter?: number; update: boolean }> {
    const now = this.rt.clock.now()
    const spec = rec(cj.spec)
    let update = false
    const children = new Set<string>()
    for (const j of jobs) {
      const uid = j.metadata.uid ?? ''
      children.add(uid)
      const found = this.active(cj).some((r) => r.uid === uid)
      if (!found && !isJobFinished(j)) {
        const fresh = await this.rt.client.get(resources.cronjobs, cj.metadata.namespace ?? '', cj.metadata.name ?? '')
        if (this.active(fresh).some((r) => r.uid === uid)) {
          cj.status = structuredClone(fresh.status)
          continue
        }
        this.events.event(
          cj,
          'Warning',
          'UnexpectedJob',
          `Saw a job that the controller did not create or forgot: ${j.metadata.name}`,
        )
      } else if (found && isJobFinished(j)) {
        const cond = jobCondition(j, 'Complete')?.status === 'True' ? 'Complete' : 'Failed'
        this.setActive(
          cj,
          this.active(cj).filter((r) => r.uid !== uid),
        )
        this.events.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${cond}`)
        update = true
      }
      if (jobCondition(j, 'Complete')?.status === 'True') {
        const completion = ms(rec(j.status).completionTime)
        const last = ms(rec(cj.status).lastSuccessfulTime)
        if (completion !== undefined && (last === undefined || completion > last)) {
          rec(cj.status).lastSuccessfulTime = rec(j.status).completionTime
          cj.status = rec(cj.status)
          update = true
        }
      }
    }
    // Active jobs that no longer exist leave the list.
    for (const r of this.active(cj)) {
      if (children.has(r.uid)) continue
      try {
        await this.rt.client.get(resources.jobs, r.namespace, r.name)
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e
        this.events.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${r.name}`)
        this.setActive(
          cj,
          this.active(cj).filter((x) => x.uid !== r.uid),
        )
        update = true
      }
    }
    if (cj.metadata.deletionTimestamp) return { update }
    const tz = typeof spec.timeZone === 'string' ? spec.timeZone : undefined
    if (tz !== undefined && !validTimeZone(tz)) {
      this.events.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: "${tz}": unknown time zone ${tz}`)
      return { update }
    }
    if (spec.suspend === true) return { update }
    let sched: Schedule
    try {
      sched = parseSchedule(str(spec.schedule), tz)
    } catch (e) {
      this.events.event(
        cj,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: "${str(spec.schedule)}" : ${e instanceof Error ? e.message : e}`,
      )
      return { update }
    }
    const nextIn = () => this.nextScheduleIn(cj, now, sched)
    let recent: { time?: number; missed: number }
    try {
      recent = mostRecentSchedule(cj, now, sched, true)
    } catch (e) {
      this.events.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${str(spec.schedule)} : ${e}`)
      return { update }
    }
    if (recent.time === undefined || recent.time > now) return { requeueAfter: nextIn(), update }
    const scheduled = recent.time
    if (recent.missed > TOO_MANY_MISSED) {
      this.events.event(
        cj,
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      )
    }
    const deadline = spec.startingDeadlineSeconds
    if (typeof deadline === 'number' && scheduled + deadline * 1000 < now) {
      this.events.event(
        cj,
        'Warning',
        'MissSchedule',
        `Missed scheduled time to start a job: ${new Date(scheduled).toUTCString().replace('GMT', '+0000')}`,
      )
      return { requeueAfter: nextIn(), update }
    }
    const name = jobName(cj, scheduled)
    if (this.active(cj).some((r) => r.name === name) || ms(rec(cj.status).lastScheduleTime) === scheduled) {
      return { requeueAfter: nextIn(), update }
    }
    if (spec.concurrencyPolicy === 'Forbid' && this.active(cj).length > 0) {
      this.events.event(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      )
      return { requeueAfter: nextIn(), update }
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const r of this.active(cj)) {
        await this.deleteJob(cj, r.namespace, r.name, r.uid)
        update = true
      }
    }
    const ns = cj.metadata.namespace ?? ''
    const template = rec(spec.jobTemplate)
    const tmeta = rec(template.metadata)
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: ns,
        labels: { ...(tmeta.labels as Record<string, string> | undefined) },
        annotations: {
          ...(tmeta.annotations as Record<string, string> | undefined),
          [SCHEDULED_TIMESTAMP]: rfc3339In(scheduled, tz),
        },
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: structuredClone(rec(template.spec)),
    }
    if (Object.keys(job.metadata.labels ?? {}).length === 0) delete job.metadata.labels
    let created: KubeObject
    try {
      created = await this.rt.client.create(resources.jobs, ns, job)
      this.events.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`)
    } catch (e) {
      if (e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists') {
        created = await this.rt.client.get(resources.jobs, ns, name)
        if (controllerRefOf(created)?.uid !== cj.metadata.uid) return { update }
        if (this.active(cj).some((r) => r.uid === created.metadata.uid)) return { update }
      } else {
        if (!(e instanceof StatusError && e.code === 403)) {
          this.events.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${e instanceof Error ? e.message : e}`)
        }
        throw e
      }
    }
    this.setActive(cj, [
      ...this.active(cj),
      {
        kind: 'Job',
        namespace: ns,
        name: created.metadata.name ?? '',
        uid: created.metadata.uid ?? '',
        apiVersion: 'batch/v1',
        resourceVersion: created.metadata.resourceVersion,
      },
    ])
    rec(cj.status).lastScheduleTime = timestamp(scheduled)
    cj.status = rec(cj.status)
    return { requeueAfter: this.nextScheduleIn(cj, now, sched), update: true }
  }

  /** nextScheduleTimeDuration: until the next schedule time after the most recent one, plus 100ms. */
  private nextScheduleIn(cj: KubeObject, now: number, sched: Schedule): number {
    let base: number
    try {
      const recent = mostRecentSchedule(cj, now, sched, false)
      base = recent.time ?? ms(rec(cj.status).lastScheduleTime) ?? ms(cj.metadata.creationTimestamp) ?? now
    } catch {
      return 60_000
    }
    return Math.max(0, sched.next(base) + NEXT_SCHEDULE_DELTA_MS - now)
  }

  private async deleteJob(cj: KubeObject, ns: string, name: string, uid: string): Promise<boolean> {
    try {
      await this.rt.client.delete(resources.jobs, ns, name, { propagationPolicy: 'Background' })
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) {
        this.events.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${e instanceof Error ? e.message : e}`)
        return false
      }
    }
    this.setActive(
      cj,
      this.active(cj).filter((r) => r.uid !== uid),
    )
    this.events.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`)
    return true
  }

  /** cleanupFinishedJobs: keeps successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs. */
  private async cleanupFinishedJobs(cj: KubeObject, jobs: KubeObject[]): Promise<boolean> {
    const spec = rec(cj.spec)
    const ok: KubeObject[] = []
    const bad: KubeObject[] = []
    for (const j of jobs) {
      if (j.metadata.deletionTimestamp) continue
      if (jobCondition(j, 'Complete')?.status === 'True') ok.push(j)
      else if (jobCondition(j, 'Failed')?.status === 'True') bad.push(j)
    }
    let changed = false
    for (const [list, limit] of [
      [ok, spec.successfulJobsHistoryLimit],
      [bad, spec.failedJobsHistoryLimit],
    ] as const) {
      if (typeof limit !== 'number') continue
      const excess = list.length - limit
      if (excess <= 0) continue
      list.sort(byStartTime)
      for (const j of list.slice(0, excess)) {
        if (await this.deleteJob(cj, j.metadata.namespace ?? '', j.metadata.name ?? '', j.metadata.uid ?? '')) {
          changed = true
        }
      }
    }
    return changed
  }
}

/** byJobStartTime: earliest start first, jobs that never started last, then by name. */
function byStartTime(a: KubeObject, b: KubeObject): number {
  const sa = ms(rec(a.status).startTime)
  const sb = ms(rec(b.status).startTime)
  if (sa === undefined && sb !== undefined) return 1
  if (sa !== undefined && sb === undefined) return -1
  if (sa === sb) return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')
  return (sa ?? 0) - (sb ?? 0)
}

function compactStatus(st: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (arr(st.active).length > 0) out.active = st.active
  if (st.lastScheduleTime) out.lastScheduleTime = st.lastScheduleTime
  if (st.lastSuccessfulTime) out.lastSuccessfulTime = st.lastSuccessfulTime
  return out
}

export const cronJobController: ControllerDescriptor = {
  name: 'cronjob-controller',
  start: (ctx) => new CronJobController(ctx).run(),
}
