// Fuzzing the API server with thousands of random and mutated requests (seeded: the seed is
// printed, FUZZ_SEED reproduces a run, FUZZ_REQUESTS changes the count). The server is the real
// `flotilla server` CLI in a child process, so a crash is seen as a crash (and not swallowed by
// the test runner), and its error log tells which request failed how.
//
// Asserted: every answer has a valid HTTP status; every JSON error is a Status whose code is
// the HTTP status and which has a reason; no 500 at all; no request hangs; the server stays up;
// and 50 objects created before the fuzzing in a protected namespace (which the fuzzer reads but
// never writes to) are byte-for-byte unchanged and still readable afterwards.
//
// Below the fuzz run, each request the fuzzer found to crash the server or earn a 500 is kept as
// a test of its own (they all failed when found; see the test names), plus the one thing the
// fuzzer deliberately stays away from: writes to the cluster-wide collection of a namespaced
// resource (POST/DELETE /api/v1/configmaps), which reached every namespace.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { connect } from 'node:tls'
import type { Dispatcher } from 'undici'
import { type CliServer, removeDataDir, startCliServer } from '../helpers/cli-server.ts'
import {
  FUZZ_NAMESPACES,
  type FuzzRequest,
  fuzzSeed,
  generateRequest,
  PROTECTED_NAMESPACE,
  RESOURCES,
  validObject,
} from '../helpers/fuzz-requests.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const SEED = fuzzSeed()
/** Requests to send (some generated units are bursts of several requests). */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5200)
const CONCURRENCY = 16
/** A request with no answer after this long has hung (generous: a loaded 2-core machine). */
const HANG_MS = 45_000
const MAX_RESTARTS = 5

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** For watches: the stream was cut by us after a while (not an error). */
  cut?: boolean
}

// ------------------------------------------------------------------ transports

async function sendHttp(srv: CliServer, r: FuzzRequest): Promise<Answer> {
  const controller = new AbortController()
  const hang = setTimeout(() => controller.abort(new Error('hang')), HANG_MS)
  try {
    const res = await srv.dispatcher.request({
      origin: srv.url,
      path: r.path,
      method: r.method as Dispatcher.HttpMethod,
      headers: r.headers,
      body: r.body,
      signal: controller.signal,
      headersTimeout: HANG_MS,
      bodyTimeout: HANG_MS,
    })
    const chunks: Buffer[] = []
    let cut = false
    let size = 0
    if (r.watch && res.statusCode === 200) {
      // Read the stream for a moment, then hang up (the server must cope with that too).
      const stop = setTimeout(() => {
        cut = true
        res.body.destroy()
      }, 150)
      try {
        for await (const c of res.body) {
          chunks.push(c as Buffer)
          size += (c as Buffer).length
          if (size > 4 * 1024 * 1024) break
        }
      } catch (e) {
        if (!cut) throw e
      } finally {
        clearTimeout(stop)
      }
    } else {
      for await (const c of res.body) chunks.push(c as Buffer)
    }
    return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), cut }
  } finally {
    clearTimeout(hang)
  }
}

function sendRaw(srv: CliServer, bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    // end(): the request is all there is; a server waiting for more body sees the end of it.
    const sock = connect({ host: '127.0.0.1', port: srv.port, ca: srv.caCert }, () => sock.end(bytes))
    const timer = setTimeout(() => {
      sock.destroy()
      reject(new Error('hang'))
    }, HANG_MS)
    sock.on('data', (d: Buffer) => chunks.push(d))
    sock.on('error', (e) => {
      clearTimeout(timer)
      // A server that answered and then reset the connection still answered.
      if (chunks.length > 0) resolve(parseRaw(Buffer.concat(chunks)))
      else reject(e)
    })
    sock.on('close', () => {
      clearTimeout(timer)
      if (chunks.length === 0)
        reject(Object.assign(new Error('connection closed without an answer'), { code: 'NO_ANSWER' }))
      else resolve(parseRaw(Buffer.concat(chunks)))
    })
  })
}

