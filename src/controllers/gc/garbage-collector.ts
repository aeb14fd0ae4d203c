// The garbage collector, as kube-controller-manager's: deletes objects whose owners are all
// gone (background cascading), deletes dependents of owners deleted in the foreground and then
// releases the owner's foregroundDeletion finalizer, and orphans dependents of owners deleted
// with the orphan policy. It reads the ownership graph from a storage watch (it runs inside the
// API server) and acts through the stores, i.e. through the same write pipeline as any client.
//
// The graph holds only objects the collector must follow: dependents (with ownerReferences) and
// objects being deleted. Other owners are verified by a live lookup, as Kubernetes' collector
// does, and remembered until they are deleted — so the hot path (most writes) parses nothing.

import type { Registry } from '../../apiserver/registry/registry.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import type { KubeObject, OwnerReference } from '../../machinery/object.ts'
import type { WatchEvent } from '../../storage/interface.ts'
import { WorkQueue } from '../util/work-queue.ts'
import { type GraphNode, OwnershipGraph } from './graph.ts'

export const controllerName = 'garbage-collector'

const FOREGROUND = 'foregroundDeletion'
const ORPHAN = 'orphan'

export class GarbageCollector {
  private readonly registry: Registry
  private readonly log: Logger
  private readonly graph = new OwnershipGraph()
  /** Owners not in the graph that a lookup found alive; forgotten when they are deleted. */
  private readonly aliveOwners = new Set<string>()
  private readonly queue: WorkQueue
  private watch?: { cancel(): void }

  constructor(opts: { registry: Registry; log: Logger }) {
    this.registry = opts.registry
    this.log = opts.log.with({ controller: controllerName })
    this.queue = new WorkQueue((key) => this.process(key), this.log)
  }

  async start(): Promise<void> {
    const storage = this.registry.storage
    const revision = storage.revision
    // Subscribe first and buffer, then read a snapshot at the same revision: nothing is missed
    // and nothing is applied twice.
    const buffered: WatchEvent[] = []
    let ready = false
    this.watch = storage.watch('/registry/', {
      fromRevision: revision,
      onEvent: (ev) => (ready ? this.onEvent(ev) : buffered.push(ev)),
    })
    for (const store of this.registry.all()) {
      let startKey: string | undefined
      for (;;) {
        const page = await storage.list(store.prefix(''), { revision, startKey, limit: 1000 })
        for (const kv of page.items)
          if (mayMatter(kv.value)) this.graph.upsert(kv.key, JSON.parse(kv.value) as KubeObject)
        if (!page.more || page.items.length === 0) break
        startKey = `${page.items[page.items.length - 1].key}\u0000`
      }
    }
    ready = true
    for (const ev of buffered) this.onEvent(ev)
    for (const node of this.graph.all()) this.checkNode(node)
  }

  stop(): void {
    this.watch?.cancel()
    this.queue.stop()
  }

  /** Resolves when the collector has nothing left to do (for tests). */
  idle(): Promise<void> {
    return this.queue.idle()
  }

  private onEvent(ev: WatchEvent): void {
    if (ev.type === 'DELETE') {
      const removed = this.graph.remove(ev.key)
      const uid = removed?.uid ?? uidOf(ev.prevValue?.value)
      if (!uid) return
      this.aliveOwners.delete(uid)
      for (const d of removed?.dependents ?? this.graph.takeWaiting(uid)) this.queue.add(`dep:${d}`)
      for (const o of removed?.owners ?? []) this.queue.add(`fg:${o.uid}`)
      return
    }
    if (!this.graph.uidOfKey(ev.key) && !mayMatter(ev.value!.value)) return
    let obj: KubeObject
    try {
      obj = JSON.parse(ev.value!.value) as KubeObject
    } catch {
      return
    }
    const node = this.graph.upsert(ev.key, obj)
    if (node) this.checkNode(node)
  }

  private ownerKnown(uid: string): boolean {
    return this.graph.has(uid) || this.aliveOwners.has(uid)
  }

  private checkNode(node: GraphNode): void {
    if (node.owners.some((o) => !this.ownerKnown(o.uid))) this.queue.add(`dep:${node.uid}`)
    if (node.deleting && node.finalizers.includes(FOREGROUND)) this.queue.add(`fg:${node.uid}`)
    if (node.deleting && node.finalizers.includes(ORPHAN)) this.queue.add(`orphan:${node.uid}`)
    for (const o of node.owners) {
      const owner = this.graph.get(o.uid)
      if (owner?.deleting) this.queue.add(`fg:${o.uid}`)
    }
  }

