// The StatefulSet controller (pkg/controller/statefulset): pods <set>-<ordinal> with stable
// identity and claims, created in order (OrderedReady: the next only once the previous is Running
// and Ready) or all at once (Parallel), deleted from the highest ordinal; updates roll in reverse
// ordinal order down to the partition (RollingUpdate) or wait for pods to be deleted (OnDelete).
// Every template is kept as a ControllerRevision; pods carry controller-revision-hash; status
// reports current and update revisions.

import { num, rec, str } from '../../../apis/json.ts'
import { type Resource, resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject, OwnerReference } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { replicasOf } from '../replicaset.ts'
import { claimObjects, recheckOwner } from '../util/claim.ts'
import { EventRecorder } from '../util/events.ts'
import { Expectations } from '../util/expectations.ts'
import {
  createRevision,
  equalRevision,
  newRevision,
  nextRevision,
  revisionData,
  revisionTemplate,
  sortRevisions,
} from '../util/history.ts'
import {
  controllerUidIndex,
  type Index,
  namespaceIndex,
  orphanNamespaceIndex,
  type SharedInformer,
} from '../util/informers.ts'
import { controllerRefOf, keyOf, newControllerRef, splitKey } from '../util/meta.ts'
import { ownedPodHandlers } from '../util/owned-pods.ts'
import { isPodAvailable, isTerminating } from '../util/pods.ts'
import { ControllerRuntime } from '../util/runtime.ts'
import { nonEmptySelector, specSelector } from '../util/selectors.ts'
import { writeStatus } from '../util/status.ts'
import {
  claimsFor,
  identityAndStorageMatch,
  isFailedOrSucceeded,
  isMemberOf,
  isRunningAndReady,
  newStatefulSetPod,
  ordinalOf,
  revisionOfPod,
  startOrdinal,
} from './identity.ts'

interface Status {
  observedGeneration: number
  replicas: number
  readyReplicas: number
  currentReplicas: number
  updatedReplicas: number
  availableReplicas: number
  currentRevision: string
  updateRevision: string
  collisionCount: number
}