function parseRaw(buf: Buffer): Answer {
  const end = buf.indexOf('\r\n\r\n')
  const head = buf.subarray(0, end < 0 ? buf.length : end).toString('latin1')
  const [statusLine, ...lines] = head.split('\r\n')
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
  const headers: Record<string, string> = {}
  for (const l of lines) {
    const i = l.indexOf(':')
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim()
  }
  let body = end < 0 ? Buffer.alloc(0) : buf.subarray(end + 4)
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body)
  return { status: m ? Number(m[1]) : -1, headers, body }
}

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = []
  let i = 0
  while (i < buf.length) {
    const eol = buf.indexOf('\r\n', i)
    if (eol < 0) break
    const n = Number.parseInt(buf.subarray(i, eol).toString('latin1'), 16)
    if (!Number.isFinite(n) || n === 0) break
    out.push(buf.subarray(eol + 2, eol + 2 + n))
    i = eol + 2 + n + 2
  }
  return Buffer.concat(out)
}

// ------------------------------------------------------------------ checks

const VALID_CODES = new Set([
  200, 201, 202, 204, 400, 401, 403, 404, 405, 406, 409, 410, 413, 415, 422, 429, 431, 500, 503, 504, 505,
])

function describeRequest(r: FuzzRequest): string {
  const body = r.raw ?? r.body
  let excerpt = ''
  if (body !== undefined) {
    const text = body
      .subarray(0, 240)
      .toString('utf8')
      .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    excerpt = ` body(${body.length} bytes)=${text}${body.length > 240 ? '…' : ''}`
  }
  const ct = r.headers['content-type'] ? ` content-type=${r.headers['content-type']}` : ''
  const accept = r.headers.accept ? ` accept=${r.headers.accept}` : ''
  return `#${r.index} [${r.category}] ${r.method} ${r.path.length > 300 ? `${r.path.slice(0, 300)}…` : r.path}${ct}${accept}${excerpt}`
}

function headerValue(a: Answer, name: string): string {
  const v = a.headers[name]
  return Array.isArray(v) ? v.join(', ') : (v ?? '')
}

/** Problems with one answer (empty when it is fine). A 500 is reported separately. */
function checkAnswer(r: FuzzRequest, a: Answer): string[] {
  const problems: string[] = []
  if (!Number.isInteger(a.status) || a.status < 100 || a.status > 599 || !VALID_CODES.has(a.status)) {
    problems.push(`unexpected HTTP status ${a.status}`)
    return problems
  }
  const type = headerValue(a, 'content-type')
  const isJson = /^application\/json/i.test(type)
  if (r.method === 'HEAD') return problems
  if (a.status >= 400) {
    // Node's own HTTP parser answers malformed requests with a bare 400 before any handler runs.
    // (431 for headers over its limit, e.g. a huge request target.) Those carry no body and no type.
    if (a.body.length === 0 && type === '' && [400, 431, 505].includes(a.status)) return problems
    // Outside the API paths (e.g. /openapi) a plain-text error is what kube-apiserver answers too.
    const apiPath = /^\/apis?(\/|$|\?)/.test(r.path)
    if (!isJson && !apiPath) return problems
    if (!isJson) {
      problems.push(`error ${a.status} is not JSON (content-type "${type}"): ${a.body.subarray(0, 200).toString()}`)
      return problems
    }
    let st: any
    try {
      st = JSON.parse(a.body.toString('utf8'))
    } catch {
      problems.push(`error ${a.status} body is not valid JSON: ${a.body.subarray(0, 200).toString()}`)
      return problems
    }
    if (st?.kind !== 'Status') problems.push(`error ${a.status} is not a Status: kind=${JSON.stringify(st?.kind)}`)
    if (st?.apiVersion !== 'v1') problems.push(`error Status apiVersion is ${JSON.stringify(st?.apiVersion)}`)
    if (st?.status !== 'Failure') problems.push(`error Status.status is ${JSON.stringify(st?.status)}`)
    if (typeof st?.code !== 'number' || st.code !== a.status)
      problems.push(`Status.code ${JSON.stringify(st?.code)} != HTTP ${a.status}`)
    if (typeof st?.reason !== 'string' || st.reason === '')
      problems.push(`Status without reason: ${a.body.subarray(0, 200).toString()}`)
    if (typeof st?.message !== 'string') problems.push('Status without message')
    return problems
  }
  if (isJson && a.body.length > 0) {
    if (r.watch && a.status === 200) {
      const lines = a.body.toString('utf8').split('\n')
      if (a.cut) lines.pop() // the last line may have been cut in the middle
      for (const line of lines) {
        if (line.trim() === '') continue
        let ev: any
        try {
          ev = JSON.parse(line)
        } catch {
          problems.push(`watch line is not JSON: ${line.slice(0, 200)}`)
          break
        }
        if (!['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'].includes(ev?.type)) {
          problems.push(`watch event of type ${JSON.stringify(ev?.type)}`)
        } else if (ev.type === 'ERROR' && (ev.object?.kind !== 'Status' || typeof ev.object?.code !== 'number')) {
          problems.push(`watch ERROR event without a Status: ${line.slice(0, 200)}`)
        } else if (ev.type !== 'ERROR' && typeof ev.object?.metadata?.resourceVersion !== 'string') {
          problems.push(`watch event without resourceVersion: ${line.slice(0, 200)}`)
        }
      }
    } else {
      try {
        JSON.parse(a.body.toString('utf8'))
      } catch {
        problems.push(`2xx JSON body does not parse: ${a.body.subarray(0, 200).toString()}`)
      }
    }
  }
  return problems
}

