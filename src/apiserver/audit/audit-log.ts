// The audit log writer: JSON lines appended to a file (or stdout), rotated by size the way
// kube-apiserver's --audit-log-maxsize/--audit-log-maxbackup do (its lumberjack logger): the full
// file is renamed to NAME-<UTC 2006-01-02T15-04-05.000>.EXT beside it, a new one is started, and
// backups beyond the newest maxBackups are deleted.
//
// Requests must never wait for the disk, so write() only queues a line; one writer drains the
// queue in order, in batches: a batch goes out BATCH_DELAY_MS after its first line (or at once
// when BATCH_BYTES are queued), so a busy server makes one file write per batch rather than one
// per request. flush() writes what is queued at once and resolves once everything queued before
// it is on disk (tests, shutdown); close() flushes and closes the file.

import type { FileHandle } from 'node:fs/promises'
import { open, readdir, rename, unlink } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import type { Logger } from '../../log/logger.ts'

export interface AuditLogWriterOptions {
  /** File to append to; "-" writes to standard output (never rotated). */
  path: string
  /** Rotate before the file would grow beyond this many bytes; 0 or less: never rotate. */
  maxSizeBytes: number
  /** Rotated files kept (newest first); 0 keeps them all, as kube-apiserver's 0 does. */
  maxBackups: number
  log: Logger
  /** Current time for backup names (tests). */
  now?: () => number
}

/**
 * Lines queued but not yet written beyond this are dropped (and counted in the server log)
 * rather than letting a stalled disk grow the heap without bound.
 */
const MAX_PENDING_BYTES = 256 * 1024 * 1024
/** How long the first queued line of a batch may wait for others. */
const BATCH_DELAY_MS = 10
/** A batch this large is written without waiting. */
const BATCH_BYTES = 64 * 1024

export class AuditLogWriter {
  private readonly opts: AuditLogWriterOptions
  private queue: string[] = []
  private pendingBytes = 0
  private draining: Promise<void> | undefined
  /** Starts the pending batch's write now (set while a batch waits for its delay). */
  private kick: (() => void) | undefined
  private file: FileHandle | undefined
  /** Bytes in the current file (known after it is opened). */
  private size = 0
  private lastBackupMs = 0
  private dropped = 0
  private closed = false

  constructor(opts: AuditLogWriterOptions) {
    this.opts = opts
  }

  /** Queues one line (without its newline); it reaches the file on a later turn, in order. */
  write(line: string): void {
    if (this.closed) {
      this.opts.log.warn('Audit event after the audit log was closed; dropped')
      return
    }
    if (this.pendingBytes > MAX_PENDING_BYTES) {
      if (this.dropped++ === 0) this.opts.log.error('Audit log is not keeping up; dropping events')
      return
    }
    this.queue.push(line)
    this.pendingBytes += line.length + 1
    if (!this.draining) {
      this.draining = new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.kick?.(), BATCH_DELAY_MS)
        this.kick = () => {
          this.kick = undefined
          clearTimeout(timer)
          resolve()
        }
      }).then(() => this.drain())
    }
    if (this.pendingBytes >= BATCH_BYTES) this.kick?.()
  }

  /** Resolves when every line queued so far has been written. */
  async flush(): Promise<void> {
    while (this.draining) {
      this.kick?.()
      await this.draining
    }
  }

  async close(): Promise<void> {
    await this.flush()
    this.closed = true
    const f = this.file
    this.file = undefined
    await f?.close()
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        this.pendingBytes = 0
        await this.writeBatch(batch)
      }
    } catch (e) {
      this.opts.log.error('Writing the audit log failed', { path: this.opts.path, err: String(e) })
    } finally {
      this.draining = undefined
      if (this.dropped > 0) {
        this.opts.log.error('Audit events dropped', { count: this.dropped })
        this.dropped = 0
      }
      // Lines queued while the failed write was in progress still deserve a try.
      if (this.queue.length > 0) this.draining = this.drain()
    }
  }

  private async writeBatch(lines: string[]): Promise<void> {
    if (this.opts.path === '-') {
      await writeStdout(`${lines.join('\n')}\n`)
      return
    }
    if (!this.file) await this.openFile()
    const max = this.opts.maxSizeBytes
    const whole = `${lines.join('\n')}\n`
    const bytes = Buffer.byteLength(whole)
    // The usual case: the batch fits, one write.
    if (max <= 0 || this.size + bytes <= max) {
      await this.append(whole)
      return
    }
    // Split the batch at line boundaries so each file stays within the limit where a line can.
    let start = 0
    let chunkBytes = 0
    for (let i = 0; i < lines.length; i++) {
      const b = Buffer.byteLength(lines[i]) + 1
      if (this.size + chunkBytes + b > max && this.size + chunkBytes > 0) {
        if (i > start) await this.append(`${lines.slice(start, i).join('\n')}\n`)
        start = i
        chunkBytes = 0
        await this.rotate()
      }
      chunkBytes += b
    }
    if (lines.length > start) await this.append(`${lines.slice(start).join('\n')}\n`)
  }

  private async append(text: string): Promise<void> {
    const file = this.file ?? (await this.openFile())
    const buf = Buffer.from(text)
    await file.write(buf)
    this.size += buf.length
  }

  private async openFile(): Promise<FileHandle> {
    const f = await open(this.opts.path, 'a', 0o600)
    this.size = (await f.stat()).size
    this.file = f
    return f
  }

  private async rotate(): Promise<void> {
    const f = this.file
    this.file = undefined
    await f?.close()
    // Two rotations within one millisecond (tiny limits) must not overwrite a backup.
    const ms = Math.max((this.opts.now ?? Date.now)(), this.lastBackupMs + 1)
    this.lastBackupMs = ms
    try {
      await rename(this.opts.path, backupName(this.opts.path, ms))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    await this.openFile()
    if (this.opts.maxBackups > 0) await this.prune()
  }

  private async prune(): Promise<void> {
    const backups = await listBackups(this.opts.path)
    for (const name of backups.slice(0, Math.max(0, backups.length - this.opts.maxBackups))) {
      try {
        await unlink(join(dirname(this.opts.path), name))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      }
    }
  }
}

/** lumberjack's backup name: "audit.log" rotated at t becomes "audit-2006-01-02T15-04-05.000.log" (UTC). */
export function backupName(path: string, ms: number): string {
  const ext = extname(path)
  const stem = basename(path, ext)
  const stamp = new Date(ms).toISOString().slice(0, 23).replace(/:/g, '-')
  return join(dirname(path), `${stem}-${stamp}${ext}`)
}

/** Backup file names of the log at path, oldest first. */
export async function listBackups(path: string): Promise<string[]> {
  const ext = extname(path)
  const stem = basename(path, ext)
  const pattern = new RegExp(
    `^${escapeRegExp(stem)}-(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3})${escapeRegExp(ext)}$`,
  )
  const names = await readdir(dirname(path))
  return names
    .map((n) => ({ n, m: pattern.exec(n) }))
    .filter((x) => x.m)
    .sort((a, b) => (a.m![1] < b.m![1] ? -1 : a.m![1] > b.m![1] ? 1 : 0))
    .map((x) => x.n)
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function writeStdout(s: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(s, (e) => (e ? reject(e) : resolve())))
}
