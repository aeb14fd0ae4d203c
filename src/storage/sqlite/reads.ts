// Range reads: the latest-revision fast path and snapshot reads at a past revision.
//
// A key's value at a past revision R is its `current` row if the key has not changed since R
// (mod_rev <= R); otherwise it is the prev_* of its first log entry after R (absent at R if
// that entry has no previous value). The two sets are disjoint, and the log holds every entry
// after compact_rev <= R, so the snapshot is exact.
//
// The snapshot is assembled here rather than in one SQL UNION: SQLite would sort the
// changed-keys arm with its values before the merge, reading every changed row even for a
// 500-item page. Here the changed keys come from a narrow index, the unchanged rows stream in
// key order with a LIMIT, and only the changed keys that land on the page have their old value
// fetched. Cost: O(changes in the range since R) + O(page).

import { compareKeys, type KvRow } from './keys.ts'
import type { ChangedRow, ReadStatements } from './statements.ts'

export interface RangeRows {
  rows: KvRow[]
  more: boolean
  remaining: number
}

/** Keys in [lo, hi) at the latest committed revision; limit 0 = all. */
export function readLatest(r: ReadStatements, lo: string, hi: string, limit: number): RangeRows {
  const rows = r.listLatest.all(lo, hi, limit > 0 ? limit + 1 : -1) // one extra row tells whether more follow
  if (limit === 0 || rows.length <= limit) return { rows, more: false, remaining: 0 }
  rows.length = limit
  return { rows, more: true, remaining: r.countLatestAfter.scalar(rows[limit - 1][0], hi) ?? 0 }
}

/** Keys in [lo, hi) as they were at revision rev (compactRevision <= rev < latest); limit 0 = all. */
export function readAt(r: ReadStatements, lo: string, hi: string, rev: number, limit: number): RangeRows {
  const want = limit > 0 ? limit + 1 : Number.POSITIVE_INFINITY
  const unchanged = r.unchangedSince.all(lo, hi, rev, limit > 0 ? limit + 1 : -1)
  const changed = r.changedSince.all(lo, hi, rev)
  const rows: KvRow[] = []
  let i = 0
  let j = 0
  while (rows.length < want) {
    while (j < changed.length && changed[j][2] === 0) j++ // created after rev: not in the snapshot
    const u = i < unchanged.length ? unchanged[i] : undefined
    const c = j < changed.length ? changed[j] : undefined
    if (c !== undefined && (u === undefined || compareKeys(c[0], u[0]) < 0)) {
      const before = r.valueBefore.get(c[1])!
      rows.push([c[0], before[0], before[1], before[2]])
      j++
    } else if (u !== undefined) {
      rows.push(u)
      i++
    } else {
      break
    }
  }
  if (limit === 0 || rows.length <= limit) return { rows, more: false, remaining: 0 }
  rows.length = limit
  return { rows, more: true, remaining: remainingAt(r, rows[limit - 1][0], hi, changed) }
}

/**
 * Keys after `after` at the snapshot revision = keys after it now (index count), corrected by
 * each key changed since: +1 if it existed then, -1 if it exists now.
 */
function remainingAt(r: ReadStatements, after: string, hi: string, changed: ChangedRow[]): number {
  let n = r.countLatestAfter.scalar(after, hi) ?? 0
  for (let k = changed.length - 1; k >= 0 && compareKeys(changed[k][0], after) > 0; k--) {
    n += changed[k][2] - changed[k][3]
  }
  return n
}
