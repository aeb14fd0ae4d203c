// Apply benchmark: `npm run bench:apply [-- --quick]`.
//
// Measures, in one run, what apply costs the API server against the baseline of a plain PUT of
// the same object, measured in the same run on the same machine:
//   server-side apply (PATCH application/apply-patch+yaml, fieldManager=bench)   ≤ 2 × PUT
//   client-side apply round trip (kubectl apply on an existing object: GET, then
//     PATCH application/strategic-merge-patch+json with the three-way patch)      ≤ 1.5 × PUT
// of a typical Deployment (bench/apply-fixtures.ts: 2 containers, 10 env vars, ports,
// resources, probes, labels and annotations).
//
// Method. The server runs in its own process (bench/server-child.ts: startApiServer with HTTPS,
// bearer token, default storage i.e. synchronous=FULL, the built-in controllers), so its CPU
// time is its own; this process drives it over keep-alive undici connections (request(), not
// fetch) with a fixed number of concurrent clients and reads every response to its end. Each
// operation has its own set of Deployments, set up as its kind of client would (POST, apply,
// kubectl's create with the last-applied annotation) and written twice before anything is
// measured. A round writes every object of every set once, with the other version than the
// round before, so every request really changes the object (checked: the image and the
// resourceVersion). Rounds are cut into blocks of objects, and the three operations take turns
// block by block in a rotating order, so drift and the noise of a shared machine land on all of
// them alike. The cost of an operation is the server's CPU time (user + system) per operation;
// a target's ratio is the median over the blocks of (cost of the operation ÷ cost of PUT in the
// block next to it). Throughput with the concurrent clients and latency with them and with a
// single client are reported next to it. The client-side apply patches are computed as kubectl
// computes them (bench/apply-fixtures.ts) from the live objects, and checked byte for byte
// against what a real kubectl sends (-v=9) when one is installed.
//
// Profile. A second server, started with `node --cpu-prof`, gets the same setup and then
// profiled passes of each operation; the samples of each operation's passes are cut out of the
// process profile by time (bench/apply-profile.ts) and reported as hot spots (file:function, %
// of samples) and as server CPU per operation in the stages of each write path. No measured
// figure comes from the profiled server.
//
// Flags: --quick (~40 s), --objects N, --rounds N (measured rounds), --concurrency N,
// --no-profile, --profile-dir DIR (keep the .cpuprofile files), --kubectl PATH|none,
// --json FILE, --keep (data dirs). Exit status 0 whatever the results.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { Agent } from 'undici'
import { writeKubeconfig } from '../src/cli/kubeconfig.ts'
import { execCollect } from '../test/helpers/exec.ts'
import { appImage, clientSideApplyPatch, clientSideCreateBody, deploymentManifest } from './apply-fixtures.ts'
import { type Analysis, analyze, readProfile, type Stage, sliceProfile, top } from './apply-profile.ts'
import { type ServerHandle, startServer, stopServer } from './server-process.ts'
import { concatF64, fmtMs, fmtRate, type Summary, summarize, table } from './stats.ts'

// ---------------------------------------------------------------------------------------------
// Configuration

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    objects: { type: 'string' },
    rounds: { type: 'string' },
    concurrency: { type: 'string' },
    profile: { type: 'boolean', default: true },
    'profile-dir': { type: 'string' },
    kubectl: { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  allowNegative: true,
  allowPositionals: false,
})

interface Config {
  /** Deployments per operation. */
  objects: number
  /** Objects per block: passes are cut into blocks, and the operations' blocks interleaved. */
  block: number
  /** Measured rounds (each: one pass of every operation over all its objects). */
  rounds: number
  warmupRounds: number
  concurrency: number
  /** Objects per operation written by a single client, for unloaded latency. */
  latencyObjects: number
  /** Deployments per operation on the profiled server, and profiled passes per operation. */
  profileObjects: number
  profilePasses: number
  /** --cpu-prof-interval (µs). */
  profileIntervalUs: number
}

const FULL: Config = {
  objects: 500,
  block: 100,
  rounds: 8,
  warmupRounds: 2,
  concurrency: 8,
  latencyObjects: 200,
  profileObjects: 300,
  profilePasses: 4,
  profileIntervalUs: 250,
}
const QUICK: Config = {
  ...FULL,
  objects: 100,
  block: 50,
  rounds: 4,
  warmupRounds: 1,
  latencyObjects: 50,
  profileObjects: 100,
  profilePasses: 2,
}

const cfg: Config = { ...(flags.quick ? QUICK : FULL) }
if (flags.objects) cfg.objects = Math.max(2, Number(flags.objects))
if (flags.rounds) cfg.rounds = Math.max(1, Number(flags.rounds))
if (flags.concurrency) cfg.concurrency = Math.max(1, Number(flags.concurrency))
cfg.block = Math.min(cfg.block, cfg.objects)
cfg.latencyObjects = Math.min(cfg.latencyObjects, cfg.objects)

const NS = 'bench-apply'
const TARGETS = { ssa: 2, csa: 1.5 } as const

const log = (msg: string) => process.stdout.write(`  · ${msg}\n`)

// ---------------------------------------------------------------------------------------------
// The server child (bench/server-child.ts)

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

// ---------------------------------------------------------------------------------------------
// HTTP client

interface Reply {
  status: number
  /** The body, when asked for or when the status is not 2xx. */
  text?: string
  warning?: string
}

class Http {
  readonly agent: Agent
  private readonly origin: string
  private readonly auth: string
  constructor(server: ServerHandle, connections: number) {
    this.agent = new Agent({ connections, pipelining: 1, connect: { ca: server.ca } })
    this.origin = new URL(server.url).origin
    this.auth = `Bearer ${server.token}`
  }

