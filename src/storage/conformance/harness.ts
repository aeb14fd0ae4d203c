// Shared plumbing for the storage conformance suite: one fresh store per test, helpers to
// assert StorageError codes, to collect watch events and to wait for asynchronous delivery.
//
// Tests only assume what the contract promises, so that other backends (etcd) can run them:
// revisions are compared relatively (never "starts at 1"), every test writes under its own
// key prefix, and watch events are awaited rather than expected synchronously.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { type KeyValue, type Storage, StorageError, type StorageErrorCode, type WatchEvent } from '../interface.ts'

export type OpenStorage = (dir: string) => Promise<Storage> | Storage

export interface Backend {
  open: OpenStorage
  /** Opens the store again on the same directory after close() (defaults to open). */
  reopen: OpenStorage
}

export interface Ctx {
  store: Storage
  dir: string
  /** Unique key prefix of this test, ending in '/'. */
  p: string
  /** Closes the store and opens it again on the same directory; ctx.store is replaced. */
  restart(): Promise<Storage>
}

let testSeq = 0

/** Declares a test that gets a fresh store in a fresh directory, closed and removed afterwards. */
export function storageTest(backend: Backend, name: string, fn: (ctx: Ctx) => Promise<void>): void {
  it(name, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-storage-'))
    const ctx: Ctx = {
      store: await backend.open(dir),
      dir,
      p: `/conformance/t${++testSeq}/`,
      async restart() {
        await ctx.store.close()
        ctx.store = await backend.reopen(dir)
        return ctx.store
      },
    }
    try {
      await fn(ctx)
    } finally {
      await ctx.store.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
}

export async function rejectsWith(
  p: Promise<unknown>,
  code: StorageErrorCode,
  check?: (err: StorageError) => void,
): Promise<StorageError> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof StorageError, `expected StorageError ${code}, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    check?.(err)
    return err
  }
  assert.fail(`expected StorageError ${code}, but the call succeeded`)
}

export function throwsWith(fn: () => unknown, code: StorageErrorCode): StorageError {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof StorageError, `expected StorageError ${code}, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    return err
  }
  assert.fail(`expected StorageError ${code} to be thrown synchronously`)
}

/** Polls until cond() holds (watch delivery may be asynchronous in some backends). */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

export interface Collector {
  events: WatchEvent[]
  cancel(): void
}

export function collect(store: Storage, prefix: string, fromRevision: number): Collector {
  const events: WatchEvent[] = []
  const w = store.watch(prefix, { fromRevision, onEvent: (ev) => events.push(ev) })
  return { events, cancel: () => w.cancel() }
}

/** value builder embedding the revision, like the API server's resourceVersion. */
export const val =
  (tag: string) =>
  (rev: number): string =>
    JSON.stringify({ tag, rev })

/** Deterministic PRNG (mulberry32) so failures are reproducible. */
export { seededRandom as rng } from '../../util/seeded-random.ts'

/** Keys of a model sorted the way storage orders them (bytewise; tests use ASCII keys). */
export function sortedValues(model: Map<string, KeyValue>): KeyValue[] {
  return [...model.keys()].sort().map((k) => model.get(k)!)
}
