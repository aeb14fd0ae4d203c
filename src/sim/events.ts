// core/v1 Events as the kubelet and scheduler record them: named "<object>.<hex time>",
// involvedObject with fieldPath for containers, source component/host. Repeats of an identical
// event (same object, type, reason and message) bump count and lastTimestamp instead of adding
// a new Event, as client-go's EventCorrelator does. Writes are queued and made by a few workers
// so a burst of pods never holds up the controllers that record them.

import { type Client, resources } from '../client/client.ts'
import type { Logger } from '../log/logger.ts'
import { StatusError } from '../machinery/errors.ts'
import { type KubeObject, timestamp } from '../machinery/object.ts'
import type { Clock } from '../util/clock.ts'

export interface EventSource {
  component: string
  host?: string
  /** reportingInstance (defaults to host). */
  instance?: string
}

export interface ObjectReference {
  apiVersion?: string
  kind: string
  name: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  fieldPath?: string
}

export type EventType = 'Normal' | 'Warning'

interface Series {
  prefix: string
  name: string
  namespace: string
  count: number
  written: number
  creating: boolean
  flushQueued: boolean
  last: number
}

type Op = { kind: 'create'; series: Series; event: KubeObject } | { kind: 'flush'; series: Series }

const MAX_SERIES = 8192
const MAX_QUEUE = 200_000

export function podReference(pod: KubeObject, fieldPath?: string): ObjectReference {
  const ref: ObjectReference = {
    apiVersion: 'v1',
    kind: 'Pod',
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace,
    uid: pod.metadata.uid,
    resourceVersion: pod.metadata.resourceVersion,
  }
  if (fieldPath) ref.fieldPath = fieldPath
  return ref
}

/** Node events name the node as their UID (kubelet and kubectl describe node do). */
export function nodeReference(name: string): ObjectReference {
  return { kind: 'Node', name, uid: name }
}

export class EventRecorder {
  private readonly client: Client
  private readonly clock: Clock
  private readonly log: Logger
  private readonly concurrency: number
  // Recent series in two generations: lookups promote to the young one, which becomes the old
  // one when full (an LRU without per-entry bookkeeping; deleting from the front of one big Map
  // makes V8 skip ever more deleted slots).
  private young = new Map<string, Series>()
  private old = new Map<string, Series>()
  private readonly queue: Op[] = []
  private head = 0
  private workers = 0
  private seq = 0
  private dropped = 0
  private stopped = false
  private idleWaiters: (() => void)[] = []

  constructor(client: Client, clock: Clock, log: Logger, opts: { concurrency?: number } = {}) {
    this.client = client
    this.clock = clock
    this.log = log
    this.concurrency = opts.concurrency ?? 4
  }

  /** Records an event about `ref` (or bumps the count of an identical one). */
  emit(source: EventSource, ref: ObjectReference, type: EventType, reason: string, message: string): void {
    if (this.stopped) return
    const now = this.clock.now()
    const key = [
      source.component,
      source.host ?? '',
      ref.uid ?? ref.name,
      ref.fieldPath ?? '',
      type,
      reason,
      message,
    ].join('\u0000')
    const existing = this.young.get(key) ?? this.old.get(key)
    if (existing) {
      existing.count++
      existing.last = now
      if (!this.young.has(key)) this.remember(key, existing)
      if (!existing.creating && !existing.flushQueued) {
        existing.flushQueued = true
        this.enqueue({ kind: 'flush', series: existing })
      }
      return
    }
    const namespace = ref.namespace || 'default'
    const name = `${ref.name}.${this.suffix(now)}`
    const s: Series = {
      prefix: ref.name,
      name,
      namespace,
      count: 1,
      written: 1,
      creating: true,
      flushQueued: false,
      last: now,
    }
    this.remember(key, s)
    const ts = timestamp(now)
    const involvedObject: Record<string, unknown> = { ...ref }
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.instance ?? source.host ?? '',
    }
    this.enqueue({ kind: 'create', series: s, event })
  }

  private remember(key: string, s: Series): void {
    if (this.young.size >= MAX_SERIES / 2) {
      this.old = this.young
      this.young = new Map()
    }
    this.young.set(key, s)
  }

  /** Resolves when every queued event has been written. */
  idle(): Promise<void> {
    if (this.workers === 0 && this.pending() === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  stop(): void {
    this.stopped = true
    this.queue.length = 0
    this.head = 0
  }

  private suffix(now: number): string {
    // client-go names events "<name>.<UnixNano in hex>"; the sequence keeps names unique
    // when many events are recorded within one millisecond.
    this.seq = (this.seq + 1) % 1_000_000
    return (BigInt(Math.floor(now)) * 1_000_000n + BigInt(this.seq)).toString(16)
  }

  private pending(): number {
    return this.queue.length - this.head
  }

  private enqueue(op: Op): void {
    if (this.pending() >= MAX_QUEUE) {
      if (this.dropped++ % 1000 === 0) this.log.warn('Event queue full, dropping events', { dropped: this.dropped })
      return
    }
    this.queue.push(op)
    while (this.workers < this.concurrency && this.workers < this.pending()) {
      this.workers++
      void this.work()
    }
  }

  private take(): Op | undefined {
    if (this.head >= this.queue.length) return undefined
    const op = this.queue[this.head++]
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
    return op
  }

  private async work(): Promise<void> {
    try {
      for (let op = this.take(); op && !this.stopped; op = this.take()) {
        try {
          if (op.kind === 'create') await this.create(op.series, op.event)
          else await this.flush(op.series)
        } catch (e) {
          // Events are best effort (the namespace may be terminating, the object gone).
          this.log.debug('Event not recorded', { name: op.series.name, err: String(e) })
        }
      }
    } finally {
      this.workers--
      if (this.workers === 0 && this.pending() === 0) {
        const waiters = this.idleWaiters
        this.idleWaiters = []
        for (const w of waiters) w()
      }
    }
  }

  private async create(s: Series, event: KubeObject): Promise<void> {
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.client.create(resources.events, s.namespace, event, {
            fieldManager: event.reportingComponent as string,
          })
          break
        } catch (e) {
          if (e instanceof StatusError && e.code === 409 && attempt < 3) {
            s.name = `${s.prefix}.${this.suffix(this.clock.now())}`
            event.metadata.name = s.name
            continue
          }
          throw e
        }
      }
    } finally {
      s.creating = false
    }
    if (s.count > s.written && !s.flushQueued) {
      s.flushQueued = true
      this.enqueue({ kind: 'flush', series: s })
    }
  }

  private async flush(s: Series): Promise<void> {
    s.flushQueued = false
    const count = s.count
    await this.client.patch(resources.events, s.namespace, s.name, 'merge', {
      count,
      lastTimestamp: timestamp(s.last),
    })
    s.written = count
  }
}
