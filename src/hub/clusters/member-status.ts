// Watches of a member's nodes and pods that keep compact records instead of objects: list (in
// pages) then watch from the list's resourceVersion, re-watch from the last seen version when a
// stream ends, re-list when the member says the version has expired (410), and retry with
// backoff on errors. Each watcher feeds an Aggregate (running totals) and reports when the
// totals changed, so the cluster controller writes summaries only when they move.

import { type Client, type Resource, resources, type WatchHandle } from '../../client/client.ts'
import type { Logger } from '../../log/logger.ts'
import { StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import {
  type Aggregate,
  type NodeSummary,
  NodeTotals,
  nodeRecord,
  nodeSummary,
  PodTotals,
  podRecord,
  type ResourceSummary,
  resourceSummary,
  sameNodeRecord,
  samePodRecord,
} from './summary.ts'

const MIN_BACKOFF_MS = 200
const MAX_BACKOFF_MS = 30_000
const PAGE_SIZE = 500

export interface CompactWatchOptions<R> {
  client: Client
  resource: Resource
  fieldSelector?: string
  /** The record to keep for an object, or undefined when the object does not count. */
  toRecord: (obj: KubeObject) => R | undefined
  same: (a: R, b: R) => boolean
  aggregate: Aggregate<R>
  /** Called after the totals changed (and after every relist). */
  onChange: () => void
  clock: Clock
  log: Logger
}

function keyOf(obj: KubeObject): string {
  const m = obj.metadata
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '')
}

export class CompactWatch<R> {
  private readonly opts: CompactWatchOptions<R>
  private readonly records = new Map<string, R>()
  private resourceVersion = ''
  private handle?: WatchHandle
  private stopped = false
  private running = false
  private backoff = MIN_BACKOFF_MS
  private cancelSleep?: () => void
  private wake?: () => void
  /** True once the first list has been applied (the totals mean something). */
  synced = false

  constructor(opts: CompactWatchOptions<R>) {
    this.opts = opts
  }

  get size(): number {
    return this.records.size
  }

  start(): void {
    if (this.running || this.stopped) return
    this.running = true
    void this.run()
  }

  stop(): void {
    this.stopped = true
    this.handle?.stop()
    this.cancelSleep?.()
    this.wake?.()
  }

  /** Retries now if waiting out a backoff (the member answers again). */
  kick(): void {
    this.backoff = MIN_BACKOFF_MS
    this.cancelSleep?.()
    this.wake?.()
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist()
        if (this.stopped) return
        await this.watchOnce()
        this.backoff = MIN_BACKOFF_MS
      } catch (e) {
        if (this.stopped) return
        if (e instanceof StatusError && (e.code === 410 || e.reason === 'Expired' || e.reason === 'Gone')) {
          this.resourceVersion = ''
          continue
        }
        this.opts.log.debug('Member watch failed, retrying', {
          resource: this.opts.resource.resource,
          err: e instanceof Error ? e.message : String(e),
          backoffMs: this.backoff,
        })
        await this.sleep(this.backoff)
        this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS)
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.cancelSleep = undefined
        this.wake = undefined
        resolve()
      }
      this.wake = done
      const cancel = this.opts.clock.setTimeout(done, ms)
      this.cancelSleep = () => {
        cancel()
        done()
      }
    })
  }

  private async relist(): Promise<void> {
    const { client, resource, fieldSelector, toRecord, aggregate } = this.opts
    const fresh = new Map<string, R>()
    let cont: string | undefined
    let rv = ''
    do {
      const page = await client.list(resource, '', { fieldSelector, limit: PAGE_SIZE, continue: cont })
      for (const o of page.items) {
        const r = toRecord(o)
        if (r !== undefined) fresh.set(keyOf(o), r)
      }
      rv = page.resourceVersion
      cont = page.continue
    } while (cont && !this.stopped)
    if (this.stopped) return
    this.records.clear()
    aggregate.reset()
    for (const [k, r] of fresh) {
      this.records.set(k, r)
      aggregate.add(r)
    }
    this.resourceVersion = rv
    this.synced = true
    this.opts.onChange()
  }

  private async watchOnce(): Promise<void> {
    const { client, resource, fieldSelector } = this.opts
    let failure: StatusError | undefined
    this.handle = await client.watch(
      resource,
      '',
      {
        fieldSelector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: true,
        // Renewed now and then so a silently dead connection does not go unnoticed for long.
        timeoutSeconds: 240 + Math.floor(Math.random() * 120),
      },
      (ev) => {
        if (ev.type === 'ERROR') {
          const st = ev.object as unknown as { code?: number; reason?: string; message?: string }
          failure = new StatusError(
            st.code ?? 500,
            st.code === 410 ? 'Expired' : 'InternalError',
            st.message ?? 'watch error',
          )
          this.handle?.stop()
          return
        }
        const rv = ev.object?.metadata?.resourceVersion
        if (rv) this.resourceVersion = rv
        if (ev.type !== 'BOOKMARK') this.apply(ev.type, ev.object)
      },
    )
    if (this.stopped) this.handle.stop()
    await this.handle.done
    if (failure) throw failure
  }

  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    const { toRecord, same, aggregate, onChange } = this.opts
    const key = keyOf(obj)
    const old = this.records.get(key)
    const next = type === 'DELETED' ? undefined : toRecord(obj)
    if (old !== undefined && next !== undefined && same(old, next)) return
    if (old === undefined && next === undefined) return
    if (old !== undefined) aggregate.remove(old)
    if (next !== undefined) {
      aggregate.add(next)
      this.records.set(key, next)
    } else this.records.delete(key)
    onChange()
  }
}

/** A member's node and pod watches and the summaries they add up to. */
export class MemberSummaries {
  private readonly nodeTotals = new NodeTotals()
  private readonly podTotals = new PodTotals()
  private readonly nodes: CompactWatch<ReturnType<typeof nodeRecord>>
  private readonly pods: CompactWatch<NonNullable<ReturnType<typeof podRecord>>>
  private started = false

  constructor(opts: { client: Client; clock: Clock; log: Logger; onChange: () => void }) {
    const common = { client: opts.client, clock: opts.clock, log: opts.log, onChange: opts.onChange }
    this.nodes = new CompactWatch({
      ...common,
      resource: resources.nodes,
      toRecord: nodeRecord,
      same: sameNodeRecord,
      aggregate: this.nodeTotals,
    })
    this.pods = new CompactWatch({
      ...common,
      resource: resources.pods,
      // Only pods that occupy a node: the member filters, so finished pods never reach the hub.
      fieldSelector: 'spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed',
      toRecord: podRecord,
      same: samePodRecord,
      aggregate: this.podTotals,
    })
  }

  start(): void {
    if (this.started) return
    this.started = true
    this.nodes.start()
    this.pods.start()
  }

  /** Retries failed watches now (the member is reachable again). */
  kick(): void {
    this.nodes.kick()
    this.pods.kick()
  }

  stop(): void {
    this.nodes.stop()
    this.pods.stop()
  }

  /** How many records are held (tests and the benchmark check the hub holds no objects). */
  get recordCount(): number {
    return this.nodes.size + this.pods.size
  }

  /** The node summary once the nodes have been listed. */
  nodeSummary(): NodeSummary | undefined {
    return this.nodes.synced ? nodeSummary(this.nodeTotals) : undefined
  }

  /** The resource summary once both nodes and pods have been listed. */
  resourceSummary(): ResourceSummary | undefined {
    return this.nodes.synced && this.pods.synced ? resourceSummary(this.nodeTotals, this.podTotals) : undefined
  }
}
