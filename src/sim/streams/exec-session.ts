// One `kubectl exec` process, independent of the transport (WebSocket or SPDY): input and resize
// events in, stdout/stderr out, and at the end the status the kubelet writes on the error
// channel (remotecommand ServeExec: Success, or Failure/NonZeroExitCode with the exit code).

import type { Container } from './container.ts'
import { type ExecOutcome, execProcess, Interrupter, type ProcessIO, type WrittenFiles } from './shell.ts'
import { LineDiscipline, Stdin } from './stdin.ts'

/** The PodExecOptions of a request (query parameters). */
export interface ExecRequest {
  command: string[]
  container: string | null
  stdin: boolean
  stdout: boolean
  stderr: boolean
  tty: boolean
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name)
  return v === '1' || v === 'true' || v === 'True' || v === 'TRUE' || v === 't'
}

export function parseExecRequest(q: URLSearchParams): ExecRequest {
  const tty = flag(q, 'tty')
  return {
    command: q.getAll('command'),
    container: q.get('container') || null,
    stdin: flag(q, 'stdin'),
    stdout: flag(q, 'stdout'),
    // With a terminal there is no separate stderr (kubelet remotecommand NewOptions).
    stderr: flag(q, 'stderr') && !tty,
    tty,
  }
}

/** The meta/v1 Status written on the error channel (protocol v4 and later). */
export interface ExecStatus {
  metadata: Record<string, never>
  status: 'Success' | 'Failure'
  message?: string
  reason?: string
  code?: number
  details?: { causes: { reason: string; message: string }[] }
}

export function execStatus(command: string[], outcome: ExecOutcome): ExecStatus {
  const code = ((outcome.exitCode % 256) + 256) % 256
  if (code === 0 && !outcome.startError) return { metadata: {}, status: 'Success' }
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${outcome.startError ?? `error executing command [${command.join(' ')}], exit code ${code}`}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  }
}

/** A status for an error that is not an exit code (InternalError, as the API server sends it). */
export function internalErrorStatus(message: string): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    code: 500,
  }
}

/** What the error channel carries for a protocol version: JSON Status (v4+) or plain text. */
export function encodeStatus(protocol: string, status: ExecStatus): Buffer {
  if (/^v[45]\./.test(protocol)) return Buffer.from(JSON.stringify(status))
  return status.status === 'Success' ? Buffer.alloc(0) : Buffer.from(status.message ?? 'error')
}

export interface ExecOutput {
  stdout(data: Buffer): void
  stderr(data: Buffer): void
}

export interface ExecSessionOptions {
  request: ExecRequest
  container: Container
  written: WrittenFiles
  now: () => number
  output: ExecOutput
}

export class ExecSession {
  private readonly opts: ExecSessionOptions
  private readonly stdin = new Stdin()
  private readonly discipline: LineDiscipline | undefined
  private readonly ended = new AbortController()
  private readonly interrupts = new Interrupter(this.ended.signal)
  private size: { width: number; height: number } | undefined

  constructor(opts: ExecSessionOptions) {
    this.opts = opts
    if (opts.request.tty) {
      this.discipline = new LineDiscipline(
        this.stdin,
        (echo) => this.writeOut(echo),
        () => this.interrupts.interrupt(),
      )
    }
    if (!opts.request.stdin) this.stdin.end()
  }

  /** Output as a terminal shows it: with a TTY, "\n" becomes "\r\n" (onlcr). */
  private writeOut(data: string | Buffer): void {
    if (!this.opts.request.stdout || this.ended.signal.aborted) return
    let buf = Buffer.from(data)
    if (this.opts.request.tty && buf.includes(0x0a))
      buf = Buffer.from(buf.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1')
    if (buf.length > 0) this.opts.output.stdout(buf)
  }

  private writeErr(data: string | Buffer): void {
    if (this.opts.request.tty) {
      this.writeOut(data)
      return
    }
    if (!this.opts.request.stderr || this.ended.signal.aborted) return
    const buf = Buffer.from(data)
    if (buf.length > 0) this.opts.output.stderr(buf)
  }

  /** Bytes from the client's stdin. */
  input(data: Buffer): void {
    if (!this.opts.request.stdin) return
    if (this.discipline) this.discipline.input(data)
    else this.stdin.push(data)
  }

  /** The client closed stdin. */
  inputEnd(): void {
    this.stdin.end()
  }

  resize(width: number, height: number): void {
    if (Number.isFinite(width) && Number.isFinite(height)) this.size = { width, height }
  }

  /** The client went away: the process is killed. */
  close(): void {
    this.ended.abort()
    this.stdin.end()
  }

  get closed(): boolean {
    return this.ended.signal.aborted
  }

  /** Runs the command to completion and returns the status for the error channel. */
  async run(): Promise<ExecStatus> {
    const { request, container, written, now } = this.opts
    const io: ProcessIO = {
      stdin: this.stdin,
      stdout: (d) => this.writeOut(d),
      stderr: (d) => this.writeErr(d),
      tty: request.tty,
      size: () => this.size,
      signal: this.interrupts.signal,
      interrupts: this.interrupts,
      now,
    }
    const outcome = await execProcess(request.command, container, written, io)
    // The runtime's start error is all a user would see of an unknown command: show it.
    if (outcome.startError) this.writeErr(`${outcome.startError}\n`)
    return execStatus(request.command, outcome)
  }
}