  /** One request; the body is read to its end (kept only when asked for or on errors). */
  async send(
    method: string,
    path: string,
    opts: { body?: string; type?: string; keep?: boolean } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { authorization: this.auth, accept: 'application/json' }
    if (opts.type) headers['content-type'] = opts.type
    const res = await this.agent.request({
      origin: this.origin,
      path,
      method: method as 'GET',
      headers,
      body: opts.body,
    })
    const warning = res.headers.warning as string | undefined
    if (opts.keep || res.statusCode >= 300) return { status: res.statusCode, text: await res.body.text(), warning }
    await res.body.dump({ limit: 16 << 20 })
    return { status: res.statusCode, warning }
  }

  async getJson(path: string): Promise<any> {
    const r = await this.send('GET', path, { keep: true })
    if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}: ${r.text?.slice(0, 300)}`)
    return JSON.parse(r.text!)
  }

  close(): Promise<void> {
    return this.agent.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

type OpId = 'put' | 'ssa' | 'csa'
type Version = 0 | 1

const OPS: { id: OpId; title: string }[] = [
  { id: 'put', title: 'PUT (baseline)' },
  { id: 'ssa', title: 'server-side apply' },
  { id: 'csa', title: 'client-side apply (GET + PATCH)' },
]

const objectPath = (name: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${name}`
const COLLECTION = `/apis/apps/v1/namespaces/${NS}/deployments`
const CSA_QUERY = '?fieldManager=kubectl-client-side-apply&fieldValidation=Strict'
const SMP = 'application/strategic-merge-patch+json'

/** One server with its objects and precomputed request bodies. */
interface Target {
  server: ServerHandle
  http: Http
  names: Record<OpId, string[]>
  /** Request bodies: manifests[version][i] of the op's i-th object, patches for client-side apply. */
  bodies: Record<OpId, [string[], string[]]>
}

interface RequestError {
  count: number
  sample: string
}

/** Runs fn(i) for i in [from, to) with `concurrency` workers. */
async function forRange(from: number, to: number, concurrency: number, fn: (i: number) => Promise<void>) {
  let next = from
  const worker = async () => {
    while (next < to) await fn(next++)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(to - from, concurrency)) }, worker))
}

function expectStatus(what: string, r: Reply, ok: number[]): void {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status}: ${r.text?.slice(0, 400)}`)
}

async function ensureNamespace(http: Http): Promise<void> {
  const r = await http.send('POST', '/api/v1/namespaces', {
    body: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"${NS}"}}`,
    type: 'application/json',
  })
  expectStatus(`creating namespace ${NS}`, r, [201, 409])
}

/** The request(s) of one operation on object i; pushes the latency of each request (ms) to `lat`. */
async function operate(t: Target, op: OpId, i: number, v: Version, lat: number[]): Promise<void> {
  const name = t.names[op][i]
  const body = t.bodies[op][v][i]
  const path = objectPath(name)
  let t0 = performance.now()
  let r: Reply
  switch (op) {
    case 'put':
      r = await t.http.send('PUT', `${path}?fieldManager=bench`, { body, type: 'application/json' })
      lat.push(performance.now() - t0)
      break
    case 'ssa':
      r = await t.http.send('PATCH', `${path}?fieldManager=bench`, { body, type: 'application/apply-patch+yaml' })
      lat.push(performance.now() - t0)
      break
    case 'csa': {
      // kubectl apply: GET the live object (kubectl reads it: so do we), then PATCH.
      const g = await t.http.send('GET', path)
      lat.push(performance.now() - t0)
      expectStatus(`GET ${name}`, g, [200])
      t0 = performance.now()
      r = await t.http.send('PATCH', path + CSA_QUERY, { body, type: SMP })
      lat.push(performance.now() - t0)
      break
    }
  }
  expectStatus(`${op} ${name}`, r, [200])
}

/** Creates the op's objects at version 0, as each kind of client would. */
async function createObjects(t: Target, op: OpId): Promise<void> {
  const names = t.names[op]
  await forRange(0, names.length, cfg.concurrency, async (i) => {
    const manifest = deploymentManifest(names[i], NS, 0)
    let r: Reply
    if (op === 'put') {
      r = await t.http.send('POST', `${COLLECTION}?fieldManager=bench`, {
        body: JSON.stringify(manifest),
        type: 'application/json',
      })
    } else if (op === 'ssa') {
      r = await t.http.send('PATCH', `${objectPath(names[i])}?fieldManager=bench`, {
        body: JSON.stringify(manifest),
        type: 'application/apply-patch+yaml',
      })
    } else {
      r = await t.http.send('POST', COLLECTION + CSA_QUERY, {
        body: clientSideCreateBody(manifest),
        type: 'application/json',
      })
    }
    expectStatus(`creating ${names[i]}`, r, [201])
  })
}

/**
 * Brings the op's objects from version 0 to 1 and back (untimed), computing on the way the
 * client-side apply patches from the live objects, exactly as kubectl would.
 */
async function prepareObjects(t: Target, op: OpId): Promise<void> {
  const names = t.names[op]
  for (const v of [1, 0] as const) {
    if (op === 'csa') {
      await forRange(0, names.length, cfg.concurrency, async (i) => {
        const live = await t.http.getJson(objectPath(names[i]))
        t.bodies.csa[v][i] = clientSideApplyPatch(deploymentManifest(names[i], NS, v), live)
      })
    }
    await forRange(0, names.length, cfg.concurrency, (i) => operate(t, op, i, v, []))
  }
}