  private async process(item: string): Promise<void> {
    const i = item.indexOf(':')
    const kind = item.slice(0, i)
    const node = this.graph.get(item.slice(i + 1))
    if (!node) return
    if (kind === 'dep') await this.collectDependent(node)
    else if (kind === 'fg') await this.finishForeground(node)
    else if (kind === 'orphan') await this.orphanDependents(node)
  }

  /** A dependent whose owners are all gone is deleted; dangling references are dropped. */
  private async collectDependent(node: GraphNode): Promise<void> {
    const gone: typeof node.owners = []
    for (const o of node.owners) {
      if (this.ownerKnown(o.uid)) continue
      if (await this.ownerAlive(o, node.namespace)) this.aliveOwners.add(o.uid)
      else gone.push(o)
    }
    if (gone.length === 0) return
    if (gone.length === node.owners.length) {
      if (node.deleting) return
      this.log.info('Deleting object whose owners are gone', { object: node.key })
      await this.deleteNode(node, 'Background')
      return
    }
    const goneUids = new Set(gone.map((o) => o.uid))
    await this.updateNode(node, (obj) => {
      obj.metadata.ownerReferences = (obj.metadata.ownerReferences ?? []).filter((o) => !goneUids.has(o.uid))
    })
  }

  /** Foreground deletion: delete dependents, release the owner when no blocking one is left. */
  private async finishForeground(owner: GraphNode): Promise<void> {
    if (!owner.deleting || !owner.finalizers.includes(FOREGROUND)) return
    let blocking = 0
    for (const uid of owner.dependents) {
      const dep = this.graph.get(uid)
      if (!dep) continue
      const ref = dep.owners.find((o) => o.uid === owner.uid)
      if (ref?.blockOwnerDeletion) blocking++
      if (!dep.deleting) await this.deleteNode(dep, 'Foreground')
    }
    if (blocking > 0) return
    this.log.info('Removing foregroundDeletion finalizer', { object: owner.key })
    await this.updateNode(owner, (obj) => {
      obj.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND)
    })
  }

  /** Orphan deletion: strip the owner from every dependent, then release the owner. */
  private async orphanDependents(owner: GraphNode): Promise<void> {
    if (!owner.deleting || !owner.finalizers.includes(ORPHAN)) return
    for (const uid of [...owner.dependents]) {
      const dep = this.graph.get(uid)
      if (!dep) continue
      await this.updateNode(dep, (obj) => {
        obj.metadata.ownerReferences = (obj.metadata.ownerReferences ?? []).filter((o) => o.uid !== owner.uid)
        if (obj.metadata.ownerReferences.length === 0) delete obj.metadata.ownerReferences
      })
    }
    this.log.info('Removing orphan finalizer', { object: owner.key })
    await this.updateNode(owner, (obj) => {
      obj.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== ORPHAN)
    })
  }

  /** Looks an owner up by its reference; an unknown kind counts as alive (nothing is deleted on a guess). */
  private async ownerAlive(ref: OwnerReference, dependentNamespace: string): Promise<boolean> {
    const store = this.registry.byKind(ref.apiVersion, ref.kind)
    if (!store) return true
    try {
      const owner = await store.getRaw(store.namespaced ? dependentNamespace : '', ref.name)
      return uidOf(owner.value) === ref.uid
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return false
      throw e
    }
  }

  private async deleteNode(node: GraphNode, policy: 'Background' | 'Foreground'): Promise<void> {
    const store = this.registry.byKey(node.key)
    if (!store) return
    try {
      await store.delete(node.namespace, node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } })
    } catch (e) {
      if (!ignorable(e)) throw e
    }
  }

  private async updateNode(node: GraphNode, change: (obj: KubeObject) => void): Promise<void> {
    const store = this.registry.byKey(node.key)
    if (!store) return
    try {
      await store.guaranteedUpdate(node.namespace, node.name, '', (obj) => {
        if (obj.metadata.uid !== node.uid) throw new StatusError(404, 'NotFound', 'replaced')
        change(obj)
        delete obj.metadata.resourceVersion
        return obj
      })
    } catch (e) {
      if (!ignorable(e)) throw e
    }
  }
}

function ignorable(e: unknown): boolean {
  return e instanceof StatusError && (e.code === 404 || (e.code === 409 && e.reason === 'Conflict'))
}

/** Whether the collector must look at an object: it has owners or is being deleted. */
function mayMatter(json: string): boolean {
  return json.includes('"ownerReferences"') || json.includes('"deletionTimestamp"')
}

function uidOf(json: string | undefined): string | undefined {
  if (!json) return undefined
  return (JSON.parse(json) as KubeObject).metadata?.uid
}
