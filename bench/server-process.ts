// The API server under benchmark as a child process (bench/server-child.ts), shared by the
// benchmarks that measure it: an IPC request/response channel, the handle with its counted log
// lines, and start/stop.

import { type ChildProcess, fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerStats } from './server-child.ts'

const HERE = dirname(fileURLToPath(import.meta.url))

/** Request/response over a child's IPC channel: requests carry an id, replies echo it. */
export class Rpc {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  readonly proc: ChildProcess
  constructor(proc: ChildProcess, onOther: (msg: any) => void = () => {}) {
    this.proc = proc
    proc.on('message', (msg: any) => {
      const p = msg && typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined
      if (!p) return onOther(msg)
      this.pending.delete(msg.id)
      if (msg.error !== undefined) p.reject(new Error(msg.error))
      else p.resolve(msg.result)
    })
    proc.on('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`child exited (${code ?? signal})`))
      this.pending.clear()
    })
  }
  call<T>(msg: Record<string, unknown>): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      if (!this.proc.connected) {
        reject(new Error('child is gone'))
        return
      }
      this.pending.set(id, { resolve, reject })
      this.proc.send({ ...msg, id }, (err) => {
        if (!err) return
        this.pending.delete(id)
        reject(err)
      })
    })
  }
}

export interface ServerHandle {
  rpc: Rpc
  url: string
  token: string
  ca: string
  pid: number
  /** Server log lines (warn/error) counted by message. */
  logCounts: Map<string, number>
  stats(): Promise<ServerStats>
}

/** Forks the server on DATA_DIR (with extra Node flags) and resolves once it is serving. */
export async function startServer(dataDir: string, extraExecArgv: string[] = []): Promise<ServerHandle> {
  const proc = fork(join(HERE, 'server-child.ts'), [dataDir], {
    execArgv: ['--disable-warning=ExperimentalWarning', '--expose-gc', ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  })
  const logCounts = new Map<string, number>()
  let echoed = 0
  let partial = ''
  proc.stderr!.setEncoding('utf8')
  proc.stderr!.on('data', (s: string) => {
    partial += s
    let i = partial.indexOf('\n')
    while (i >= 0) {
      const line = partial.slice(0, i)
      partial = partial.slice(i + 1)
      i = partial.indexOf('\n')
      let key = line
      try {
        const j = JSON.parse(line) as { level?: string; msg?: string }
        key = `${j.level}: ${j.msg}`
      } catch {
        // not a log line (a crash trace): count it verbatim
      }
      logCounts.set(key, (logCounts.get(key) ?? 0) + 1)
      if (echoed++ < 5) process.stderr.write(`  [server] ${line.slice(0, 300)}\n`)
    }
  })
  const ready = new Promise<any>((resolveReady, reject) => {
    proc.once('exit', (code) => reject(new Error(`server child exited with ${code} before it was ready`)))
    proc.on('message', (m: any) => {
      if (m?.type === 'ready') resolveReady(m)
    })
  })
  const rpc = new Rpc(proc)
  const r = await ready
  return {
    rpc,
    url: r.url,
    token: r.token,
    ca: r.ca,
    pid: r.pid,
    logCounts,
    stats: () => rpc.call<ServerStats>({ type: 'stats' }),
  }
}

/** Asks the server to shut down and waits (at most 15 s) for it to exit. */
export async function stopServer(server: ServerHandle): Promise<void> {
  await server.rpc.call({ type: 'shutdown' }).catch(() => {})
  await new Promise<void>((r) => {
    if (server.rpc.proc.exitCode !== null) r()
    else server.rpc.proc.once('exit', () => r())
    setTimeout(r, 15_000).unref()
  })
}
