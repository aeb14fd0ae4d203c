// Runs the real `flotilla server` CLI as a child process on a data directory, for tests that
// must observe the server as a separate process: crashes (kill -9), restarts on the same data,
// or a server that must stay up whatever it is sent. The server listens on 127.0.0.1:0; the
// URL is read from the "listening on" line it prints, the token and CA from the kubeconfig it
// writes into the data dir.

import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Agent, fetch as undiciFetch } from 'undici'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'

const REPO = resolve(import.meta.dirname, '..', '..')
const BIN = join(REPO, 'bin', 'flotilla.ts')

export interface CliServerOptions {
  /** Data directory (kept across restarts); a new temporary one when omitted. */
  dataDir?: string
  /** Extra flags for `flotilla server` (e.g. ['--storage-sync', 'full']). */
  args?: string[]
  /** How long to wait for the server to report that it listens (default 60 s). */
  startTimeoutMs?: number
}

export interface CliServer {
  child: ChildProcess
  pid: number
  url: string
  port: number
  dataDir: string
  kubeconfig: string
  token: string
  caCert: string
  /** A dispatcher trusting the server's CA. */
  dispatcher: Agent
  /** Everything the process printed so far. */
  stdout(): string
  stderr(): string
  /** Resolves when the process has exited (immediately if it already has). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** True once the process has exited. */
  hasExited(): boolean
  /** fetch() against the server with the admin token (undici, trusting the data-dir CA). */
  request(path: string, init?: RequestInit): Promise<Response>
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Stops the process (SIGTERM, SIGKILL after 10 s) and closes the dispatcher; keeps the data dir. */
  stop(): Promise<void>
}

export async function startCliServer(opts: CliServerOptions = {}): Promise<CliServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'flotilla-cli-'))
  const args = [
    '--disable-warning=ExperimentalWarning',
    BIN,
    'server',
    '--data-dir',
    dataDir,
    '--listen',
    '127.0.0.1:0',
    // A free agent port too: the default (9443) would collide between servers of parallel tests.
    ...(opts.args?.includes('--agent-listen') ? [] : ['--agent-listen', '127.0.0.1:0']),
    ...(opts.args ?? []),
  ]
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d
  })
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined
  // Never leave a server behind when the test process ends, however it ends.
  const reap = () => child.kill('SIGKILL')
  process.once('exit', reap)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal }
      process.off('exit', reap)
      done(exitInfo)
    })
  })

  const url = await new Promise<string>((done, fail) => {
    const failed = (e: Error) => {
      // A data directory made here for a server that never came up is ours to remove.
      if (opts.dataDir === undefined) void exited.then(() => rmSync(dataDir, { recursive: true, force: true }))
      fail(e)
    }
    const timer = setTimeout(() => {
      cleanup()
      child.kill('SIGKILL')
      failed(new Error(`flotilla server did not start within ${opts.startTimeoutMs ?? 60_000} ms\n${out}\n${err}`))
    }, opts.startTimeoutMs ?? 60_000)
    const onData = () => {
      const m = /listening on (https?:\/\/\S+)/.exec(out)
      if (m) {
        cleanup()
        done(m[1])
      }
    }
    const onExit = () => {
      cleanup()
      failed(new Error(`flotilla server exited before listening (${JSON.stringify(exitInfo)})\n${out}\n${err}`))
    }
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
    onData()
  })

  const kubeconfig = join(dataDir, 'admin.kubeconfig')
  const admin = restConfigFromKubeconfig(readFileSync(kubeconfig, 'utf8'))
  const caCert = admin.ca ?? ''
  // Kept-alive connections: a TLS handshake per request would dominate request-heavy tests.
  const dispatcher = new Agent({
    connect: { ca: caCert, cert: admin.cert, key: admin.key },
    keepAliveTimeout: 30_000,
  })
  // The hub's admin kubeconfig holds a client certificate; tests that speak raw HTTP want a
  // bearer token, so they get one of a cluster-admin ServiceAccount through TokenRequest.
  const token = admin.token ?? (await adminServiceAccountToken(url, dispatcher))

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (exitInfo === undefined) child.kill(signal)
    return exited
  }
  return {
    child,
    pid: child.pid!,
    url,
    port: Number(new URL(url).port),
    dataDir,
    kubeconfig,
    token,
    caCert,
    dispatcher,
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => exitInfo !== undefined,
    request(path, init = {}) {
      const headers = new Headers(init.headers)
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
      return undiciFetch(url + path, {
        ...(init as object),
        headers,
        dispatcher,
      } as never) as unknown as Promise<Response>
    },
    kill,
    async stop() {
      if (exitInfo === undefined) {
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(t)
      }
      await dispatcher.destroy()
    },
  }
}

/** Removes a data directory made for a CLI server. */
export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true })
}

/** A token of ServiceAccount kube-system/flotilla-test-admin, bound to cluster-admin (made if missing). */
async function adminServiceAccountToken(url: string, dispatcher: Agent): Promise<string> {
  const call = async (path: string, body: unknown, okStatuses: number[]) => {
    const r = await undiciFetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher,
    })
    const text = await r.text()
    if (!okStatuses.includes(r.status)) throw new Error(`POST ${path}: ${r.status} ${text}`)
    return text
  }
  const name = 'flotilla-test-admin'
  await call('/api/v1/namespaces/kube-system/serviceaccounts', { metadata: { name } }, [201, 409])
  await call(
    '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name, namespace: 'kube-system' }],
    },
    [201, 409],
  )
  const tr = await call(
    `/api/v1/namespaces/kube-system/serviceaccounts/${name}/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 86400 } },
    [201],
  )
  return (JSON.parse(tr) as { status: { token: string } }).status.token
}
