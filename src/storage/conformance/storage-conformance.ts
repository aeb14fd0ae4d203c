// The storage conformance suite: every Storage backend runs it to prove it honours the contract
// in ../interface.ts (CRUD and error codes, CAS, revisions, paging, snapshot lists, watch
// replay + live delivery, compaction, restarts, group commit, close).
//
//   runStorageConformance('sqlite', (dir) => SqliteStorage.open({ path: join(dir, 'db') }))
//
// `open` receives a fresh empty directory per test; `reopen` (default: `open`) is called with
// the same directory after close() to check persistence.

import { describe } from 'node:test'
import { crudTests } from './crud.ts'
import type { OpenStorage } from './harness.ts'
import { lifecycleTests } from './lifecycle.ts'
import { listTests } from './list.ts'
import { watchTests } from './watch.ts'

export type { OpenStorage } from './harness.ts'

export function runStorageConformance(name: string, open: OpenStorage, reopen?: OpenStorage): void {
  const backend = { open, reopen: reopen ?? open }
  describe(`storage conformance: ${name}`, () => {
    crudTests(backend)
    listTests(backend)
    watchTests(backend)
    lifecycleTests(backend)
  })
}
