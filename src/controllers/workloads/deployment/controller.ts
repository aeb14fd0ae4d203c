// The Deployment controller (pkg/controller/deployment): ReplicaSets named
// <deployment>-<pod-template-hash>, RollingUpdate within maxSurge/maxUnavailable, Recreate,
// proportional scaling, pause/resume, revisions (deployment.kubernetes.io/revision on the
// ReplicaSets and the Deployment; `kubectl rollout undo` patches the template back and the
// matching ReplicaSet becomes the new one with the next revision), history cleanup, and the
// status and conditions `kubectl rollout status` reads.

import { num, rec } from '../../../apis/json.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { replicasOf } from '../replicaset.ts'
import { claimObjects, recheckOwner } from '../util/claim.ts'
import { EventRecorder } from '../util/events.ts'
import { canonicalJson } from '../util/hash.ts'
import {
  controllerUidIndex,
  type Index,
  namespaceIndex,
  orphanNamespaceIndex,
  type SharedInformer,
} from '../util/informers.ts'
import {
  controllerRefOf,
  getCondition,
  intAnnotation,
  keyOf,
  newControllerRef,
  removeCondition,
  setCondition,
  splitKey,
} from '../util/meta.ts'
import { ControllerRuntime } from '../util/runtime.ts'
import { nonEmptySelector, specSelector } from '../util/selectors.ts'
import { writeStatus } from '../util/status.ts'
import {
  availableReplicaCount,
  byCreation,
  byRevision,
  calculateStatus,
  compactStatus,
  DESIRED_REPLICAS,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  equalIgnoreHash,
  filterActive,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  hasProgressDeadline,
  isRollingUpdate,
  isSaturated,
  maxRevision,
  maxSurge,
  maxUnavailable,
  NEW_RS_AVAILABLE,
  newCondition,
  newRSNewReplicas,
  POD_TEMPLATE_HASH,
  podTemplateHash,
  proportion,
  REVISION,
  replicasAnnotations,
  setNewReplicaSetAnnotations,
  specOf,
  specReplicaCount,
  statusOf,
  TIMED_OUT,
} from './util.ts'

const WRITE_TTL_MS = 30_000

