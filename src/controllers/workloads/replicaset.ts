// The ReplicaSet controller (pkg/controller/replicaset): keeps spec.replicas active pods,
// adopting orphans its selector matches and releasing pods that no longer match, and reports
// replicas / fullyLabeledReplicas / readyReplicas / availableReplicas / observedGeneration and
// the ReplicaFailure condition. Pods are created in slow-start batches (1, 2, 4...) of at most
// 500 per sync; deletion prefers unscheduled, pending, not-ready, doubled-up and younger pods.

import { num, rec, strMap } from '../../apis/json.ts'
import { resources } from '../../client/client.ts'
import { StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../manager.ts'
import { claimObjects, recheckOwner } from './util/claim.ts'
import { EventRecorder } from './util/events.ts'
import { Expectations } from './util/expectations.ts'
import {
  controllerUidIndex,
  type Index,
  namespaceIndex,
  orphanNamespaceIndex,
  type SharedInformer,
} from './util/informers.ts'
import {
  type Condition,
  controllerRefOf,
  getCondition,
  keyOf,
  newControllerRef,
  now,
  removeCondition,
  setCondition,
  splitKey,
} from './util/meta.ts'
import {
  compareForDeletion,
  isPodActive,
  isPodAvailable,
  isPodReady,
  nodeNameOf,
  podFromTemplate,
} from './util/pods.ts'
import { ControllerRuntime } from './util/runtime.ts'
import { nonEmptySelector, specSelector } from './util/selectors.ts'
import { omitEmpty, writeStatus } from './util/status.ts'

export const BURST_REPLICAS = 500

/** Runs fn count times in batches of 1, 2, 4, ... stopping after a batch with a failure. */
export async function slowStartBatch(
  count: number,
  fn: () => Promise<void>,
): Promise<{ attempted: number; err?: unknown }> {
  let remaining = count
  let attempted = 0
  for (let batch = Math.min(remaining, 1); remaining > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()))
    attempted += batch
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined
    if (failed) return { attempted, err: failed.reason }
    remaining -= batch
  }
  return { attempted }
}

export const replicasOf = (obj: KubeObject): number => {
  const r = rec(obj.spec).replicas
  return typeof r === 'number' ? r : 1
}

