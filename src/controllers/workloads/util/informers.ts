// Informers shared by the workload controllers of one client, as client-go's shared informer
// factory: one list+watch and one cache per resource however many controllers read it, with
// secondary indexes (pods by owner, by namespace...) kept up to date in the same event dispatch.
// Reference counted: the informer stops when its last user releases it.

import type { Client, Resource } from '../../../client/client.ts'
import { Informer, type InformerHandlers, objectKey } from '../../../client/informer.ts'
import type { Logger } from '../../../log/logger.ts'
import type { KubeObject } from '../../../machinery/object.ts'

/** A secondary index: index key -> objects (keyed by namespace/name). */
export class Index {
  private readonly byIndexKey = new Map<string, Map<string, KubeObject>>()
  private readonly indexKeysOf = new Map<string, string[]>()
  private readonly fn: (obj: KubeObject) => string[]

  constructor(fn: (obj: KubeObject) => string[]) {
    this.fn = fn
  }

  get(indexKey: string): KubeObject[] {
    const m = this.byIndexKey.get(indexKey)
    return m ? [...m.values()] : []
  }

  upsert(obj: KubeObject): void {
    const key = objectKey(obj)
    this.remove(key)
    const keys = this.fn(obj)
    if (keys.length === 0) return
    this.indexKeysOf.set(key, keys)
    for (const k of keys) {
      let m = this.byIndexKey.get(k)
      if (!m) {
        m = new Map()
        this.byIndexKey.set(k, m)
      }
      m.set(key, obj)
    }
  }

  remove(key: string): void {
    const old = this.indexKeysOf.get(key)
    if (!old) return
    this.indexKeysOf.delete(key)
    for (const k of old) {
      const m = this.byIndexKey.get(k)
      if (!m) continue
      m.delete(key)
      if (m.size === 0) this.byIndexKey.delete(k)
    }
  }
}

export class SharedInformer {
  readonly informer: Informer
  readonly resource: Resource
  private readonly indexes = new Map<string, Index>()
  refs = 0

  constructor(informer: Informer, resource: Resource) {
    this.informer = informer
    this.resource = resource
    informer.on({
      add: (o) => {
        for (const ix of this.indexes.values()) ix.upsert(o)
      },
      update: (o) => {
        for (const ix of this.indexes.values()) ix.upsert(o)
      },
      delete: (o) => {
        for (const ix of this.indexes.values()) ix.remove(objectKey(o))
      },
    })
  }

  get synced(): Promise<void> {
    return this.informer.synced
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.informer.get(namespace ? `${namespace}/${name}` : name)
  }

  list(): KubeObject[] {
    return this.informer.list()
  }

  /** The named index, created (and filled from the cache) on first use. */
  index(name: string, fn: (obj: KubeObject) => string[]): Index {
    let ix = this.indexes.get(name)
    if (!ix) {
      ix = new Index(fn)
      for (const o of this.informer.list()) ix.upsert(o)
      this.indexes.set(name, ix)
    }
    return ix
  }

  /** Registers handlers and replays the objects already cached to `add`. */
  on(h: InformerHandlers): void {
    this.informer.on(h)
    if (h.add) for (const o of this.informer.list()) h.add(o)
  }
}

const factories = new WeakMap<Client, Map<string, SharedInformer>>()

const resourceKey = (r: Resource) => `${r.group}/${r.version}/${r.resource}`

/** Acquires the shared informer of `resource` for `client`, starting it on first use. */
export function acquireInformer(client: Client, resource: Resource, log: Logger): SharedInformer {
  let m = factories.get(client)
  if (!m) {
    m = new Map()
    factories.set(client, m)
  }
  const key = resourceKey(resource)
  let s = m.get(key)
  if (!s) {
    const inf = new Informer({ client, resource, log })
    s = new SharedInformer(inf, resource)
    m.set(key, s)
    inf.start()
  }
  s.refs++
  return s
}

export function releaseInformer(client: Client, s: SharedInformer): void {
  s.refs--
  if (s.refs > 0) return
  s.informer.stop()
  factories.get(client)?.delete(resourceKey(s.resource))
}

// Common indexes.

/** "uid" of the controller owner reference, if any. */
export function controllerUidIndex(obj: KubeObject): string[] {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true)
  return ref ? [ref.uid] : []
}

/** The namespace of objects that have no controller (candidates for adoption). */
export function orphanNamespaceIndex(obj: KubeObject): string[] {
  return obj.metadata.ownerReferences?.some((r) => r.controller === true) ? [] : [obj.metadata.namespace ?? '']
}

export function namespaceIndex(obj: KubeObject): string[] {
  return [obj.metadata.namespace ?? '']
}
