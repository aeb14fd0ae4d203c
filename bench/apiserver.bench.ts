// API server benchmark: `npm run bench:apiserver [-- --quick] [-- --profile DIR]`.
//
// Measures, in one run, the figures the API server is held to, each next to a baseline measured
// in the same run on the same machine:
//   create throughput (64 concurrent clients)  vs  a raw node:sqlite insert loop (bench/raw-sqlite.ts)
//   p99 create latency (64 clients)            vs  the raw loop's mean time per durable insert
//   LIST of 10,000 ConfigMaps, first page of 500  vs  a raw SQLite range read + JSON join of the same rows
//   watch delivery p99 (1,000 watchers, 200 writes/s)  vs  the same with a single watcher
//   RSS with 100,000 small stored objects      vs  the idle server's RSS right after start
//
// Method. The server runs in its own process (bench/server-child.ts: startApiServer with HTTPS,
// bearer token and default storage, i.e. synchronous=FULL), so its RSS and CPU are its own.
// This process drives the load over keep-alive connections with undici (request(), not fetch)
// and reports its own CPU next to the server's. Watchers live in separate client processes
// (bench/watch-client.ts); this process is the writer and timestamps each write's
// acknowledgement, they timestamp each event's arrival, on the same clock
// (performance.timeOrigin + now(), cross-checked with an IPC ping exchange). Every phase is
// warmed up before it is measured. The table is printed whatever the results: exit status 0.
//
// Flags: --quick (small sizes, ~25 s), --profile DIR (CPU profile of the server per phase,
// which slows it: do not read figures off a profiled run), --phases create,list,rss,watch,
// --watch-procs N (client processes for the watchers), --json FILE (results), --keep (data dir),
// --heap-snapshot FILE (after the RSS figure), --server-flags=... (extra node flags for the
// server process, space-separated, for experiments: --server-flags=--max-semi-space-size=64),
// --alloc-profile DIR (sampling allocation profile per phase; FLOTILLA_ALLOC_SURVIVORS=1 keeps
// only what survived a scavenge). Analyse profiles and heap snapshots with
// bench/profile-summary.ts, bench/alloc-summary.ts and bench/heap-summary.ts.

import { fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Agent } from 'undici'
import { prefixEnd } from '../src/storage/sqlite/keys.ts'
import { rawInsertLoop } from './raw-sqlite.ts'
import type { ServerStats } from './server-child.ts'
import { Rpc, type ServerHandle, startServer, stopServer } from './server-process.ts'
import { concatF64, fmtMB, fmtMs, fmtRate, fmtSummaryMs, median, type Summary, summarize, table } from './stats.ts'

const HERE = dirname(fileURLToPath(import.meta.url))

// ---------------------------------------------------------------------------------------------
// Configuration

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'string' },
    'alloc-profile': { type: 'string' },
    phases: { type: 'string', default: 'create,list,rss,watch' },
    'watch-procs': { type: 'string' },
    'heap-snapshot': { type: 'string' },
    'server-flags': { type: 'string', default: '' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  allowPositionals: false,
})

interface Config {
  clients: number
  rawRows: number
  rawReps: number
  createWarmS: number
  createS: number
  listN: number
  listWarm: number
  listReps: number
  pageWarm: number
  pageReps: number
  pageLimit: number
  rssObjects: number
  watchers: number
  watchProcs: number
  watchRate: number
  watchWarmS: number
  watchS: number
  baseWatchS: number
}

const FULL: Config = {
  clients: 64,
  rawRows: 5000,
  rawReps: 3,
  createWarmS: 3,
  createS: 10,
  listN: 10_000,
  listWarm: 3,
  listReps: 15,
  pageWarm: 10,
  pageReps: 50,
  pageLimit: 500,
  rssObjects: 100_000,
  watchers: 1000,
  watchProcs: 2,
  watchRate: 200,
  watchWarmS: 2,
  watchS: 10,
  baseWatchS: 3,
}

const QUICK: Config = {
  ...FULL,
  rawRows: 2000,
  createWarmS: 1,
  createS: 3,
  listN: 2000,
  listWarm: 2,
  listReps: 5,
  pageWarm: 5,
  pageReps: 20,
  rssObjects: 25_000,
  watchers: 200,
  watchWarmS: 1,
  watchS: 3,
  baseWatchS: 2,
}

const cfg: Config = { ...(flags.quick ? QUICK : FULL) }
if (flags['watch-procs']) cfg.watchProcs = Math.max(1, Number(flags['watch-procs']))
const phases = new Set(flags.phases.split(',').map((s) => s.trim()))
const profileDir = flags.profile ? resolve(flags.profile) : undefined
const allocDir = flags['alloc-profile'] ? resolve(flags['alloc-profile']) : undefined

const log = (msg: string) => process.stdout.write(`  · ${msg}\n`)

// ---------------------------------------------------------------------------------------------
// Child processes

async function forkWatchClient(): Promise<Rpc> {
  const proc = fork(join(HERE, 'watch-client.ts'), [], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const hello = new Promise<void>((res, rej) => {
    proc.once('exit', (code) => rej(new Error(`watch client exited with ${code}`)))
    proc.on('message', (m: any) => {
      if (m?.type === 'hello') res()
    })
  })
  const rpc = new Rpc(proc)
  await hello
  return rpc
}

/** Server CPU, client CPU and event-loop utilisation over a measured window. */
interface Window {
  seconds: number
  serverCpuS: number
  serverElu: number
  serverLoopDelayP99: number
  clientCpuS: number
  clientElu: number
  /** CPU time used by the whole machine (all processes, /proc/stat) over the window. */
  machineCpuS: number
}

/** Busy CPU seconds of the whole machine since boot (Linux /proc/stat), NaN elsewhere. */
function machineBusySeconds(): number {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = f
    return (user + nice + system + irq + softirq + steal) / 100 // USER_HZ
  } catch {
    return Number.NaN
  }
}

