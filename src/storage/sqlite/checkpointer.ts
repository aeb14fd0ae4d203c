// WAL checkpoints off the event loop.
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL past 1,000 pages: it
// copies them into the database file and fsyncs both files, 3–15 ms during which every request
// of the server waits (in bench:apiserver's create phase these were all of the slow commits).
// Instead, while a database is open, the writer's automatic checkpoint is off and one worker
// thread per process checkpoints every open database through its own connection, which WAL mode
// allows concurrently with the writer and the readers.
//
// Starting over: the WAL file is reused from its beginning only by a writer whose transaction
// began when every frame had been copied back. With the worker copying while the writer keeps
// committing, that almost never happens, and the WAL would grow without end (every page lookup
// in it getting slower). So checkpoints come in two steps. A bulk checkpoint copies whatever is
// there while writes go on. If it leaves a WAL longer than AUTO_CHECKPOINT_PAGES, the next COMMIT
// starts a tail checkpoint with new writes held back (GroupCommit.hold(): they queue, the event
// loop does not wait): it copies only what was committed during the bulk one, completes, and the
// next write starts the WAL over. Writes wait for that tail (a median of ~5 ms under
// bench:apiserver's create load, two or three times a second), where SQLite's own checkpoint
// makes the whole loop wait for the whole copy. A bulk checkpoint follows a commit within 50 ms
// under load, within a second while writes trickle in.
//
// If the worker cannot start or fails, the writer's automatic checkpoint is switched back on.

import type { DatabaseSync } from 'node:sqlite'
import { Worker } from 'node:worker_threads'
import type { Logger } from './watch-hub.ts'

export type CheckpointRequest =
  | { type: 'open'; id: number; path: string }
  | { type: 'checkpoint'; id: number }
  | { type: 'close'; id: number }

export type CheckpointReply =
  | { type: 'opened' | 'closed'; id: number }
  | { type: 'checkpointed'; id: number; walFrames: number; checkpointed: number }
  | { type: 'failed'; id: number; request: CheckpointRequest['type']; message: string }

/** Delay from a commit to the checkpoint it asks for: later commits share it. */
const CHECKPOINT_DELAY_MS = 50
/**
 * The delay while writes trickle in (the last checkpoint found fewer than BUSY_WAL_FRAMES in the
 * WAL): every checkpoint fsyncs the database file, and twenty a second cost an idle simulated
 * cluster's heartbeats (100 small writes a second) about a tenth of its CPU.
 */
const IDLE_CHECKPOINT_DELAY_MS = 1000
const BUSY_WAL_FRAMES = 256
/** SQLite's default automatic checkpoint threshold, in pages: beyond it, the WAL starts over. */
const AUTO_CHECKPOINT_PAGES = 1000
/** Writes are never held back longer than this, whatever the worker does. */
const HOLD_LIMIT_MS = 1000
/** A tail checkpoint holding writes this long is logged. */
const SLOW_HOLD_MS = 200
/** How long close() waits for the worker to let go of the database. */
const CLOSE_TIMEOUT_MS = 2000

/** The one worker thread of the process, shared by every open database. */
class CheckpointThread {
  private worker: Worker | undefined
  private readonly clients = new Map<number, Checkpointer>()
  private nextId = 1

  register(client: Checkpointer, path: string): number {
    const id = this.nextId++
    this.clients.set(id, client)
    this.send({ type: 'open', id, path })
    return id
  }

  unregister(id: number): void {
    this.clients.delete(id)
  }

  send(msg: CheckpointRequest): void {
    this.start().postMessage(msg)
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker
    // Small heap limits: the worker only relays PRAGMA results (beyond them it dies, and the
    // writer checkpoints itself).
    const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
    })
    worker.on('message', (msg: CheckpointReply) => this.clients.get(msg.id)?.onReply(msg))
    const lost = (reason: string) => {
      if (this.worker !== worker) return
      this.worker = undefined
      const clients = [...this.clients.values()]
      this.clients.clear()
      for (const c of clients) c.onWorkerLost(reason)
    }
    worker.on('error', (err) => lost(err.message))
    worker.on('exit', (code) => lost(`exited with code ${code}`))
    worker.unref() // housekeeping must not keep the process alive (after on(): listeners ref it)
    this.worker = worker
    return worker
  }
}

const thread = new CheckpointThread()