class StatefulSetController {
  private readonly rt: ControllerRuntime
  private readonly setInf: SharedInformer
  private readonly podInf: SharedInformer
  private readonly crInf: SharedInformer
  private readonly pvcInf: SharedInformer
  private readonly podsByOwner: Index
  private readonly orphanPods: Index
  private readonly crByOwner: Index
  private readonly orphanCRs: Index
  private readonly setsByNamespace: Index
  private readonly expectations = new Expectations()
  private readonly events: EventRecorder

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
    this.setInf = this.rt.informer(resources.statefulsets)
    this.podInf = this.rt.informer(resources.pods)
    this.crInf = this.rt.informer(resources.controllerrevisions)
    this.pvcInf = this.rt.informer(resources.persistentvolumeclaims)
    this.podsByOwner = this.podInf.index('controller', controllerUidIndex)
    this.orphanPods = this.podInf.index('orphans', orphanNamespaceIndex)
    this.crByOwner = this.crInf.index('controller', controllerUidIndex)
    this.orphanCRs = this.crInf.index('orphans', orphanNamespaceIndex)
    this.setsByNamespace = this.setInf.index('namespace', namespaceIndex)
    this.events = new EventRecorder(ctx.client, 'statefulset-controller', ctx.clock, ctx.log)
  }

  async run(): Promise<RunningController> {
    this.setInf.on({
      add: (s) => this.rt.enqueueObject(s),
      update: (s) => this.rt.enqueueObject(s),
      delete: (s) => this.expectations.forget(keyOf(s)),
    })
    this.podInf.on(
      ownedPodHandlers({
        rt: this.rt,
        expectations: this.expectations,
        resolve: (p) => this.resolve(p),
        enqueueMatching: (p) => this.enqueueMatching(p),
      }),
    )
    this.crInf.on({
      add: (cr) => this.onRevision(cr),
      update: (cr) => this.onRevision(cr),
      delete: (cr) => this.onRevision(cr),
    })
    await this.rt.start()
    return this.rt
  }

  private resolve(obj: KubeObject): KubeObject | undefined {
    const ref = controllerRefOf(obj)
    if (ref?.kind !== 'StatefulSet') return undefined
    const set = this.setInf.get(obj.metadata.namespace ?? '', ref.name)
    return set && set.metadata.uid === ref.uid ? set : undefined
  }

  private enqueueMatching(obj: KubeObject): void {
    for (const s of this.setsByNamespace.get(obj.metadata.namespace ?? '')) {
      if (nonEmptySelector(s).matches(obj.metadata.labels)) this.rt.enqueueObject(s)
    }
  }

  private onRevision(cr: KubeObject): void {
    const set = this.resolve(cr)
    if (set) this.rt.enqueueObject(set)
    else if (!controllerRefOf(cr)) this.enqueueMatching(cr)
  }

  private ref(set: KubeObject): OwnerReference {
    return newControllerRef(set, 'apps/v1', 'StatefulSet')
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const set = this.setInf.get(ns, name)
    if (!set) {
      this.expectations.forget(key)
      return
    }
    const selector = specSelector(set)
    if (selector.empty || selector.isNothing()) return
    if (!this.expectations.satisfied(key)) return
    const uid = set.metadata.uid ?? ''
    const claim = (resource: Resource, candidates: KubeObject[]) =>
      claimObjects(
        {
          client: this.rt.client,
          resource,
          log: this.rt.log,
          owner: set,
          ref: this.ref(set),
          selector,
          canAdopt: recheckOwner(this.rt.client, resources.statefulsets, set),
        },
        candidates,
      )
    const pods = (await claim(resources.pods, [...this.podsByOwner.get(uid), ...this.orphanPods.get(ns)])).filter((p) =>
      isMemberOf(set, p),
    )
    const revisions = await claim(resources.controllerrevisions, [
      ...this.crByOwner.get(uid),
      ...this.orphanCRs.get(ns),
    ])
    const [current, update, collisionCount] = await this.revisions(set, revisions)
    const status = await this.updateStatefulSet(set, current, update, collisionCount, pods)
    // completeRollingUpdate
    const strategy = rec(rec(set.spec).updateStrategy)
    if (
      strategy.type !== 'OnDelete' &&
      status.updatedReplicas === status.replicas &&
      status.readyReplicas === status.replicas
    ) {
      status.currentReplicas = status.updatedReplicas
      status.currentRevision = status.updateRevision
    }
    try {
      await writeStatus(this.rt.client, resources.statefulsets, set, compact(status))
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return
      throw e
    }
    await this.truncateHistory(set, pods, revisions, status)
    const minReady = num(rec(set.spec).minReadySeconds)
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) this.rt.enqueueAfter(key, minReady * 1000)
  }

  /** getStatefulSetRevisions: the current and update revisions, creating or re-numbering as needed. */
  private async revisions(set: KubeObject, revisions: KubeObject[]): Promise<[KubeObject, KubeObject, number]> {
    const sorted = sortRevisions(revisions)
    let collisionCount = num(rec(set.status).collisionCount)
    const data = revisionData(set)
    const templateLabels = rec(rec(rec(set.spec).template).metadata).labels as Record<string, string> | undefined
    const build = (cc: number, revision: number) =>
      newRevision(set, this.ref(set), data, revision, cc, templateLabels ?? {}, set.metadata.annotations)
    const next = nextRevision(sorted)
    let update = build(collisionCount, next)
    const equal = sorted.filter((r) => equalRevision(r, update))
    if (equal.length > 0 && sorted[sorted.length - 1] === equal[equal.length - 1]) {
      update = equal[equal.length - 1]
    } else if (equal.length > 0) {
      // Rolling back to an earlier revision: it becomes the newest by taking the next number.
      const e = equal[equal.length - 1]
      update = await this.rt.client.patch(
        resources.controllerrevisions,
        e.metadata.namespace ?? '',
        e.metadata.name ?? '',
        'merge',
        {
          revision: update.revision,
        },
      )
    } else {
      ;[update, collisionCount] = await createRevision(this.rt.client, set, (cc) => build(cc, next), collisionCount)
    }
    const currentName = str(rec(set.status).currentRevision)
    const current = sorted.find((r) => r.metadata.name === currentName) ?? update
    return [current, update, collisionCount]
  }

  private async createPod(set: KubeObject, pod: KubeObject): Promise<void> {
    const ns = set.metadata.namespace ?? ''
    const ordinal = ordinalOf(pod)
    for (const claim of claimsFor(set, ordinal).values()) await this.ensureClaim(set, claim, pod)
    this.expectations.expectCreations(keyOf(set), 1)
    try {
      await this.rt.client.create(resources.pods, ns, pod)
      this.events.event(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      )
    } catch (e) {
      this.expectations.creationObserved(keyOf(set))
      if (e instanceof StatusError && e.code === 409) return
      this.events.event(
        set,
        'Warning',
        'FailedCreate',
        `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${e instanceof Error ? e.message : e}`,
      )
      throw e
    }
  }

  /** createPersistentVolumeClaims: creates a missing claim (retention policy owner references). */
  private async ensureClaim(set: KubeObject, claim: KubeObject, pod: KubeObject): Promise<void> {
    const ns = set.metadata.namespace ?? ''
    const existing = this.pvcInf.get(ns, claim.metadata.name ?? '')
    if (existing) {
      if (existing.metadata.deletionTimestamp) {
        throw new Error(`pod ${ns}/${pod.metadata.name}: PVC ${claim.metadata.name} is being deleted`)
      }
      return
    }
    const policy = rec(rec(set.spec).persistentVolumeClaimRetentionPolicy)
    if (policy.whenDeleted === 'Delete') {
      claim.metadata.ownerReferences = [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name ?? '', uid: set.metadata.uid ?? '' },
      ]
    }
    try {
      await this.rt.client.create(resources.persistentvolumeclaims, ns, claim)
      this.events.event(
        set,
        'Normal',
        'SuccessfulCreate',
        `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`,
      )
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) return
      this.events.event(
        set,
        'Warning',
        'FailedCreate',
        `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${e instanceof Error ? e.message : e}`,
      )
      throw e
    }
  }

  private async deletePod(set: KubeObject, pod: KubeObject, condemned = false): Promise<void> {
    const ns = set.metadata.namespace ?? ''
    const policy = rec(rec(set.spec).persistentVolumeClaimRetentionPolicy)
    if (condemned && policy.whenScaled === 'Delete') {
      // The claims go with the pod: the garbage collector deletes them once it is gone.
      for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
        const existing = this.pvcInf.get(ns, claim.metadata.name ?? '')
        if (!existing || existing.metadata.ownerReferences?.some((r) => r.uid === pod.metadata.uid)) continue
        const refs = [
          ...(existing.metadata.ownerReferences ?? []),
          { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
        ]
        await this.rt.client
          .patch(resources.persistentvolumeclaims, ns, claim.metadata.name ?? '', 'merge', {
            metadata: { ownerReferences: refs },
          })
          .catch((e) => {
            if (!(e instanceof StatusError && e.code === 404)) throw e
          })
      }
    }
    this.expectations.expectDeletions(keyOf(set), [keyOf(pod)])
    try {
      await this.rt.client.delete(resources.pods, ns, pod.metadata.name ?? '', {
        preconditions: { uid: pod.metadata.uid },
      })
      this.events.event(
        set,
        'Normal',
        'SuccessfulDelete',
        `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      )
    } catch (e) {
      this.expectations.deletionObserved(keyOf(set), keyOf(pod))
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return
      throw e
    }
  }

  /** updateStatefulSet: one step of the reconciliation; returns the status to report. */
  private async updateStatefulSet(
    set: KubeObject,
    current: KubeObject,
    update: KubeObject,
    collisionCount: number,
    pods: KubeObject[],
  ): Promise<Status> {
    const spec = rec(set.spec)
    const minReady = num(spec.minReadySeconds)
    const t = this.rt.clock.now()
    const status: Status = {
      observedGeneration: set.metadata.generation ?? 0,
      replicas: 0,
      readyReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      currentRevision: current.metadata.name ?? '',
      updateRevision: update.metadata.name ?? '',
      collisionCount,
    }
    const start = startOrdinal(set)
    const replicaCount = replicasOf(set)
    const replicas: (KubeObject | undefined)[] = new Array(replicaCount).fill(undefined)
    const condemned: KubeObject[] = []
    for (const pod of pods) {
      status.replicas++
      if (isRunningAndReady(pod)) {
        status.readyReplicas++
        if (isPodAvailable(pod, minReady, t)) status.availableReplicas++
      }
      if (!isTerminating(pod)) {
        const rev = revisionOfPod(pod)
        if (rev === status.currentRevision) status.currentReplicas++
        if (rev === status.updateRevision) status.updatedReplicas++
      }
      const ord = ordinalOf(pod)
      if (ord >= start && ord < start + replicaCount) replicas[ord - start] = pod
      else if (ord >= 0) condemned.push(pod)
    }
    if (set.metadata.deletionTimestamp) return status

    const strategy = rec(spec.updateStrategy)
    const partition = num(rec(strategy.rollingUpdate).partition)
    const currentTemplate = revisionTemplate(current)
    const updateTemplate = revisionTemplate(update)
    const versioned = (ordinal: number): KubeObject => {
      // Below the partition pods stay at the current revision.
      if (strategy.type !== 'OnDelete' && ordinal - start < partition) {
        return newStatefulSetPod(set, currentTemplate, ordinal, status.currentRevision)
      }
      return newStatefulSetPod(set, updateTemplate, ordinal, status.updateRevision)
    }
    const monotonic = spec.podManagementPolicy !== 'Parallel'
    condemned.sort((a, b) => ordinalOf(a) - ordinalOf(b))
    const unhealthy = [...replicas, ...condemned].find((p) => p && (!isRunningAndReady(p) || isTerminating(p)))

    for (let i = 0; i < replicaCount; i++) {
      let pod = replicas[i]
      const ordinal = start + i
      if (pod && isFailedOrSucceeded(pod) && !isTerminating(pod)) {
        this.events.event(
          set,
          'Warning',
          'RecreatingFailedPod',
          `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating failed Pod ${pod.metadata.name}`,
        )
        await this.deletePod(set, pod)
        if (revisionOfPod(pod) === status.currentRevision) status.currentReplicas--
        if (revisionOfPod(pod) === status.updateRevision) status.updatedReplicas--
        status.replicas--
        if (monotonic) return status
        continue
      }
      if (!pod) {
        pod = versioned(ordinal)
        await this.createPod(set, pod)
        status.replicas++
        if (revisionOfPod(pod) === status.currentRevision) status.currentReplicas++
        if (revisionOfPod(pod) === status.updateRevision) status.updatedReplicas++
        if (monotonic) return status
        continue
      }
      if (rec(pod.status).phase === 'Pending') {
        for (const claim of claimsFor(set, ordinal).values()) await this.ensureClaim(set, claim, pod)
      }
      if (isTerminating(pod) && monotonic) return status
      if (!isRunningAndReady(pod) && monotonic) return status
      if (!isPodAvailable(pod, minReady, t) && monotonic) return status
      if (!identityAndStorageMatch(set, pod)) {
        // Restore the identity labels; storage mismatches are left to a recreation.
        await this.rt.client
          .patch(resources.pods, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'merge', {
            metadata: { labels: { 'statefulset.kubernetes.io/pod-name': pod.metadata.name } },
          })
          .catch((e) => {
            if (!(e instanceof StatusError && e.code === 404)) throw e
          })
      }
    }

    // Scale down: the highest ordinal first, each only once its predecessors are healthy.
    for (let target = condemned.length - 1; target >= 0; target--) {
      const pod = condemned[target]
      if (isTerminating(pod)) {
        if (monotonic) return status
        continue
      }
      if (!isRunningAndReady(pod) && monotonic && pod !== unhealthy) return status
      if (!isPodAvailable(pod, minReady, t) && monotonic && pod !== unhealthy) return status
      await this.deletePod(set, pod, true)
      if (revisionOfPod(pod) === status.currentRevision) status.currentReplicas--
      if (revisionOfPod(pod) === status.updateRevision) status.updatedReplicas--
      if (monotonic) return status
    }

    if (strategy.type === 'OnDelete') return status
    // Rolling update: delete the highest ordinal not at the update revision, one at a time.
    for (let target = replicaCount - 1; target >= partition; target--) {
      const pod = replicas[target]
      if (!pod) return status
      if (revisionOfPod(pod) !== status.updateRevision && !isTerminating(pod)) {
        await this.deletePod(set, pod)
        status.currentReplicas--
        return status
      }
      if (!isRunningAndReady(pod) || isTerminating(pod)) return status
    }
    return status
  }

  /** truncateHistory: keeps revisionHistoryLimit revisions besides the live ones. */
  private async truncateHistory(set: KubeObject, pods: KubeObject[], revisions: KubeObject[], status: Status) {
    const live = new Set([status.currentRevision, status.updateRevision, ...pods.map(revisionOfPod)])
    const history = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name ?? ''))
    const limit = num(rec(set.spec).revisionHistoryLimit ?? 10)
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      await this.rt.client
        .delete(resources.controllerrevisions, r.metadata.namespace ?? '', r.metadata.name ?? '')
        .catch((e) => {
          if (!(e instanceof StatusError && e.code === 404)) throw e
        })
    }
  }
}

function compact(st: Status): Record<string, unknown> {
  const out: Record<string, unknown> = { replicas: st.replicas, availableReplicas: st.availableReplicas }
  for (const k of ['observedGeneration', 'readyReplicas', 'currentReplicas', 'updatedReplicas'] as const) {
    if (st[k] !== 0) out[k] = st[k]
  }
  if (st.currentRevision) out.currentRevision = st.currentRevision
  if (st.updateRevision) out.updateRevision = st.updateRevision
  out.collisionCount = st.collisionCount
  return out
}

export const statefulSetController: ControllerDescriptor = {
  name: 'statefulset-controller',
  start: (ctx) => new StatefulSetController(ctx).run(),
}
