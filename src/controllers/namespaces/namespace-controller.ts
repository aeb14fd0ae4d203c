// Namespace lifecycle, as kube-controller-manager's namespace controller: when a namespace is
// deleted (Terminating), delete everything in it, and once it is empty remove the "kubernetes"
// finalizer so the namespace itself goes. Also keeps a "default" ServiceAccount in every
// active namespace (the serviceaccounts controller's job).

import { listObjects, watchObjects } from '../../apiserver/registry/reader.ts'
import type { Registry } from '../../apiserver/registry/registry.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { WorkQueue } from '../util/work-queue.ts'

export const controllerName = 'namespace-controller'

/** How often a terminating namespace whose contents are still going is checked again. */
const RECHECK_MS = 200

export class NamespaceController {
  private readonly registry: Registry
  private readonly log: Logger
  private readonly queue: WorkQueue
  private watch?: { cancel(): void }

  constructor(opts: { registry: Registry; log: Logger }) {
    this.registry = opts.registry
    this.log = opts.log.with({ controller: controllerName })
    this.queue = new WorkQueue((name) => this.sync(name), this.log)
  }

  async start(): Promise<void> {
    const ns = this.registry.namespaces()
    const page = await listObjects(ns, '', {})
    for (const o of page.items) this.queue.add(o.object.metadata.name!)
    const w = await watchObjects(ns, '', { resourceVersion: String(page.revision) }, (ev) => {
      if (ev.type !== 'DELETED') this.queue.add(ev.object.object.metadata.name!)
    })
    this.watch = w
    // ServiceAccount deletions re-create the default one.
    const sa = this.registry.lookup('', 'v1', 'serviceaccounts')
    if (sa) {
      const saWatch = await watchObjects(sa, '', { resourceVersion: String(this.registry.storage.revision) }, (ev) => {
        if (ev.type === 'DELETED' && ev.object.object.metadata.name === 'default') {
          this.queue.add(ev.object.object.metadata.namespace!)
        }
      })
      const nsWatch = w
      this.watch = {
        cancel: () => {
          nsWatch.cancel()
          saWatch.cancel()
        },
      }
    }
  }

  stop(): void {
    this.watch?.cancel()
    this.queue.stop()
  }

  idle(): Promise<void> {
    return this.queue.idle()
  }

  private async sync(name: string): Promise<void> {
    let ns: KubeObject
    try {
      ns = await this.registry.namespaces().get('', name)
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return
      throw e
    }
    if (ns.metadata.deletionTimestamp) await this.terminate(ns)
    else await this.ensureDefaultServiceAccount(name)
  }

  private async ensureDefaultServiceAccount(namespace: string): Promise<void> {
    const sa = this.registry.lookup('', 'v1', 'serviceaccounts')
    if (!sa) return
    try {
      await sa.create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } })
    } catch (e) {
      if (e instanceof StatusError && (e.reason === 'AlreadyExists' || e.code === 403 || e.code === 404)) return
      throw e
    }
  }

  private async terminate(ns: KubeObject): Promise<void> {
    const name = ns.metadata.name!
    let remaining = 0
    for (const store of this.registry.all()) {
      if (store.def.scope !== 'Namespaced') continue
      const page = await listObjects(store, name, {})
      for (const o of page.items) {
        remaining++
        if (o.object.metadata.deletionTimestamp) continue
        try {
          await store.delete(name, o.object.metadata.name!, { propagationPolicy: 'Background' })
        } catch (e) {
          if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e
        }
      }
    }
    if (remaining > 0) {
      this.queue.addAfter(name, RECHECK_MS)
      return
    }
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter(
      (f) => f !== 'kubernetes',
    )
    this.log.info('Namespace is empty, finalizing', { namespace: name })
    await this.registry.namespaces().guaranteedUpdate('', name, '', (cur) => {
      cur.spec = { ...(cur.spec as object), finalizers }
      if (finalizers.length === 0) delete (cur.spec as { finalizers?: string[] }).finalizers
      delete cur.metadata.resourceVersion
      return cur
    })
  }
}