async function openWindow(server: ServerHandle) {
  const s0 = await server.stats()
  const c0 = process.cpuUsage()
  const e0 = performance.eventLoopUtilization()
  const m0 = machineBusySeconds()
  const t0 = performance.now()
  return async (): Promise<Window> => {
    const m1 = machineBusySeconds()
    const seconds = (performance.now() - t0) / 1000
    const c = process.cpuUsage(c0)
    const e = performance.eventLoopUtilization(e0)
    const s1 = await server.stats()
    const active = s1.elu.active - s0.elu.active
    const idle = s1.elu.idle - s0.elu.idle
    return {
      seconds,
      serverCpuS: (s1.cpuUser + s1.cpuSystem - s0.cpuUser - s0.cpuSystem) / 1e6,
      serverElu: active / (active + idle),
      serverLoopDelayP99: s1.loopDelayP99,
      clientCpuS: (c.user + c.system) / 1e6,
      clientElu: e.utilization,
      machineCpuS: m1 - m0,
    }
  }
}

function fmtWindow(w: Window, extraClientCpuS = 0): string {
  const pct = (cpuS: number) => `${Math.round((100 * cpuS) / w.seconds)}%`
  const other = otherCores(w, extraClientCpuS) * w.seconds
  return (
    `server CPU ${pct(w.serverCpuS)} of a core (event loop ${Math.round(w.serverElu * 100)}% busy, ` +
    `loop delay p99 ${fmtMs(w.serverLoopDelayP99)}); client CPU ${pct(w.clientCpuS + extraClientCpuS)}; ` +
    `other processes ${Number.isFinite(other) ? pct(other) : 'n/a'} (of ${cpus().length * 100}%)`
  )
}