function newTarget(server: ServerHandle, http: Http, objects: number, tag: string): Target {
  const names = {} as Record<OpId, string[]>
  const bodies = {} as Record<OpId, [string[], string[]]>
  for (const { id } of OPS) {
    names[id] = Array.from({ length: objects }, (_, i) => `${tag}-${id}-${String(i).padStart(4, '0')}`)
    const manifests = (v: Version) => names[id].map((n) => JSON.stringify(deploymentManifest(n, NS, v)))
    bodies[id] = id === 'csa' ? [[], []] : [manifests(0), manifests(1)]
  }
  return { server, http, names, bodies }
}

async function setup(t: Target): Promise<void> {
  await ensureNamespace(t.http)
  for (const { id } of OPS) {
    await createObjects(t, id)
    await prepareObjects(t, id)
  }
}

interface Block {
  op: OpId
  ops: number
  seconds: number
  /** Latency of each operation (ms); for client-side apply also the GET and the PATCH apart. */
  latencies: Float64Array
  parts?: [Float64Array, Float64Array]
  serverCpuS: number
  clientCpuS: number
  machineCpuS: number
  serverEluActive: number
  serverEluIdle: number
  errors: Map<string, RequestError>
}

/** The operation on objects [from, to), all to version v, with the server's CPU time around it. */
async function runBlock(
  t: Target,
  op: OpId,
  v: Version,
  from: number,
  to: number,
  concurrency: number,
): Promise<Block> {
  const n = to - from
  const latencies = new Float64Array(n)
  const get = new Float64Array(n)
  const patch = new Float64Array(n)
  const errors = new Map<string, RequestError>()
  let ok = 0
  const s0 = await t.server.stats()
  const c0 = process.cpuUsage()
  const m0 = machineBusySeconds()
  const t0 = performance.now()
  await forRange(from, to, concurrency, async (i) => {
    const lat: number[] = []
    try {
      await operate(t, op, i, v, lat)
      latencies[ok] = lat.reduce((a, b) => a + b, 0)
      if (op === 'csa') {
        get[ok] = lat[0]
        patch[ok] = lat[1]
      }
      ok++
    } catch (e) {
      const msg = String(e instanceof Error ? e.message : e)
      const key = msg.replace(/bench-\S+/g, 'NAME').slice(0, 80)
      const prev = errors.get(key)
      errors.set(key, { count: (prev?.count ?? 0) + 1, sample: prev?.sample ?? msg })
    }
  })
  const seconds = (performance.now() - t0) / 1000
  const m1 = machineBusySeconds()
  const c = process.cpuUsage(c0)
  const s1 = await t.server.stats()
  return {
    op,
    ops: ok,
    seconds,
    latencies: latencies.subarray(0, ok),
    parts: op === 'csa' ? [get.subarray(0, ok), patch.subarray(0, ok)] : undefined,
    serverCpuS: (s1.cpuUser + s1.cpuSystem - s0.cpuUser - s0.cpuSystem) / 1e6,
    clientCpuS: (c.user + c.system) / 1e6,
    machineCpuS: m1 - m0,
    serverEluActive: s1.elu.active - s0.elu.active,
    serverEluIdle: s1.elu.idle - s0.elu.idle,
    errors,
  }
}

/**
 * Every operation over objects [from, to) to version v, cut into blocks; the operations take
 * turns block by block, in an order that rotates, so that drift lands on all of them alike.
 */
async function interleaved(
  t: Target,
  v: Version,
  from: number,
  to: number,
  block: number,
  concurrency: number,
  seed: number,
): Promise<Map<OpId, Block[]>> {
  const out = new Map<OpId, Block[]>(OPS.map((o) => [o.id, []]))
  for (let b = from, k = seed; b < to; b += block, k++) {
    for (let j = 0; j < OPS.length; j++) {
      const op = OPS[(j + k) % OPS.length].id
      out.get(op)!.push(await runBlock(t, op, v, b, Math.min(b + block, to), concurrency))
    }
  }
  return out
}