class ReplicaSetController {
  private readonly rt: ControllerRuntime
  private readonly rsInf: SharedInformer
  private readonly podInf: SharedInformer
  private readonly podsByOwner: Index
  private readonly orphanPods: Index
  private readonly rsByNamespace: Index
  private readonly rsByOwner: Index
  private readonly expectations = new Expectations()
  private readonly events: EventRecorder

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
    this.rsInf = this.rt.informer(resources.replicasets)
    this.podInf = this.rt.informer(resources.pods)
    this.podsByOwner = this.podInf.index('controller', controllerUidIndex)
    this.orphanPods = this.podInf.index('orphans', orphanNamespaceIndex)
    this.rsByNamespace = this.rsInf.index('namespace', namespaceIndex)
    this.rsByOwner = this.rsInf.index('controller', controllerUidIndex)
    this.events = new EventRecorder(ctx.client, 'replicaset-controller', ctx.clock, ctx.log)
  }

  async run(): Promise<RunningController> {
    this.rsInf.on({
      add: (rs) => this.rt.enqueueObject(rs),
      update: (rs) => this.rt.enqueueObject(rs),
      delete: (rs) => this.expectations.forget(keyOf(rs)),
    })
    this.podInf.on({
      add: (p) => this.addPod(p),
      update: (p, old) => this.updatePod(p, old),
      delete: (p) => this.deletePod(p),
    })
    await this.rt.start()
    return this.rt
  }

  private resolve(pod: KubeObject): KubeObject | undefined {
    const ref = controllerRefOf(pod)
    if (ref?.kind !== 'ReplicaSet') return undefined
    const rs = this.rsInf.get(pod.metadata.namespace ?? '', ref.name)
    return rs && rs.metadata.uid === ref.uid ? rs : undefined
  }

  private matchingReplicaSets(pod: KubeObject): KubeObject[] {
    return this.rsByNamespace
      .get(pod.metadata.namespace ?? '')
      .filter((rs) => nonEmptySelector(rs).matches(pod.metadata.labels))
  }

  private addPod(pod: KubeObject): void {
    if (pod.metadata.deletionTimestamp) {
      this.deletePod(pod)
      return
    }
    if (controllerRefOf(pod)) {
      const rs = this.resolve(pod)
      if (!rs) return
      this.expectations.creationObserved(keyOf(rs))
      this.rt.enqueueObject(rs)
      return
    }
    for (const rs of this.matchingReplicaSets(pod)) this.rt.enqueueObject(rs)
  }

  private updatePod(pod: KubeObject, old: KubeObject): void {
    if (pod.metadata.resourceVersion === old.metadata.resourceVersion) return
    const labelsChanged = JSON.stringify(pod.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {})
    if (pod.metadata.deletionTimestamp) {
      this.deletePod(pod)
      if (labelsChanged) this.deletePod(old)
      return
    }
    const cur = controllerRefOf(pod)
    const prev = controllerRefOf(old)
    const refChanged = cur?.uid !== prev?.uid
    if (refChanged && prev) {
      const rs = this.resolve(old)
      if (rs) this.rt.enqueueObject(rs)
    }
    if (cur) {
      const rs = this.resolve(pod)
      if (!rs) return
      this.rt.enqueueObject(rs)
      const minReady = num(rec(rs.spec).minReadySeconds)
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0) this.rt.enqueueAfter(keyOf(rs), minReady * 1000 + 1000)
      return
    }
    if (labelsChanged || refChanged) for (const rs of this.matchingReplicaSets(pod)) this.rt.enqueueObject(rs)
  }

  private deletePod(pod: KubeObject): void {
    const rs = this.resolve(pod)
    if (!rs) return
    this.expectations.deletionObserved(keyOf(rs), keyOf(pod))
    this.rt.enqueueObject(rs)
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const rs = this.rsInf.get(ns, name)
    if (!rs) {
      this.expectations.forget(key)
      return
    }
    const needsSync = this.expectations.satisfied(key)
    const selector = specSelector(rs)
    const uid = rs.metadata.uid ?? ''
    const candidates = [...this.podsByOwner.get(uid), ...this.orphanPods.get(ns)].filter(isPodActive)
    const pods = await claimObjects(
      {
        client: this.rt.client,
        resource: resources.pods,
        log: this.rt.log,
        owner: rs,
        ref: newControllerRef(rs, 'apps/v1', 'ReplicaSet'),
        selector,
        canAdopt: recheckOwner(this.rt.client, resources.replicasets, rs),
      },
      candidates,
    )
    let manageErr: { err: unknown; reason: string } | undefined
    if (needsSync && !rs.metadata.deletionTimestamp) manageErr = await this.manageReplicas(pods, rs)
    const status = this.calculateStatus(rs, pods, manageErr)
    let updated = rs
    try {
      updated = await writeStatus(this.rt.client, resources.replicasets, rs, status)
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e
      return
    }
    if (manageErr) throw manageErr.err
    const minReady = num(rec(updated.spec).minReadySeconds)
    const st = rec(updated.status)
    if (minReady > 0 && num(st.readyReplicas) === replicasOf(updated) && num(st.availableReplicas) !== replicasOf(rs)) {
      this.rt.enqueueAfter(key, minReady * 1000)
    }
  }

  private async manageReplicas(
    pods: KubeObject[],
    rs: KubeObject,
  ): Promise<{ err: unknown; reason: string } | undefined> {
    const key = keyOf(rs)
    const ns = rs.metadata.namespace ?? ''
    let diff = pods.length - replicasOf(rs)
    if (diff < 0) {
      diff = Math.min(-diff, BURST_REPLICAS)
      this.expectations.expectCreations(key, diff)
      const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet')
      const { attempted, err } = await slowStartBatch(diff, async () => {
        const pod = podFromTemplate(rec(rs.spec).template, ns, ref, { generateName: `${rs.metadata.name}-` })
        try {
          const created = await this.rt.client.create(resources.pods, ns, pod)
          this.events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`)
        } catch (e) {
          this.expectations.creationObserved(key)
          if (e instanceof StatusError && e.code === 403 && /being terminated/i.test(e.message)) return
          this.events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : e}`)
          throw e
        }
      })
      // Pods never attempted are not expected either.
      for (let i = attempted; i < diff; i++) this.expectations.creationObserved(key)
      return err ? { err, reason: 'FailedCreate' } : undefined
    }
    if (diff > 0) {
      diff = Math.min(diff, BURST_REPLICAS)
      const victims = this.podsToDelete(rs, pods, diff)
      this.expectations.expectDeletions(key, victims.map(keyOf))
      let firstErr: unknown
      await Promise.all(
        victims.map(async (p) => {
          try {
            await this.rt.client.delete(resources.pods, ns, p.metadata.name ?? '')
            this.events.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`)
          } catch (e) {
            this.expectations.deletionObserved(key, keyOf(p))
            if (e instanceof StatusError && e.code === 404) return
            this.events.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : e}`)
            firstErr ??= e
          }
        }),
      )
      return firstErr ? { err: firstErr, reason: 'FailedDelete' } : undefined
    }
    return undefined
  }

  /** getPodsToDelete: ranked by related pods (of sibling ReplicaSets) on the same node. */
  private podsToDelete(rs: KubeObject, pods: KubeObject[], n: number): KubeObject[] {
    if (n >= pods.length) return pods
    const owner = controllerRefOf(rs)
    const siblings = owner ? this.rsByOwner.get(owner.uid) : [rs]
    const onNode = new Map<string, number>()
    for (const s of siblings.length > 0 ? siblings : [rs]) {
      for (const p of this.podsByOwner.get(s.metadata.uid ?? '')) {
        if (!isPodActive(p)) continue
        const node = nodeNameOf(p)
        if (node) onNode.set(node, (onNode.get(node) ?? 0) + 1)
      }
    }
    const rank = (p: KubeObject) => {
      const node = nodeNameOf(p)
      return node ? (onNode.get(node) ?? 0) : 0
    }
    const t = this.rt.clock.now()
    return [...pods].sort((a, b) => compareForDeletion(a, b, rank, t)).slice(0, n)
  }

  private calculateStatus(
    rs: KubeObject,
    pods: KubeObject[],
    manageErr: { err: unknown; reason: string } | undefined,
  ): Record<string, unknown> {
    const templateLabels = strMap(rec(rec(rec(rs.spec).template).metadata).labels)
    const minReady = num(rec(rs.spec).minReadySeconds)
    const t = this.rt.clock.now()
    let fullyLabeled = 0
    let ready = 0
    let available = 0
    for (const p of pods) {
      const labels = p.metadata.labels ?? {}
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++
      if (isPodReady(p)) {
        ready++
        if (isPodAvailable(p, minReady, t)) available++
      }
    }
    const status: Record<string, unknown> = structuredClone(rec(rs.status))
    const failure = getCondition(status, 'ReplicaFailure')
    if (manageErr && !failure) {
      const msg = manageErr.err instanceof Error ? manageErr.err.message : String(manageErr.err)
      const cond: Condition = {
        type: 'ReplicaFailure',
        status: 'True',
        lastTransitionTime: now(t),
        reason: manageErr.reason,
        message: msg,
      }
      setCondition(status, cond)
    } else if (!manageErr && failure) removeCondition(status, 'ReplicaFailure')
    return omitEmpty(
      {
        replicas: pods.length,
        fullyLabeledReplicas: fullyLabeled,
        readyReplicas: ready,
        availableReplicas: available,
        observedGeneration: rs.metadata.generation ?? 0,
        conditions: status.conditions,
      },
      ['replicas'],
    )
  }
}

export const replicaSetController: ControllerDescriptor = {
  name: 'replicaset-controller',
  start: (ctx) => new ReplicaSetController(ctx).run(),
}