async function withProfile<T>(server: ServerHandle, name: string, fn: () => Promise<T>): Promise<T> {
  const p = allocDir
    ? ({
        dir: allocDir,
        start: 'alloc-start',
        stop: 'alloc-stop',
        ext: 'heapprofile',
        what: 'allocation profile',
      } as const)
    : profileDir
      ? ({ dir: profileDir, start: 'profile-start', stop: 'profile-stop', ext: 'cpuprofile', what: 'profile' } as const)
      : undefined
  if (!p) return fn()
  await server.rpc.call({ type: p.start })
  try {
    return await fn()
  } finally {
    const path = join(p.dir, `${name}.${p.ext}`)
    await server.rpc.call({ type: p.stop, path })
    log(`${p.what}: ${path}`)
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP client

class Http {
  readonly agent: Agent
  readonly origin: string
  private readonly auth: string
  constructor(server: ServerHandle, connections: number) {
    this.agent = new Agent({ connections, pipelining: 1, connect: { ca: server.ca } })
    this.origin = new URL(server.url).origin
    this.auth = `Bearer ${server.token}`
  }

  /** POSTs a JSON body; returns the status (the body is read and discarded). */
  async post(path: string, body: string): Promise<number> {
    const res = await this.agent.request({
      origin: this.origin,
      path,
      method: 'POST',
      headers: { authorization: this.auth, 'content-type': 'application/json', accept: 'application/json' },
      body,
    })
    await res.body.dump({ limit: 1 << 20 })
    return res.statusCode
  }

  /** GETs a path and reads the whole body without decoding it. */
  async getBytes(path: string): Promise<{ status: number; bytes: number }> {
    const res = await this.agent.request({
      origin: this.origin,
      path,
      method: 'GET',
      headers: { authorization: this.auth, accept: 'application/json' },
    })
    let bytes = 0
    for await (const chunk of res.body) bytes += (chunk as Buffer).length
    return { status: res.statusCode, bytes }
  }

  async getJson(path: string): Promise<any> {
    const res = await this.agent.request({
      origin: this.origin,
      path,
      method: 'GET',
      headers: { authorization: this.auth, accept: 'application/json' },
    })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }

  close(): Promise<void> {
    return this.agent.close()
  }
}

const FILLER = 'x'.repeat(64)
/** A small ConfigMap (≈ 330 bytes once stored with its system metadata). */
const configMap = (name: string) =>
  `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","labels":{"app":"flotilla-bench"}},"data":{"key":"${FILLER}"}}`

async function ensureNamespace(http: Http, ns: string): Promise<void> {
  const status = await http.post(
    '/api/v1/namespaces',
    `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"${ns}"}}`,
  )
  if (status !== 201 && status !== 409) throw new Error(`creating namespace ${ns}: HTTP ${status}`)
}

interface LoadResult {
  ok: number
  errors: Map<number | string, number>
  /** Latency of each successful create (ms). */
  latencies: Float64Array
  seconds: number
}

/**
 * Closed-loop create load: `clients` workers, each issuing its next POST when the previous one
 * is answered, until `count` creates were issued or `seconds` elapsed.
 */
async function createLoad(
  http: Http,
  ns: string,
  opts: { clients: number; count?: number; seconds?: number; prefix: string },
): Promise<LoadResult> {
  const path = `/api/v1/namespaces/${ns}/configmaps`
  const cap = opts.count ?? Number.POSITIVE_INFINITY
  const latencies = new Float64Array(Number.isFinite(cap) ? cap : 1 << 20)
  const errors = new Map<number | string, number>()
  let issued = 0
  let ok = 0
  const start = performance.now()
  const deadline = opts.seconds !== undefined ? start + opts.seconds * 1000 : Number.POSITIVE_INFINITY
  const worker = async () => {
    while (issued < cap && performance.now() < deadline) {
      const name = `${opts.prefix}-${issued++}`
      const t0 = performance.now()
      let status: number | string
      try {
        status = await http.post(path, configMap(name))
      } catch (e) {
        status = String(e instanceof Error ? e.message : e)
      }
      if (status === 201) {
        if (ok < latencies.length) latencies[ok] = performance.now() - t0
        ok++
      } else {
        errors.set(status, (errors.get(status) ?? 0) + 1)
      }
    }
  }
  await Promise.all(Array.from({ length: opts.clients }, worker))
  const seconds = (performance.now() - start) / 1000
  return { ok, errors, latencies: latencies.subarray(0, Math.min(ok, latencies.length)), seconds }
}

function fmtErrors(errors: Map<number | string, number>): string {
  return errors.size === 0 ? 'no errors' : [...errors].map(([k, v]) => `${v}× ${k}`).join(', ')
}

// ---------------------------------------------------------------------------------------------
// Baselines

/** Raw SQLite read of a key range from the server's database, joined into a JSON list body. */
function rawRangeRead(dbPath: string, prefix: string, limit: number, reps: number, warm: number) {
  const db = new DatabaseSync(dbPath, { readOnly: true })
  try {
    db.exec('PRAGMA cache_size = -32768')
    const stmt = db.prepare('SELECT key, value FROM current WHERE key >= ? AND key < ? ORDER BY key LIMIT ?')
    stmt.setReturnArrays(true)
    const times: number[] = []
    let items = 0
    let bytes = 0
    for (let i = 0; i < warm + reps; i++) {
      const t0 = performance.now()
      const rows = stmt.all(prefix, prefixEnd(prefix), limit > 0 ? limit + 1 : -1) as unknown as [string, string][]
      if (limit > 0 && rows.length > limit) rows.length = limit
      const body = `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[${rows.map((r) => r[1]).join(',')}]}`
      bytes = Buffer.byteLength(body)
      const ms = performance.now() - t0
      items = rows.length
      if (i >= warm) times.push(ms)
    }
    return { ms: median(times), items, bytes }
  } finally {
    db.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Results

interface Row {
  figure: string
  measured: number
  unit: 'rate' | 'ms' | 'bytes'
  target: string
  pass: boolean
  baseline?: number
  baselineNote?: string
  /** Informational row: no target of its own. */
  info?: boolean
  /** CPU (cores) other processes on the machine used while the figure was measured. */
  otherCores?: number
}

/** Other processes using more than this (cores) during a measurement make its figure suspect. */
const NOISY_CORES = 0.3

/** Cores used by processes other than the server and the benchmark's own clients. */
function otherCores(w: Window, extraClientCpuS = 0): number {
  return Math.max(0, (w.machineCpuS - w.serverCpuS - w.clientCpuS - extraClientCpuS) / w.seconds)
}

const rows: Row[] = []
const details: string[] = []
const results: Record<string, unknown> = {}

function fmtValue(v: number, unit: Row['unit']): string {
  return unit === 'rate' ? fmtRate(v) : unit === 'ms' ? fmtMs(v) : fmtMB(v)
}

// ---------------------------------------------------------------------------------------------
// Phases

interface Ctx {
  server: ServerHandle
  http: Http
  dataDir: string
  runDir: string
  /** Objects created so far (for the RSS figure). */
  stored: number
  /** Stored size of one benchmark object (sizes the raw baseline's rows). */
  valueBytes: number
  idleRss: number
  idle: ServerStats
}

/**
 * The raw SQLite insert loop, `reps` times, on the benchmark's filesystem, with the machine's
 * CPU use by other processes meanwhile (the server is idle then).
 */
function rawBaseline(c: Ctx, reps: number): { opsPerSec: number[]; otherCores: number } {
  const dir = join(c.runDir, 'raw')
  mkdirSync(dir, { recursive: true })
  const out: number[] = []
  const m0 = machineBusySeconds()
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < reps; i++) {
    out.push(rawInsertLoop({ dir, count: cfg.rawRows, sync: 'full', valueBytes: c.valueBytes }).opsPerSec)
  }
  const seconds = (performance.now() - t0) / 1000
  const own = process.cpuUsage(c0)
  const other = (machineBusySeconds() - m0 - (own.user + own.system) / 1e6) / seconds
  return { opsPerSec: out, otherCores: Math.max(0, other) }
}

async function phaseCreate(c: Ctx): Promise<void> {
  // The baseline brackets the measurement: most repetitions before, the last one after.
  const before = rawBaseline(c, Math.max(1, cfg.rawReps - 1))
  log(`create: ${cfg.clients} concurrent clients, warm-up ${cfg.createWarmS} s, measured ${cfg.createS} s`)
  await ensureNamespace(c.http, 'bench-create')
  const warm = await createLoad(c.http, 'bench-create', {
    clients: cfg.clients,
    seconds: cfg.createWarmS,
    prefix: 'warm',
  })
  c.stored += warm.ok
  const close = await openWindow(c.server)
  const r = await withProfile(c.server, 'create', () =>
    createLoad(c.http, 'bench-create', { clients: cfg.clients, seconds: cfg.createS, prefix: 'c' }),
  )
  const w = await close()
  c.stored += r.ok
  const after = cfg.rawReps > 1 ? rawBaseline(c, 1) : { opsPerSec: [], otherCores: 0 }
  const reps = [...before.opsPerSec, ...after.opsPerSec]
  const raw = { opsPerSec: median(reps), otherCores: Math.max(before.otherCores, after.otherCores) }
  log(
    `raw SQLite insert loop (sync=FULL, ${c.valueBytes} B rows): median ${fmtRate(raw.opsPerSec)} of ${reps.map((x) => Math.round(x)).join(', ')}`,
  )
  details.push(
    `raw node:sqlite insert loop (bench/raw-sqlite.ts: one transaction per row, synchronous=FULL, ${cfg.rawRows} rows of ${c.valueBytes} B, same filesystem; ${before.opsPerSec.length} run(s) before the create measurement, ${after.opsPerSec.length} after): ${reps.map((x) => fmtRate(x)).join(', ')} → median ${fmtRate(raw.opsPerSec)}; other processes meanwhile ${Math.round(raw.otherCores * 100)}% of a core`,
  )
  const rate = r.ok / r.seconds
  const lat = summarize(r.latencies)
  log(`create: ${fmtRate(rate)}, latency ${fmtSummaryMs(lat)}; ${fmtErrors(r.errors)}`)
  details.push(
    `create (${cfg.clients} clients, ${r.seconds.toFixed(1)} s, ${r.ok} objects): ${fmtRate(rate)}; latency ${fmtSummaryMs(lat)}; ${fmtErrors(r.errors)}`,
    `create: ${fmtWindow(w)}; server CPU per create ${((w.serverCpuS / r.ok) * 1e6).toFixed(0)} µs`,
  )
  results.create = { rate, latency: lat, window: w, errors: Object.fromEntries(r.errors), raw: { reps, ...raw } }
  rows.push(
    {
      figure: `create throughput, ${cfg.clients} clients (vs raw SQLite loop)`,
      measured: rate,
      unit: 'rate',
      target: '≥ 50% of raw',
      pass: rate >= 0.5 * raw.opsPerSec,
      baseline: raw.opsPerSec,
      otherCores: Math.max(otherCores(w), raw.otherCores),
    },
    {
      figure: `create throughput, ${cfg.clients} clients (absolute)`,
      measured: rate,
      unit: 'rate',
      target: '≥ 2,000/s',
      pass: rate >= 2000,
      baseline: raw.opsPerSec,
      otherCores: otherCores(w),
    },
    {
      figure: `p99 create latency, ${cfg.clients} clients`,
      measured: lat.p99,
      unit: 'ms',
      target: '≤ 25 ms',
      pass: lat.p99 <= 25,
      baseline: 1000 / raw.opsPerSec,
      baselineNote: 'raw mean per durable insert',
      otherCores: otherCores(w),
    },
  )
}

async function phaseList(c: Ctx): Promise<void> {
  const ns = 'bench-list'
  log(`list: storing ${cfg.listN.toLocaleString('en-US')} ConfigMaps in ${ns}`)
  await ensureNamespace(c.http, ns)
  const fill = await createLoad(c.http, ns, { clients: cfg.clients, count: cfg.listN, prefix: 'l' })
  c.stored += fill.ok
  if (fill.ok !== cfg.listN) log(`list: only ${fill.ok} stored (${fmtErrors(fill.errors)})`)
  const path = `/api/v1/namespaces/${ns}/configmaps`
  const pagePath = `${path}?limit=${cfg.pageLimit}`
  // Correctness check (untimed): the full list and the first page have what they should.
  const full = await c.http.getJson(path)
  const page = await c.http.getJson(pagePath)
  if (full.items.length !== fill.ok) throw new Error(`LIST returned ${full.items.length} items, expected ${fill.ok}`)
  if (page.items.length !== Math.min(cfg.pageLimit, fill.ok) || (fill.ok > cfg.pageLimit && !page.metadata.continue)) {
    throw new Error(`first page: ${page.items.length} items, continue=${page.metadata.continue}`)
  }
  const timed = async (p: string, warm: number, reps: number) => {
    const times: number[] = []
    let bytes = 0
    for (let i = 0; i < warm + reps; i++) {
      const t0 = performance.now()
      const r = await c.http.getBytes(p)
      const ms = performance.now() - t0
      if (r.status !== 200) throw new Error(`GET ${p}: HTTP ${r.status}`)
      bytes = r.bytes
      if (i >= warm) times.push(ms)
    }
    return { s: summarize(times), bytes }
  }
  const closeFull = await openWindow(c.server)
  const fullT = await withProfile(c.server, 'list-full', () => timed(path, cfg.listWarm, cfg.listReps))
  const wFull = await closeFull()
  const closePage = await openWindow(c.server)
  const pageT = await withProfile(c.server, 'list-page', () => timed(pagePath, cfg.pageWarm, cfg.pageReps))
  const wPage = await closePage()
  const dbPath = join(c.dataDir, 'flotilla.db')
  const prefix = `/registry/core/configmaps/${ns}/`
  const rawFull = rawRangeRead(dbPath, prefix, 0, cfg.listReps, cfg.listWarm)
  const rawPage = rawRangeRead(dbPath, prefix, cfg.pageLimit, cfg.pageReps, cfg.pageWarm)
  const perReq = (w: Window, n: number, warm: number) => fmtMs((w.serverCpuS * 1000) / (n + warm))
  log(`list: full ${fmtSummaryMs(fullT.s)} (${fmtMB(fullT.bytes)}); raw read+join ${fmtMs(rawFull.ms)}`)
  log(`list: limit=${cfg.pageLimit} ${fmtSummaryMs(pageT.s)}; raw ${fmtMs(rawPage.ms)}`)
  details.push(
    `LIST ${fill.ok} items (${(fullT.bytes / 1e6).toFixed(1)} MB): ${fmtSummaryMs(fullT.s)}; server CPU per LIST ≈ ${perReq(wFull, cfg.listReps, cfg.listWarm)}; raw SQLite read+join of the same ${rawFull.items} rows ${fmtMs(rawFull.ms)}`,
    `LIST limit=${cfg.pageLimit}: ${fmtSummaryMs(pageT.s)}; server CPU per page ≈ ${perReq(wPage, cfg.pageReps, cfg.pageWarm)}; raw ${fmtMs(rawPage.ms)}`,
  )
  results.list = { full: fullT, page: pageT, rawFull, rawPage, wFull, wPage }
  rows.push(
    {
      figure: `LIST ${fill.ok.toLocaleString('en-US')} ConfigMaps, one namespace (median)`,
      measured: fullT.s.p50,
      unit: 'ms',
      target: cfg.listN === 10_000 ? '≤ 250 ms' : '≤ 250 ms (at 10,000)',
      pass: fullT.s.p50 <= 250,
      baseline: rawFull.ms,
      baselineNote: 'raw SQLite range read + join',
      otherCores: otherCores(wFull),
    },
    {
      figure: `LIST first page, limit=${cfg.pageLimit} (median)`,
      measured: pageT.s.p50,
      unit: 'ms',
      target: '≤ 20 ms',
      pass: pageT.s.p50 <= 20,
      baseline: rawPage.ms,
      baselineNote: 'raw SQLite range read + join',
      otherCores: otherCores(wPage),
    },
  )
}

async function phaseRss(c: Ctx): Promise<void> {
  const ns = 'bench-fill'
  const missing = Math.max(0, cfg.rssObjects - c.stored)
  log(
    `rss: creating ${missing.toLocaleString('en-US')} more objects (stored so far ${c.stored.toLocaleString('en-US')})`,
  )
  await ensureNamespace(c.http, ns)
  const close = await openWindow(c.server)
  const fill = await createLoad(c.http, ns, { clients: cfg.clients, count: missing, prefix: 'f' })
  const w = await close()
  c.stored += fill.ok
  if (fill.errors.size > 0) log(`rss: ${fmtErrors(fill.errors)}`)
  // Let the server settle (controllers, timers, GC opportunities), then read its RSS.
  await new Promise((r) => setTimeout(r, 3000))
  const s = await c.server.stats()
  // Diagnostics after the figure is taken: what is live after a full GC, optionally a heap snapshot.
  const afterGc = await c.server.rpc.call<ServerStats>({ type: 'gc' })
  if (flags['heap-snapshot']) {
    const path = resolve(flags['heap-snapshot'])
    await c.server.rpc.call({ type: 'heap-snapshot', path })
    log(`rss: heap snapshot written to ${path}`)
  }
  log(
    `rss: ${fmtMB(s.rss)} with ${c.stored.toLocaleString('en-US')} stored objects (heap ${fmtMB(s.heapUsed)}; after a full GC ${fmtMB(afterGc.heapUsed)} live, RSS ${fmtMB(afterGc.rss)})`,
  )
  // The create phase alone may have stored enough: then there was no fill to report.
  if (fill.ok > 0)
    details.push(
      `fill (${fill.ok} creates, ${cfg.clients} clients): ${fmtRate(fill.ok / fill.seconds)}, latency ${fmtSummaryMs(summarize(fill.latencies))}; ${fmtWindow(w)}`,
    )
  details.push(
    `RSS with ${c.stored} stored objects: ${fmtMB(s.rss)} (V8 heap used ${fmtMB(s.heapUsed)} of ${fmtMB(s.heapTotal)}, external ${fmtMB(s.external)}, array buffers ${fmtMB(s.arrayBuffers)}); peak RSS so far ${fmtMB(s.maxRss)}; idle server at start: RSS ${fmtMB(c.idleRss)}, heap used ${fmtMB(c.idle.heapUsed)} of ${fmtMB(c.idle.heapTotal)}; after a forced full GC (diagnostic, not the figure): live heap ${fmtMB(afterGc.heapUsed)}, RSS ${fmtMB(afterGc.rss)}`,
  )
  results.rss = { stored: c.stored, stats: s, afterGc, idleRss: c.idleRss }
  rows.push({
    figure: `server RSS with ${c.stored.toLocaleString('en-US')} stored objects`,
    measured: s.rss,
    unit: 'bytes',
    target: '≤ 500 MB',
    pass: s.rss <= 500 * 1024 * 1024,
    baseline: c.idleRss,
    baselineNote: 'idle server, empty store',
    otherCores: otherCores(w),
  })
}

interface WatchRun {
  watchers: number
  procs: number
  fromAck: Summary
  fromSend: Summary
  writeLatency: Summary
  /** Median write latency over the first and the last tenth of the measured writes (ms). */
  writeLatencyFirstTenthP50: number
  writeLatencyLastTenthP50: number
  /** Rate at which the server acknowledged the measured writes (/s). */
  ackRate: number
  writes: number
  measuredWrites: number
  achievedRate: number
  missing: number
  duplicates: number
  ended: number
  negativeShare: number
  clockOffsets: { offset: number; rtt: number }[]
  window: Window
  watchClientCpuS: number
  watchClientElu: number[]
  failed: string[]
}

/** How long the watch phase waits for outstanding writes once the writer has sent the last. */
const WATCH_ACK_GRACE_MS = 30_000

/** Estimates a child's clock offset (child − parent, ms) from the ping with the shortest round trip. */
async function clockOffset(rpc: Rpc): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY }
  for (let i = 0; i < 20; i++) {
    const t0 = performance.timeOrigin + performance.now()
    const { now } = await rpc.call<{ now: number }>({ type: 'clock' })
    const t1 = performance.timeOrigin + performance.now()
    if (t1 - t0 < best.rtt) best = { offset: now - (t0 + t1) / 2, rtt: t1 - t0 }
  }
  return best
}

async function watchRun(c: Ctx, ns: string, watchers: number, procs: number, warmS: number, measureS: number) {
  await ensureNamespace(c.http, ns)
  const rv = (await c.http.getJson(`/api/v1/namespaces/${ns}/configmaps?limit=1`)).metadata.resourceVersion
  const path = `/api/v1/namespaces/${ns}/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`
  const rate = cfg.watchRate
  const total = Math.round((warmS + measureS) * rate)
  const from = Math.round(warmS * rate)
  const clients = await Promise.all(Array.from({ length: procs }, forkWatchClient))
  try {
    const share = (i: number) => Math.floor(watchers / procs) + (i < watchers % procs ? 1 : 0)
    const opened = await Promise.all(
      clients.map((cl, i) =>
        cl.call<{ opened: number; failed: string[] }>({
          type: 'open',
          url: c.server.url,
          token: c.server.token,
          ca: c.server.ca,
          path,
          watchers: share(i),
          seqs: total,
        }),
      ),
    )
    const failed = opened.flatMap((o) => o.failed)
    const openCount = opened.reduce((n, o) => n + o.opened, 0)
    if (failed.length > 0) log(`watch: ${failed.length} watchers failed to open: ${failed[0]}`)
    const offsets = await Promise.all(clients.map(clockOffset))
    // Only correct the children's clocks when the ping exchange shows a real difference.
    const corr = offsets.map((o) => (Math.abs(o.offset) > o.rtt ? o.offset : 0))

    const sends = new Float64Array(total)
    const acks = new Float64Array(total)
    const writeErrors = new Map<number | string, number>()
    const nowAbs = () => performance.timeOrigin + performance.now()
    let closeWindow: (() => Promise<Window>) | undefined
    let windowStarted: Promise<void> | undefined
    const inflight: Promise<void>[] = []
    const start = performance.now() + 50
    for (let seq = 0; seq < total; seq++) {
      const due = start + (seq * 1000) / rate
      const wait = due - performance.now()
      if (wait > 1) await new Promise((r) => setTimeout(r, wait))
      else if (wait > 0) await new Promise((r) => setImmediate(r))
      if (seq === from) {
        windowStarted = (async () => {
          await Promise.all(clients.map((cl) => cl.call({ type: 'mark' })))
          closeWindow = await openWindow(c.server)
        })()
      }
      sends[seq] = nowAbs()
      inflight.push(
        c.http.post(`/api/v1/namespaces/${ns}/configmaps`, configMap(`w-${seq}`)).then(
          (status) => {
            acks[seq] = nowAbs()
            if (status !== 201) writeErrors.set(status, (writeErrors.get(status) ?? 0) + 1)
          },
          (e) => {
            writeErrors.set(String(e), (writeErrors.get(String(e)) ?? 0) + 1)
          },
        ),
      )
    }
    // A server that cannot keep up builds a backlog of writes; do not wait for it forever
    // (writes not acknowledged by then count as missing events).
    const acked = await Promise.race([
      Promise.all(inflight).then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), WATCH_ACK_GRACE_MS).unref()),
    ])
    if (!acked)
      log(
        `watch: ${acks.filter((a) => a === 0).length} writes not acknowledged ${WATCH_ACK_GRACE_MS / 1000} s after the last was sent`,
      )
    const writesDone = performance.now()
    // Wait until every watcher has every measured event, or give up after 10 s.
    for (;;) {
      const done = await Promise.all(
        clients.map((cl) => cl.call<{ complete: number }>({ type: 'progress', from, to: total })),
      )
      if (done.reduce((n, d) => n + d.complete, 0) >= openCount || performance.now() - writesDone > 10_000) break
      await new Promise((r) => setTimeout(r, 100))
    }
    await windowStarted
    const window = await closeWindow!()
    const finished = await Promise.all(
      clients.map((cl, i) => {
        const shift = (a: Float64Array) => a.map((t) => (t === 0 ? 0 : t + corr[i]))
        return cl.call<{
          fromAck: Float64Array
          fromSend: Float64Array
          missing: number
          duplicates: number
          ended: number
          cpuUserUs: number
          cpuSystemUs: number
          elu: number
        }>({ type: 'finish', acks: shift(acks), sends: shift(sends), from, to: total })
      }),
    )
    const fromAckAll = concatF64(finished.map((f) => f.fromAck))
    let negative = 0
    for (const v of fromAckAll) if (v < 0) negative++
    const writeLatencies = Array.from({ length: total - from }, (_, i) => acks[from + i] - sends[from + i]).filter(
      (l) => l >= 0,
    )
    const writeLat = summarize(writeLatencies)
    // Does the server keep up? Compare write latency at the start and the end of the window.
    const tenth = Math.max(1, Math.floor(writeLatencies.length / 10))
    const firstTenth = summarize(writeLatencies.slice(0, tenth)).p50
    const lastTenth = summarize(writeLatencies.slice(-tenth)).p50
    let ackedN = 0
    let firstAck = Number.POSITIVE_INFINITY
    let lastAck = 0
    for (let i = from; i < total; i++) {
      if (acks[i] === 0) continue
      ackedN++
      firstAck = Math.min(firstAck, acks[i])
      lastAck = Math.max(lastAck, acks[i])
    }
    const measuredSpan = (sends[total - 1] - sends[from]) / 1000
    if (writeErrors.size > 0) log(`watch: write errors ${fmtErrors(writeErrors)}`)
    const run: WatchRun = {
      watchers: openCount,
      procs,
      fromAck: summarize(fromAckAll),
      fromSend: summarize(concatF64(finished.map((f) => f.fromSend))),
      writeLatency: writeLat,
      writeLatencyFirstTenthP50: firstTenth,
      writeLatencyLastTenthP50: lastTenth,
      ackRate: (ackedN - 1) / ((lastAck - firstAck) / 1000),
      writes: total,
      measuredWrites: total - from,
      achievedRate: (total - from - 1) / measuredSpan,
      missing: finished.reduce((n, f) => n + f.missing, 0),
      duplicates: finished.reduce((n, f) => n + f.duplicates, 0),
      ended: finished.reduce((n, f) => n + f.ended, 0),
      negativeShare: fromAckAll.length ? negative / fromAckAll.length : 0,
      clockOffsets: offsets,
      window,
      watchClientCpuS: finished.reduce((n, f) => n + (f.cpuUserUs + f.cpuSystemUs) / 1e6, 0),
      watchClientElu: finished.map((f) => f.elu),
      failed,
    }
    return run
  } finally {
    await Promise.all(clients.map((cl) => cl.call({ type: 'close' }).catch(() => {})))
  }
}

