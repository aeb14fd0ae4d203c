// An event recorder: core/v1 Events about an object, as client-go's record.EventRecorder writes
// them (name "<object>.<hex nanoseconds>", source.component, first/last timestamps), with the
// correlator's spam filter (a token bucket per source and object: burst 25, one more every five
// minutes — a ReplicaSet creating 100 pods records 25 SuccessfulCreate events, as on a real
// cluster). Best effort: a failed write is logged, never retried.

import type { Client } from '../../../client/client.ts'
import { resources } from '../../../client/client.ts'
import type { Logger } from '../../../log/logger.ts'
import { type KubeObject, timestamp } from '../../../machinery/object.ts'
import type { Clock } from '../../../util/clock.ts'

const SPAM_BURST = 25
const SPAM_REFILL_MS = 300_000

export class EventRecorder {
  private readonly client: Client
  private readonly component: string
  private readonly clock: Clock
  private readonly log: Logger
  private seq = 0
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(client: Client, component: string, clock: Clock, log: Logger) {
    this.client = client
    this.component = component
    this.clock = clock
    this.log = log
  }

  /** EventSourceObjectSpamFilter: burst 25, refilled at 1 per 300 s. */
  private allow(obj: KubeObject, now: number): boolean {
    const key = obj.metadata.uid ?? `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}`
    let b = this.buckets.get(key)
    if (!b) {
      if (this.buckets.size > 4096) this.buckets.clear()
      b = { tokens: SPAM_BURST, at: now }
      this.buckets.set(key, b)
    }
    b.tokens = Math.min(SPAM_BURST, b.tokens + (now - b.at) / SPAM_REFILL_MS)
    b.at = now
    if (b.tokens < 1) return false
    b.tokens -= 1
    return true
  }

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const now = this.clock.now()
    if (!this.allow(obj, now)) return
    const ns = obj.metadata.namespace || 'default'
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)
    const ts = timestamp(now)
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.metadata.name}.${nanos.toString(16)}`, namespace: ns },
      involvedObject: {
        kind: obj.kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        uid: obj.metadata.uid,
        apiVersion: obj.apiVersion,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      reportingComponent: this.component,
      reportingInstance: '',
    }
    this.client.create(resources.events, ns, ev).catch((e) => {
      this.log.debug('Failed to record event', { reason, err: String(e) })
    })
  }
}