/** Checks that objects really hold version v, with a resourceVersion they did not have before. */
async function checkObjects(t: Target, v: Version, indices: number[], rvs: Map<string, string>): Promise<void> {
  for (const { id: op } of OPS) {
    for (const i of indices) {
      const name = t.names[op][i]
      const o = await t.http.getJson(objectPath(name))
      const c = o.spec.template.spec.containers[0]
      const level = c.env.find((e: { name: string }) => e.name === 'LOG_LEVEL')?.value
      if (c.image !== appImage(v) || level !== (v === 0 ? 'info' : 'debug')) {
        throw new Error(`${op}: ${name} does not show version ${v} (image ${c.image}, LOG_LEVEL ${level})`)
      }
      if (rvs.get(name) === o.metadata.resourceVersion) throw new Error(`${op}: ${name} was not written`)
      rvs.set(name, o.metadata.resourceVersion)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// kubectl cross-check of the client-side apply patches

function findKubectl(): string | undefined {
  if (flags.kubectl === 'none') return undefined
  if (flags.kubectl) return flags.kubectl
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl')
  }
  return undefined
}

async function runKubectl(bin: string, args: string[], home: string): Promise<{ code: number; out: string }> {
  const r = await execCollect(bin, args, {
    env: { PATH: process.env.PATH ?? '', HOME: home, KUBECACHEDIR: join(home, 'cache') },
    timeout: 60_000,
  })
  return { code: r.code, out: `${r.stdout}${r.stderr}` }
}

/** The body of the last PATCH request in kubectl -v=9 output (klog formats of 1.2x and 1.33). */
function lastPatchBody(out: string): string | undefined {
  let body: string | undefined
  let patchBody: string | undefined
  for (const line of out.split('\n')) {
    const old = line.match(/Request Body: (.*)$/)
    if (old) body = old[1]
    const structured = line.match(/"Request Body" body=(".*")\s*$/)
    if (structured) body = JSON.parse(structured[1]) as string
    if (/curl -v -XPATCH|\bPATCH https?:/.test(line) && body) patchBody = body
  }
  return patchBody
}

interface KubectlCheck {
  kubectl: string
  version: string
  /** Per transition (0→1, 1→0): the PATCH body kubectl sent equals the computed one. */
  identical: boolean[]
  note?: string
}

/**
 * Applies version 0, 1, then 0 of a Deployment with a real kubectl and compares the PATCH
 * bodies it sends with what clientSideApplyPatch() computes from the same live objects.
 */
async function checkAgainstKubectl(t: Target, runDir: string): Promise<KubectlCheck | undefined> {
  const bin = findKubectl()
  if (!bin) return undefined
  const home = mkdtempSync(join(runDir, 'kubectl-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeKubeconfig(kubeconfig, {
    name: 'bench',
    server: t.server.url,
    token: t.server.token,
    certificateAuthorityData: Buffer.from(t.server.ca).toString('base64'),
  })
  const version = (await runKubectl(bin, ['version', '--client'], home)).out.split('\n')[0].replace(/^.*: /, '')
  const name = 'bench-kubectl-check'
  const identical: boolean[] = []
  for (const [step, v] of [0, 1, 0].entries()) {
    const file = join(home, `step${step}.json`)
    const manifest = deploymentManifest(name, NS, v as Version)
    writeFileSync(file, JSON.stringify(manifest))
    const live = step === 0 ? undefined : await t.http.getJson(objectPath(name))
    const r = await runKubectl(bin, ['--kubeconfig', kubeconfig, 'apply', '-f', file, '-v=9'], home)
    if (r.code !== 0) {
      const last = r.out.trim().split('\n').at(-1)?.slice(0, 300)
      return { kubectl: bin, version, identical, note: `kubectl apply failed: ${last}` }
    }
    if (!live) continue // the create (POST) is not compared
    const sent = lastPatchBody(r.out)
    identical.push(sent === clientSideApplyPatch(manifest, live))
  }
  return { kubectl: bin, version, identical }
}

// ---------------------------------------------------------------------------------------------
// Profile stages

const MF = 'src/machinery/apply/managed-fields.ts'
const FS = 'src/machinery/apply/field-set.ts'
const STORE = 'src/apiserver/registry/store.ts'
const BODY = 'src/apiserver/http/body.ts'

/**
 * The stages of the three write paths. Top-level stages partition the busy samples (a sample
 * counts for the outermost one on its stack); the indented ones are inclusive details.
 */
const STAGES: Stage[] = [
  { label: 'request body: YAML parser (parseYamlDoc)', top: true, match: [{ fn: 'parseYamlDoc', file: BODY }] },
  {
    label: 'request body: JSON.parse (decodeDocument, parseJson)',
    top: true,
    match: [
      { fn: 'decodeDocument', file: BODY },
      { fn: 'parseJson', file: BODY },
    ],
  },
  {
    label: 'field checks: unknown/undeclared fields, types, duplicates',
    top: true,
    match: [
      { fn: 'validateFields', file: 'handlers/field-validation.ts' },
      { fn: 'duplicateFindings', file: 'handlers/field-validation.ts' },
      { fn: 'checkDeclaredFields', file: 'handlers/apply.ts' },
      { fn: 'firstTypeError', file: 'handlers/decode-types.ts' },
    ],
  },
  {
    label: 'strategic merge patch (applyStrategicMergePatch)',
    top: true,
    match: [{ fn: 'applyStrategicMergePatch', file: 'patch/strategic/' }],
  },
  {
    label: 'SSA: applyConfiguration (merge, managedFields)',
    top: true,
    match: [{ fn: 'applyConfiguration', file: MF }],
  },
  { label: 'Update: trackUpdate (managedFields of a PUT/PATCH)', top: true, match: [{ fn: 'trackUpdate', file: MF }] },
  { label: 'mergeApplied (SSA merge)', top: false, depth: 1, match: [{ fn: 'mergeApplied', file: 'apply/merge.ts' }] },
  { label: 'fieldSetOf (field sets of objects)', top: false, depth: 1, match: [{ fn: 'fieldSetOf', file: FS }] },
  { label: 'diffFields (changed and removed fields)', top: false, depth: 1, match: [{ fn: 'diffFields', file: FS }] },
  { label: 'valueAt (path lookups, per field)', top: false, depth: 2, match: [{ fn: 'valueAt', file: FS }] },
  { label: 'PathSet set algebra', top: false, depth: 1, match: [{ file: 'src/machinery/apply/path-set.ts' }] },
  {
    label: 'decodeManagedFields (FieldsV1 → sets)',
    top: false,
    depth: 1,
    match: [{ fn: 'decodeManagedFields', file: MF }],
  },
  { label: 'setManaged (sets → FieldsV1)', top: false, depth: 1, match: [{ fn: 'setManaged', file: MF }] },
  { label: 'tracked (drop system fields)', top: false, depth: 1, match: [{ fn: 'tracked', file: MF }] },
  {
    label: 'structuredClone (anywhere, incl. the store)',
    top: false,
    depth: 1,
    match: [{ fn: 'structuredClone' }],
  },
  { label: 'store: structuredClone of the current object', top: true, match: [{ fn: 'structuredClone' }] },
  {
    label: 'store: JSON.parse of stored objects (parseStored)',
    top: true,
    match: [{ fn: 'parseStored', file: STORE }],
  },
  {
    label: 'store: prepareUpdate (validation, generation)',
    top: true,
    match: [{ fn: 'prepareUpdate', file: STORE }],
  },
  {
    label: 'specChanged (JSON.stringify ×2)',
    top: false,
    depth: 1,
    match: [{ fn: 'specChanged', file: STORE }],
  },
  { label: 'store: sameObject (JSON.stringify ×2)', top: true, match: [{ fn: 'sameObject', file: STORE }] },
  { label: 'store: serialize (JSON.stringify)', top: true, match: [{ fn: 'serialize', file: STORE }] },
  { label: 'admission', top: true, match: [{ fn: 'admit' }] },
  {
    label: 'storage: SQLite get/put, COMMIT (incl. fsync wait)',
    top: true,
    match: [{ file: 'src/storage/' }],
  },
  {
    label: 'response: JSON.stringify, socket write',
    top: true,
    match: [
      { fn: 'writeObject', file: 'handlers/read.ts' },
      { fn: 'writeRaw', file: 'http/respond.ts' },
      { fn: 'writeJson', file: 'http/respond.ts' },
    ],
  },
]

// ---------------------------------------------------------------------------------------------
// Results

interface OpResult {
  op: OpId
  ops: number
  seconds: number
  rate: number
  lat: Summary
  parts?: [Summary, Summary]
  /** With a single client. */
  lat1: Summary
  parts1?: [Summary, Summary]
  serverCpuUsPerOp: number
  clientCpuUsPerOp: number
  serverElu: number
  otherCores: number
  /** Server CPU µs per operation of each measured block (aligned across operations). */
  blockCpuUs: number[]
  errors: Map<string, RequestError>
}

function combine(op: OpId, blocks: Block[], single: Block[]): OpResult {
  const sum = (f: (b: Block) => number, bs = blocks) => bs.reduce((n, b) => n + f(b), 0)
  const ops = sum((b) => b.ops)
  const seconds = sum((b) => b.seconds)
  const serverCpuS = sum((b) => b.serverCpuS)
  const clientCpuS = sum((b) => b.clientCpuS)
  const errors = new Map<string, RequestError>()
  for (const b of [...blocks, ...single]) {
    for (const [k, e] of b.errors) {
      const prev = errors.get(k)
      errors.set(k, { count: (prev?.count ?? 0) + e.count, sample: prev?.sample ?? e.sample })
    }
  }
  const lat = (bs: Block[]) => summarize(concatF64(bs.map((b) => b.latencies)))
  const parts = (bs: Block[]): [Summary, Summary] | undefined =>
    op === 'csa'
      ? [summarize(concatF64(bs.map((b) => b.parts![0]))), summarize(concatF64(bs.map((b) => b.parts![1])))]
      : undefined
  const active = sum((b) => b.serverEluActive)
  return {
    op,
    ops,
    seconds,
    rate: ops / seconds,
    lat: lat(blocks),
    parts: parts(blocks),
    lat1: lat(single),
    parts1: parts(single),
    serverCpuUsPerOp: (serverCpuS / ops) * 1e6,
    clientCpuUsPerOp: (clientCpuS / ops) * 1e6,
    serverElu: active / (active + sum((b) => b.serverEluIdle)),
    otherCores: Math.max(0, (sum((b) => b.machineCpuS) - serverCpuS - clientCpuS) / seconds),
    blockCpuUs: blocks.map((b) => (b.serverCpuS / b.ops) * 1e6),
    errors,
  }
}

/** Nearest-rank quantile of a sample. */
function quantile(values: number[], q: number): number {
  const a = [...values].sort((p, r) => p - r)
  return a[Math.min(a.length - 1, Math.max(0, Math.ceil(q * a.length) - 1))]
}

/** Other processes using more than this (cores) during a measurement make its figure suspect. */
const NOISY_CORES = 0.3

const us = (v: number) => `${Math.round(v).toLocaleString('en-US')} µs`
const x = (v: number) => `${v.toFixed(2)}×`

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
}

// ---------------------------------------------------------------------------------------------
// Phases

/** The measured rounds, then the single-client latency pass; objects start at version 0. */
async function measure(t: Target): Promise<Map<OpId, OpResult>> {
  const measured = new Map<OpId, Block[]>(OPS.map((o) => [o.id, []]))
  const rvs = new Map<string, string>()
  const all = cfg.warmupRounds + cfg.rounds
  let v: Version = 0
  for (let r = 0; r < all; r++) {
    v = ((r + 1) % 2) as Version
    const blocks = await interleaved(t, v, 0, cfg.objects, cfg.block, cfg.concurrency, r)
    await checkObjects(t, v, [0, cfg.objects - 1], rvs)
    const warm = r < cfg.warmupRounds
    if (!warm) for (const [op, bs] of blocks) measured.get(op)!.push(...bs)
    const line = OPS.map(({ id }) => {
      const bs = blocks.get(id)!
      const n = bs.reduce((s, b) => s + b.ops, 0)
      const cpu = bs.reduce((s, b) => s + b.serverCpuS, 0)
      const sec = bs.reduce((s, b) => s + b.seconds, 0)
      return `${id} ${fmtRate(n / sec)} ${us((cpu / n) * 1e6)}/op`
    })
    log(
      `${warm ? `warm-up ${r + 1}/${cfg.warmupRounds}` : `round ${r + 1 - cfg.warmupRounds}/${cfg.rounds}`}: ${line.join(', ')}`,
    )
  }
  v = ((v + 1) % 2) as Version
  const single = await interleaved(t, v, 0, cfg.latencyObjects, Math.max(1, Math.ceil(cfg.latencyObjects / 4)), 1, 0)
  await checkObjects(t, v, [0, cfg.latencyObjects - 1], rvs)
  log(`single-client latency: ${cfg.latencyObjects} operations of each kind`)
  return new Map(OPS.map((o) => [o.id, combine(o.id, measured.get(o.id)!, single.get(o.id)!)]))
}

interface ProfileResult {
  files: Record<OpId, string>
  /** Sample counts. */
  analyses: Record<OpId, Analysis>
  requests: Record<OpId, number>
  /** Server CPU time (µs) over each operation's profiled passes. */
  cpuUs: Record<OpId, number>
  note: string
}

/**
 * A second server under `node --cpu-prof`: the same setup, then profiled passes of each
 * operation; the samples of each operation's passes are cut out of the process profile.
 */
async function profilePhase(runDir: string): Promise<ProfileResult> {
  const dir = flags['profile-dir'] ? resolve(flags['profile-dir']) : join(runDir, 'profile')
  mkdirSync(dir, { recursive: true })
  const before = new Set(readdirSync(dir))
  const forkedUs = Number(process.hrtime.bigint() / 1000n)
  const server = await startServer(join(runDir, 'profiled-server'), [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
    `--cpu-prof-interval=${cfg.profileIntervalUs}`,
  ])
  const http = new Http(server, cfg.concurrency)
  const t = newTarget(server, http, cfg.profileObjects, 'bench-p')
  const windows = new Map<OpId, [number, number][]>(OPS.map((o) => [o.id, []]))
  const requests = { put: 0, ssa: 0, csa: 0 } as Record<OpId, number>
  const cpuUs = { put: 0, ssa: 0, csa: 0 } as Record<OpId, number>
  try {
    await setup(t)
    log(
      `profile: a server under --cpu-prof (${cfg.profileIntervalUs} µs interval), ${cfg.profileObjects} Deployments per operation, ${cfg.profilePasses} passes`,
    )
    for (let pass = 0; pass < cfg.profilePasses; pass++) {
      const v = ((pass + 1) % 2) as Version
      for (const { id } of OPS) {
        await new Promise((r) => setTimeout(r, 20))
        const from = Number(process.hrtime.bigint() / 1000n)
        const b = await runBlock(t, id, v, 0, cfg.profileObjects, cfg.concurrency)
        windows.get(id)!.push([from, Number(process.hrtime.bigint() / 1000n)])
        requests[id] += b.ops
        cpuUs[id] += b.serverCpuS * 1e6
      }
    }
  } finally {
    await http.close().catch(() => {})
    await stopServer(server)
  }
  const written = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f))
  if (written.length !== 1) throw new Error(`expected one new .cpuprofile in ${dir}, found ${written.length}`)
  const whole = readProfile(join(dir, written[0]))
  const files = {} as Record<OpId, string>
  const analyses = {} as Record<OpId, Analysis>
  for (const { id } of OPS) {
    const parts = windows.get(id)!.map(([a, b]) => sliceProfile(whole, a, b))
    const merged = {
      nodes: whole.nodes,
      startTime: parts[0].startTime,
      endTime: parts.at(-1)!.endTime,
      samples: parts.flatMap((p) => p.samples),
      timeDeltas: parts.flatMap((p) => p.timeDeltas),
    }
    files[id] = join(dir, `apply-${id}.cpuprofile`)
    writeFileSync(files[id], JSON.stringify(merged))
    analyses[id] = analyze(merged, STAGES)
  }
  // The slicing relies on V8's sample clock being this process's monotonic clock.
  const startMs = (whole.startTime - forkedUs) / 1000
  const note =
    startMs >= 0 && startMs < 60_000
      ? `profile clock aligned (profiling began ${startMs.toFixed(0)} ms after the fork)`
      : `WARNING: profile clock not aligned with this process's (start ${startMs.toFixed(0)} ms after the fork): stages are unreliable`
  return { files, analyses, requests, cpuUs, note }
}

