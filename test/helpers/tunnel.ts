// A hub tunnel listener and agents on loopback for tunnel tests and benchmarks: real TLS with a
// data-dir CA (src/security/pki.ts), a registry, and TunnelClients forwarding to a member.
// Credentials are a fixed map here (the hub's real authenticator arrives with registration).

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RestConfig } from '../../src/client/rest-config.ts'
import { defaultSANs, ensureServingCertificate } from '../../src/security/pki.ts'
import { TunnelClient, type TunnelClientOptions } from '../../src/tunnel/client.ts'
import { type Forwarder, memberForwarder } from '../../src/tunnel/forward.ts'
import { TunnelAuthError, TunnelListener, type TunnelListenerOptions } from '../../src/tunnel/hub-listener.ts'
import { TunnelRegistry } from '../../src/tunnel/registry.ts'

export interface TestHub {
  dataDir: string
  caCert: string
  tls: { cert: string; key: string }
  registry: TunnelRegistry
  listener: TunnelListener
  /** credential → cluster */
  credentials: Map<string, string>
  /** Closes the listener and starts a new one on the same port. */
  restart(): Promise<void>
  stopListener(): Promise<void>
  startListener(): Promise<void>
  dispose(): Promise<void>
}

export async function startTestHub(
  opts: Partial<Omit<TunnelListenerOptions, 'registry' | 'tls' | 'authenticate'>> = {},
): Promise<TestHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-tunnel-'))
  const pki = ensureServingCertificate(dataDir, defaultSANs('127.0.0.1'))
  const registry = new TunnelRegistry()
  const credentials = new Map<string, string>()
  const tls = { cert: pki.cert, key: pki.key }
  const listenerOpts = (port: number): TunnelListenerOptions => ({
    host: '127.0.0.1',
    port,
    ...opts,
    tls,
    registry,
    authenticate: async ({ credential }) => {
      const cluster = credentials.get(credential)
      if (!cluster) throw new TunnelAuthError(401, 'unknown cluster credential')
      return cluster
    },
  })
  let listener: TunnelListener | undefined = await TunnelListener.start(listenerOpts(opts.port ?? 0))
  const port = listener.port
  const hub: TestHub = {
    dataDir,
    caCert: pki.caCert,
    tls,
    registry,
    credentials,
    get listener() {
      if (!listener) throw new Error('listener stopped')
      return listener
    },
    async stopListener() {
      await listener?.close()
      listener = undefined
    },
    async startListener() {
      listener = await TunnelListener.start(listenerOpts(port))
    },
    async restart() {
      await hub.stopListener()
      await hub.startListener()
    },
    async dispose() {
      registry.closeAll()
      await listener?.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return hub
}

export interface TestAgent {
  client: TunnelClient
  forwarder: Forwarder
  stop(): Promise<void>
}

/** Starts an agent for `cluster` that forwards to `member` (a sim's URL, CA and token). */
export function startTestAgent(
  hub: TestHub,
  cluster: string,
  member: RestConfig,
  opts: Partial<TunnelClientOptions> = {},
): TestAgent {
  const forwarder = memberForwarder(member)
  const client = new TunnelClient({
    hubURL: hub.listener.url,
    ca: hub.caCert,
    cluster,
    agentId: `${cluster}-agent-${Math.random().toString(36).slice(2, 8)}`,
    credential: `cred-${cluster}`,
    onRequest: forwarder.onRequest,
    onUpgrade: forwarder.onUpgrade,
    backoff: { initialMs: 100, maxMs: 1_000 },
    ...opts,
  })
  client.start()
  return {
    client,
    forwarder,
    async stop() {
      await client.stop()
      forwarder.close()
    },
  }
}

/** Resolves when the hub has `count` live tunnels for `cluster`. */
export async function whenTunnels(hub: TestHub, cluster: string, count = 1, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (hub.registry.sessions(cluster).filter((s) => s.alive).length < count) {
    if (Date.now() > deadline) throw new Error(`cluster ${cluster} did not get ${count} tunnel(s) in time`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export interface ChildAgent {
  pid: number
  kill(signal?: NodeJS.Signals): Promise<void>
}

/** Starts an agent process (test/helpers/tunnel-agent-child.ts) and waits for its first tunnel. */
export async function startChildAgent(
  hub: TestHub,
  cluster: string,
  member: RestConfig,
  agentId: string,
  extra: { keepalive?: { pingIntervalMs: number; pingTimeoutMs: number } } = {},
): Promise<ChildAgent> {
  const child = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', new URL('./tunnel-agent-child.ts', import.meta.url).pathname],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        FLOTILLA_TEST_AGENT: JSON.stringify({
          hubURL: hub.listener.url,
          ca: hub.caCert,
          cluster,
          agentId,
          credential: `cred-${cluster}`,
          member,
          ...extra,
        }),
      },
    },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the agent process did not connect')), 20_000)
    child.stdout?.setEncoding('utf8')
    child.stdout?.on('data', (d: string) => {
      if (d.includes('connected')) {
        clearTimeout(t)
        resolve()
      }
    })
    child.once('exit', (code) => reject(new Error(`the agent process exited (${code})`)))
  })
  return {
    pid: child.pid ?? 0,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      await exited
    },
  }
}