function describeWatch(r: WatchRun): string[] {
  const pct = (s: number) => `${Math.round((100 * s) / r.window.seconds)}%`
  return [
    `watch ${r.watchers} watchers in ${r.procs} client process(es), ${r.measuredWrites} measured writes at ${r.achievedRate.toFixed(0)}/s: ` +
      `ack→event ${fmtSummaryMs(r.fromAck)}; send→event ${fmtSummaryMs(r.fromSend)}; write latency ${fmtSummaryMs(r.writeLatency)}`,
    `watch ${r.watchers}: ${r.missing} events missing, ${r.duplicates} duplicates, ${r.ended} streams ended early; ` +
      `${(r.negativeShare * 100).toFixed(1)}% of events arrived before the write's ack; clock offsets ` +
      `${r.clockOffsets.map((o) => `${o.offset.toFixed(3)}±${(o.rtt / 2).toFixed(3)} ms`).join(', ')}`,
    `watch ${r.watchers}: writes acknowledged at ${r.ackRate.toFixed(0)}/s; median write latency ${fmtMs(r.writeLatencyFirstTenthP50)} over the first tenth of the window, ${fmtMs(r.writeLatencyLastTenthP50)} over the last` +
      `${r.writeLatencyLastTenthP50 > 2 * r.writeLatencyFirstTenthP50 + 10 ? ' (a growing backlog: the server does not keep up)' : ''}; ` +
      `server CPU ${((r.window.serverCpuS / r.measuredWrites) * 1e6).toFixed(0)} µs per write, ${((r.window.serverCpuS / (r.measuredWrites * r.watchers)) * 1e6).toFixed(1)} µs per delivered event`,
    `watch ${r.watchers}: ${fmtWindow(r.window, r.watchClientCpuS)} (writer ${pct(r.window.clientCpuS)}, watch clients ${pct(r.watchClientCpuS)}, their event loops ${r.watchClientElu.map((e) => `${Math.round(e * 100)}%`).join('/')} busy)`,
  ]
}

