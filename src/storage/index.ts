// Storage entry point: the contract plus the factory the server uses.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Storage } from './interface.ts'
import { SqliteStorage, type SqliteStorageOptions } from './sqlite/sqlite-storage.ts'

export * from './interface.ts'
export { SqliteStorage, type SqliteStorageOptions } from './sqlite/sqlite-storage.ts'

export type OpenStorageOptions = Omit<SqliteStorageOptions, 'path'>

/** Opens (creating it and its directory if needed) the embedded database DATA_DIR/flotilla.db. */
export function openStorage(dataDir: string, opts: OpenStorageOptions = {}): Storage {
  mkdirSync(dataDir, { recursive: true })
  return SqliteStorage.open({ ...opts, path: join(dataDir, 'flotilla.db') })
}
