// The set of served resources: one Store per KindDef, looked up by group/version/resource as
// URLs name them. Kinds can be added at run time (CustomResourceDefinitions); listeners are told
// so that discovery and OpenAPI documents are rebuilt.

import { notFound } from '../../machinery/errors.ts'
import type { KindDef } from '../../machinery/kinds.ts'
import { apiVersionOf } from '../../machinery/kinds.ts'
import type { Storage } from '../../storage/interface.ts'
import { AdmissionChain } from '../admission/admission.ts'
import { Store, terminatingNamespace } from './store.ts'

const NAMESPACES = { group: '', resource: 'namespaces' }

export class Registry {
  readonly storage: Storage
  readonly now: () => number
  private readonly stores = new Map<string, Store>()
  private readonly kinds: KindDef[] = []
  private readonly listeners = new Set<() => void>()
  readonly admission = new AdmissionChain()
  private generationValue = 0

  constructor(storage: Storage, kinds: KindDef[], now: () => number = Date.now) {
    this.storage = storage
    this.now = now
    for (const k of kinds) this.add(k)
  }

  /** Bumped whenever the set of kinds changes; caches of derived documents key on it. */
  get generation(): number {
    return this.generationValue
  }

  allKinds(): readonly KindDef[] {
    return this.kinds
  }

  add(def: KindDef): Store {
    const id = resourceId(def.group, def.version, def.plural)
    const existing = this.stores.get(id)
    if (existing) this.kinds.splice(this.kinds.indexOf(existing.def), 1)
    const store = new Store(def, {
      storage: this.storage,
      now: this.now,
      checkNamespaceForCreate: (ns) => this.checkNamespaceForCreate(ns),
      admit: (a) => this.admission.admit(a),
    })
    this.stores.set(id, store)
    this.kinds.push(def)
    this.changed()
    return store
  }

  remove(group: string, version: string, plural: string): void {
    const id = resourceId(group, version, plural)
    const store = this.stores.get(id)
    if (!store) return
    this.stores.delete(id)
    this.kinds.splice(this.kinds.indexOf(store.def), 1)
    this.changed()
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  private changed(): void {
    this.generationValue++
    for (const fn of this.listeners) fn()
  }

  lookup(group: string, version: string, resource: string): Store | undefined {
    return this.stores.get(resourceId(group, version, resource))
  }

  /** The store serving a kind at its apiVersion ("apps/v1", "Deployment"). */
  byKind(apiVersion: string, kind: string): Store | undefined {
    for (const s of this.stores.values()) {
      if (s.def.kind === kind && apiVersionOf(s.def) === apiVersion) return s
    }
    return undefined
  }

  /** Every store, each storage resource once (a resource served at several versions counts once). */
  all(): Store[] {
    const seen = new Set<string>()
    const out: Store[] = []
    for (const s of this.stores.values()) {
      const k = s.prefix('')
      if (seen.has(k)) continue
      seen.add(k)
      out.push(s)
    }
    return out
  }

  /** The store that owns a storage key ("/registry/apps/deployments/ns/name"). */
  byKey(key: string): Store | undefined {
    const [, , group, plural] = key.split('/')
    const g = group === 'core' ? '' : group
    for (const s of this.stores.values()) if (s.def.group === g && s.def.plural === plural) return s
    return undefined
  }

  namespaces(): Store {
    const s = this.lookup('', 'v1', 'namespaces')
    if (!s) throw new Error('the namespaces resource is not served')
    return s
  }

  private async checkNamespaceForCreate(ns: string): Promise<void> {
    const kv = await this.storage.get(this.namespaces().key('', ns))
    if (!kv) throw notFound(NAMESPACES, ns)
    const obj = JSON.parse(kv.value) as { metadata: { deletionTimestamp?: string }; status?: { phase?: string } }
    if (obj.metadata.deletionTimestamp || obj.status?.phase === 'Terminating') throw terminatingNamespace(ns)
  }
}

function resourceId(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`
}
