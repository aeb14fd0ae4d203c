// A Client served in-process by a Registry: the same stores, write pipeline, admission and
// errors as HTTP requests, without sockets or serialisation. Controllers that run inside a
// Flotilla server (simulated clusters, the hub's own controllers) use it.

import { applyToStore, checkApplyConfiguration } from '../apiserver/registry/apply.ts'
import { patchApplier } from '../apiserver/registry/patch.ts'
import { listObjects, watchObjects } from '../apiserver/registry/reader.ts'
import type { Registry } from '../apiserver/registry/registry.ts'
import type { Store } from '../apiserver/registry/store.ts'
import { StatusError } from '../machinery/errors.ts'
import type { KubeObject } from '../machinery/object.ts'
import { checkFieldSelector, parseFieldSelector, parseLabelSelector } from '../machinery/selectors/index.ts'
import {
  type Client,
  type DeleteOptions,
  type ListOptions,
  type ObjectList,
  PATCH_MEDIA_TYPES,
  type PatchOptions,
  type PatchType,
  type Resource,
  type WatchEvent,
  type WatchHandle,
  type WatchOptions,
  type WriteOptions,
} from './client.ts'

export class LocalClient implements Client {
  private readonly registry: Registry
  /** The field manager recorded when a write names none. */
  private readonly defaultManager: string

  constructor(registry: Registry, defaultManager = 'flotilla') {
    this.registry = registry
    this.defaultManager = defaultManager
  }

  private store(r: Resource): Store {
    const s = this.registry.lookup(r.group, r.version, r.resource)
    if (!s) throw new StatusError(404, 'NotFound', `the server could not find the requested resource (${r.resource})`)
    return s
  }

  private selectors(store: Store, opts: { labelSelector?: string; fieldSelector?: string }) {
    const labels = parseLabelSelector(opts.labelSelector ?? '')
    const fields = parseFieldSelector(opts.fieldSelector ?? '')
    checkFieldSelector(store.def, fields)
    return { labels, fields }
  }

  async get(r: Resource, namespace: string, name: string): Promise<KubeObject> {
    return this.store(r).get(namespace, name)
  }

  async list(r: Resource, namespace: string, opts: ListOptions = {}): Promise<ObjectList> {
    const store = this.store(r)
    const page = await listObjects(store, namespace, { ...this.selectors(store, opts), ...opts })
    return { items: page.items.map((o) => o.object), resourceVersion: String(page.revision), continue: page.continue }
  }

  async watch(
    r: Resource,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent) => void,
  ): Promise<WatchHandle> {
    const store = this.store(r)
    let finish!: () => void
    const done = new Promise<void>((resolve) => {
      finish = resolve
    })
    let timer: NodeJS.Timeout | undefined
    const w = await watchObjects(
      store,
      namespace,
      { ...this.selectors(store, opts), resourceVersion: opts.resourceVersion },
      (ev) => {
        onEvent({ type: ev.type, object: ev.object.object })
      },
    )
    const stop = () => {
      if (timer) clearTimeout(timer)
      w.cancel()
      finish()
    }
    if (opts.timeoutSeconds) timer = setTimeout(stop, opts.timeoutSeconds * 1000)
    return { stop, done }
  }

  async create(r: Resource, namespace: string, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.store(r).create(namespace, structuredClone(obj), {
      dryRun: opts.dryRun,
      fieldManager: opts.fieldManager ?? this.defaultManager,
    })
  }

  async update(r: Resource, namespace: string, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.store(r).update(namespace, obj.metadata.name ?? '', structuredClone(obj), opts.subresource ?? '', {
      dryRun: opts.dryRun,
      fieldManager: opts.fieldManager ?? this.defaultManager,
    })
  }

  async patch(
    r: Resource,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: PatchOptions = {},
  ): Promise<KubeObject> {
    const store = this.store(r)
    const manager = opts.fieldManager ?? this.defaultManager
    if (type === 'apply') {
      const config = checkApplyConfiguration(structuredClone(patch) as KubeObject, name)
      const { object } = await applyToStore(store, namespace, name, config, {
        manager,
        force: opts.force,
        subresource: opts.subresource,
        dryRun: opts.dryRun,
      })
      return object
    }
    const applier = patchApplier(PATCH_MEDIA_TYPES[type])!
    return store.guaranteedUpdate(
      namespace,
      name,
      opts.subresource ?? '',
      (current) => {
        const rv = current.metadata.resourceVersion
        const next = applier(store, current, patch)
        if (next.metadata.resourceVersion === rv) delete next.metadata.resourceVersion
        return next
      },
      { dryRun: opts.dryRun, fieldManager: manager },
    )
  }

  async delete(r: Resource, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    await this.store(r).delete(namespace, name, opts)
  }
}
