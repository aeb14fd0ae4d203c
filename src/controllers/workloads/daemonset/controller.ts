// The DaemonSet controller (pkg/controller/daemon): one pod per eligible node, pinned with
// required node affinity for the scheduler to bind; failed and surplus pods are replaced;
// RollingUpdate within maxUnavailable (or maxSurge), OnDelete; ControllerRevision history; and
// the desired/current/ready/available/updated/misscheduled counts kubectl prints.

import { arr, num, rec, str } from '../../../apis/json.ts'
import { resources } from '../../../client/client.ts'
import { StatusError } from '../../../machinery/errors.ts'
import type { KubeObject, OwnerReference } from '../../../machinery/object.ts'
import type { ControllerContext, ControllerDescriptor, RunningController } from '../../manager.ts'
import { slowStartBatch } from '../replicaset.ts'
import { claimObjects, recheckOwner } from '../util/claim.ts'
import { EventRecorder } from '../util/events.ts'
import { Expectations } from '../util/expectations.ts'
import { computeHash } from '../util/hash.ts'
import {
  CONTROLLER_REVISION_HASH,
  equalRevision,
  revisionData,
  revisionNumber,
  sortRevisions,
} from '../util/history.ts'
import {
  controllerUidIndex,
  type Index,
  namespaceIndex,
  orphanNamespaceIndex,
  type SharedInformer,
} from '../util/informers.ts'
import { scaledValue } from '../util/intstr.ts'
import { controllerRefOf, keyOf, newControllerRef, splitKey } from '../util/meta.ts'
import { ownedPodHandlers } from '../util/owned-pods.ts'
import { isPodAvailable, isPodReady, isTerminal, podFromTemplate, podPhase } from '../util/pods.ts'
import { ControllerRuntime } from '../util/runtime.ts'
import { nonEmptySelector, specSelector } from '../util/selectors.ts'
import { omitEmpty, writeStatus } from '../util/status.ts'
import { nodeShouldRunDaemonPod, pinToNode, taintsOf, targetNode, withDaemonTolerations } from './placement.ts'

const BURST = 250
const TEMPLATE_GENERATION = 'pod-template-generation'
const FAILED_BACKOFF_MS = 1000
const FAILED_BACKOFF_MAX_MS = 15 * 60 * 1000

const ts = (o: KubeObject) => Date.parse(o.metadata.creationTimestamp ?? '') || 0

/** podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name. */
function byCreationAndPhase(a: KubeObject, b: KubeObject): number {
  const sa = str(rec(a.spec).nodeName) !== ''
  const sb = str(rec(b.spec).nodeName) !== ''
  if (sa !== sb) return sa ? -1 : 1
  if (ts(a) !== ts(b)) return ts(a) - ts(b)
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')
}

function nodeView(node: KubeObject): string {
  const conditions = arr(rec(node.status).conditions).map((c) => `${str(rec(c).type)}=${str(rec(c).status)}`)
  return JSON.stringify([node.metadata.labels ?? {}, taintsOf(node), rec(node.spec).unschedulable ?? false, conditions])
}

class DaemonSetController {
  private readonly rt: ControllerRuntime
  private readonly dsInf: SharedInformer
  private readonly podInf: SharedInformer
  private readonly nodeInf: SharedInformer
  private readonly crInf: SharedInformer
  private readonly podsByOwner: Index
  private readonly orphanPods: Index
  private readonly crByOwner: Index
  private readonly orphanCRs: Index
  private readonly dsByNamespace: Index
  private readonly expectations = new Expectations()
  private readonly events: EventRecorder
  private readonly failedBackoff = new Map<string, { delay: number; at: number }>()

  constructor(ctx: ControllerContext) {
    this.rt = new ControllerRuntime(ctx, (key) => this.sync(key))
    this.dsInf = this.rt.informer(resources.daemonsets)
    this.podInf = this.rt.informer(resources.pods)
    this.nodeInf = this.rt.informer(resources.nodes)
    this.crInf = this.rt.informer(resources.controllerrevisions)
    this.podsByOwner = this.podInf.index('controller', controllerUidIndex)
    this.orphanPods = this.podInf.index('orphans', orphanNamespaceIndex)
    this.crByOwner = this.crInf.index('controller', controllerUidIndex)
    this.orphanCRs = this.crInf.index('orphans', orphanNamespaceIndex)
    this.dsByNamespace = this.dsInf.index('namespace', namespaceIndex)
    this.events = new EventRecorder(ctx.client, 'daemonset-controller', ctx.clock, ctx.log)
  }

