// Durable commits without fsync on the event loop.
//
// With synchronous=FULL, SQLite fsyncs the WAL inside every COMMIT, and the event loop (every
// request of the server) waits for the disk: 0.1 ms on a fast SSD, several ms on network or busy
// disks. Instead the writer runs with synchronous=NORMAL, where a COMMIT only hands the frames to
// the page cache, and this module fdatasyncs the WAL file on libuv's threadpool. A batch is
// acknowledged (promises settled, watch events sent) only after an fdatasync that began after its
// COMMIT returned, so "acknowledged" still means "on disk". Batches that commit while one
// fdatasync runs share the next, so a slow disk makes batches larger, not the loop slower.
//
// fsync flushes a file, not a descriptor: this module's own read-only descriptor of the -wal file
// covers the frames SQLite wrote through its descriptor. SQLite keeps that file (the same inode)
// until the last connection closes, and the storage closes this module only after its
// connections. Checkpoints need nothing from here: with NORMAL they sync the WAL before copying it
// back and the database file after.
//
// The one window: the reader connection sees a batch from its COMMIT on, so a read may return a
// write a moment (one fdatasync) before the write is safe from a power loss. A crash of the
// process loses nothing, since the page cache survives it.

import { closeSync, fdatasync, openSync } from 'node:fs'

type Done = (error: Error | undefined) => void

export class WalSync {
  private readonly fd: number
  /** Committed batches waiting for an fdatasync that has not started yet. */
  private waiting: Done[] = []
  private syncing = false
  private idleWaiters: (() => void)[] = []

  /** Opens the -wal file of a database in WAL mode (throws if it does not exist). */
  constructor(walPath: string) {
    this.fd = openSync(walPath, 'r')
  }

  /** Calls done once everything committed before this call is on disk (or the sync failed). */
  afterCommit(done: Done): void {
    this.waiting.push(done)
    if (!this.syncing) this.start()
  }

  /** Resolves once no commit waits for the disk. */
  idle(): Promise<void> {
    if (!this.syncing && this.waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Closes the descriptor; call after idle() and after the database connections are closed. */
  close(): void {
    closeSync(this.fd)
  }

  private start(): void {
    const group = this.waiting
    this.waiting = []
    this.syncing = true
    fdatasync(this.fd, (err) => {
      this.syncing = false
      let thrown: { error: unknown } | undefined
      for (const done of group) {
        try {
          done(err ?? undefined)
        } catch (error) {
          thrown ??= { error } // the other batches still learn their outcome
        }
      }
      if (this.waiting.length > 0) this.start()
      else for (const resolve of this.idleWaiters.splice(0)) resolve()
      if (thrown !== undefined) throw thrown.error
    })
  }
}
