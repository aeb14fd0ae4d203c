// The API server under benchmark, in its own process so that its RSS and CPU are its own.
// Started by apiserver.bench.ts with fork(): node bench/server-child.ts DATA_DIR
//
// It starts the real server (startApiServer: default storage, i.e. synchronous=FULL, the
// built-in controllers, HTTPS with a data-dir CA, bearer-token authentication), reports
// {type:'ready', url, token, ca} over IPC, and then answers requests from the parent:
//   {id, type:'stats'}                 → memory, CPU time, event-loop utilisation and delay
//   {id, type:'profile-start'}         → starts the V8 CPU profiler (node:inspector)
//   {id, type:'profile-stop', path}    → stops it and writes a .cpuprofile to path
//   {id, type:'gc'}                    → full garbage collection (the child runs with --expose-gc)
//   {id, type:'heap-snapshot', path}   → writes a V8 heap snapshot to path
//   {id, type:'shutdown'}              → closes the server and exits
// Warnings and errors of the server's log go to stderr (one JSON line each).

import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { writeHeapSnapshot } from 'node:v8'
import { StaticTokenAuthenticator } from '../src/apiserver/authn.ts'
import { startApiServer } from '../src/apiserver/start.ts'
import { createLogger } from '../src/log/logger.ts'
import { defaultSANs, ensureServingCertificate } from '../src/security/pki.ts'

export interface ServerStats {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  /** Peak RSS of the process so far (bytes). */
  maxRss: number
  /** CPU time since process start (µs). */
  cpuUser: number
  cpuSystem: number
  /** Cumulative event-loop utilisation counters (performance.eventLoopUtilization()). */
  elu: { idle: number; active: number; utilization: number }
  /** Event-loop delay since the previous stats call (ms). */
  loopDelayP99: number
  loopDelayMax: number
}

export type ChildRequest =
  | { id: number; type: 'stats' }
  | { id: number; type: 'profile-start' }
  | { id: number; type: 'profile-stop'; path: string }
  | { id: number; type: 'alloc-start' }
  | { id: number; type: 'alloc-stop'; path: string }
  | { id: number; type: 'gc' }
  | { id: number; type: 'heap-snapshot'; path: string }
  | { id: number; type: 'shutdown' }

const dataDir = process.argv[2]
if (!dataDir || !process.send) {
  process.stderr.write('usage: fork("bench/server-child.ts", [DATA_DIR]) (needs an IPC channel)\n')
  process.exit(2)
}
const send = (msg: unknown) => process.send!(msg)

const token = randomBytes(16).toString('hex')
const authenticator = new StaticTokenAuthenticator()
authenticator.add(token, { username: 'bench-admin', groups: ['system:masters', 'system:authenticated'] })
const pki = ensureServingCertificate(dataDir, defaultSANs('127.0.0.1'))
const running = await startApiServer({
  dataDir,
  host: '127.0.0.1',
  port: 0,
  authenticator,
  log: createLogger({ level: 'warn' }),
  // sync left at its default ('full'): the durability the targets are stated for.
  tls: { cert: pki.cert, key: pki.key, ca: pki.caCert },
  // FLOTILLA_BENCH_AUDIT=1 measures with the audit log on (DATA_DIR/audit.log, as the hub runs).
  audit: process.env.FLOTILLA_BENCH_AUDIT === '1' ? { path: join(dataDir, 'audit.log') } : undefined,
})

const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
let session: Session | undefined

function stats(): ServerStats {
  const mem = process.memoryUsage()
  const cpu = process.cpuUsage()
  const elu = performance.eventLoopUtilization()
  const s: ServerStats = {
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
    maxRss: process.resourceUsage().maxRSS * 1024,
    cpuUser: cpu.user,
    cpuSystem: cpu.system,
    elu: { idle: elu.idle, active: elu.active, utilization: elu.utilization },
    loopDelayP99: delay.percentile(99) / 1e6,
    loopDelayMax: delay.max / 1e6,
  }
  delay.reset()
  return s
}

/** Stops the running profiler (`stop` returns its profile) and writes the profile to path. */
async function stopProfiler(path: string, stop: (s: Session) => Promise<unknown>): Promise<string> {
  if (!session) throw new Error('no profiler was started')
  const profile = await stop(session)
  session.disconnect()
  session = undefined
  writeFileSync(path, JSON.stringify(profile))
  return path
}

async function handle(msg: ChildRequest): Promise<unknown> {
  switch (msg.type) {
    case 'stats':
      return stats()
    case 'profile-start':
      session = new Session()
      session.connect()
      await session.post('Profiler.enable')
      await session.post('Profiler.start')
      return true
    case 'profile-stop':
      return stopProfiler(msg.path, async (s) => {
        const { profile } = await s.post('Profiler.stop')
        await s.post('Profiler.disable')
        return profile
      })
    case 'alloc-start':
      // Every allocation is sampled, also those a scavenge frees at once: this shows what the
      // young generation fills with, which is what sets how often it is collected.
      session = new Session()
      session.connect()
      await session.post('HeapProfiler.enable')
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: process.env.FLOTILLA_ALLOC_SURVIVORS !== '1',
      })
      return true
    case 'alloc-stop':
      return stopProfiler(msg.path, async (s) => {
        const { profile } = await s.post('HeapProfiler.stopSampling')
        await s.post('HeapProfiler.disable')
        return profile
      })
    case 'gc': {
      const gc = (globalThis as { gc?: () => void }).gc
      if (!gc) throw new Error('run the server child with --expose-gc')
      gc()
      return stats()
    }
    case 'heap-snapshot':
      return writeHeapSnapshot(msg.path)
    case 'shutdown':
      await running.close()
      setImmediate(() => process.exit(0))
      return true
  }
}

process.on('message', (msg: ChildRequest) => {
  handle(msg).then(
    (result) => send({ id: msg.id, result }),
    (err: unknown) => send({ id: msg.id, error: String(err instanceof Error ? err.stack : err) }),
  )
})
process.on('disconnect', () => {
  // The parent went away: do not linger.
  void running.close().finally(() => process.exit(0))
})

send({ type: 'ready', url: running.url, token, ca: pki.caCert, pid: process.pid })
