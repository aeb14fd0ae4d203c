// The Job controller (pkg/controller/job) as Kubernetes 1.31 runs it: pods up to parallelism
// until completions succeed (NonIndexed or Indexed), counted through the
// batch.kubernetes.io/job-tracking finalizer and status.uncountedTerminatedPods; failures back
// off exponentially and past backoffLimit the Job fails; activeDeadlineSeconds; suspend and
// resume. Terminal conditions are reached in two steps: SuccessCriteriaMet then Complete,
// FailureTarget then Failed, once no pod is left running.

import { arr, num, rec, str } from '../../../apis/json.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { slowStartBatch } from '../replicaset.ts'
import { claimObjects, recheckOwner } from '../util/claim.ts'
import { EventRecorder } from '../util/events.ts'
import { Expectations } from '../util/expectations.ts'
import {
  controllerUidIndex,
  type Index,
  namespaceIndex,
  orphanNamespaceIndex,
  type SharedInformer,
} from '../util/informers.ts'
import { type Condition, controllerRefOf, keyOf, newControllerRef, now, splitKey } from '../util/meta.ts'
import { compareActivePods, isPodActive, isPodReady, podFromTemplate, podPhase } from '../util/pods.ts'
import { ControllerRuntime } from '../util/runtime.ts'
import { nonEmptySelector, specSelector } from '../util/selectors.ts'
import { mergeDiff } from '../util/status.ts'
import { addIndexEnv, COMPLETION_INDEX, completionIndex, formatIndexes, parseIndexes } from './indexes.ts'

export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking'
const MAX_UNCOUNTED = 500
const MAX_CREATE_DELETE = 500
const BACKOFF_BASE_MS = 10_000
const BACKOFF_MAX_MS = 6 * 60_000

interface Backoff {
  failures: number
  last: number
}

export function jobCondition(job: KubeObject, type: string): Condition | undefined {
  return arr(rec(job.status).conditions)
    .map((c) => rec(c) as Condition)
    .find((c) => c.type === type)
}

export function isJobFinished(job: KubeObject): boolean {
  return ['Complete', 'Failed'].some((t) => jobCondition(job, t)?.status === 'True')
}

const hasFinalizer = (p: KubeObject) => (p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER)

function newCondition(type: string, status: string, reason: string, message: string, t: number): Condition {
  const ts = now(t)
  return { type, status, lastProbeTime: ts, lastTransitionTime: ts, reason, message }
}

/** ensureJobConditionStatus: returns whether the list changed. */
function ensureCondition(st: Record<string, unknown>, c: Condition): boolean {
  const list = arr(st.conditions).map((x) => rec(x) as Condition)
  const i = list.findIndex((x) => x.type === c.type)
  if (i >= 0) {
    const cur = list[i]
    if (cur.status === c.status && cur.reason === c.reason && cur.message === c.message) return false
    list[i] = c
    st.conditions = list
    return true
  }
  if (c.status === 'False') return false
  st.conditions = [...list, c]
  return true
}