  async run(): Promise<RunningController> {
    this.dsInf.on({
      add: (ds) => this.rt.enqueueObject(ds),
      update: (ds) => this.rt.enqueueObject(ds),
      delete: (ds) => this.expectations.forget(keyOf(ds)),
    })
    this.podInf.on(
      ownedPodHandlers({
        rt: this.rt,
        expectations: this.expectations,
        resolve: (p) => this.resolve(p),
        enqueueMatching: (p) => this.enqueueMatching(p),
      }),
    )
    this.nodeInf.on({
      add: () => this.enqueueAll(),
      update: (n, old) => {
        if (nodeView(n) !== nodeView(old)) this.enqueueAll()
      },
      delete: () => this.enqueueAll(),
    })
    this.crInf.on({
      add: (cr) => this.onRevision(cr),
      delete: (cr) => this.onRevision(cr),
    })
    await this.rt.start()
    return this.rt
  }

  private enqueueAll(): void {
    for (const ds of this.dsInf.list()) this.rt.enqueueObject(ds)
  }

  private resolve(obj: KubeObject): KubeObject | undefined {
    const ref = controllerRefOf(obj)
    if (ref?.kind !== 'DaemonSet') return undefined
    const ds = this.dsInf.get(obj.metadata.namespace ?? '', ref.name)
    return ds && ds.metadata.uid === ref.uid ? ds : undefined
  }

  private enqueueMatching(obj: KubeObject): void {
    for (const ds of this.dsByNamespace.get(obj.metadata.namespace ?? '')) {
      if (nonEmptySelector(ds).matches(obj.metadata.labels)) this.rt.enqueueObject(ds)
    }
  }

  private onRevision(cr: KubeObject): void {
    const ds = this.resolve(cr)
    if (ds) this.rt.enqueueObject(ds)
  }

  private ref(ds: KubeObject): OwnerReference {
    return newControllerRef(ds, 'apps/v1', 'DaemonSet')
  }