class DeploymentController {
  private readonly rt: ControllerRuntime
  private readonly dInf: SharedInformer
  private readonly rsInf: SharedInformer
  private readonly podInf: SharedInformer
  private readonly rsByOwner: Index
  private readonly orphanRS: Index
  private readonly dByNamespace: Index
  private readonly podsByOwner: Index
  private readonly events: EventRecorder
  /** ReplicaSets this controller wrote, by deployment key: name -> resourceVersion and time. */
  private readonly written = new Map<string, Map<string, { rv: number; at: number }>>()

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
    this.dInf = this.rt.informer(resources.deployments)
    this.rsInf = this.rt.informer(resources.replicasets)
    this.podInf = this.rt.informer(resources.pods)
    this.rsByOwner = this.rsInf.index('controller', controllerUidIndex)
    this.orphanRS = this.rsInf.index('orphans', orphanNamespaceIndex)
    this.dByNamespace = this.dInf.index('namespace', namespaceIndex)
    this.podsByOwner = this.podInf.index('controller', controllerUidIndex)
    this.events = new EventRecorder(ctx.client, 'deployment-controller', ctx.clock, ctx.log)
  }

  async run(): Promise<RunningController> {
    this.dInf.on({
      add: (d) => this.rt.enqueueObject(d),
      update: (d) => this.rt.enqueueObject(d),
      delete: (d) => {
        this.written.delete(keyOf(d))
        this.rt.enqueueObject(d)
      },
    })
    this.rsInf.on({
      add: (rs) => this.onReplicaSet(rs),
      update: (rs, old) => {
        if (rs.metadata.resourceVersion === old.metadata.resourceVersion) return
        const cur = controllerRefOf(rs)
        const prev = controllerRefOf(old)
        if (prev && prev.uid !== cur?.uid) this.onReplicaSet(old)
        this.onReplicaSet(rs)
      },
      delete: (rs) => {
        const d = this.deploymentOf(rs)
        if (!d) return
        this.written.get(keyOf(d))?.delete(rs.metadata.name ?? '')
        this.rt.enqueueObject(d)
      },
    })
    this.podInf.on({
      delete: (pod) => {
        const ref = controllerRefOf(pod)
        if (ref?.kind !== 'ReplicaSet') return
        const rs = this.rsInf.get(pod.metadata.namespace ?? '', ref.name)
        const d = rs && this.deploymentOf(rs)
        if (d && !isRollingUpdate(d)) this.rt.enqueueObject(d)
      },
    })
    await this.rt.start()
    return this.rt
  }

  private deploymentOf(rs: KubeObject): KubeObject | undefined {
    const ref = controllerRefOf(rs)
    if (ref?.kind !== 'Deployment') return undefined
    const d = this.dInf.get(rs.metadata.namespace ?? '', ref.name)
    return d && d.metadata.uid === ref.uid ? d : undefined
  }

  private onReplicaSet(rs: KubeObject): void {
    if (controllerRefOf(rs)) {
      const d = this.deploymentOf(rs)
      if (d) this.rt.enqueueObject(d)
      return
    }
    for (const d of this.dByNamespace.get(rs.metadata.namespace ?? '')) {
      if (nonEmptySelector(d).matches(rs.metadata.labels)) this.rt.enqueueObject(d)
    }
  }

  /** True while a ReplicaSet write of ours is not yet in the cache (acting now would be stale). */
  private stale(key: string, ns: string): boolean {
    const m = this.written.get(key)
    if (!m) return false
    const t = Date.now()
    for (const [name, w] of m) {
      const rs = this.rsInf.get(ns, name)
      if ((rs && Number(rs.metadata.resourceVersion) >= w.rv) || t - w.at > WRITE_TTL_MS) m.delete(name)
      else return true
    }
    return false
  }

  private recordWrite(d: KubeObject, rs: KubeObject): void {
    const key = keyOf(d)
    let m = this.written.get(key)
    if (!m) {
      m = new Map()
      this.written.set(key, m)
    }
    const rv = Number(rs.metadata.resourceVersion)
    if (Number.isFinite(rv)) m.set(rs.metadata.name ?? '', { rv, at: Date.now() })
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const cached = this.dInf.get(ns, name)
    if (!cached) return
    if (this.stale(key, ns)) return
    // A working copy: the spec is only read (and shared with the cache, which lets template
    // comparisons be memoised); metadata and status are copied because syncs update them.
    const d: KubeObject = {
      ...cached,
      metadata: { ...cached.metadata, annotations: { ...(cached.metadata.annotations ?? {}) } },
      status: structuredClone(cached.status ?? {}),
    }
    const selector = specSelector(d)
    if (selector.empty) {
      this.events.event(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      )
      if (num(statusOf(d).observedGeneration) < (d.metadata.generation ?? 0)) {
        await this.writeDeploymentStatus(d, { ...statusOf(d), observedGeneration: d.metadata.generation })
      }
      return
    }
    const rsList = await this.replicaSetsFor(d)
    if (d.metadata.deletionTimestamp) {
      const [newRS, olds] = await this.allReplicaSets(d, rsList, false)
      await this.syncDeploymentStatus(withNew(olds, newRS), newRS, d)
      return
    }
    await this.checkPausedConditions(d)
    if (specOf(d).paused === true || (await this.isScalingEvent(d, rsList))) {
      await this.syncScale(d, rsList)
      return
    }
    if (isRollingUpdate(d)) await this.rolloutRolling(d, rsList)
    else await this.rolloutRecreate(d, rsList)
  }

  private async replicaSetsFor(d: KubeObject): Promise<KubeObject[]> {
    const ns = d.metadata.namespace ?? ''
    const candidates = [...this.rsByOwner.get(d.metadata.uid ?? ''), ...this.orphanRS.get(ns)]
    return claimObjects(
      {
        client: this.rt.client,
        resource: resources.replicasets,
        log: this.rt.log,
        owner: d,
        ref: newControllerRef(d, 'apps/v1', 'Deployment'),
        selector: specSelector(d),
        canAdopt: recheckOwner(this.rt.client, resources.deployments, d),
      },
      candidates,
    )
  }

  // --- Deployment writes ---------------------------------------------------------------------

  private async writeDeploymentStatus(d: KubeObject, st: Record<string, unknown>): Promise<void> {
    const updated = await writeStatus(this.rt.client, resources.deployments, d, compactStatus(st))
    d.status = updated.status
    d.metadata.resourceVersion = updated.metadata.resourceVersion
  }

  /** SetDeploymentRevision, written as a metadata patch (status writes cannot change metadata). */
  private async setDeploymentRevision(d: KubeObject, revision: string): Promise<void> {
    if (d.metadata.annotations?.[REVISION] === revision) return
    const updated = await this.rt.client.patch(
      resources.deployments,
      d.metadata.namespace ?? '',
      d.metadata.name ?? '',
      'merge',
      {
        metadata: { annotations: { [REVISION]: revision } },
      },
    )
    d.metadata.annotations = updated.metadata.annotations
  }

  // --- ReplicaSets ---------------------------------------------------------------------------

  /** getAllReplicaSetsAndSyncRevision. */
  private async allReplicaSets(
    d: KubeObject,
    rsList: KubeObject[],
    create: boolean,
  ): Promise<[KubeObject | undefined, KubeObject[]]> {
    const olds = findOldReplicaSets(findNewReplicaSet(d, rsList), rsList)
    const newRS = await this.getNewReplicaSet(d, rsList, olds, create)
    return [newRS, olds]
  }

  private async getNewReplicaSet(
    d: KubeObject,
    rsList: KubeObject[],
    olds: KubeObject[],
    create: boolean,
  ): Promise<KubeObject | undefined> {
    const ns = d.metadata.namespace ?? ''
    const existing = findNewReplicaSet(d, rsList)
    const newRevision = maxRevision(olds) + 1
    const t = this.rt.clock.now()
    if (existing) {
      const copy: KubeObject = { ...existing, metadata: { ...existing.metadata } }
      const changed = setNewReplicaSetAnnotations(d, copy, newRevision, true)
      const minReady = num(specOf(d).minReadySeconds)
      if (changed || num(specOf(copy).minReadySeconds) !== minReady) {
        const spec: Record<string, unknown> = { minReadySeconds: minReady === 0 ? null : minReady }
        return this.patchReplicaSet(d, copy, { metadata: { annotations: copy.metadata.annotations }, spec })
      }
      await this.setDeploymentRevision(d, copy.metadata.annotations?.[REVISION] ?? '')
      if (hasProgressDeadline(d) && !getCondition(statusOf(d), 'Progressing')) {
        const st = structuredClone(statusOf(d))
        setCondition(
          st,
          newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${copy.metadata.name}"`, t),
        )
        await this.writeDeploymentStatus(d, st)
      }
      return copy
    }
    if (!create) return undefined

    const hash = podTemplateHash(d)
    const template = structuredClone(rec(specOf(d).template))
    const tmeta = rec(template.metadata)
    tmeta.labels = { ...rec(tmeta.labels), [POD_TEMPLATE_HASH]: hash }
    template.metadata = tmeta
    const selector = structuredClone(rec(specOf(d).selector))
    selector.matchLabels = { ...rec(selector.matchLabels), [POD_TEMPLATE_HASH]: hash }
    const newRS: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: ns,
        labels: tmeta.labels as Record<string, string>,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, selector, template },
    }
    const minReady = num(specOf(d).minReadySeconds)
    if (minReady > 0) rec(newRS.spec).minReadySeconds = minReady
    const replicas = newRSNewReplicas(d, [...olds, newRS], newRS)
    rec(newRS.spec).replicas = replicas
    setNewReplicaSetAnnotations(d, newRS, newRevision, false)
    let created: KubeObject
    let alreadyExists = false
    try {
      created = await this.rt.client.create(resources.replicasets, ns, newRS)
    } catch (e) {
      if (e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists') {
        const rs = await this.rt.client.get(resources.replicasets, ns, newRS.metadata.name ?? '')
        if (controllerRefOf(rs)?.uid === d.metadata.uid && equalIgnoreHash(specOf(d).template, specOf(rs).template)) {
          created = rs
          alreadyExists = true
        } else {
          // A hash collision with a ReplicaSet this Deployment does not own: bump collisionCount.
          const st = structuredClone(statusOf(d))
          st.collisionCount = num(st.collisionCount) + 1
          await this.writeDeploymentStatus(d, st)
          throw e
        }
      } else {
        const msg = `Failed to create new replica set "${newRS.metadata.name}": ${e instanceof Error ? e.message : e}`
        if (hasProgressDeadline(d)) {
          const st = structuredClone(statusOf(d))
          setCondition(st, newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg, t))
          await this.writeDeploymentStatus(d, st).catch(() => {})
        }
        this.events.event(d, 'Warning', 'ReplicaSetCreateError', msg)
        throw e
      }
    }
    this.recordWrite(d, created)
    if (!alreadyExists && replicas > 0) {
      this.events.event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`,
      )
    }
    await this.setDeploymentRevision(d, String(newRevision))
    if (!alreadyExists && hasProgressDeadline(d)) {
      const st = structuredClone(statusOf(d))
      setCondition(
        st,
        newCondition(
          'Progressing',
          'True',
          'NewReplicaSetCreated',
          `Created new replica set "${created.metadata.name}"`,
          t,
        ),
      )
      await this.writeDeploymentStatus(d, st)
    }
    return created
  }

  /**
   * A merge patch of a ReplicaSet's spec/annotations. No resourceVersion precondition: the
   * ReplicaSet controller's status writes would make it conflict constantly, and what is
   * patched (size, annotations) is this controller's alone.
   */
  private async patchReplicaSet(d: KubeObject, rs: KubeObject, patch: Record<string, unknown>): Promise<KubeObject> {
    const updated = await this.rt.client.patch(
      resources.replicasets,
      rs.metadata.namespace ?? '',
      rs.metadata.name ?? '',
      'merge',
      patch,
    )
    this.recordWrite(d, updated)
    return updated
  }

  /**
   * scaleReplicaSetAndRecordEvent (or, with `syncAnnotations`, scaleReplicaSet, which also
   * refreshes the desired/max-replicas annotations at the same size): returns whether the size
   * changed and the (possibly) updated ReplicaSet.
   */
  private async scaleReplicaSet(
    rs: KubeObject,
    newScale: number,
    d: KubeObject,
    syncAnnotations = false,
  ): Promise<[boolean, KubeObject]> {
    const old = replicasOf(rs)
    if (old === newScale && !syncAnnotations) return [false, rs]
    const annotations = replicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))
    if (old === newScale && !annotations) return [false, rs]
    const patch: Record<string, unknown> = { spec: { replicas: newScale } }
    if (annotations) patch.metadata = { annotations }
    const updated = await this.patchReplicaSet(d, rs, patch)
    if (old !== newScale) {
      const op = newScale > old ? 'up' : 'down'
      this.events.event(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${op} replica set ${rs.metadata.name} from ${old} to ${newScale}`,
      )
    }
    return [old !== newScale, updated]
  }

  // --- scaling and pausing --------------------------------------------------------------------

  private async isScalingEvent(d: KubeObject, rsList: KubeObject[]): Promise<boolean> {
    const [newRS, olds] = await this.allReplicaSets(d, rsList, false)
    for (const rs of filterActive(withNew(olds, newRS))) {
      const desired = intAnnotation(rs, DESIRED_REPLICAS)
      if (desired !== undefined && desired !== replicasOf(d)) return true
    }
    return false
  }

  private async checkPausedConditions(d: KubeObject): Promise<void> {
    if (!hasProgressDeadline(d)) return
    const cond = getCondition(statusOf(d), 'Progressing')
    if (cond?.reason === TIMED_OUT) return
    const pausedExists = cond?.reason === 'DeploymentPaused'
    const paused = specOf(d).paused === true
    const t = this.rt.clock.now()
    const st = structuredClone(statusOf(d))
    if (paused && !pausedExists) {
      setCondition(st, newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', t))
    } else if (!paused && pausedExists) {
      setCondition(st, newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', t))
    } else return
    await this.writeDeploymentStatus(d, st)
  }

  /** sync(): reconciles scaling events and paused deployments. */
  private async syncScale(d: KubeObject, rsList: KubeObject[]): Promise<void> {
    let [newRS, olds] = await this.allReplicaSets(d, rsList, false)
    ;[newRS, olds] = await this.scale(d, newRS, olds)
    if (specOf(d).paused === true) await this.cleanup(olds, d)
    await this.syncDeploymentStatus(withNew(olds, newRS), newRS, d)
  }

  /** scale(): proportional scaling of the active ReplicaSets. */
  private async scale(
    d: KubeObject,
    newRS: KubeObject | undefined,
    olds: KubeObject[],
  ): Promise<[KubeObject | undefined, KubeObject[]]> {
    const target = findActiveOrLatest(newRS, olds)
    const replace = (u: KubeObject) => {
      if (newRS && u.metadata.uid === newRS.metadata.uid) newRS = u
      olds = olds.map((o) => (o.metadata.uid === u.metadata.uid ? u : o))
    }
    if (target) {
      if (replicasOf(target) !== replicasOf(d)) replace((await this.scaleReplicaSet(target, replicasOf(d), d))[1])
      return [newRS, olds]
    }
    if (isSaturated(d, newRS)) {
      for (const old of filterActive(olds)) replace((await this.scaleReplicaSet(old, 0, d))[1])
      return [newRS, olds]
    }
    if (!isRollingUpdate(d)) return [newRS, olds]
    const all = filterActive(withNew(olds, newRS))
    const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0
    const toAdd = allowed - specReplicaCount(all)
    if (toAdd > 0) all.sort((a, b) => replicasOf(b) - replicasOf(a) || -byCreation(a, b))
    else if (toAdd < 0) all.sort((a, b) => replicasOf(b) - replicasOf(a) || byCreation(a, b))
    const sizes = new Map<string, number>()
    let added = 0
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added)
        sizes.set(rs.metadata.uid ?? '', replicasOf(rs) + p)
        added += p
      } else sizes.set(rs.metadata.uid ?? '', replicasOf(rs))
    }
    for (let i = 0; i < all.length; i++) {
      const rs = all[i]
      const uid = rs.metadata.uid ?? ''
      if (i === 0 && toAdd !== 0) sizes.set(uid, Math.max(0, (sizes.get(uid) ?? 0) + toAdd - added))
      replace((await this.scaleReplicaSet(rs, sizes.get(uid) ?? 0, d, true))[1])
    }
    return [newRS, olds]
  }

  /** cleanupDeployment: keeps revisionHistoryLimit old ReplicaSets that have no pods. */
  private async cleanup(olds: KubeObject[], d: KubeObject): Promise<void> {
    const limit = specOf(d).revisionHistoryLimit
    if (typeof limit !== 'number') return
    const cleanable = olds.filter((rs) => !rs.metadata.deletionTimestamp)
    const diff = cleanable.length - limit
    if (diff <= 0) return
    cleanable.sort(byRevision)
    for (let i = 0; i < diff; i++) {
      const rs = cleanable[i]
      const st = statusOf(rs)
      if (num(st.replicas) !== 0 || replicasOf(rs) !== 0) continue
      if ((rs.metadata.generation ?? 0) > num(st.observedGeneration)) continue
      try {
        await this.rt.client.delete(resources.replicasets, rs.metadata.namespace ?? '', rs.metadata.name ?? '')
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e
      }
    }
  }

  // --- rollouts ---------------------------------------------------------------------------------

  private async rolloutRolling(d: KubeObject, rsList: KubeObject[]): Promise<void> {
    let [newRS, olds] = await this.allReplicaSets(d, rsList, true)
    if (!newRS) return
    // Scale up, if we can.
    if (replicasOf(newRS) !== replicasOf(d)) {
      const target =
        replicasOf(newRS) > replicasOf(d) ? replicasOf(d) : newRSNewReplicas(d, withNew(olds, newRS), newRS)
      const [scaled, updated] = await this.scaleReplicaSet(newRS, target, d)
      newRS = updated
      if (scaled) {
        await this.syncRolloutStatus(withNew(olds, newRS), newRS, d)
        return
      }
    }
    // Scale down, if we can.
    const [scaledDown, nextOlds] = await this.reconcileOldReplicaSets(withNew(olds, newRS), olds, newRS, d)
    olds = nextOlds
    if (scaledDown) {
      await this.syncRolloutStatus(withNew(olds, newRS), newRS, d)
      return
    }
    if (deploymentComplete(d, statusOf(d))) await this.cleanup(olds, d)
    await this.syncRolloutStatus(withNew(olds, newRS), newRS, d)
  }

  private async reconcileOldReplicaSets(
    all: KubeObject[],
    olds: KubeObject[],
    newRS: KubeObject,
    d: KubeObject,
  ): Promise<[boolean, KubeObject[]]> {
    const oldCount = specReplicaCount(olds)
    if (oldCount === 0) return [false, olds]
    const allCount = specReplicaCount(all)
    const minAvailable = replicasOf(d) - maxUnavailable(d)
    const newUnavailable = replicasOf(newRS) - availableReplicaCount([newRS])
    const maxScaledDown = allCount - minAvailable - newUnavailable
    if (maxScaledDown <= 0) return [false, olds]
    const replace = (u: KubeObject) => {
      olds = olds.map((o) => (o.metadata.uid === u.metadata.uid ? u : o))
    }
    // Clean up unhealthy replicas first.
    let cleaned = 0
    for (const rs of [...filterActive(olds)].sort(byCreation)) {
      if (cleaned >= maxScaledDown) break
      const available = Math.min(num(statusOf(rs).availableReplicas), replicasOf(rs))
      if (replicasOf(rs) === available) continue
      const n = Math.min(maxScaledDown - cleaned, replicasOf(rs) - available)
      const [, u] = await this.scaleReplicaSet(rs, replicasOf(rs) - n, d)
      replace(u)
      cleaned += n
    }
    // Then scale down old ReplicaSets while enough pods stay available.
    const allNow = withNew(olds, newRS)
    const availableCount = availableReplicaCount(allNow)
    let scaled = 0
    if (availableCount > minAvailable) {
      const total = availableCount - minAvailable
      for (const rs of [...filterActive(olds)].sort(byCreation)) {
        if (scaled >= total) break
        const n = Math.min(replicasOf(rs), total - scaled)
        const [, u] = await this.scaleReplicaSet(rs, replicasOf(rs) - n, d)
        replace(u)
        scaled += n
      }
    }
    return [cleaned + scaled > 0, olds]
  }

  private async rolloutRecreate(d: KubeObject, rsList: KubeObject[]): Promise<void> {
    let [newRS, olds] = await this.allReplicaSets(d, rsList, false)
    // Scale down every old ReplicaSet first.
    let scaledDown = false
    for (const rs of filterActive(olds)) {
      const [scaled, u] = await this.scaleReplicaSet(rs, 0, d)
      olds = olds.map((o) => (o.metadata.uid === u.metadata.uid ? u : o))
      scaledDown ||= scaled
    }
    if (scaledDown || this.oldPodsRunning(olds)) {
      await this.syncRolloutStatus(withNew(olds, newRS), newRS, d)
      return
    }
    if (!newRS) [newRS, olds] = await this.allReplicaSets(d, rsList, true)
    if (newRS) newRS = (await this.scaleReplicaSet(newRS, replicasOf(d), d))[1]
    if (deploymentComplete(d, statusOf(d))) await this.cleanup(olds, d)
    await this.syncRolloutStatus(withNew(olds, newRS), newRS, d)
  }

  private oldPodsRunning(olds: KubeObject[]): boolean {
    if (olds.some((rs) => num(statusOf(rs).replicas) > 0)) return true
    for (const rs of olds) {
      for (const pod of this.podsByOwner.get(rs.metadata.uid ?? '')) {
        const phase = rec(pod.status).phase
        if (phase === 'Failed' || phase === 'Succeeded') continue
        return true
      }
    }
    return false
  }

  // --- status ------------------------------------------------------------------------------------

  private async syncDeploymentStatus(all: KubeObject[], newRS: KubeObject | undefined, d: KubeObject): Promise<void> {
    const st = calculateStatus(all, newRS, d, this.rt.clock.now())
    await this.writeDeploymentStatus(d, st)
  }

  private async syncRolloutStatus(all: KubeObject[], newRS: KubeObject | undefined, d: KubeObject): Promise<void> {
    const t = this.rt.clock.now()
    const st = calculateStatus(all, newRS, d, t)
    if (!hasProgressDeadline(d)) removeCondition(st, 'Progressing')
    const current = getCondition(statusOf(d), 'Progressing')
    const isComplete = num(st.replicas) === num(st.updatedReplicas) && current?.reason === NEW_RS_AVAILABLE
    if (hasProgressDeadline(d) && !isComplete) {
      const rsName = newRS?.metadata.name
      if (deploymentComplete(d, st)) {
        const msg = rsName
          ? `ReplicaSet "${rsName}" has successfully progressed.`
          : `Deployment "${d.metadata.name}" has successfully progressed.`
        setCondition(st, newCondition('Progressing', 'True', NEW_RS_AVAILABLE, msg, t))
      } else if (deploymentProgressing(d, st)) {
        const msg = rsName
          ? `ReplicaSet "${rsName}" is progressing.`
          : `Deployment "${d.metadata.name}" is progressing.`
        const cond = newCondition('Progressing', 'True', 'ReplicaSetUpdated', msg, t)
        if (current?.status === 'True' && current.lastTransitionTime)
          cond.lastTransitionTime = current.lastTransitionTime
        removeCondition(st, 'Progressing')
        setCondition(st, cond)
      } else if (deploymentTimedOut(d, st, t)) {
        const msg = rsName
          ? `ReplicaSet "${rsName}" has timed out progressing.`
          : `Deployment "${d.metadata.name}" has timed out progressing.`
        setCondition(st, newCondition('Progressing', 'False', TIMED_OUT, msg, t))
      }
    }
    const failure = all.map((rs) => getCondition(statusOf(rs), 'ReplicaFailure')).find((c) => c?.status === 'True')
    if (failure) {
      setCondition(st, { ...failure, lastUpdateTime: failure.lastTransitionTime })
    } else removeCondition(st, 'ReplicaFailure')
    if (canonicalJson(compactStatus(st)) === canonicalJson(compactStatus(statusOf(d)))) {
      this.requeueStuck(d, st)
      return
    }
    await this.writeDeploymentStatus(d, st)
  }

  /** requeueStuckDeployment: checks again when the progress deadline would pass. */
  private requeueStuck(d: KubeObject, st: Record<string, unknown>): void {
    const cond = getCondition(statusOf(d), 'Progressing')
    if (!hasProgressDeadline(d) || !cond) return
    if (deploymentComplete(d, st) || cond.reason === TIMED_OUT) return
    const from = Date.parse(cond.lastUpdateTime ?? '')
    if (Number.isNaN(from)) return
    const after = from + num(specOf(d).progressDeadlineSeconds) * 1000 - this.rt.clock.now()
    this.rt.enqueueAfter(keyOf(d), after < 1000 ? 1000 : after + 1000)
  }
}

function withNew(olds: KubeObject[], newRS: KubeObject | undefined): KubeObject[] {
  return newRS ? [...olds, newRS] : [...olds]
}

export const deploymentController: ControllerDescriptor = {
  name: 'deployment-controller',
  start: (ctx) => new DeploymentController(ctx).run(),
}