async function phaseWatch(c: Ctx): Promise<void> {
  log(`watch: baseline, 1 watcher at ${cfg.watchRate} writes/s for ${cfg.baseWatchS} s`)
  const base = await watchRun(c, 'bench-watch-1', 1, 1, 1, cfg.baseWatchS)
  c.stored += base.writes
  log(`watch: 1 watcher ack→event ${fmtSummaryMs(base.fromAck)}`)
  log(
    `watch: ${cfg.watchers} watchers in ${cfg.watchProcs} processes at ${cfg.watchRate} writes/s, warm-up ${cfg.watchWarmS} s, measured ${cfg.watchS} s`,
  )
  const run = await withProfile(c.server, 'watch', () =>
    watchRun(c, 'bench-watch', cfg.watchers, cfg.watchProcs, cfg.watchWarmS, cfg.watchS),
  )
  c.stored += run.writes
  log(`watch: ${run.watchers} watchers ack→event ${fmtSummaryMs(run.fromAck)}; ${run.missing} missing`)
  details.push(...describeWatch(base), ...describeWatch(run))
  results.watch = { base, run }
  rows.push({
    figure: `watch delivery p99, ${run.watchers.toLocaleString('en-US')} watchers, ${cfg.watchRate} writes/s`,
    measured: run.fromAck.p99,
    unit: 'ms',
    target: '≤ 50 ms',
    pass: run.fromAck.p99 <= 50 && run.missing === 0 && run.watchers === cfg.watchers,
    baseline: base.fromAck.p99,
    baselineNote: '1 watcher, same rate',
    otherCores: otherCores(run.window, run.watchClientCpuS),
  })
  rows.push({
    figure: `  same, from write sent (info: includes write queueing)`,
    measured: run.fromSend.p99,
    unit: 'ms',
    target: '—',
    pass: true,
    info: true,
    baseline: base.fromSend.p99,
    baselineNote: '1 watcher, same rate',
    otherCores: otherCores(run.window, run.watchClientCpuS),
  })
}

