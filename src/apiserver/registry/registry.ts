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
  /** Namespace name -> terminating, once trackNamespaces() runs. */
  private namespaceState?: Map<string, boolean>
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
    let terminating = this.namespaceState?.get(ns)
    if (!this.namespaceState) {
      const kv = await this.storage.get(this.namespaces().key('', ns))
      terminating = kv ? isTerminating(kv.value) : undefined
    }
    if (terminating === undefined) throw notFound(NAMESPACES, ns)
    if (terminating) throw terminatingNamespace(ns)
  }

  /**
   * Keeps every namespace's state (exists, terminating) in memory from a storage watch, so
   * creates need no storage read to check their namespace. Storage dispatches a write's watch
   * events before acknowledging it, so the state is current for the writer's next request.
   */
  async trackNamespaces(): Promise<void> {
    const prefix = this.namespaces().prefix('')
    const state = new Map<string, boolean>()
    const page = await this.storage.list(prefix)
    for (const kv of page.items) state.set(kv.key.slice(prefix.length), isTerminating(kv.value))
    this.storage.watch(prefix, {
      fromRevision: page.revision,
      onEvent: (ev) => {
        const name = ev.key.slice(prefix.length)
        if (ev.type === 'DELETE') state.delete(name)
        else state.set(name, isTerminating(ev.value!.value))
      },
    })
    this.namespaceState = state
  }
}

function resourceId(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`
}

function isTerminating(json: string): boolean {
  const obj = JSON.parse(json) as { metadata: { deletionTimestamp?: string }; status?: { phase?: string } }
  return !!obj.metadata.deletionTimestamp || obj.status?.phase === 'Terminating'
}