/** Checkpoints one database from the worker thread; see the top of this file. */
export class Checkpointer {
  private readonly writer: DatabaseSync
  private readonly logger: Logger
  private readonly holdWrites: () => () => void
  private readonly id: number
  private state: 'opening' | 'serving' | 'closed' = 'opening'
  private timer: NodeJS.Timeout | undefined
  private inFlight = false
  /** The last checkpoint found a short WAL: the next waits longer for more to copy. */
  private trickle = false
  /** The last bulk checkpoint left a long WAL: the next COMMIT starts a tail checkpoint. */
  private tailDue = false
  /** Set while a tail checkpoint holds writes back. */
  private releaseWrites: (() => void) | undefined
  private holdTimer: NodeJS.Timeout | undefined
  private heldSince = 0
  private closing: PromiseWithResolvers<void> | undefined

  /** holdWrites: GroupCommit.hold, called right after a COMMIT (so no transaction is open). */
  constructor(path: string, writer: DatabaseSync, logger: Logger, holdWrites: () => () => void) {
    this.writer = writer
    this.logger = logger
    this.holdWrites = holdWrites
    // The writer keeps checkpointing itself until the worker has the database open.
    this.id = thread.register(this, path)
  }

  /** Called right after every COMMIT: a tail checkpoint now, or a bulk one soon. */
  noteCommit(): void {
    if (this.state !== 'serving' || this.inFlight) return
    if (this.tailDue) {
      this.tailDue = false
      clearTimeout(this.timer)
      this.timer = undefined
      this.checkpoint(this.holdWrites())
      return
    }
    if (this.timer !== undefined) return
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        if (this.state === 'serving' && !this.inFlight) this.checkpoint(undefined)
      },
      this.trickle ? IDLE_CHECKPOINT_DELAY_MS : CHECKPOINT_DELAY_MS,
    )
    this.timer.unref()
  }

  onReply(msg: CheckpointReply): void {
    switch (msg.type) {
      case 'opened':
        if (this.state !== 'opening') return
        if (this.autoCheckpoint(false)) this.state = 'serving'
        return
      case 'checkpointed': {
        this.inFlight = false
        const wasTail = this.releaseWrites !== undefined
        this.release()
        if (!wasTail && msg.walFrames > AUTO_CHECKPOINT_PAGES) this.tailDue = true
        // Under a light load the WAL starts over after each checkpoint, so its length is what
        // was written since the last one.
        this.trickle = msg.walFrames < BUSY_WAL_FRAMES
        return
      }
      case 'closed':
        this.closing?.resolve()
        return
      case 'failed':
        this.inFlight = false
        this.release()
        if (msg.request === 'close') {
          this.closing?.resolve()
          return
        }
        this.logger('storage checkpoint thread failed; the writer checkpoints itself', {
          request: msg.request,
          error: msg.message,
        })
        this.giveUp()
        return
    }
  }

  onWorkerLost(reason: string): void {
    this.release()
    if (this.state === 'closed') {
      this.closing?.resolve()
      return
    }
    this.logger('storage checkpoint thread stopped; the writer checkpoints itself', { reason })
    this.giveUp()
  }

  /** Lets go of the database (before the writer closes, so that it closes last and cleans up). */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing.promise
    this.state = 'closed'
    clearTimeout(this.timer)
    this.release()
    this.closing = Promise.withResolvers<void>()
    thread.send({ type: 'close', id: this.id })
    const timeout = setTimeout(() => this.closing?.resolve(), CLOSE_TIMEOUT_MS)
    return this.closing.promise.finally(() => {
      clearTimeout(timeout)
      thread.unregister(this.id)
    })
  }

  private checkpoint(releaseWrites: (() => void) | undefined): void {
    this.inFlight = true
    this.releaseWrites = releaseWrites
    this.heldSince = performance.now()
    if (releaseWrites !== undefined) this.holdTimer = setTimeout(() => this.release(), HOLD_LIMIT_MS)
    thread.send({ type: 'checkpoint', id: this.id })
  }

  private release(): void {
    clearTimeout(this.holdTimer)
    const release = this.releaseWrites
    if (release === undefined) return
    this.releaseWrites = undefined
    const ms = performance.now() - this.heldSince
    if (ms >= SLOW_HOLD_MS) this.logger('storage held writes long for a checkpoint', { ms: Math.round(ms) })
    release()
  }

  /** The worker is gone for this database: the writer checkpoints itself from now on. */
  private giveUp(): void {
    if (this.state === 'closed') return
    thread.unregister(this.id)
    clearTimeout(this.timer)
    this.autoCheckpoint(true)
    this.state = 'closed'
    this.closing = Promise.withResolvers<void>()
    this.closing.resolve()
  }

  private autoCheckpoint(on: boolean): boolean {
    try {
      this.writer.exec(`PRAGMA wal_autocheckpoint = ${on ? AUTO_CHECKPOINT_PAGES : 0}`)
      return true
    } catch (error) {
      this.logger('storage could not change the automatic checkpoint', { error })
      return false
    }
  }
}
