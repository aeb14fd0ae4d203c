// The garbage collector, as kube-controller-manager's: deletes objects whose owners are all
// gone (background cascading), deletes dependents of owners deleted in the foreground and then
// releases the owner's foregroundDeletion finalizer, and orphans dependents of owners deleted
// with the orphan policy. It reads the ownership graph from a storage watch (it runs inside the
// API server) and acts through the stores, i.e. through the same write pipeline as any client.

import type { Registry } from '../../apiserver/registry/registry.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
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
        for (const kv of page.items) this.graph.upsert(kv.key, JSON.parse(kv.value) as KubeObject)
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
      if (!removed) return
      for (const d of removed.dependents) this.queue.add(`dep:${d}`)
      for (const o of removed.owners) this.queue.add(`fg:${o.uid}`)
      return
    }
    let obj: KubeObject
    try {
      obj = JSON.parse(ev.value!.value) as KubeObject
    } catch {
      return
    }
    const node = this.graph.upsert(ev.key, obj)
    if (node) this.checkNode(node)
  }

  private checkNode(node: GraphNode): void {
    if (node.owners.some((o) => !this.graph.has(o.uid))) this.queue.add(`dep:${node.uid}`)
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
    const gone = node.owners.filter((o) => !this.graph.has(o.uid))
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
