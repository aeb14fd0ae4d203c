// LIST and WATCH over a Store: resourceVersion semantics, selectors, paging with consistent
// snapshots, synthetic initial events, and the translation of storage events into Kubernetes
// watch events (an object that leaves a selector is delivered as DELETED).

import { badRequest, expired, StatusError } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { type FieldSelector, type LabelSelector, objectFieldGetter } from '../../machinery/selectors/index.ts'
import type { KeyValue, WatchEvent } from '../../storage/interface.ts'
import { StorageError } from '../../storage/interface.ts'
import { decodeContinue, encodeContinue } from './continue-token.ts'
import type { Store } from './store.ts'

/** A stored object as raw JSON, parsed only when something needs its fields. */
export class StoredObject {
  readonly raw: string
  readonly key: string
  readonly revision: number
  private parsedValue?: KubeObject
  constructor(raw: string, key: string, revision: number) {
    this.raw = raw
    this.key = key
    this.revision = revision
  }
  static of(kv: KeyValue): StoredObject {
    return new StoredObject(kv.value, kv.key, kv.modRevision)
  }
  get object(): KubeObject {
    this.parsedValue ??= JSON.parse(this.raw) as KubeObject
    return this.parsedValue
  }
}

export interface Filter {
  labels?: LabelSelector
  fields?: FieldSelector
}

export interface ListParams extends Filter {
  limit?: number
  continue?: string
  resourceVersion?: string
  resourceVersionMatch?: string
}

export interface ListPage {
  items: StoredObject[]
  revision: number
  continue?: string
  remainingItemCount?: number
}

function hasFilter(f: Filter): boolean {
  return !!((f.labels && !f.labels.empty) || (f.fields && !f.fields.empty))
}

export function matcher(store: Store, f: Filter): (o: StoredObject) => boolean {
  if (!hasFilter(f)) return () => true
  return (o) => {
    const obj = o.object
    if (f.labels && !f.labels.matches(obj.metadata.labels ?? {})) return false
    if (f.fields && !f.fields.empty) return f.fields.matches(objectFieldGetter(store.def, obj))
    return true
  }
}

