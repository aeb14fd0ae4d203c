// Serves custom resources: each established CustomResourceDefinition becomes KindDefs in the
// registry (discovery and OpenAPI follow), its status reports NamesAccepted and Established,
// and deleting it deletes every object of the kind before the CRD itself goes (the
// customresourcecleanup finalizer), as apiextensions-apiserver does.

import { listObjects, watchObjects } from '../../apiserver/registry/reader.ts'
import type { Registry } from '../../apiserver/registry/registry.ts'
import type { Store } from '../../apiserver/registry/store.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { timestamp } from '../../machinery/object.ts'
import { WorkQueue } from '../util/work-queue.ts'
import { type CrdSpec, crdKinds } from './custom-kinds.ts'

export const controllerName = 'crd-controller'
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io'

interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason: string
  message: string
  lastTransitionTime?: string
}

export class CrdController {
  private readonly registry: Registry
  private readonly log: Logger
  private readonly queue: WorkQueue
  /** CRD name -> the group/version/plural ids it registered. */
  private readonly served = new Map<string, { group: string; version: string; plural: string }[]>()
  private watch?: { cancel(): void }

  constructor(opts: { registry: Registry; log: Logger }) {
    this.registry = opts.registry
    this.log = opts.log.with({ controller: controllerName })
    this.queue = new WorkQueue((name) => this.sync(name), this.log)
  }

  private crds(): Store {
    const s = this.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')
    if (!s) throw new Error('customresourcedefinitions are not served')
    return s
  }

  /** Registers every existing CRD before returning, so its kinds are served from the start. */
  async start(): Promise<void> {
    const page = await listObjects(this.crds(), '', {})
    for (const o of page.items) await this.sync(o.object.metadata.name!)
    this.watch = await watchObjects(this.crds(), '', { resourceVersion: String(page.revision) }, (ev) => {
      this.queue.add(ev.object.object.metadata.name!)
    })
  }

  stop(): void {
    this.watch?.cancel()
    this.queue.stop()
  }

  idle(): Promise<void> {
    return this.queue.idle()
  }

  private async sync(name: string): Promise<void> {
    let crd: KubeObject
    try {
      crd = await this.crds().get('', name)
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) {
        this.unserve(name)
        return
      }
      throw e
    }
    if (crd.metadata.deletionTimestamp) {
      await this.terminate(crd)
      return
    }
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) {
      await this.crds().guaranteedUpdate('', name, '', (cur) => {
        cur.metadata.finalizers = [...(cur.metadata.finalizers ?? []), CLEANUP_FINALIZER]
        delete cur.metadata.resourceVersion
        return cur
      })
      return // the update comes back through the watch
    }
    const spec = crd.spec as CrdSpec
    const conflict = this.nameConflict(name, spec)
    if (conflict) {
      await this.setStatus(crd, [
        cond('NamesAccepted', 'False', 'MultipleNamesNotAllowed', conflict),
        cond('Established', 'False', 'NotAccepted', 'not all names are accepted'),
      ])
      return
    }
    this.serve(name, crd)
    await this.setStatus(crd, [
      cond('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
      cond('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ])
  }

  /** A resource name already served by a built-in kind or another CRD. */
  private nameConflict(name: string, spec: CrdSpec): string | undefined {
    for (const def of this.registry.allKinds()) {
      if (def.group !== spec.group) continue
      const mine = this.served
        .get(name)
        ?.some((s) => s.group === def.group && s.plural === def.plural && s.version === def.version)
      if (mine) continue
      if (def.plural === spec.names.plural) return `"${spec.names.plural}" is already in use`
      if (def.kind === spec.names.kind) return `"${spec.names.kind}" is already in use`
    }
    return undefined
  }

  private serve(name: string, crd: KubeObject): void {
    const kinds = crdKinds(crd)
    const before = this.served.get(name) ?? []
    for (const old of before) {
      if (!kinds.some((k) => k.version === old.version && k.plural === old.plural && k.group === old.group)) {
        this.registry.remove(old.group, old.version, old.plural)
      }
    }
    for (const k of kinds) this.registry.add(k)
    this.served.set(
      name,
      kinds.map((k) => ({ group: k.group, version: k.version, plural: k.plural })),
    )
    this.log.info('Serving custom resource', { crd: name, versions: kinds.map((k) => k.version) })
  }

  private unserve(name: string): void {
    for (const s of this.served.get(name) ?? []) this.registry.remove(s.group, s.version, s.plural)
    this.served.delete(name)
  }

  /** Deletes every object of the kind, then releases the CRD. */
  private async terminate(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!
    await this.setStatus(crd, [
      cond('Terminating', 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress'),
    ])
    const served = this.served.get(name)?.[0]
    const store = served ? this.registry.lookup(served.group, served.version, served.plural) : undefined
    if (store) {
      const page = await listObjects(store, '', {})
      let remaining = 0
      for (const o of page.items) {
        remaining++
        if (o.object.metadata.deletionTimestamp) continue
        try {
          await store.delete(o.object.metadata.namespace ?? '', o.object.metadata.name!, {})
        } catch (e) {
          if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e
        }
      }
      if (remaining > 0) {
        this.queue.addAfter(name, 200)
        return
      }
    }
    this.unserve(name)
    await this.crds().guaranteedUpdate('', name, '', (cur) => {
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER)
      delete cur.metadata.resourceVersion
      return cur
    })
  }

  private async setStatus(crd: KubeObject, conditions: Condition[]): Promise<void> {
    const spec = crd.spec as CrdSpec
    const now = timestamp()
    try {
      await this.crds().guaranteedUpdate('', crd.metadata.name!, 'status', (cur) => {
        const status = (cur.status ?? {}) as {
          conditions?: Condition[]
          acceptedNames?: unknown
          storedVersions?: string[]
        }
        const merged = [...(status.conditions ?? [])]
        for (const c of conditions) {
          const i = merged.findIndex((m) => m.type === c.type)
          const prev = i >= 0 ? merged[i] : undefined
          const next = { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now }
          if (i >= 0) merged[i] = next
          else merged.push(next)
        }
        status.conditions = merged
        status.acceptedNames = {
          plural: spec.names.plural,
          singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
          kind: spec.names.kind,
          listKind: spec.names.listKind ?? `${spec.names.kind}List`,
          ...(spec.names.shortNames ? { shortNames: spec.names.shortNames } : {}),
          ...(spec.names.categories ? { categories: spec.names.categories } : {}),
        }
        const storage = spec.versions.find((v) => v.storage)?.name
        const stored = new Set(status.storedVersions ?? [])
        if (storage) stored.add(storage)
        status.storedVersions = [...stored]
        cur.status = status
        delete cur.metadata.resourceVersion
        return cur
      })
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e
    }
  }
}

function cond(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, message }
}