/**
 * Diagnostic: the RSS of a server restarted on the final data, i.e. what the stored objects cost
 * without the heap headroom that the write load left behind.
 */
async function restartRss(server: ServerHandle, dataDir: string, stored: number): Promise<void> {
  await stopServer(server)
  const t0 = performance.now()
  const again = await startServer(dataDir, flags['server-flags'].split(/\s+/).filter(Boolean))
  const startS = (performance.now() - t0) / 1000
  try {
    await new Promise((r) => setTimeout(r, 2000))
    const s = await again.stats()
    log(`restart: ${fmtMB(s.rss)} RSS after restarting on ${stored.toLocaleString('en-US')} objects`)
    details.push(
      `restarted server on the same data (${stored} objects): ready in ${startS.toFixed(1)} s, RSS ${fmtMB(s.rss)} (heap used ${fmtMB(s.heapUsed)} of ${fmtMB(s.heapTotal)})`,
    )
    results.restart = { stored, startS, stats: s }
    const at = rows.findIndex((r) => r.figure.startsWith('server RSS'))
    rows.splice(at < 0 ? rows.length : at + 1, 0, {
      figure: `  same, after a restart on the final ${stored.toLocaleString('en-US')} objects (info)`,
      measured: s.rss,
      unit: 'bytes',
      target: '—',
      pass: true,
      info: true,
    })
  } finally {
    await stopServer(again)
  }
}