  private claim(
    ds: KubeObject,
    resource: typeof resources.pods | typeof resources.controllerrevisions,
    candidates: KubeObject[],
  ) {
    return claimObjects(
      {
        client: this.rt.client,
        resource,
        log: this.rt.log,
        owner: ds,
        ref: this.ref(ds),
        selector: specSelector(ds),
        canAdopt: recheckOwner(this.rt.client, resources.daemonsets, ds),
      },
      candidates,
    )
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key)
    const ds = this.dsInf.get(ns, name)
    if (!ds) {
      this.expectations.forget(key)
      return
    }
    if (specSelector(ds).empty) {
      this.events.event(
        ds,
        'Warning',
        'SelectingAll',
        'This daemon set is selecting all pods. A non-empty selector is required.',
      )
      return
    }
    const nodes = this.nodeInf.list()
    const uid = ds.metadata.uid ?? ''
    const [cur, old] = await this.constructHistory(ds)
    const hash = cur.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? ''
    const pods = await this.claim(ds, resources.pods, [...this.podsByOwner.get(uid), ...this.orphanPods.get(ns)])
    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
      const byNode = groupByNode(pods, true)
      await this.manage(ds, nodes, byNode, hash)
      if (this.expectations.satisfied(key) && rec(rec(ds.spec).updateStrategy).type !== 'OnDelete') {
        await this.rollingUpdate(ds, nodes, groupByNode(this.currentPods(ds), false), hash)
      }
      await this.cleanupHistory(ds, old, pods, hash)
    }
    await this.updateStatus(ds, nodes, groupByNode(this.currentPods(ds), false), hash)
  }

  private currentPods(ds: KubeObject): KubeObject[] {
    return this.podsByOwner.get(ds.metadata.uid ?? '')
  }

  /** constructHistory: the current revision (created when missing) and the old ones. */
  private async constructHistory(ds: KubeObject): Promise<[KubeObject, KubeObject[]]> {
    const ns = ds.metadata.namespace ?? ''
    const uid = ds.metadata.uid ?? ''
    const histories = await this.claim(ds, resources.controllerrevisions, [
      ...this.crByOwner.get(uid),
      ...this.orphanCRs.get(ns),
    ])
    const data = revisionData(ds)
    const probe: KubeObject = { metadata: {}, data }
    const current: KubeObject[] = []
    const old: KubeObject[] = []
    for (const h of histories) (equalRevision(h, probe) ? current : old).push(h)
    const next = old.reduce((m, h) => Math.max(m, revisionNumber(h)), 0) + 1
    let cur: KubeObject
    if (current.length === 0) {
      cur = await this.snapshot(ds, next)
    } else {
      const sorted = sortRevisions(current)
      cur = sorted[sorted.length - 1]
      // dedupCurHistories: keep one, relabel pods of the duplicates, delete the duplicates.
      for (const dup of sorted.slice(0, -1)) {
        await this.rt.client.delete(resources.controllerrevisions, ns, dup.metadata.name ?? '').catch(() => {})
      }
      if (revisionNumber(cur) < next) {
        cur = await this.rt.client.patch(resources.controllerrevisions, ns, cur.metadata.name ?? '', 'merge', {
          revision: next,
        })
      }
    }
    return [cur, old]
  }

  private async snapshot(ds: KubeObject, revision: number): Promise<KubeObject> {
    const ns = ds.metadata.namespace ?? ''
    const cc = rec(ds.status).collisionCount
    const template = rec(rec(ds.spec).template)
    const hash = computeHash(template, typeof cc === 'number' ? cc : undefined)
    const cr: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: `${ds.metadata.name}-${hash}`,
        namespace: ns,
        labels: { ...(rec(template.metadata).labels as Record<string, string>), [CONTROLLER_REVISION_HASH]: hash },
        ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
        ownerReferences: [this.ref(ds)],
      },
      data: revisionData(ds),
      revision,
    }
    try {
      return await this.rt.client.create(resources.controllerrevisions, ns, cr)
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409 && e.reason === 'AlreadyExists')) throw e
      const existing = await this.rt.client.get(resources.controllerrevisions, ns, cr.metadata.name ?? '')
      if (equalRevision(existing, cr)) return existing
      await this.rt.client.patch(
        resources.daemonsets,
        ns,
        ds.metadata.name ?? '',
        'merge',
        { status: { collisionCount: num(cc) + 1 } },
        { subresource: 'status' },
      )
      throw e
    }
  }

  /** manage: the pods each node should (not) have. */
  private async manage(ds: KubeObject, nodes: KubeObject[], byNode: Map<string, KubeObject[]>, hash: string) {
    const create: string[] = []
    const remove: KubeObject[] = []
    const surge = allowsSurge(ds, nodes)
    const t = this.rt.clock.now()
    const nodeNames = new Set<string>()
    for (const node of nodes) {
      const nodeName = node.metadata.name ?? ''
      nodeNames.add(nodeName)
      const [shouldRun, shouldContinue] = nodeShouldRunDaemonPod(ds, node)
      const daemonPods = byNode.get(nodeName)
      if (shouldRun && !daemonPods) {
        create.push(nodeName)
      } else if (shouldContinue && daemonPods) {
        const running: KubeObject[] = []
        for (const pod of daemonPods) {
          if (pod.metadata.deletionTimestamp) continue
          const phase = podPhase(pod)
          if (phase === 'Failed') {
            const bkey = `${keyOf(ds)}/${nodeName}`
            const b = this.failedBackoff.get(bkey)
            if (b && t < b.at + b.delay) {
              this.rt.enqueueAt(keyOf(ds), b.at + b.delay)
              continue
            }
            this.failedBackoff.set(bkey, {
              delay: b ? Math.min(b.delay * 2, FAILED_BACKOFF_MAX_MS) : FAILED_BACKOFF_MS,
              at: t,
            })
            this.events.event(
              ds,
              'Warning',
              'FailedDaemonPod',
              `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`,
            )
            remove.push(pod)
          } else if (phase === 'Succeeded') {
            remove.push(pod)
          } else running.push(pod)
        }
        if (running.length <= 1) continue
        running.sort(byCreationAndPhase)
        if (!surge) {
          remove.push(...running.slice(1))
          continue
        }
        let oldestNew: KubeObject | undefined
        let oldestOld: KubeObject | undefined
        for (const pod of running) {
          if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) {
            if (!oldestNew) {
              oldestNew = pod
              continue
            }
          } else if (!oldestOld) {
            oldestOld = pod
            continue
          }
          remove.push(pod)
        }
        if (oldestNew && oldestOld) {
          if (!isPodReady(oldestOld)) remove.push(oldestOld)
          else if (isPodAvailable(oldestNew, num(rec(ds.spec).minReadySeconds), t)) remove.push(oldestOld)
        }
      } else if (!shouldContinue && daemonPods) {
        for (const pod of daemonPods) if (!pod.metadata.deletionTimestamp) remove.push(pod)
      }
    }
    // Unscheduled pods meant for nodes that no longer exist.
    for (const [nodeName, list] of byNode) {
      if (nodeNames.has(nodeName)) continue
      for (const pod of list) if (!str(rec(pod.spec).nodeName) && !pod.metadata.deletionTimestamp) remove.push(pod)
    }
    await this.syncNodes(ds, remove, create, hash)
  }

  /** syncNodes: creates pods for nodes and deletes pods, within the burst limit. */
  private async syncNodes(ds: KubeObject, remove: KubeObject[], create: string[], hash: string): Promise<void> {
    const key = keyOf(ds)
    const ns = ds.metadata.namespace ?? ''
    const toCreate = create.slice(0, BURST)
    const toDelete = remove.slice(0, BURST)
    let firstErr: unknown
    if (toCreate.length > 0) {
      this.expectations.expectCreations(key, toCreate.length)
      const template = structuredClone(rec(rec(ds.spec).template))
      const tmeta = rec(template.metadata)
      const generation =
        ds.metadata.annotations?.['deprecated.daemonset.template.generation'] ?? String(ds.metadata.generation ?? 1)
      tmeta.labels = { ...rec(tmeta.labels), [TEMPLATE_GENERATION]: generation, [CONTROLLER_REVISION_HASH]: hash }
      template.metadata = tmeta
      const spec = rec(template.spec)
      spec.tolerations = withDaemonTolerations(spec)
      template.spec = spec
      const ref = this.ref(ds)
      let i = 0
      const { attempted, err } = await slowStartBatch(toCreate.length, async () => {
        const node = toCreate[i++]
        const pod = podFromTemplate(template, ns, ref, { generateName: `${ds.metadata.name}-` })
        rec(pod.spec).affinity = pinToNode(rec(pod.spec).affinity, node)
        try {
          const created = await this.rt.client.create(resources.pods, ns, pod)
          this.events.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`)
        } catch (e) {
          this.expectations.creationObserved(key)
          if (e instanceof StatusError && e.code === 403 && /being terminated/.test(e.message)) return
          this.events.event(ds, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : e}`)
          throw e
        }
      })
      for (let k = attempted; k < toCreate.length; k++) this.expectations.creationObserved(key)
      firstErr = err
    }
    if (toDelete.length > 0) {
      this.expectations.expectDeletions(key, toDelete.map(keyOf))
      await Promise.all(
        toDelete.map(async (pod) => {
          try {
            await this.rt.client.delete(resources.pods, ns, pod.metadata.name ?? '', {
              preconditions: { uid: pod.metadata.uid },
            })
            this.events.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`)
          } catch (e) {
            this.expectations.deletionObserved(key, keyOf(pod))
            if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return
            firstErr ??= e
          }
        }),
      )
    }
    if (firstErr) throw firstErr
  }

  /** rollingUpdate: replaces old pods within maxUnavailable, or surges within maxSurge. */
  private async rollingUpdate(ds: KubeObject, nodes: KubeObject[], byNode: Map<string, KubeObject[]>, hash: string) {
    const shouldRun = new Set(nodes.filter((n) => nodeShouldRunDaemonPod(ds, n)[0]).map((n) => n.metadata.name ?? ''))
    const { maxSurge, maxUnavailable } = budgets(ds, shouldRun.size)
    const minReady = num(rec(ds.spec).minReadySeconds)
    const t = this.rt.clock.now()
    if (maxSurge === 0) {
      let unavailable = 0
      const replacements: KubeObject[] = []
      const candidates: KubeObject[] = []
      for (const pods of byNode.values()) {
        const found = updatedPodsOnNode(pods, hash)
        if (!found) {
          unavailable++
          continue
        }
        const [newPod, oldPod] = found
        if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++
        else if (newPod) {
          if (!isPodAvailable(newPod, minReady, t)) unavailable++
        } else if (oldPod) {
          if (!isPodAvailable(oldPod, minReady, t)) {
            replacements.push(oldPod)
            unavailable++
          } else if (unavailable < maxUnavailable) candidates.push(oldPod)
        }
      }
      const remaining = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length)
      await this.syncNodes(ds, [...replacements, ...candidates.slice(0, remaining)], [], hash)
      return
    }
    let surged = 0
    const create: string[] = []
    const remove: KubeObject[] = []
    for (const [nodeName, pods] of byNode) {
      const found = updatedPodsOnNode(pods, hash)
      if (!found) {
        surged++
        continue
      }
      const [newPod, oldPod] = found
      if (!shouldRun.has(nodeName)) continue
      if (!oldPod) continue
      if (!newPod) {
        if (!isPodAvailable(oldPod, minReady, t)) create.push(nodeName)
        else if (surged < maxSurge) {
          surged++
          create.push(nodeName)
        }
      } else if (!isPodAvailable(newPod, minReady, t)) surged++
      else remove.push(oldPod)
    }
    await this.syncNodes(ds, remove, create, hash)
  }

  /** cleanupHistory: old revisions beyond revisionHistoryLimit that no pod uses. */
  private async cleanupHistory(ds: KubeObject, old: KubeObject[], pods: KubeObject[], hash: string) {
    const limit = num(rec(ds.spec).revisionHistoryLimit ?? 10)
    const live = new Set([hash, ...pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? '')])
    const unused = sortRevisions(old).filter((h) => !live.has(h.metadata.labels?.[CONTROLLER_REVISION_HASH] ?? ''))
    for (const h of unused.slice(0, Math.max(0, unused.length - limit))) {
      await this.rt.client
        .delete(resources.controllerrevisions, h.metadata.namespace ?? '', h.metadata.name ?? '')
        .catch((e) => {
          if (!(e instanceof StatusError && e.code === 404)) throw e
        })
    }
  }

  private async updateStatus(ds: KubeObject, nodes: KubeObject[], byNode: Map<string, KubeObject[]>, hash: string) {
    const minReady = num(rec(ds.spec).minReadySeconds)
    const t = this.rt.clock.now()
    let desired = 0
    let current = 0
    let misscheduled = 0
    let ready = 0
    let available = 0
    let updated = 0
    for (const node of nodes) {
      const [shouldRun] = nodeShouldRunDaemonPod(ds, node)
      const pods = byNode.get(node.metadata.name ?? '') ?? []
      if (shouldRun) {
        desired++
        if (pods.length === 0) continue
        current++
        const pod = [...pods].sort(byCreationAndPhase)[0]
        if (isPodReady(pod)) {
          ready++
          if (isPodAvailable(pod, minReady, t)) available++
        }
        if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) updated++
      } else if (pods.length > 0) misscheduled++
    }
    const prev = rec(ds.status)
    const status = omitEmpty(
      {
        currentNumberScheduled: current,
        numberMisscheduled: misscheduled,
        desiredNumberScheduled: desired,
        numberReady: ready,
        observedGeneration: ds.metadata.generation ?? 0,
        updatedNumberScheduled: updated,
        numberAvailable: available,
        numberUnavailable: desired - available,
        collisionCount: prev.collisionCount,
        conditions: prev.conditions,
      },
      ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
    )
    try {
      await writeStatus(this.rt.client, resources.daemonsets, ds, status)
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e
    }
    if (minReady > 0 && ready !== available) this.rt.enqueueAfter(keyOf(ds), minReady * 1000)
  }
}

/** Pods by the node they are (to be) on; `withTerminal` keeps finished pods being deleted. */
function groupByNode(pods: KubeObject[], withTerminal: boolean): Map<string, KubeObject[]> {
  const m = new Map<string, KubeObject[]>()
  for (const p of pods) {
    if (!withTerminal && isTerminal(p) && p.metadata.deletionTimestamp) continue
    const node = targetNode(p)
    if (!node) continue
    const list = m.get(node)
    if (list) list.push(p)
    else m.set(node, [p])
  }
  return m
}

/** findUpdatedPodsOnNode: [new, old], or undefined when a node has several of either. */
function updatedPodsOnNode(
  pods: KubeObject[],
  hash: string,
): [KubeObject | undefined, KubeObject | undefined] | undefined {
  let newPod: KubeObject | undefined
  let oldPod: KubeObject | undefined
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue
    if (p.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) {
      if (newPod) return undefined
      newPod = p
    } else {
      if (oldPod) return undefined
      oldPod = p
    }
  }
  return [newPod, oldPod]
}

/** updatedDesiredNodeCounts: surge and unavailability round up; both zero means 1 unavailable. */
function budgets(ds: KubeObject, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = rec(rec(rec(ds.spec).updateStrategy).rollingUpdate)
  const maxSurge = scaledValue(ru.maxSurge ?? 0, desired, true)
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? 1, desired, true)
  if (desired > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1
  return { maxSurge, maxUnavailable }
}

function allowsSurge(ds: KubeObject, nodes: KubeObject[]): boolean {
  const strategy = rec(rec(ds.spec).updateStrategy)
  if (strategy.type === 'OnDelete') return false
  const surge = rec(strategy.rollingUpdate).maxSurge
  if (surge === undefined || surge === 0 || surge === '0%' || surge === '0') return false
  return scaledValue(surge, Math.max(1, nodes.length), true) > 0
}

export const daemonSetController: ControllerDescriptor = {
  name: 'daemonset-controller',
  start: (ctx) => new DaemonSetController(ctx).run(),
}
