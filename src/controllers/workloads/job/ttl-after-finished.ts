// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted (foreground, so its pods go first) that long after it
// finished. Time comes from the injected clock.

import { rec } from '../../../apis/json.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { splitKey } from '../util/meta.ts'
import { ControllerRuntime } from '../util/runtime.ts'
import { isJobFinished, jobCondition } from './controller.ts'

/** When the Job finished (ms): its Complete or Failed condition's transition time. */
function finishTime(job: KubeObject): number | undefined {
  for (const type of ['Complete', 'Failed']) {
    const c = jobCondition(job, type)
    if (c?.status === 'True') {
      const t = Date.parse(c.lastTransitionTime ?? '')
      if (!Number.isNaN(t)) return t
    }
  }
  return undefined
}

class TTLAfterFinishedController {
  private readonly rt: ControllerRuntime

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
  }

  async run(): Promise<RunningController> {
    const inf = this.rt.informer(resources.jobs)
    const consider = (job: KubeObject) => {
      if (
        typeof rec(job.spec).ttlSecondsAfterFinished === 'number' &&
        isJobFinished(job) &&
        !job.metadata.deletionTimestamp
      ) {
        this.rt.enqueueObject(job)
      }
    }
    inf.on({ add: consider, update: consider })
    this.get = (ns, name) => inf.get(ns, name)
    await this.rt.start()
    return this.rt
  }

  private get: (ns: string, name: string) => KubeObject | undefined = () => undefined

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const job = this.get(ns, name)
    if (!job || job.metadata.deletionTimestamp || !isJobFinished(job)) return
    const ttl = rec(job.spec).ttlSecondsAfterFinished
    if (typeof ttl !== 'number') return
    const finished = finishTime(job)
    if (finished === undefined) return
    const expireAt = finished + ttl * 1000
    const now = this.rt.clock.now()
    if (now < expireAt) {
      this.rt.enqueueAt(key, expireAt)
      return
    }
    // Re-read: the TTL may have changed since the cache saw it.
    let fresh: KubeObject
    try {
      fresh = await this.rt.client.get(resources.jobs, ns, name)
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return
      throw e
    }
    const freshTtl = rec(fresh.spec).ttlSecondsAfterFinished
    if (typeof freshTtl !== 'number' || fresh.metadata.deletionTimestamp) return
    if (now < finished + freshTtl * 1000) {
      this.rt.enqueueAt(key, finished + freshTtl * 1000)
      return
    }
    try {
      await this.rt.client.delete(resources.jobs, ns, name, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata.uid },
      })
    } catch (e) {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e
    }
  }
}

export const ttlAfterFinishedController: ControllerDescriptor = {
  name: 'ttl-after-finished-controller',
  start: (ctx) => new TTLAfterFinishedController(ctx).run(),
}