// ---------------------------------------------------------------------------------------------
// Main

function machine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU'
  let nproc = cpus().length
  try {
    nproc =
      readFileSync('/proc/cpuinfo', 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('processor')).length || nproc
  } catch {
    // not Linux
  }
  return `${nproc} × ${model}, Node ${process.version}`
}

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-'))
  const dataDir = join(runDir, 'server')
  if (profileDir) mkdirSync(profileDir, { recursive: true })
  if (allocDir) mkdirSync(allocDir, { recursive: true })
  process.stdout.write(
    `Flotilla API server benchmark (${flags.quick ? 'quick' : 'full'}) — ${machine()} — ${new Date().toISOString()}\n`,
  )
  if (profileDir)
    process.stdout.write(`  (profiling the server into ${profileDir}: figures are slowed by the profiler)\n`)
  const started = performance.now()
  const load0 = loadavg()
  const server = await startServer(dataDir, flags['server-flags'].split(/\s+/).filter(Boolean))
  const http = new Http(server, cfg.clients)
  try {
    await new Promise((r) => setTimeout(r, 1000))
    const idle = await server.stats()
    const ctx: Ctx = { server, http, dataDir, runDir, stored: 0, idleRss: idle.rss, idle, valueBytes: 0 }
    log(`server ${server.url} (pid ${server.pid}), idle RSS ${fmtMB(idle.rss)}`)

    // The stored size of one benchmark object sizes the raw baseline's rows.
    await ensureNamespace(http, 'bench-probe')
    if ((await http.post('/api/v1/namespaces/bench-probe/configmaps', configMap('probe'))) !== 201) {
      throw new Error('cannot create a ConfigMap')
    }
    const stored = (await http.getJson('/api/v1/namespaces/bench-probe/configmaps/probe')) as unknown
    const valueBytes = Buffer.byteLength(JSON.stringify(stored))
    ctx.stored++

    if (phases.has('create')) {
      ctx.valueBytes = valueBytes
      await phaseCreate(ctx)
    }
    if (phases.has('list')) await phaseList(ctx)
    if (phases.has('rss')) await phaseRss(ctx)
    if (phases.has('watch')) await phaseWatch(ctx)

    const final = await server.stats()
    details.push(`server peak RSS over the run: ${fmtMB(final.maxRss)}; RSS at the end ${fmtMB(final.rss)}`)
    if (server.logCounts.size > 0) {
      details.push(`server log (warn/error): ${[...server.logCounts].map(([k, v]) => `${v}× ${k}`).join('; ')}`)
    }
    results.final = final
    if (phases.has('rss')) await restartRss(server, dataDir, ctx.stored)
    const load1 = loadavg()
    details.push(
      `load average (1/5/15 min) at start ${load0.map((l) => l.toFixed(2)).join('/')}, at end ${load1.map((l) => l.toFixed(2)).join('/')} (the machine is shared: see "other processes" above)`,
    )
  } finally {
    await http.close().catch(() => {})
    await stopServer(server)
    if (!flags.keep) rmSync(runDir, { recursive: true, force: true })
    else process.stdout.write(`  data kept in ${runDir}\n`)
  }

  process.stdout.write('\n')
  process.stdout.write(
    table(
      ['figure', 'measured', 'target', 'baseline', 'ratio', 'result'],
      rows.map((r) => [
        r.figure,
        fmtValue(r.measured, r.unit),
        r.target,
        r.baseline === undefined
          ? '—'
          : `${fmtValue(r.baseline, r.unit)}${r.baselineNote ? ` (${r.baselineNote})` : ' (raw SQLite loop)'}`,
        r.baseline === undefined ? '—' : `${(r.measured / r.baseline).toFixed(2)}×`,
        (r.info ? 'info' : r.pass ? 'PASS' : 'FAIL') + ((r.otherCores ?? 0) > NOISY_CORES ? '*' : ''),
      ]),
    ),
  )
  if (rows.some((r) => (r.otherCores ?? 0) > NOISY_CORES)) {
    process.stdout.write(
      `\n* measured while other processes on this machine used more than ${NOISY_CORES} of a core: suspect, run again on a quiet machine`,
    )
  }
  process.stdout.write('\n\nDetails:\n')
  for (const d of details) process.stdout.write(`- ${d}\n`)
  process.stdout.write(`\nTotal time ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
  if (flags.json) writeFileSync(flags.json, JSON.stringify({ config: cfg, machine: machine(), rows, results }, null, 2))
}

try {
  await main()
} catch (e) {
  process.stderr.write(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
}
process.exit(0)