function parseRV(rv: string, what = 'resourceVersion'): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid ${what}: ${rv}`)
  return Number(rv)
}

function tooLargeRV(requested: number, current: number): StatusError {
  const e = new StatusError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  })
  return e
}

export async function listObjects(store: Store, namespace: string, p: ListParams): Promise<ListPage> {
  const prefix = store.prefix(namespace)
  const storage = store.storage
  let revision = 0
  let startKey: string | undefined
  const rvMatch = p.resourceVersionMatch ?? ''
  if (rvMatch && !['NotOlderThan', 'Exact'].includes(rvMatch)) {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${rvMatch}": supported values: "Exact", "NotOlderThan"`)
  }
  if (p.continue) {
    if (p.resourceVersion && p.resourceVersion !== '0') {
      throw badRequest('specifying resource version is not allowed when using continue')
    }
    const token = decodeContinue(p.continue, prefix)
    revision = token.revision
    startKey = token.startKey
    if (revision < storage.compactRevision) {
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      )
    }
  } else if (p.resourceVersion && p.resourceVersion !== '0') {
    const rv = parseRV(p.resourceVersion)
    if (rv > storage.revision) throw tooLargeRV(rv, storage.revision)
    if (rvMatch === 'Exact') revision = rv
  } else if (rvMatch === 'Exact') {
    throw badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"')
  }

  const limit = p.limit && p.limit > 0 ? p.limit : 0
  const matches = matcher(store, p)
  const filtered = hasFilter(p)
  const items: StoredObject[] = []
  // Without filters one storage page is the answer; with filters keep reading until the page
  // is full, as the apiserver does, reading in larger chunks to amortise the storage calls.
  const chunk = limit ? (filtered ? Math.max(limit * 2, 256) : limit) : 0
  for (;;) {
    let res: Awaited<ReturnType<typeof storage.list>>
    try {
      res = await storage.list(prefix, { startKey, limit: chunk, revision })
    } catch (e) {
      if (e instanceof StorageError && e.code === 'Compacted') {
        throw expired(`too old resource version: ${revision} (${e.compactRevision ?? ''})`)
      }
      throw store.interpret(e, '')
    }
    revision = res.revision
    for (let i = 0; i < res.items.length; i++) {
      const o = StoredObject.of(store.present(res.items[i]))
      if (!matches(o)) continue
      items.push(o)
      if (limit && items.length === limit) {
        const moreHere = i < res.items.length - 1
        if (moreHere || res.more) {
          const remaining = filtered ? undefined : res.remaining + (res.items.length - 1 - i)
          return {
            items,
            revision,
            continue: encodeContinue({ revision, startKey: `${o.key}\u0000` }),
            remainingItemCount: remaining,
          }
        }
        return { items, revision }
      }
    }
    if (!res.more || res.items.length === 0) return { items, revision }
    startKey = `${res.items[res.items.length - 1].key}\u0000`
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'

export interface OutEvent {
  type: WatchEventType
  object: StoredObject
}

export interface WatchParams extends Filter {
  resourceVersion?: string
  resourceVersionMatch?: string
  sendInitialEvents?: boolean
}

/** The object of a DELETED event: the last state, stamped with the deletion's revision. */
function deletedObject(store: Store, ev: WatchEvent): StoredObject {
  const prev = store.present(ev.prevValue!)
  const obj = JSON.parse(prev.value) as KubeObject
  obj.metadata.resourceVersion = String(ev.revision)
  return new StoredObject(JSON.stringify(obj), ev.key, ev.revision)
}

/**
 * Starts a watch and returns once it is established. Events go to `emit` in order; initial
 * synthetic ADDED events (for resourceVersion "" or "0", or sendInitialEvents) come first.
 */
export async function watchObjects(
  store: Store,
  namespace: string,
  p: WatchParams,
  emit: (e: OutEvent) => void,
): Promise<{ cancel: () => void; revision: number }> {
  const storage = store.storage
  const prefix = store.prefix(namespace)
  const matches = matcher(store, p)
  const rv = p.resourceVersion ?? ''
  let from: number
  const initial: StoredObject[] = []
  if (p.sendInitialEvents !== undefined) {
    if (p.sendInitialEvents && p.resourceVersionMatch !== 'NotOlderThan') {
      throw new StatusError(
        422,
        'Invalid',
        'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      )
    }
  }
  if (p.sendInitialEvents === true || (p.sendInitialEvents === undefined && (rv === '' || rv === '0'))) {
    if (rv !== '' && rv !== '0') {
      const n = parseRV(rv)
      if (n > storage.revision) throw tooLargeRV(n, storage.revision)
    }
    const page = await listObjects(store, namespace, { labels: p.labels, fields: p.fields })
    initial.push(...page.items)
    from = page.revision
  } else if (rv === '' || rv === '0') {
    from = storage.revision
  } else {
    from = parseRV(rv)
    if (from > storage.revision) throw tooLargeRV(from, storage.revision)
  }

  const filtered = hasFilter(p)
  const onEvent = (ev: WatchEvent) => {
    const now = ev.value ? StoredObject.of(store.present(ev.value)) : undefined
    if (!filtered) {
      if (ev.type === 'DELETE') emit({ type: 'DELETED', object: deletedObject(store, ev) })
      else emit({ type: ev.prevValue ? 'MODIFIED' : 'ADDED', object: now! })
      return
    }
    const before = ev.prevValue ? matches(StoredObject.of(store.present(ev.prevValue))) : false
    if (ev.type === 'DELETE') {
      if (before) emit({ type: 'DELETED', object: deletedObject(store, ev) })
      return
    }
    const after = matches(now!)
    if (after) emit({ type: before ? 'MODIFIED' : 'ADDED', object: now! })
    else if (before) emit({ type: 'DELETED', object: now! })
  }
  let w: { cancel(): void }
  // Initial events are emitted before subscribing so none can interleave with live ones; the
  // subscription replays anything committed after `from` in the meantime.
  for (const o of initial) emit({ type: 'ADDED', object: o })
  try {
    w = storage.watch(prefix, { fromRevision: from, onEvent })
  } catch (e) {
    if (e instanceof StorageError && e.code === 'Compacted') {
      throw expired(`too old resource version: ${from} (${e.compactRevision ?? ''})`)
    }
    throw e
  }
  return { cancel: () => w.cancel(), revision: from }
}