// ------------------------------------------------------------------ protected data

const PROTECTED_KINDS = RESOURCES.filter((r) =>
  ['configmaps', 'secrets', 'serviceaccounts', 'roles', 'deployments', 'services'].includes(r.plural),
)
const PROTECTED_COUNTS: Record<string, number> = {
  configmaps: 20,
  secrets: 10,
  serviceaccounts: 5,
  roles: 5,
  deployments: 5,
  services: 5,
}

function collectionPath(plural: string, ns: string): string {
  const r = RESOURCES.find((x) => x.plural === plural && x.group !== 'events.k8s.io')!
  return `${r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`}/namespaces/${ns}/${plural}`
}

/** Raw GET bodies of every protected object and the protected namespace, keyed by path. */
async function snapshotProtected(srv: CliServer): Promise<Map<string, string>> {
  const snap = new Map<string, string>()
  const ns = await srv.request(`/api/v1/namespaces/${PROTECTED_NAMESPACE}`)
  assert.equal(ns.status, 200)
  snap.set(`/api/v1/namespaces/${PROTECTED_NAMESPACE}`, await ns.text())
  for (const r of PROTECTED_KINDS) {
    const list = await srv.request(collectionPath(r.plural, PROTECTED_NAMESPACE))
    assert.equal(list.status, 200, `listing protected ${r.plural}`)
    const body = (await list.json()) as { items: { metadata: { name: string } }[] }
    for (const item of body.items) {
      const path = `${collectionPath(r.plural, PROTECTED_NAMESPACE)}/${item.metadata.name}`
      const res = await srv.request(path)
      assert.equal(res.status, 200, `GET ${path}`)
      snap.set(path, await res.text())
    }
  }
  return snap
}

// ------------------------------------------------------------------ the run

let srv: CliServer
let dataDir: string
let stopping = false

before(async () => {
  srv = await startCliServer({ args: ['--log-level', 'error'] })
  dataDir = srv.dataDir
})

after(async () => {
  stopping = true
  await srv?.stop()
  if (dataDir) removeDataDir(dataDir)
})

describe(`fuzzing the API server (FUZZ_SEED=${SEED})`, () => {
  it(`answers ${REQUESTS} random and mutated requests without a 500, a malformed error or a crash, and keeps earlier objects intact`, {
    timeout: 600_000,
  }, async (t) => {
    t.diagnostic(`FUZZ_SEED=${SEED} (set FUZZ_SEED to reproduce, FUZZ_REQUESTS to change the count)`)
    console.log(`fuzz: FUZZ_SEED=${SEED} requests=${REQUESTS}`)

    // 1. The protected set: 50 objects in a namespace the fuzzer never writes to.
    const create = async (path: string, body: unknown) => {
      const res = await srv.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      assert.equal(res.status, 201, `create ${path}: ${await res.clone().text()}`)
      await res.arrayBuffer()
    }
    for (const ns of [PROTECTED_NAMESPACE, ...FUZZ_NAMESPACES]) {
      await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
    }
    for (const r of PROTECTED_KINDS) {
      for (let i = 0; i < PROTECTED_COUNTS[r.plural]; i++) {
        const obj = validObject(r, `keep-${r.plural}-${i}`, PROTECTED_NAMESPACE)
        ;(obj.metadata as Record<string, unknown>).annotations = {
          note: `protected ${i}`,
          unicode: 'ünïcode 💥 ≈ \u0000',
        }
        await create(collectionPath(r.plural, PROTECTED_NAMESPACE), obj)
      }
    }
    // Objects for the fuzzer to hit (its names come from small pools, so most writes address
    // something that exists): a few of every kind in each fuzz namespace and cluster-wide.
    const seedFailures: string[] = []
    for (const r of RESOURCES) {
      if (r.plural === 'namespaces' || r.plural === 'customresourcedefinitions') continue
      for (const ns of r.namespaced ? FUZZ_NAMESPACES : ['']) {
        for (const name of ['obj-0', 'obj-1', 'obj-2', 'obj-3', 'hot-0', 'hot-1']) {
          const prefix = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`
          const res = await srv.request(`${prefix}${ns ? `/namespaces/${ns}` : ''}/${r.plural}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(validObject(r, name, ns || undefined)),
          })
          if (res.status !== 201 && res.status !== 409)
            seedFailures.push(`${r.plural} ${ns}/${name}: ${res.status} ${await res.text()}`)
          else await res.arrayBuffer()
        }
      }
    }
    assert.deepEqual(seedFailures, [], "the fuzzer's starting objects are valid")

    // Wait until nothing changes them any more (e.g. a ServiceAccount controller), then record.
    let snap = await snapshotProtected(srv)
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 250))
      const again = await snapshotProtected(srv)
      const same = again.size === snap.size && [...again].every(([k, v]) => snap.get(k) === v)
      snap = again
      if (same) break
    }
    assert.ok(snap.size >= 51, `protected set has ${snap.size} entries`)

    // 2. Fuzz.
    const started = performance.now()
    const fivehundreds: string[] = []
    const malformed: string[] = []
    const hangs: string[] = []
    const transport: string[] = []
    const unreadBodyDrops: string[] = []
    const crashes: { inFlight: FuzzRequest[]; stderr: string; exit: unknown }[] = []
    const statusCounts = new Map<number, number>()
    const inFlight = new Map<number, FuzzRequest>()
    let seq = 0
    let sent = 0
    let restarting: Promise<void> | undefined
    const pendingRestart = (): Promise<void> | undefined => restarting
    let restarts = 0
    let gaveUp = false

    const onExit = (s: CliServer) => {
      void s.exited.then((exit) => {
        if (stopping || s !== srv) return
        crashes.push({ inFlight: [...inFlight.values()], stderr: s.stderr().slice(-4000), exit })
        if (restarts >= MAX_RESTARTS) {
          gaveUp = true
          return
        }
        restarts++
        restarting = (async () => {
          await s.dispatcher.destroy().catch(() => {})
          srv = await startCliServer({ dataDir, args: ['--log-level', 'error'] })
          onExit(srv)
        })().finally(() => {
          restarting = undefined
        })
      })
    }
    onExit(srv)

    const errorLogFor = (s: CliServer, reqId: string): string => {
      const line = s
        .stderr()
        .split('\n')
        .find((l) => l.includes(reqId))
      if (!line) return ''
      try {
        const parsed = JSON.parse(line) as { err?: string }
        return (parsed.err ?? line).split('\n').slice(0, 6).join(' | ')
      } catch {
        return line.slice(0, 600)
      }
    }

    const runOne = async (r: FuzzRequest) => {
      const s = srv
      const id = seq++
      inFlight.set(id, r)
      sent++
      try {
        const a = r.raw ? await sendRaw(s, r.raw) : await sendHttp(s, r)
        statusCounts.set(a.status, (statusCounts.get(a.status) ?? 0) + 1)
        if (a.status >= 500 && a.status !== 503 && a.status !== 504) {
          const audit = headerValue(a, 'audit-id')
          fivehundreds.push(
            `${describeRequest(r)}\n    -> ${a.status} ${a.body.subarray(0, 300).toString()}\n    server log: ${audit ? errorLogFor(s, audit) : '(no Audit-Id)'}`,
          )
        }
        for (const p of checkAnswer(r, a)) malformed.push(`${describeRequest(r)}\n    -> ${p}`)
      } catch (e) {
        const err = e as Error & { code?: string }
        if (err.message === 'hang' || err.name === 'HeadersTimeoutError' || err.name === 'BodyTimeoutError') {
          hangs.push(`${describeRequest(r)} (no answer within ${HANG_MS} ms)`)
          return
        }
        // Did the server die under us? Give the exit event a moment to arrive.
        await Promise.race([s.exited, new Promise((res) => setTimeout(res, 500))])
        if (s.hasExited()) return // attributed to the crash
        // When a handler answers without reading a large body (413, 401, 405, discovery paths),
        // Node closes the connection with the rest of the body unread, and the TCP reset that
        // follows can cut the answer short on the client side (undici: EPIPE, ECONNRESET, or
        // "body length does not match content-length"). Counted and reported, not failed.
        // Raw requests are malformed on purpose: a closed connection is a fair answer.
        if (r.raw) return
        if ((r.body?.length ?? 0) >= 64 * 1024) {
          unreadBodyDrops.push(`${describeRequest(r)} -> ${err.name}: ${err.code ?? ''} ${err.message}`)
          return
        }
        transport.push(`${describeRequest(r)}\n    -> ${err.name}: ${err.code ?? ''} ${err.message}`)
      } finally {
        inFlight.delete(id)
      }
    }

    let next = 0
    const worker = async () => {
      while (!gaveUp) {
        if (sent >= REQUESTS) return
        const i = next++
        for (let p = pendingRestart(); p; p = pendingRestart()) await p.catch(() => {})
        if (gaveUp) return
        const unit = generateRequest(SEED, i, srv.port, srv.token)
        await Promise.all(unit.map(runOne))
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
    for (let p = pendingRestart(); p; p = pendingRestart()) await p.catch(() => {})
    const fuzzMs = performance.now() - started

    // 3. Pin down which request crashed the server: replay the suspects one at a time.
    const culprits: string[] = []
    for (const c of crashes.slice(0, 3)) {
      if (gaveUp) break
      for (const r of c.inFlight.slice(0, 24)) {
        const s = srv
        try {
          if (r.raw) await sendRaw(s, r.raw)
          else await sendHttp(s, r)
        } catch {
          // expected when it is the one
        }
        await Promise.race([s.exited, new Promise((res) => setTimeout(res, 300))])
        if (s.hasExited()) {
          culprits.push(`${describeRequest(r)}\n    server stderr: ${s.stderr().slice(-1200)}`)
          while (!pendingRestart() && !gaveUp) await new Promise((res) => setTimeout(res, 20))
          for (let p = pendingRestart(); p; p = pendingRestart()) await p.catch(() => {})
          break
        }
      }
    }

    // 4. The server is up, and the protected objects are untouched and readable.
    const health = srv.hasExited()
      ? 'the server process has exited'
      : await srv.request('/healthz').then(
          async (r) => (r.status === 200 && (await r.text()) === 'ok' ? '' : `/healthz answered ${r.status}`),
          (e: Error) => `/healthz failed: ${e.message}`,
        )
    if (health !== '') {
      // It did not survive (the crash is reported below): start it again to check the data.
      stopping = true
      await srv.stop()
      srv = await startCliServer({ dataDir, args: ['--log-level', 'error'] })
    }
    const after = await snapshotProtected(srv)
    const changed: string[] = []
    for (const [path, before] of snap) {
      const now = after.get(path)
      if (now === undefined) changed.push(`${path}: gone`)
      else if (now !== before)
        changed.push(`${path}: changed\n    before ${before.slice(0, 300)}\n    after  ${now.slice(0, 300)}`)
    }
    for (const path of after.keys()) if (!snap.has(path)) changed.push(`${path}: new object in the protected namespace`)
    const sel = await srv.request(
      `${collectionPath('configmaps', PROTECTED_NAMESPACE)}?labelSelector=app%3Dfuzz&limit=7`,
    )
    assert.equal(sel.status, 200)
    const page = (await sel.json()) as { items: unknown[]; metadata: { continue?: string } }
    assert.equal(page.items.length, 7)
    assert.ok(page.metadata.continue, 'paging through protected objects still works')
    const table = await srv.request(collectionPath('deployments', PROTECTED_NAMESPACE), {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    })
    assert.equal(table.status, 200)
    assert.equal(((await table.json()) as { rows: unknown[] }).rows.length, PROTECTED_COUNTS.deployments)

    // 5. Report.
    const codes = [...statusCounts]
      .sort((a, b) => a[0] - b[0])
      .map(([c, n]) => `${c}:${n}`)
      .join(' ')
    const summary = [
      `fuzz: seed=${SEED} units=${next} requests=${sent} in ${(fuzzMs / 1000).toFixed(1)} s; statuses ${codes}`,
      `fuzz: 500s=${fivehundreds.length} malformed=${malformed.length} hangs=${hangs.length} transport-errors=${transport.length} (large-unread-body drops ${unreadBodyDrops.length}) crashes=${crashes.length} restarts=${restarts} protected-changed=${changed.length}`,
    ]
    console.log(summary.join('\n'))
    t.diagnostic(summary.join('\n'))
    const section = (title: string, items: string[], max = 25) =>
      items.length === 0
        ? ''
        : `\n\n${title} (${items.length}):\n  ${items.slice(0, max).join('\n  ')}${items.length > max ? '\n  …' : ''}`
    const crashText = crashes.map(
      (c, i) =>
        `crash ${i + 1} (${JSON.stringify(c.exit)}), ${c.inFlight.length} requests in flight; server stderr tail:\n    ${c.stderr.slice(-1500).replace(/\n/g, '\n    ')}`,
    )
    const report =
      `FUZZ_SEED=${SEED}` +
      section('server crashes', crashText, 5) +
      section('requests that crash the server (replayed alone)', culprits) +
      section('500 Internal Server Error', fivehundreds) +
      section('malformed answers', malformed) +
      section('requests without an answer', hangs) +
      section('connections dropped without an answer', transport) +
      section('protected objects changed', changed)
    if (report.length > `FUZZ_SEED=${SEED}`.length) console.log(report)

    assert.equal(crashes.length, 0, `the server crashed\n${report}`)
    assert.equal(health, '', `the server is not up after the fuzzing\n${report}`)
    assert.ok(sent >= REQUESTS, `only ${sent} requests were sent\n${report}`)
    assert.equal(fivehundreds.length, 0, `500 answers\n${report}`)
    assert.equal(malformed.length, 0, `malformed answers\n${report}`)
    assert.equal(hangs.length, 0, `requests without an answer\n${report}`)
    assert.equal(transport.length, 0, `dropped connections\n${report}`)
    assert.deepEqual(changed, [], `protected objects changed\n${report}`)
  })
})

// ------------------------------------------------------------------ findings, one by one

describe('requests the fuzzer found to break the server', () => {
  // One in-process server for the findings that are wrong answers; the crash gets its own CLI
  // server (a crash must be seen as a process exiting).
  let server: TestServer | undefined
  const shared = async () => {
    server ??= await startTestServer()
    return server
  }
  after(async () => {
    await server?.dispose()
  })
  const rawGet = (s: CliServer, target: string) =>
    Buffer.from(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${s.token}\r\nConnection: close\r\n\r\n`,
    )

  it('answers a request target that is not a URL (GET //[, GET http://[/api) with 400 and stays up', async () => {
    for (const target of ['//[', 'http://[/api']) {
      const s = await startCliServer({ args: ['--log-level', 'error'] })
      try {
        const answer = await sendRaw(s, rawGet(s, target)).catch((e: Error) => e)
        await Promise.race([s.exited, new Promise((r) => setTimeout(r, 500))])
        assert.equal(s.hasExited(), false, `GET ${target} took the server down:\n${s.stderr().slice(-1500)}`)
        assert.ok(!(answer instanceof Error), `GET ${target} got no answer: ${String(answer)}`)
        assert.equal(answer.status, 400, `GET ${target}`)
        assert.equal((await s.request('/healthz')).status, 200)
      } finally {
        await s.stop()
        removeDataDir(s.dataDir)
      }
    }
  })

  it('answers LIST with a limit beyond int64 with 400 and with int64 max with the list (never 500)', async () => {
    const s = await shared()
    const max = await s.request('/api/v1/namespaces/default/configmaps?limit=9223372036854775807')
    assert.equal(max.status, 200, `limit=2^63-1: ${await max.clone().text()}`)
    await max.arrayBuffer()
    const over = await s.request('/api/v1/namespaces/default/configmaps?limit=9223372036854775808')
    const st = (await over.json()) as { kind: string; code: number }
    assert.equal(over.status, 400, `limit=2^63: ${JSON.stringify(st)}`)
    assert.equal(st.kind, 'Status')
  })

  it('answers continue tokens that are not token objects (JSON null, a number, an array) with 400', async () => {
    const s = await shared()
    const wrong: string[] = []
    for (const text of ['null', '1', '[]', '"x"']) {
      const token = Buffer.from(text).toString('base64url')
      const res = await s.request(`/api/v1/namespaces/default/configmaps?limit=1&continue=${token}`)
      const body = await res.text()
      if (res.status !== 400) wrong.push(`continue=${token} (${text}) -> ${res.status} ${body.slice(0, 200)}`)
    }
    assert.deepEqual(wrong, [])
  })

  it('answers a body whose apiVersion or kind is an object with a "toString" key with 400', async () => {
    const s = await shared()
    const wrong: string[] = []
    for (const body of [
      { apiVersion: { toString: 'x' }, kind: 'ConfigMap', metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: { toString: 'x' }, metadata: { name: 'b' } },
    ]) {
      const res = await s.request('/api/v1/namespaces/default/configmaps', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      const text = await res.text()
      if (res.status !== 400) wrong.push(`POST ${JSON.stringify(body)} -> ${res.status} ${text.slice(0, 200)}`)
    }
    assert.deepEqual(wrong, [])
  })

  it('refuses JSON nested 100,000 levels deep with a 4xx Status on create, update and both patch types', async () => {
    const s = await shared()
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`
    const base = '/api/v1/namespaces/default/configmaps'
    const created = await s.request(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'target' }, data: { k: 'v' } }),
    })
    assert.equal(created.status, 201)
    await created.arrayBuffer()
    const cases: [string, string, string, string][] = [
      ['POST', base, 'application/json', `{"metadata":{"name":"deep"},"data":{},"x":${deep}}`],
      ['PUT', `${base}/target`, 'application/json', `{"metadata":{"name":"target"},"data":{},"x":${deep}}`],
      ['PATCH', `${base}/target`, 'application/merge-patch+json', `{"x":${deep}}`],
      ['PATCH', `${base}/target`, 'application/json-patch+json', `[{"op":"add","path":"/x","value":${deep}}]`],
    ]
    const wrong: string[] = []
    for (const [method, path, type, body] of cases) {
      const res = await s.request(path, { method, headers: { 'content-type': type }, body })
      const text = await res.text()
      if (res.status < 400 || res.status >= 500)
        wrong.push(`${method} ${path} (${type}) -> ${res.status} ${text.slice(0, 200)}`)
    }
    assert.deepEqual(wrong, [])
  })
})

describe('a custom resource that keeps unknown fields, nested thousands of levels deep', () => {
  // Within the decoder's 10,000 levels, such an object reaches every walk over objects (pruning,
  // defaulting, managed fields); one too deep for a walk's stack is the request's fault: 400.
  it('is stored when a walk can take it and refused with a 400 Status when not, never a 500', async () => {
    const s = await startTestServer()
    try {
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'blobs.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'blobs', singular: 'blob', kind: 'Blob', listKind: 'BlobList' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
                },
              },
            },
          ],
        },
      }
      const json = { 'content-type': 'application/json' }
      const made = await s.request('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
        method: 'POST',
        headers: json,
        body: JSON.stringify(crd),
      })
      assert.equal(made.status, 201)
      await made.arrayBuffer()
      const blobs = '/apis/example.com/v1/namespaces/default/blobs'
      const body = (name: string, depth: number) =>
        `{"apiVersion":"example.com/v1","kind":"Blob","metadata":{"name":"${name}"},"spec":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`
      let served = false
      for (let i = 0; i < 50 && !served; i++) {
        const probe = await s.request(blobs)
        served = probe.status === 200
        await probe.arrayBuffer()
        if (!served) await new Promise((r) => setTimeout(r, 100))
      }
      assert.ok(served, 'the CRD was not served within 5 s')
      const shallow = await s.request(blobs, { method: 'POST', headers: json, body: body('shallow', 500) })
      assert.equal(shallow.status, 201, await shallow.text())
      const deep = await s.request(blobs, { method: 'POST', headers: json, body: body('deep', 9_900) })
      const status = (await deep.json()) as { kind: string; code: number; message: string }
      assert.equal(deep.status, 400)
      assert.equal(status.kind, 'Status')
      assert.match(status.message, /nested too deeply/)
      const after = await s.request(`${blobs}/shallow`)
      assert.equal(after.status, 200)
      await after.arrayBuffer()
    } finally {
      await s.dispose()
    }
  })
})

describe('the cluster-wide collection of a namespaced resource', () => {
  // kube-apiserver registers only LIST and WATCH at /api/v1/configmaps (installer.go: "list or
  // post across namespace" adds LIST and WATCHLIST only), so POST and DELETE there are 405.
  it('serves GET only: POST and DELETE are 405 and change nothing in any namespace', async () => {
    const s = await startTestServer()
    try {
      const post = (path: string, body: unknown) =>
        s.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      assert.equal((await post('/api/v1/namespaces', { metadata: { name: 'team-a' } })).status, 201)
      assert.equal((await post('/api/v1/namespaces/team-a/configmaps', { metadata: { name: 'keep-a' } })).status, 201)
      assert.equal((await post('/api/v1/namespaces/default/configmaps', { metadata: { name: 'keep-b' } })).status, 201)
      const names = async () =>
        (
          (await (await s.request('/api/v1/configmaps')).json()) as {
            items: { metadata: { namespace: string; name: string } }[]
          }
        ).items
          .map((i) => `${i.metadata.namespace}/${i.metadata.name}`)
          .sort()
      const before = await names()

      const created = await post('/api/v1/configmaps', { metadata: { name: 'sneaky', namespace: 'team-a' } })
      const deleted = await s.request('/api/v1/configmaps', { method: 'DELETE' })
      const after = await names()
      assert.deepEqual(after, before, 'a write to /api/v1/configmaps changed ConfigMaps')
      assert.equal(created.status, 405, 'POST /api/v1/configmaps')
      assert.equal(deleted.status, 405, 'DELETE /api/v1/configmaps')
      assert.equal(((await deleted.json()) as { kind: string }).kind, 'Status')
    } finally {
      await s.dispose()
    }
  })
})
