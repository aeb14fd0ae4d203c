// The ownership graph the garbage collector works from: every object's uid, where it is
// stored, its owners and its dependents. Built from one snapshot of storage and kept current
// from the storage watch, so deciding what to collect never needs a scan.

import type { OwnerReference } from '../../machinery/object.ts'

export interface GraphNode {
  uid: string
  key: string
  namespace: string
  name: string
  owners: OwnerReference[]
  dependents: Set<string>
  deleting: boolean
  finalizers: string[]
}

interface ObjectLike {
  metadata: {
    uid?: string
    name?: string
    namespace?: string
    ownerReferences?: OwnerReference[]
    deletionTimestamp?: string
    finalizers?: string[]
  }
}

export class OwnershipGraph {
  private readonly nodes = new Map<string, GraphNode>()
  private readonly byKey = new Map<string, string>()
  /** Dependents of owners we have not seen (yet): uid -> dependent uids. */
  private readonly waiting = new Map<string, Set<string>>()

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid)
  }

  has(uid: string): boolean {
    return this.nodes.has(uid)
  }

  uidOfKey(key: string): string | undefined {
    return this.byKey.get(key)
  }

  /** Records the current state of an object; returns its node. */
  upsert(key: string, obj: ObjectLike): GraphNode | undefined {
    const m = obj.metadata
    if (!m.uid) return undefined
    const previousUid = this.byKey.get(key)
    if (previousUid && previousUid !== m.uid) this.remove(key)
    let node = this.nodes.get(m.uid)
    if (!node) {
      node = {
        uid: m.uid,
        key,
        namespace: m.namespace ?? '',
        name: m.name ?? '',
        owners: [],
        dependents: this.waiting.get(m.uid) ?? new Set(),
        deleting: false,
        finalizers: [],
      }
      this.waiting.delete(m.uid)
      this.nodes.set(m.uid, node)
      this.byKey.set(key, m.uid)
    }
    for (const o of node.owners) this.unlink(o.uid, node.uid)
    node.owners = (m.ownerReferences ?? []).filter((o) => o && typeof o.uid === 'string')
    for (const o of node.owners) this.link(o.uid, node.uid)
    node.deleting = !!m.deletionTimestamp
    node.finalizers = m.finalizers ?? []
    return node
  }

  /** Forgets an object; returns the removed node (its dependents need attention). */
  remove(key: string): GraphNode | undefined {
    const uid = this.byKey.get(key)
    if (!uid) return undefined
    const node = this.nodes.get(uid)
    this.byKey.delete(key)
    this.nodes.delete(uid)
    if (!node) return undefined
    for (const o of node.owners) this.unlink(o.uid, uid)
    if (node.dependents.size > 0) this.waiting.set(uid, node.dependents)
    return node
  }

  private link(owner: string, dependent: string): void {
    const n = this.nodes.get(owner)
    if (n) n.dependents.add(dependent)
    else {
      let w = this.waiting.get(owner)
      if (!w) {
        w = new Set()
        this.waiting.set(owner, w)
      }
      w.add(dependent)
    }
  }

  private unlink(owner: string, dependent: string): void {
    const n = this.nodes.get(owner)
    const set = n ? n.dependents : this.waiting.get(owner)
    set?.delete(dependent)
    if (!n && set && set.size === 0) this.waiting.delete(owner)
  }

  /** Takes the dependents recorded for an owner the graph does not hold (it was deleted). */
  takeWaiting(ownerUid: string): Set<string> {
    const w = this.waiting.get(ownerUid) ?? new Set<string>()
    this.waiting.delete(ownerUid)
    return w
  }

  /** Every node, for the initial sweep. */
  all(): IterableIterator<GraphNode> {
    return this.nodes.values()
  }
}