// ---------------------------------------------------------------------------------------------
// Report

function reportProfile(pr: ProfileResult, out: string[], kept: boolean): void {
  const busy = (op: OpId) => pr.analyses[op].total - pr.analyses[op].idle
  // Samples → server CPU µs per operation: the op's busy samples share its measured CPU time.
  const per = (op: OpId, samples: number) => (samples / busy(op)) * (pr.cpuUs[op] / pr.requests[op])
  out.push('')
  out.push(
    `Server CPU profile (node --cpu-prof, ${cfg.profileIntervalUs} µs sampling; ${OPS.map((o) => `${o.id} ${pr.requests[o.id]} requests, ${Math.round(busy(o.id))} busy samples`).join('; ')}; ${pr.note})`,
  )
  out.push('')
  out.push(
    'Server CPU per operation by stage: the share of busy samples × the CPU time per operation measured around\n' +
      'the profiled passes (profiler overhead included). Unindented rows partition it (a sample counts for the\n' +
      'outermost stage on its stack); indented rows are details, inclusive.',
  )
  out.push('')
  const rows: string[][] = []
  const row = (label: string, f: (op: OpId) => number) => {
    const v = OPS.map((o) => per(o.id, f(o.id)))
    if (v.every((n) => n < 0.5)) return
    rows.push([label, ...v.map((n) => (n < 0.5 ? '—' : us(n))), signedUs(v[1] - v[0])])
  }
  row('server CPU per operation (profiled server)', busy)
  for (const s of STAGES) {
    row(`${'  '.repeat((s.depth ?? 0) + (s.top ? 0 : 1))}${s.label}`, (op) => pr.analyses[op].stages.get(s.label) ?? 0)
  }
  row('garbage collector', (op) => pr.analyses[op].gc)
  row('native outside JS ("(program)": TLS, HTTP parser, syscalls)', (op) => pr.analyses[op].program)
  row('other JS (HTTP server, routing, authn/authz, metrics, watch fan-out)', (op) => pr.analyses[op].other)
  out.push(table(['stage', 'PUT', 'SSA', 'CSA (GET+PATCH)', 'SSA − PUT'], rows))
  // The partition's largest differences between SSA and PUT, largest first.
  const parts: [string, (op: OpId) => number][] = [
    ...STAGES.filter((s) => s.top).map((s): [string, (op: OpId) => number] => [
      s.label.replace(/ \(.*$/, ''),
      (op) => pr.analyses[op].stages.get(s.label) ?? 0,
    ]),
    ['garbage collector', (op) => pr.analyses[op].gc],
    ['(program)', (op) => pr.analyses[op].program],
    ['other JS', (op) => pr.analyses[op].other],
  ]
  const deltas = parts
    .map(([label, f]) => [label, per('ssa', f('ssa')) - per('put', f('put'))] as const)
    .filter(([, d]) => Math.abs(d) >= 20)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
  out.push('')
  out.push(
    `SSA − PUT = ${signedUs(per('ssa', busy('ssa')) - per('put', busy('put')))} per operation: ${deltas.map(([l, d]) => `${l} ${signedUs(d)}`).join(', ')}`,
  )
  for (const op of ['ssa', 'csa', 'put'] as const) {
    const a = pr.analyses[op]
    const b = busy(op)
    const title = OPS.find((o) => o.id === op)!.title
    out.push('')
    out.push(`Hot spots, ${title}: self time by function (% of busy samples)`)
    out.push('')
    out.push(
      table(
        ['self', 'µs/op', 'file:line function'],
        top(a.self, op === 'put' ? 10 : 20, (k) => !k.endsWith('(idle)')).map(([k, v]) => [
          `${((100 * v) / b).toFixed(1)}%`,
          String(Math.round(per(op, v))),
          k,
        ]),
      ),
    )
  }
  out.push('')
  out.push(
    kept
      ? `Profiles of each operation: ${Object.values(pr.files).join(', ')} (Chrome DevTools, or node bench/profile-summary.ts FILE)`
      : '(profiles deleted: keep them with --profile-dir DIR)',
  )
}

function signedUs(v: number): string {
  return `${v >= 0 ? '+' : '−'}${us(Math.abs(v))}`
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const runDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-apply-'))
  const started = performance.now()
  const load0 = loadavg()
  const details: string[] = []
  process.stdout.write(
    `Flotilla apply benchmark (${flags.quick ? 'quick' : 'full'}) — ${machine()} — ${new Date().toISOString()}\n`,
  )
  let results: Map<OpId, OpResult> | undefined
  let check: KubectlCheck | undefined
  let profile: ProfileResult | undefined
  let sizes = ''
  let serverLog = new Map<string, number>()
  try {
    const server = await startServer(join(runDir, 'server'))
    serverLog = server.logCounts
    const http = new Http(server, cfg.concurrency)
    try {
      log(`server ${server.url} (pid ${server.pid})`)
      const t = newTarget(server, http, cfg.objects, 'bench')
      const t0 = performance.now()
      await setup(t)
      log(
        `setup: ${cfg.objects} Deployments per operation, created and written twice, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      )
      const stored = await http.getJson(objectPath(t.names.ssa[0]))
      const bytes = (o: unknown) => Buffer.byteLength(typeof o === 'string' ? o : JSON.stringify(o))
      sizes =
        `request bodies: manifest ${bytes(t.bodies.put[1][0])} B (PUT and SSA), strategic merge patch ${bytes(t.bodies.csa[1][0])} B; ` +
        `stored Deployment after SSA ${bytes(stored)} B of which managedFields ${bytes(stored.metadata.managedFields)} B`
      const warned = await http.send('PUT', `${objectPath(t.names.put[0])}?fieldManager=bench`, {
        body: t.bodies.put[0][0],
        type: 'application/json',
      })
      if (warned.warning) details.push(`the server warns on the benchmark's PUT: ${warned.warning}`)
      // Deployment controllers in the server would reconcile every write (ReplicaSets, pods),
      // and the measured CPU would be theirs as much as the writes'.
      const rs = await http.send('GET', `/apis/apps/v1/namespaces/${NS}/replicasets?limit=1`, { keep: true })
      if (rs.status === 200 && (JSON.parse(rs.text!) as { items?: unknown[] }).items?.length) {
        details.push(
          'WARNING: controllers in the server create ReplicaSets for the benchmark Deployments: the figures include their work',
        )
      }
      check = await checkAgainstKubectl(t, runDir)
      if (check) {
        const same = check.identical.length === 2 && check.identical.every(Boolean)
        log(
          `kubectl ${check.version}: ${same ? 'patch bodies byte-identical to the computed ones' : 'patch bodies DIFFER'}`,
        )
      } else log('no kubectl found: client-side apply patches are computed only (bench/apply-fixtures.ts)')
      log(
        `measuring: ${cfg.warmupRounds} warm-up + ${cfg.rounds} measured rounds over ${cfg.objects} objects per operation, blocks of ${cfg.block}, ${cfg.concurrency} concurrent clients`,
      )
      results = await measure(t)
    } finally {
      await http.close().catch(() => {})
      await stopServer(server)
    }
    if (flags.profile) {
      try {
        profile = await profilePhase(runDir)
      } catch (e) {
        details.push(`profile failed: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
  } finally {
    if (!flags.keep) rmSync(runDir, { recursive: true, force: true })
    else process.stdout.write(`  data kept in ${runDir}\n`)
  }

  const put = results.get('put')!
  const ratiosOf = (r: OpResult) => r.blockCpuUs.map((v, i) => v / put.blockCpuUs[i])
  const targetRows: string[][] = []
  const perfRows: string[][] = []
  for (const { id, title } of OPS) {
    const r = results.get(id)!
    const base = id === 'put'
    const ratios = ratiosOf(r)
    const cost = quantile(ratios, 0.5)
    const target = base ? undefined : TARGETS[id as 'ssa' | 'csa']
    targetRows.push([
      title,
      us(r.serverCpuUsPerOp),
      base ? '—' : x(cost),
      base ? '—' : `${x(quantile(ratios, 0.25))}–${x(quantile(ratios, 0.75))}`,
      base ? '—' : x(r.serverCpuUsPerOp / put.serverCpuUsPerOp),
      target === undefined ? '—' : `≤ ${target}×`,
      target === undefined
        ? 'baseline'
        : (cost <= target ? 'PASS' : 'FAIL') +
          (r.otherCores > NOISY_CORES ? '*' : '') +
          (r.errors.size > 0 ? ' (errors)' : ''),
    ])
    perfRows.push([
      title,
      fmtRate(r.rate),
      base ? '—' : x(put.rate / r.rate),
      fmtMs(r.lat.p50),
      fmtMs(r.lat.p99),
      fmtMs(r.lat1.p50),
      fmtMs(r.lat1.p99),
      base ? '—' : x(r.lat1.p50 / put.lat1.p50),
    ])
  }
  const out: string[] = []
  out.push(
    table(['operation', 'server CPU/op', 'cost vs PUT', 'middle half', 'all blocks', 'target', 'result'], targetRows),
  )
  out.push('')
  out.push(
    table(
      [
        'operation',
        `throughput (${cfg.concurrency} clients)`,
        'time vs PUT',
        'p50',
        'p99',
        'p50, 1 client',
        'p99, 1 client',
        'p50 vs PUT, 1 client',
      ],
      perfRows,
    ),
  )
  const csa = results.get('csa')!
  details.push(
    `cost vs PUT = median over ${put.blockCpuUs.length} blocks of ${cfg.block} operations of (server CPU per operation ÷ server CPU per PUT in the block of the same round and objects); ` +
      `"middle half" = its 25th–75th percentiles; "all blocks" = ratio of the totals; server CPU = user + system time of the server process (targets are judged on the median)`,
  )
  details.push(
    `${put.ops} operations of each kind measured (${cfg.rounds} rounds × ${cfg.objects} Deployments, each round writing the other version of every object), after ${cfg.warmupRounds} warm-up round(s) and setup`,
  )
  details.push(
    `client-side apply round trip, GET / PATCH apart: p50 ${fmtMs(csa.parts![0].p50)} / ${fmtMs(csa.parts![1].p50)}, p99 ${fmtMs(csa.parts![0].p99)} / ${fmtMs(csa.parts![1].p99)} (${cfg.concurrency} clients); ` +
      `p50 ${fmtMs(csa.parts1![0].p50)} / ${fmtMs(csa.parts1![1].p50)} (1 client)`,
  )
  for (const { id } of OPS) {
    const r = results.get(id)!
    details.push(
      `${id}: server event loop ${Math.round(r.serverElu * 100)}% busy, client CPU ${us(r.clientCpuUsPerOp)}/op, other processes on the machine ${r.otherCores.toFixed(2)} cores` +
        (r.errors.size > 0
          ? `; ERRORS: ${[...r.errors.values()].map((e) => `${e.count}× ${e.sample.slice(0, 200)}`).join('; ')}`
          : ''),
    )
  }
  details.push(sizes)
  if (check) {
    const same = check.identical.length === 2 && check.identical.every(Boolean)
    details.push(
      `client-side apply patches: kubectl ${check.version} (${check.kubectl}) sent ${same ? 'byte-identical' : `DIFFERENT (${check.identical.join(', ')})`} PATCH bodies for the same transitions (0→1, 1→0)${check.note ? `: ${check.note}` : ''}`,
    )
  } else details.push('client-side apply patches: computed by bench/apply-fixtures.ts (no kubectl to cross-check)')
  if (serverLog.size > 0) {
    details.push(`server log (warn/error): ${[...serverLog].map(([k, v]) => `${v}× ${k}`).join('; ')}`)
  }
  const load1 = loadavg()
  details.push(
    `load average (1/5/15 min) at start ${load0.map((l) => l.toFixed(2)).join('/')}, at end ${load1.map((l) => l.toFixed(2)).join('/')}`,
  )

  process.stdout.write(`\n${out.join('\n')}\n`)
  if ([...results.values()].some((r) => r.otherCores > NOISY_CORES)) {
    process.stdout.write(
      `\n* other processes on this machine used more than ${NOISY_CORES} of a core meanwhile: suspect, run again on a quiet machine\n`,
    )
  }
  process.stdout.write('\nDetails:\n')
  for (const d of details) process.stdout.write(`- ${d}\n`)
  if (profile) {
    const p: string[] = []
    reportProfile(profile, p, !!flags['profile-dir'] || flags.keep)
    process.stdout.write(`${p.join('\n')}\n`)
  }
  process.stdout.write(`\nTotal time ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
  if (flags.json) {
    const json = {
      config: cfg,
      machine: machine(),
      results: Object.fromEntries([...results].map(([k, r]) => [k, { ...r, errors: Object.fromEntries(r.errors) }])),
      kubectl: check,
      profile: profile && {
        requests: profile.requests,
        stages: Object.fromEntries(OPS.map((o) => [o.id, Object.fromEntries(profile!.analyses[o.id].stages)])),
      },
    }
    writeFileSync(flags.json, JSON.stringify(json, null, 2))
  }
}

try {
  await main()
} catch (e) {
  process.stderr.write(`benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
}
process.exit(0)
