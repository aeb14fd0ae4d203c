// An informer: keeps an in-memory copy of a resource (list, then watch), re-watching from the
// last seen resourceVersion when a stream ends and relisting when history has expired (410).
// Handlers see every change in order; on relist they see the differences as add/update/delete.

import type { Logger } from '../log/logger.ts'
import { StatusError } from '../machinery/errors.ts'
import type { KubeObject } from '../machinery/object.ts'
import type { Client, Resource, WatchHandle } from './client.ts'

export interface InformerHandlers {
  add?: (obj: KubeObject) => void
  update?: (obj: KubeObject, old: KubeObject) => void
  delete?: (obj: KubeObject) => void
}

export interface InformerOptions {
  client: Client
  resource: Resource
  namespace?: string
  labelSelector?: string
  fieldSelector?: string
  log: Logger
  /** Watch streams are renewed after this long (the server may end them sooner). */
  watchTimeoutSeconds?: number
}

export function objectKey(obj: KubeObject): string {
  const m = obj.metadata
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '')
}

export class Informer {
  private readonly opts: InformerOptions
  private readonly cache = new Map<string, KubeObject>()
  private readonly handlers: InformerHandlers[] = []
  private resourceVersion = ''
  private watch?: WatchHandle
  private stopped = false
  private syncedResolve!: () => void
  /** Resolves once the first list has been delivered to the handlers. */
  readonly synced: Promise<void>

  constructor(opts: InformerOptions) {
    this.opts = opts
    this.synced = new Promise((resolve) => {
      this.syncedResolve = resolve
    })
  }

  on(h: InformerHandlers): void {
    this.handlers.push(h)
  }

  get(key: string): KubeObject | undefined {
    return this.cache.get(key)
  }

  list(): KubeObject[] {
    return [...this.cache.values()]
  }

  start(): void {
    void this.run()
  }

  stop(): void {
    this.stopped = true
    this.watch?.stop()
  }

  private async run(): Promise<void> {
    let backoff = 100
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist()
        await this.watchOnce()
        backoff = 100
      } catch (e) {
        if (this.stopped) return
        if (e instanceof StatusError && e.code === 410) {
          this.resourceVersion = ''
          continue
        }
        this.opts.log.warn('Informer watch failed, retrying', {
          resource: this.opts.resource.resource,
          err: String(e),
          backoffMs: backoff,
        })
        await new Promise((r) => setTimeout(r, backoff))
        backoff = Math.min(backoff * 2, 10_000)
      }
    }
  }

  private async relist(): Promise<void> {
    const { client, resource, namespace = '', labelSelector, fieldSelector } = this.opts
    const fresh = new Map<string, KubeObject>()
    let cont: string | undefined
    let rv = ''
    do {
      const page = await client.list(resource, namespace, { labelSelector, fieldSelector, limit: 500, continue: cont })
      for (const o of page.items) fresh.set(objectKey(o), o)
      rv = page.resourceVersion
      cont = page.continue
    } while (cont)
    for (const [key, old] of this.cache) {
      if (!fresh.has(key)) {
        this.cache.delete(key)
        this.emit('delete', old)
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key)
      this.cache.set(key, obj)
      if (!old) this.emit('add', obj)
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', obj, old)
    }
    this.resourceVersion = rv
    this.syncedResolve()
  }

  private async watchOnce(): Promise<void> {
    const { client, resource, namespace = '', labelSelector, fieldSelector, watchTimeoutSeconds } = this.opts
    let expired: StatusError | undefined
    this.watch = await client.watch(
      resource,
      namespace,
      {
        labelSelector,
        fieldSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
      },
      (ev) => {
        if (ev.type === 'ERROR') {
          const st = ev.object as unknown as { code?: number; message?: string }
          expired = new StatusError(st.code ?? 500, st.code === 410 ? 'Expired' : 'InternalError', st.message ?? '')
          this.watch?.stop()
          return
        }
        const rv = ev.object.metadata?.resourceVersion
        if (rv) this.resourceVersion = rv
        if (ev.type === 'BOOKMARK') return
        const key = objectKey(ev.object)
        const old = this.cache.get(key)
        if (ev.type === 'DELETED') {
          this.cache.delete(key)
          this.emit('delete', ev.object)
        } else {
          this.cache.set(key, ev.object)
          if (old) this.emit('update', ev.object, old)
          else this.emit('add', ev.object)
        }
      },
    )
    await this.watch.done
    if (expired) throw expired
  }

  private emit(kind: 'add' | 'update' | 'delete', obj: KubeObject, old?: KubeObject): void {
    for (const h of this.handlers) {
      try {
        if (kind === 'add') h.add?.(obj)
        else if (kind === 'update') h.update?.(obj, old!)
        else h.delete?.(obj)
      } catch (e) {
        this.opts.log.error('Informer handler failed', { resource: this.opts.resource.resource, err: String(e) })
      }
    }
  }
}
