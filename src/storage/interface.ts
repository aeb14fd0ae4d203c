// The storage contract every backend implements (embedded SQLite now, etcd later).
//
// It is deliberately etcd-shaped: a flat, ordered key space; one global revision counter that
// every write advances; compare-and-swap on a key's modification revision; snapshot reads at a
// past revision; and watches that resume from a revision until history is compacted. The API
// server maps resourceVersion onto revision, so Kubernetes semantics (409 on stale writes,
// 410 on expired resourceVersions, consistent paging) fall out of these primitives.
//
// Values are opaque strings (the API server stores JSON). Writers pass a `build(revision)`
// callback instead of a finished value so that the stored bytes can embed the revision the
// write is given (metadata.resourceVersion) without a second serialisation.

export interface KeyValue {
  key: string
  value: string
  /** Revision of the write that produced this value (resourceVersion). */
  modRevision: number
  /** Revision at which the key was created. */
  createRevision: number
}

export interface ListOptions {
  /** Return keys >= startKey (still within the prefix). Used for continue tokens. */
  startKey?: string
  /** At most this many items; 0 or undefined = all. */
  limit?: number
  /**
   * Read the prefix as it was at this revision (a snapshot). 0 or undefined = the latest
   * committed revision. Throws StorageError 'Compacted' when the revision is older than
   * history retains, and 'FutureRevision' when it is newer than the latest revision.
   */
  revision?: number
}

export interface ListResult {
  items: KeyValue[]
  /** The revision the list was read at (use it for continue tokens and list resourceVersion). */
  revision: number
  /** True when more keys follow the last returned one. */
  more: boolean
  /** How many keys in the prefix follow the returned ones, when more is true. */
  remaining: number
}

export interface WatchEvent {
  type: 'PUT' | 'DELETE'
  key: string
  revision: number
  /** The new value (PUT); undefined for DELETE. */
  value?: KeyValue
  /** The value before this write; undefined when a PUT created the key. */
  prevValue?: KeyValue
}

export interface WatchOptions {
  /** Deliver events with revision > fromRevision. 0 = only events after the call. */
  fromRevision: number
  onEvent: (ev: WatchEvent) => void
}

export interface Watch {
  /** Stop delivering events. Safe to call more than once. */
  cancel(): void
}

export type StorageErrorCode =
  | 'KeyExists' // create of an existing key
  | 'KeyNotFound' // update/delete of a missing key
  | 'Conflict' // compare-and-swap failed: modRevision differs
  | 'Compacted' // revision older than retained history
  | 'FutureRevision' // revision newer than the latest one
  | 'Closed' // the store has been closed
  | 'Unavailable' // backend failure (I/O error, lost connection)

export class StorageError extends Error {
  readonly code: StorageErrorCode
  readonly key?: string
  /** For Conflict: the current value, so callers can retry without another read. */
  readonly current?: KeyValue
  /** For Compacted: the oldest revision still readable. */
  readonly compactRevision?: number
  constructor(
    code: StorageErrorCode,
    message: string,
    extra?: { key?: string; current?: KeyValue; compactRevision?: number },
  ) {
    super(message)
    this.name = 'StorageError'
    this.code = code
    this.key = extra?.key
    this.current = extra?.current
    this.compactRevision = extra?.compactRevision
  }
}

export interface Storage {
  /** The latest committed revision. */
  readonly revision: number
  /** The oldest revision from which watches and snapshot lists still work. */
  readonly compactRevision: number

  get(key: string): Promise<KeyValue | undefined>
  list(prefix: string, opts?: ListOptions): Promise<ListResult>
  /** Number of keys under a prefix at the latest revision. */
  count(prefix: string): Promise<number>

  /**
   * Creates key; StorageError 'KeyExists' if it exists. Resolves once durable. build() may be
   * called before the key is found to exist (its result is then discarded).
   */
  create(key: string, build: (revision: number) => string): Promise<KeyValue>
  /**
   * Replaces key's value if its modRevision equals expectedModRevision.
   * StorageError 'KeyNotFound' if missing, 'Conflict' (with .current) if the revision differs.
   */
  update(key: string, expectedModRevision: number, build: (revision: number) => string): Promise<KeyValue>
  /**
   * Deletes key, if expectedModRevision is given only when it matches.
   * Resolves with the deleted value; the revision of the delete is in the watch event and in
   * the returned `deletedAt`.
   */
  delete(key: string, expectedModRevision?: number): Promise<{ prev: KeyValue; deletedAt: number }>

  /**
   * Streams every committed change under prefix with revision > fromRevision, in revision
   * order, with no gaps and no duplicates: first the retained history, then live changes.
   * Throws StorageError 'Compacted' synchronously when fromRevision < compactRevision.
   */
  watch(prefix: string, opts: WatchOptions): Watch

  /** Forgets history older than revision (watches and snapshot reads before it get 'Compacted'). */
  compact(revision: number): Promise<void>

  /** Flushes pending writes and releases the backend. Pending watches are cancelled. */
  close(): Promise<void>
}
