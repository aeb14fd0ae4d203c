// One informer shared by the simulator's controllers, so each change to a pod or node is
// decoded once however many controllers follow it. Subscribing after the informer started
// replays its current contents as additions, so late subscribers see a consistent picture.

import type { Client, Resource } from '../../client/client.ts'
import { Informer, type InformerHandlers } from '../../client/informer.ts'
import type { Logger } from '../../log/logger.ts'
import type { KubeObject } from '../../machinery/object.ts'

export class SharedInformer {
  readonly informer: Informer
  private readonly handlers = new Set<InformerHandlers>()
  private started = false

  constructor(client: Client, resource: Resource, log: Logger, opts: { fieldSelector?: string } = {}) {
    this.informer = new Informer({ client, resource, log, fieldSelector: opts.fieldSelector })
    this.informer.on({
      add: (o) => {
        for (const h of this.handlers) h.add?.(o)
      },
      update: (o, old) => {
        for (const h of this.handlers) h.update?.(o, old)
      },
      delete: (o) => {
        for (const h of this.handlers) h.delete?.(o)
      },
    })
  }

  get synced(): Promise<void> {
    return this.informer.synced
  }

  get(key: string): KubeObject | undefined {
    return this.informer.get(key)
  }

  list(): KubeObject[] {
    return this.informer.list()
  }

  /** Adds handlers; returns the function that removes them. */
  subscribe(h: InformerHandlers): () => void {
    this.handlers.add(h)
    if (this.started) for (const o of this.informer.list()) h.add?.(o)
    return () => this.handlers.delete(h)
  }

  start(): void {
    if (this.started) return
    this.started = true
    this.informer.start()
  }

  stop(): void {
    this.informer.stop()
  }
}