class JobController {
  private readonly rt: ControllerRuntime
  private readonly jobInf: SharedInformer
  private readonly podInf: SharedInformer
  private readonly podsByOwner: Index
  private readonly orphanPods: Index
  private readonly jobsByNamespace: Index
  private readonly expectations = new Expectations()
  /** Pod UIDs whose finalizer removal was sent but not yet seen, by job key. */
  private readonly finalizerRemovals = new Map<string, Set<string>>()
  private readonly backoff = new Map<string, Backoff>()
  private readonly events: EventRecorder

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
    this.jobInf = this.rt.informer(resources.jobs)
    this.podInf = this.rt.informer(resources.pods)
    this.podsByOwner = this.podInf.index('controller', controllerUidIndex)
    this.orphanPods = this.podInf.index('orphans', orphanNamespaceIndex)
    this.jobsByNamespace = this.jobInf.index('namespace', namespaceIndex)
    this.events = new EventRecorder(ctx.client, 'job-controller', ctx.clock, ctx.log)
  }

  async run(): Promise<RunningController> {
    this.jobInf.on({
      add: (j) => this.rt.enqueueObject(j),
      update: (j) => this.rt.enqueueObject(j),
      delete: (j) => {
        const key = keyOf(j)
        this.expectations.forget(key)
        this.finalizerRemovals.delete(key)
        this.backoff.delete(key)
        // Pods of a deleted Job must not keep the tracking finalizer.
        for (const p of this.podsByOwner.get(j.metadata.uid ?? '')) if (hasFinalizer(p)) void this.removeFinalizer(p)
      },
    })
    this.podInf.on({
      add: (p) => {
        const job = this.resolve(p)
        if (job) {
          this.expectations.creationObserved(keyOf(job))
          this.rt.enqueueObject(job)
        } else this.orphan(p)
      },
      update: (p, old) => {
        if (p.metadata.resourceVersion === old.metadata.resourceVersion) return
        const job = this.resolve(p)
        if (job) {
          const key = keyOf(job)
          if (p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
            this.expectations.deletionObserved(key, keyOf(p))
          }
          if (!hasFinalizer(p)) this.finalizerRemovals.get(key)?.delete(p.metadata.uid ?? '')
          this.rt.enqueueObject(job)
        } else this.orphan(p)
        const prev = this.resolve(old)
        if (prev && prev.metadata.uid !== job?.metadata.uid) this.rt.enqueueObject(prev)
      },
      delete: (p) => {
        const job = this.resolve(p)
        if (!job) return
        const key = keyOf(job)
        this.expectations.deletionObserved(key, keyOf(p))
        this.finalizerRemovals.get(key)?.delete(p.metadata.uid ?? '')
        this.rt.enqueueObject(job)
      },
    })
    await this.rt.start()
    return this.rt
  }

  private resolve(pod: KubeObject): KubeObject | undefined {
    const ref = controllerRefOf(pod)
    if (ref?.kind !== 'Job') return undefined
    const job = this.jobInf.get(pod.metadata.namespace ?? '', ref.name)
    return job && job.metadata.uid === ref.uid ? job : undefined
  }

  /** An orphan pod: a Job may adopt it; one that keeps the tracking finalizer loses it. */
  private orphan(pod: KubeObject): void {
    const ref = controllerRefOf(pod)
    if (ref) {
      if (ref.kind === 'Job' && hasFinalizer(pod) && !this.jobInf.get(pod.metadata.namespace ?? '', ref.name)) {
        void this.removeFinalizer(pod)
      }
      return
    }
    let matched = false
    for (const j of this.jobsByNamespace.get(pod.metadata.namespace ?? '')) {
      if (nonEmptySelector(j).matches(pod.metadata.labels)) {
        this.rt.enqueueObject(j)
        matched = true
      }
    }
    if (!matched && hasFinalizer(pod)) void this.removeFinalizer(pod)
  }

  private async removeFinalizer(pod: KubeObject): Promise<void> {
    try {
      await this.rt.client.patch(resources.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'strategic', {
        metadata: { '$deleteFromPrimitiveList/finalizers': [TRACKING_FINALIZER] },
      })
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404))
        this.rt.log.warn('Failed to remove the job tracking finalizer', { err: String(e) })
    }
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const cached = this.jobInf.get(ns, name)
    if (!cached) {
      this.expectations.forget(key)
      this.backoff.delete(key)
      return
    }
    const managedBy = rec(cached.spec).managedBy
    if (typeof managedBy === 'string' && managedBy !== 'kubernetes.io/job-controller') return
    if (isJobFinished(cached)) {
      this.backoff.delete(key)
      return
    }
    const job = structuredClone(cached)
    const spec = rec(job.spec)
    const mode = spec.completionMode ?? 'NonIndexed'
    if (mode !== 'NonIndexed' && mode !== 'Indexed') {
      this.events.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown')
      return
    }
    const indexed = mode === 'Indexed'
    const completions = typeof spec.completions === 'number' ? spec.completions : undefined
    const parallelism = num(spec.parallelism ?? 1)
    const backoffLimit = num(spec.backoffLimit ?? 6)
    const suspended = spec.suspend === true
    const t = this.rt.clock.now()
    const st: Record<string, unknown> = structuredClone(rec(job.status))
    const uncounted = rec(st.uncountedTerminatedPods)
    const uncSucceeded = new Set(arr(uncounted.succeeded).map(str))
    const uncFailed = new Set(arr(uncounted.failed).map(str))
    const expectedRm = this.finalizerRemovals.get(key) ?? new Set<string>()

    const satisfied = this.expectations.satisfied(key)
    const pods = await claimObjects(
      {
        client: this.rt.client,
        resource: resources.pods,
        log: this.rt.log,
        owner: job,
        ref: newControllerRef(job, 'batch/v1', 'Job'),
        selector: specSelector(job),
        canAdopt: recheckOwner(this.rt.client, resources.jobs, job),
        adoptFinalizers: [TRACKING_FINALIZER],
      },
      [...this.podsByOwner.get(job.metadata.uid ?? ''), ...this.orphanPods.get(ns)],
    )
    const activePods = pods.filter(isPodActive)
    let active = activePods.length
    let ready = activePods.filter(isPodReady).length
    let terminating = pods.filter(
      (p) => p.metadata.deletionTimestamp && !['Failed', 'Succeeded'].includes(podPhase(p)),
    ).length
    const onlyFailed = spec.podReplacementPolicy === 'Failed'
    const isFailed = (p: KubeObject) => {
      if (podPhase(p) === 'Failed') return true
      if (onlyFailed) return false
      return !!p.metadata.deletionTimestamp && podPhase(p) !== 'Succeeded'
    }
    const validIndex = (p: KubeObject) =>
      !indexed || (completionIndex(p) >= 0 && completionIndex(p) < (completions ?? 0))
    const counted = (p: KubeObject) => !hasFinalizer(p) || expectedRm.has(p.metadata.uid ?? '')
    const newSucceeded = pods.filter(
      (p) => !counted(p) && !uncSucceeded.has(p.metadata.uid ?? '') && validIndex(p) && podPhase(p) === 'Succeeded',
    )
    const newFailed = pods.filter(
      (p) => !counted(p) && !uncFailed.has(p.metadata.uid ?? '') && validIndex(p) && isFailed(p),
    )
    let succeeded = num(st.succeeded) + newSucceeded.length + uncSucceeded.size
    const failed = num(st.failed) + newFailed.length + uncFailed.size

    if (st.startTime === undefined && !suspended) st.startTime = now(t)
    const prevBackoff = this.backoff.get(key) ?? { failures: 0, last: 0 }
    const nextBackoff: Backoff =
      newSucceeded.length > 0
        ? { failures: newFailed.length, last: newFailed.length > 0 ? t : 0 }
        : { failures: prevBackoff.failures + newFailed.length, last: newFailed.length > 0 ? t : prevBackoff.last }

    // What finishes the Job, if anything.
    let finished: Condition | undefined
    const criteriaMet = jobCondition(job, 'SuccessCriteriaMet')
    if (criteriaMet?.status === 'True') finished = criteriaMet
    else {
      const target = jobCondition(job, 'FailureTarget')
      if (target?.status === 'True')
        finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', t)
    }
    const startMs = Date.parse(str(st.startTime))
    const deadline = spec.activeDeadlineSeconds
    if (!finished) {
      if (failed > backoffLimit || this.pastBackoffLimitOnFailure(job, pods, backoffLimit)) {
        finished = newCondition(
          'FailureTarget',
          'True',
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
          t,
        )
      } else if (
        typeof deadline === 'number' &&
        !suspended &&
        !Number.isNaN(startMs) &&
        t - startMs >= deadline * 1000
      ) {
        finished = newCondition(
          'FailureTarget',
          'True',
          'DeadlineExceeded',
          'Job was active longer than specified deadline',
          t,
        )
      } else if (typeof deadline === 'number' && !suspended && !Number.isNaN(startMs)) {
        this.rt.enqueueAt(key, startMs + deadline * 1000)
      }
    }

    let succeededIndexes = new Set<number>()
    let prevSucceededIndexes = new Set<number>()
    if (indexed) {
      prevSucceededIndexes = parseIndexes(st.completedIndexes, completions ?? 0)
      succeededIndexes = new Set(prevSucceededIndexes)
      for (const p of pods) if (podPhase(p) === 'Succeeded' && validIndex(p)) succeededIndexes.add(completionIndex(p))
      succeeded = succeededIndexes.size
    }

    let suspendChanged = false
    if (finished) {
      const [deletedReady, deleted] = await this.deletePods(job, activePods, false)
      if (deleted !== active || !satisfied) finished = undefined
      active -= deleted
      terminating += deleted
      ready -= deletedReady
    } else {
      let managed = false
      if (satisfied && !job.metadata.deletionTimestamp) {
        active = await this.manageJob(job, activePods, {
          succeeded,
          succeededIndexes,
          terminating,
          remaining: Math.max(0, nextBackoff.last + backoffDelay(nextBackoff.failures) - t),
          parallelism,
          completions,
          indexed,
          suspended,
          onDelete: (r, n) => {
            ready -= r
            terminating += n
          },
        })
        managed = true
      }
      const complete =
        completions === undefined ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0
      if (complete) {
        finished = newCondition(
          'SuccessCriteriaMet',
          'True',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
          t,
        )
      } else if (managed) {
        if (suspended) {
          suspendChanged = ensureCondition(st, newCondition('Suspended', 'True', 'JobSuspended', 'Job suspended', t))
          if (suspendChanged) this.events.event(job, 'Normal', 'Suspended', 'Job suspended')
        } else {
          suspendChanged = ensureCondition(st, newCondition('Suspended', 'False', 'JobResumed', 'Job resumed', t))
          if (suspendChanged) {
            this.events.event(job, 'Normal', 'Resumed', 'Job resumed')
            st.startTime = now(t)
          }
        }
      }
    }

    let needsFlush =
      suspendChanged ||
      active !== num(st.active) ||
      ready !== num(st.ready ?? -1) ||
      terminating !== num(st.terminating ?? -1) ||
      st.startTime !== rec(job.status).startTime
    st.active = active
    st.ready = ready
    st.terminating = terminating

    // trackJobStatusAndRemoveFinalizers
    const withFinalizer = new Set(pods.filter((p) => !counted(p)).map((p) => p.metadata.uid ?? ''))
    if (cleanUncounted(st, uncSucceeded, uncFailed, withFinalizer)) needsFlush = true
    const toRemove: KubeObject[] = []
    const newIndexes: number[] = []
    for (const p of pods) {
      if (counted(p)) continue
      const uid = p.metadata.uid ?? ''
      const considerFailed = isFailed(p)
      if (!(job.metadata.deletionTimestamp || finished || podPhase(p) === 'Succeeded' || considerFailed)) continue
      toRemove.push(p)
      if (podPhase(p) === 'Succeeded' && !uncFailed.has(uid)) {
        if (indexed) {
          const ix = completionIndex(p)
          if (validIndex(p) && !prevSucceededIndexes.has(ix)) {
            newIndexes.push(ix)
            needsFlush = true
          }
        } else if (!uncSucceeded.has(uid)) {
          uncSucceeded.add(uid)
          needsFlush = true
        }
      } else if (considerFailed || (finished && finished.type !== 'SuccessCriteriaMet')) {
        if (!uncFailed.has(uid) && validIndex(p)) {
          uncFailed.add(uid)
          needsFlush = true
        }
      }
      if (newIndexes.length + uncSucceeded.size + uncFailed.size >= MAX_UNCOUNTED) break
    }
    setUncounted(st, uncSucceeded, uncFailed)
    if (indexed) {
      const all = new Set([...prevSucceededIndexes, ...newIndexes])
      const s = formatIndexes(all)
      if (s !== str(st.completedIndexes)) needsFlush = true
      if (s) st.completedIndexes = s
      else delete st.completedIndexes
      st.succeeded = all.size
    }
    if (finished?.type === 'FailureTarget') {
      st.conditions = [...arr(st.conditions), finished]
      needsFlush = true
      finished = newCondition('Failed', 'True', finished.reason ?? '', finished.message ?? '', t)
    }
    if (finished?.type === 'SuccessCriteriaMet') {
      if (jobCondition({ metadata: {}, status: st }, 'SuccessCriteriaMet') === undefined) {
        st.conditions = [...arr(st.conditions), finished]
        needsFlush = true
      }
      finished = newCondition('Complete', 'True', finished.reason ?? '', finished.message ?? '', t)
    }
    if (needsFlush) {
      await this.writeStatus(job, st)
      this.backoff.set(key, nextBackoff)
    }
    // Remove finalizers, then count the pods that lost them.
    if (toRemove.length > 0) {
      const set = this.finalizerRemovals.get(key) ?? new Set<string>()
      this.finalizerRemovals.set(key, set)
      const results = await Promise.all(
        toRemove.map(async (p) => {
          set.add(p.metadata.uid ?? '')
          try {
            await this.rt.client.patch(resources.pods, p.metadata.namespace ?? '', p.metadata.name ?? '', 'strategic', {
              metadata: { '$deleteFromPrimitiveList/finalizers': [TRACKING_FINALIZER] },
            })
            return true
          } catch (e) {
            set.delete(p.metadata.uid ?? '')
            if (e instanceof StatusError && e.code === 404) return true
            this.rt.log.warn('Failed to remove the job tracking finalizer', { pod: p.metadata.name, err: String(e) })
            return false
          }
        }),
      )
      toRemove.forEach((p, i) => {
        if (results[i]) withFinalizer.delete(p.metadata.uid ?? '')
      })
      if (cleanUncounted(st, uncSucceeded, uncFailed, withFinalizer)) {
        setUncounted(st, uncSucceeded, uncFailed)
        needsFlush = true
      } else needsFlush = false
    } else needsFlush = false
    // enactJobFinished: the terminal condition once nothing is uncounted or terminating.
    if (finished && uncSucceeded.size + uncFailed.size === 0 && terminating === 0) {
      ensureCondition(st, finished)
      if (finished.type === 'Complete') st.completionTime = finished.lastTransitionTime
      needsFlush = true
      if (finished.type === 'Complete') {
        if (completions !== undefined && num(st.succeeded) > completions) {
          this.events.event(
            job,
            'Warning',
            'TooManySucceededPods',
            'Too many succeeded pods running after completion count reached',
          )
        }
        this.events.event(job, 'Normal', 'Completed', 'Job completed')
      } else this.events.event(job, 'Warning', finished.reason ?? '', finished.message ?? '')
    }
    if (needsFlush) await this.writeStatus(job, st)
  }

  private async writeStatus(job: KubeObject, st: Record<string, unknown>): Promise<void> {
    // active, succeeded and failed are omitempty; ready and terminating are pointers (kept at 0).
    const out = { ...st }
    for (const k of ['active', 'succeeded', 'failed']) if (out[k] === 0) delete out[k]
    const patch = mergeDiff(job.status, out)
    if (!patch) return
    const updated = await this.rt.client.patch(
      resources.jobs,
      job.metadata.namespace ?? '',
      job.metadata.name ?? '',
      'merge',
      { status: patch },
      { subresource: 'status' },
    )
    job.status = updated.status
  }

  /** pastBackoffLimitOnFailure: container restarts of OnFailure pods count as failures. */
  private pastBackoffLimitOnFailure(job: KubeObject, pods: KubeObject[], limit: number): boolean {
    if (rec(rec(rec(job.spec).template).spec).restartPolicy !== 'OnFailure') return false
    let restarts = 0
    for (const p of pods) {
      const phase = podPhase(p)
      if (phase !== 'Running' && phase !== 'Pending') continue
      const s = rec(p.status)
      for (const cs of [...arr(s.initContainerStatuses), ...arr(s.containerStatuses)])
        restarts += num(rec(cs).restartCount)
    }
    return limit === 0 ? restarts > 0 : restarts >= limit
  }

  /** Deletes pods (keeping their finalizers unless asked); returns [ready deleted, deleted]. */
  private async deletePods(job: KubeObject, pods: KubeObject[], expect: boolean): Promise<[number, number]> {
    const key = keyOf(job)
    if (expect) this.expectations.expectDeletions(key, pods.map(keyOf))
    let deleted = 0
    let deletedReady = 0
    let firstErr: unknown
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.rt.client.delete(resources.pods, p.metadata.namespace ?? '', p.metadata.name ?? '')
          this.events.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`)
          deleted++
          if (isPodReady(p)) deletedReady++
        } catch (e) {
          if (expect) this.expectations.deletionObserved(key, keyOf(p))
          if (e instanceof StatusError && e.code === 404) {
            deleted++
            return
          }
          firstErr ??= e
        }
      }),
    )
    if (firstErr) throw firstErr
    return [deletedReady, deleted]
  }

  /** manageJob: creates or deletes pods towards the wanted number of active pods; returns active. */
  private async manageJob(
    job: KubeObject,
    activePods: KubeObject[],
    o: {
      succeeded: number
      succeededIndexes: Set<number>
      terminating: number
      remaining: number
      parallelism: number
      completions: number | undefined
      indexed: boolean
      suspended: boolean
      onDelete: (ready: number, deleted: number) => void
    },
  ): Promise<number> {
    const key = keyOf(job)
    let active = activePods.length
    if (o.suspended) {
      const [r, n] = await this.deletePods(job, activePods, true)
      o.onDelete(r, n)
      return active - n
    }
    let want: number
    if (o.completions === undefined) want = o.succeeded > 0 ? active : o.parallelism
    else want = Math.max(0, Math.min(o.completions - o.succeeded, o.parallelism))
    const rmAtLeast = Math.max(0, active - want)
    const remove = this.podsForRemoval(activePods, rmAtLeast, o.indexed, o.completions ?? 0).slice(0, MAX_CREATE_DELETE)
    if (remove.length > 0) {
      const [r, n] = await this.deletePods(job, remove, true)
      o.onDelete(r, n)
      return active - n
    }
    const terminating = rec(job.spec).podReplacementPolicy === 'Failed' ? o.terminating : 0
    let diff = want - terminating - active
    if (diff <= 0) return active
    if (o.remaining > 0) {
      this.rt.enqueueAfter(key, o.remaining)
      return active
    }
    diff = Math.min(diff, MAX_CREATE_DELETE)
    const indexes: number[] = []
    if (o.indexed) {
      const taken = new Set([...o.succeededIndexes, ...activePods.map(completionIndex)])
      for (let i = 0; i < (o.completions ?? 0) && indexes.length < diff; i++) if (!taken.has(i)) indexes.push(i)
      diff = indexes.length
      if (diff === 0) return active
    }
    this.expectations.expectCreations(key, diff)
    const template = structuredClone(rec(rec(job.spec).template))
    if (o.indexed) addIndexEnv(rec(template.spec))
    const tmeta = rec(template.metadata)
    const fins = arr(tmeta.finalizers).map(str)
    if (!fins.includes(TRACKING_FINALIZER)) tmeta.finalizers = [...fins, TRACKING_FINALIZER]
    template.metadata = tmeta
    const ref = newControllerRef(job, 'batch/v1', 'Job')
    const ns = job.metadata.namespace ?? ''
    const name = job.metadata.name ?? ''
    const { attempted, err } = await slowStartBatch(diff, async () => {
      let pod: KubeObject
      if (o.indexed) {
        const ix = indexes.shift() ?? 0
        pod = podFromTemplate(template, ns, ref, { generateName: `${name}-${ix}-` })
        pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [COMPLETION_INDEX]: String(ix) }
        pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [COMPLETION_INDEX]: String(ix) }
        rec(pod.spec).hostname = `${name}-${ix}`
      } else pod = podFromTemplate(template, ns, ref, { generateName: `${name}-` })
      try {
        const created = await this.rt.client.create(resources.pods, ns, pod)
        active++
        this.events.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`)
      } catch (e) {
        this.expectations.creationObserved(key)
        if (e instanceof StatusError && e.code === 403 && /being terminated/.test(e.message)) return
        this.events.event(job, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : e}`)
        throw e
      }
    })
    for (let i = attempted; i < diff; i++) this.expectations.creationObserved(key)
    if (err) throw err
    return active
  }

  /** activePodsForRemoval: duplicated or out-of-range indexes, then the least advanced pods. */
  private podsForRemoval(pods: KubeObject[], rmAtLeast: number, indexed: boolean, completions: number): KubeObject[] {
    const rm: KubeObject[] = []
    let left = pods
    if (indexed) {
      left = []
      const byIndex = new Map<number, KubeObject[]>()
      for (const p of pods) {
        const ix = completionIndex(p)
        if (ix < 0 || ix >= completions) rm.push(p)
        else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p])
      }
      for (const list of byIndex.values()) {
        list.sort(compareActivePods)
        left.push(list[list.length - 1])
        rm.push(...list.slice(0, -1))
      }
    }
    if (rm.length < rmAtLeast) {
      const sorted = [...left].sort(compareActivePods)
      rm.push(...sorted.slice(0, rmAtLeast - rm.length))
    }
    return rm
  }
}

function backoffDelay(failures: number): number {
  if (failures <= 0) return 0
  return Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS)
}

/** Moves uncounted pods whose finalizer is gone into the counters. */
function cleanUncounted(
  st: Record<string, unknown>,
  succeeded: Set<string>,
  failed: Set<string>,
  withFinalizer: Set<string>,
): boolean {
  let changed = false
  for (const uid of [...succeeded]) {
    if (withFinalizer.has(uid)) continue
    succeeded.delete(uid)
    st.succeeded = num(st.succeeded) + 1
    changed = true
  }
  for (const uid of [...failed]) {
    if (withFinalizer.has(uid)) continue
    failed.delete(uid)
    st.failed = num(st.failed) + 1
    changed = true
  }
  if (changed) setUncounted(st, succeeded, failed)
  return changed
}

function setUncounted(st: Record<string, unknown>, succeeded: Set<string>, failed: Set<string>): void {
  const u: Record<string, unknown> = {}
  if (succeeded.size > 0) u.succeeded = [...succeeded]
  if (failed.size > 0) u.failed = [...failed]
  st.uncountedTerminatedPods = u
}

export const jobController: ControllerDescriptor = {
  name: 'job-controller',
  start: (ctx) => new JobController(ctx).run(),
}
