// A reference model of the key space: drives random writes against a store, records what each
// write did, and answers "what was the state at revision R" and "which events follow R" — the
// expected results of snapshot lists and watches.

import assert from 'node:assert/strict'
import type { KeyValue, Storage, WatchEvent } from '../interface.ts'
import { val } from './harness.ts'

export class Model {
  readonly store: () => Storage
  /** The latest state (of the keys this model wrote). */
  readonly live = new Map<string, KeyValue>()
  private readonly events: WatchEvent[] = []
  private sorted = true

  /** `store` is a getter because tests may restart the store underneath the model. */
  constructor(store: () => Storage) {
    this.store = store
  }

  async create(key: string): Promise<KeyValue> {
    const kv = await this.store().create(key, val(key))
    this.record({ type: 'PUT', key, revision: kv.modRevision, value: kv })
    return kv
  }

  async update(key: string): Promise<KeyValue> {
    const prev = this.live.get(key)
    assert.ok(prev, `model: ${key} is not live`)
    const kv = await this.store().update(key, prev.modRevision, val(key))
    this.record({ type: 'PUT', key, revision: kv.modRevision, value: kv, prevValue: prev })
    return kv
  }

  async delete(key: string): Promise<number> {
    const prev = this.live.get(key)
    assert.ok(prev, `model: ${key} is not live`)
    const { deletedAt } = await this.store().delete(key, prev.modRevision)
    this.record({ type: 'DELETE', key, revision: deletedAt, prevValue: prev })
    return deletedAt
  }

  /** Creates the key if absent; otherwise updates it or (one time in `deleteOdds`) deletes it. */
  async randomWrite(key: string, rnd: () => number, deleteOdds = 3): Promise<number> {
    if (!this.live.has(key)) return (await this.create(key)).modRevision
    if (rnd() * deleteOdds < 1) return this.delete(key)
    return (await this.update(key)).modRevision
  }

  /**
   * Random writes in rounds of `parallel` concurrent writes on distinct keys (so each write's
   * previous value is known), exercising group commit. Returns the revisions written.
   */
  async randomRounds(keys: string[], rounds: number, parallel: number, rnd: () => number): Promise<number[]> {
    const revs: number[] = []
    for (let r = 0; r < rounds; r++) {
      const picked = new Set<string>()
      while (picked.size < Math.min(parallel, keys.length)) picked.add(keys[Math.floor(rnd() * keys.length)])
      revs.push(...(await Promise.all([...picked].map((k) => this.randomWrite(k, rnd)))))
    }
    return revs
  }

  /** State of the model's keys under prefix at revision rev, in key order. */
  stateAt(prefix: string, rev: number): KeyValue[] {
    const state = new Map<string, KeyValue>()
    for (const ev of this.ordered()) {
      if (ev.revision > rev) break
      if (!ev.key.startsWith(prefix)) continue
      if (ev.type === 'PUT') state.set(ev.key, ev.value!)
      else state.delete(ev.key)
    }
    return [...state.keys()].sort().map((k) => state.get(k)!)
  }

  /** Events under prefix with revision > from, in revision order. */
  eventsAfter(prefix: string, from: number): WatchEvent[] {
    return this.ordered().filter((ev) => ev.revision > from && ev.key.startsWith(prefix))
  }

  private record(ev: WatchEvent): void {
    if (ev.type === 'PUT') this.live.set(ev.key, ev.value!)
    else this.live.delete(ev.key)
    const last = this.events[this.events.length - 1]
    if (last !== undefined && last.revision >= ev.revision) this.sorted = false
    this.events.push(ev)
  }

  private ordered(): WatchEvent[] {
    if (!this.sorted) {
      this.events.sort((a, b) => a.revision - b.revision)
      this.sorted = true
    }
    return this.events
  }
}

/** Compares received watch events with the expected ones, reporting the first difference. */
export function assertEvents(actual: WatchEvent[], expected: WatchEvent[], label: string): void {
  const norm = (ev: WatchEvent) => ({
    type: ev.type,
    key: ev.key,
    revision: ev.revision,
    value: ev.value,
    prevValue: ev.prevValue,
  })
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    assert.deepEqual(
      actual[i] && norm(actual[i]),
      expected[i] && norm(expected[i]),
      `${label}: event #${i} (received ${actual.length}, expected ${expected.length})`,
    )
  }
}
