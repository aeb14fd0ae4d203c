// Durable commits without fsync on the event loop.
//
// With synchronous=FULL, SQLite fsyncs the WAL inside every COMMIT, and the event loop (every
// request of the server) waits for the disk: 0.1 ms on a fast SSD, several ms on network or busy
// disks. Instead the writer runs with synchronous=NORMAL, where a COMMIT only hands the frames to
// the page cache, and this module fdatasyncs the WAL file on libuv's threadpool. A batch is
// acknowledged (promises settled, watch events sent) only after an fdatasync that began after its
// COMMIT returned, so "acknowledged" still means "on disk". A batch's fdatasync starts right after
// its COMMIT, even while an earlier one runs (up to MAX_IN_FLIGHT), and whichever finishes covers
// every batch committed before it began: a batch waits for one fdatasync, not for the rest of an
// earlier one first (on a busy 2-core machine an fdatasync waits 3–5 ms for a thread). Batches
// that commit while MAX_IN_FLIGHT run share the next one, so a slow disk makes batches larger,
// not the loop slower.
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

/** fdatasyncs of the WAL running at once. */
const MAX_IN_FLIGHT = 2

interface Group {
  /** Number of the fdatasync that started right after these commits. */
  sync: number
  dones: Done[]
}

export class WalSync {
  private readonly fd: number
  /** Committed batches waiting for an fdatasync that has not started yet. */
  private waiting: Done[] = []
  /** Groups whose fdatasync started, oldest first; acknowledged in this order. */
  private groups: Group[] = []
  private inFlight = 0
  private started = 0
  private idleWaiters: (() => void)[] = []

  /** Opens the -wal file of a database in WAL mode (throws if it does not exist). */
  constructor(walPath: string) {
    this.fd = openSync(walPath, 'r')
  }

  /** Calls done once everything committed before this call is on disk (or the sync failed). */
  afterCommit(done: Done): void {
    this.waiting.push(done)
    if (this.inFlight < MAX_IN_FLIGHT) this.start()
  }

  /** Resolves once no commit waits for the disk. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Closes the descriptor; call after idle() and after the database connections are closed. */
  close(): void {
    closeSync(this.fd)
  }

  private start(): void {
    const sync = ++this.started
    this.groups.push({ sync, dones: this.waiting })
    this.waiting = []
    this.inFlight++
    fdatasync(this.fd, (err) => {
      this.inFlight--
      // This sync began after the COMMITs of its own group and of every earlier one.
      let settled = 0
      while (settled < this.groups.length && this.groups[settled].sync <= sync) settled++
      const done = this.groups.splice(0, settled)
      let thrown: { error: unknown } | undefined
      for (const group of done) {
        for (const d of group.dones) {
          try {
            d(err ?? undefined)
          } catch (error) {
            thrown ??= { error } // the other batches still learn their outcome
          }
        }
      }
      if (this.waiting.length > 0 && this.inFlight < MAX_IN_FLIGHT) this.start()
      else if (this.inFlight === 0 && this.waiting.length === 0)
        for (const resolve of this.idleWaiters.splice(0)) resolve()
      if (thrown !== undefined) throw thrown.error
    })
  }
}
