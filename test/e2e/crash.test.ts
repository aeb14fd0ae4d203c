// Crash safety: the real `flotilla server` CLI (storage sync "full", the default) is killed with
// SIGKILL while 64 clients write concurrently, then restarted on the same data directory.
//
// Asserted, for every crash:
// - every acknowledged write is there: a created or updated object exists with a
//   resourceVersion at least the acknowledged one and a value at least as new (for objects
//   written by several clients at once, the stored value is the acknowledged write with the
//   highest resourceVersion or a later, unacknowledged one); an acknowledged delete stays deleted;
// - nothing else is there: every stored object whose state no acknowledgement explains was the
//   target of a request still in flight at the kill;
// - resourceVersions stay monotonic: writes after the restart get resourceVersions above every
//   one handed out before the crash;
// - a watch that was open before the crash, resumed from the last resourceVersion it had seen,
//   delivers exactly the changes it had not seen (or an ERROR 410): each acknowledged write after
//   that point exactly once, in order, and its events rebuild exactly the server's state;
//   resuming from an older resourceVersion continues or gets 410 too, never a silent gap.

import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { type ApiClient, apiClient } from '../helpers/api-client.ts'
import { type CliServer, removeDataDir, startCliServer } from '../helpers/cli-server.ts'
import { fuzzSeed, Rng } from '../helpers/rng.ts'
import { startTcpProxy } from '../helpers/tcp-proxy.ts'

const SEED = fuzzSeed()
const WRITERS = 64
const NS = 'crash'
const BASE = `/api/v1/namespaces/${NS}/configmaps`

interface Ack {
  op: 'create' | 'update' | 'delete'
  name: string
  /** Acknowledged resourceVersion (deletes of ConfigMaps answer a Status without one). */
  rv?: number
  /** The value the write stored in data.v. */
  value?: string
}

interface WatchEventLine {
  type: string
  name: string
  rv: number
  value?: string
  code?: number
}

interface OpenWatch {
  events: WatchEventLine[]
  /** Resolves when the stream ends (normally or not). */
  ended: Promise<string>
  close(): void
}

const num = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN)

/** Opens a watch and collects its events as they come. */
async function openWatch(client: ApiClient, path: string): Promise<OpenWatch> {
  const controller = new AbortController()
  const events: WatchEventLine[] = []
  const res = await client.request(path, { signal: controller.signal })
  assert.equal(res.status, 200, `watch ${path}`)
  const ended = (async () => {
    let buf = ''
    const decoder = new TextDecoder()
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true })
        let nl = buf.indexOf('\n')
        while (nl >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          if (line.trim() !== '') {
            const ev = JSON.parse(line) as { type: string; object: any }
            events.push({
              type: ev.type,
              name: ev.object?.metadata?.name ?? '',
              rv: num(ev.object?.metadata?.resourceVersion),
              value: ev.object?.data?.v,
              code: ev.type === 'ERROR' ? ev.object?.code : undefined,
            })
          }
          nl = buf.indexOf('\n')
        }
      }
      return 'end'
    } catch (e) {
      return `error: ${(e as Error).message}`
    }
  })()
  return { events, ended, close: () => controller.abort() }
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * 64 writers creating, updating (PUT, merge patch, JSON patch) and deleting ConfigMaps — their
 * own and a few shared ones — until the connection breaks. Every 2xx answer is recorded.
 */
class Writers {
  readonly acks: Ack[] = []
  /** Names targeted by requests that have not been answered (yet). */
  readonly inFlight = new Map<number, string>()
  readonly unexpected: string[] = []
  private seq = 0
  private reqId = 0
  private stopped = false
  private readonly client: ApiClient
  private readonly rng: Rng
  private readonly round: number

  constructor(client: ApiClient, rng: Rng, round: number) {
    this.client = client
    this.rng = rng
    this.round = round
  }

  private async send(method: string, path: string, name: string, body?: unknown, type = 'application/json') {
    const id = this.reqId++
    this.inFlight.set(id, name)
    try {
      const res = await this.client.request(path, {
        method,
        headers: { 'content-type': type },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      // Answered: no longer in doubt (whatever the answer).
      this.inFlight.delete(id)
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
    } catch (e) {
      // No answer: the server died under this request; it stays "in flight" (in doubt).
      this.stopped = true
      return { status: 0, error: e as Error }
    }
  }

  async run(onAck: () => void): Promise<void> {
    const shared = ['shared-0', 'shared-1', 'shared-2', 'shared-3']
    const worker = async (w: number) => {
      const mine: { name: string; rv: number }[] = []
      let n = 0
      while (!this.stopped) {
        const value = `${this.round}-${this.seq++}`
        const r = this.rng.float()
        if (mine.length === 0 || r < 0.35) {
          const name = `r${this.round}-w${w}-${n++}`
          const res = await this.send('POST', BASE, name, { metadata: { name }, data: { v: value } })
          if (res.status === 201) {
            this.acks.push({ op: 'create', name, rv: num(res.body.metadata.resourceVersion), value })
            mine.push({ name, rv: num(res.body.metadata.resourceVersion) })
            onAck()
          } else if (res.status !== 0) this.unexpected.push(`create ${name}: ${res.status}`)
        } else if (r < 0.45) {
          const name = this.rng.pick(shared)
          const res = await this.send(
            'PATCH',
            `${BASE}/${name}`,
            name,
            { data: { v: value } },
            'application/merge-patch+json',
          )
          if (res.status === 200) {
            this.acks.push({ op: 'update', name, rv: num(res.body.metadata.resourceVersion), value })
            onAck()
          } else if (res.status !== 0 && res.status !== 409) this.unexpected.push(`patch ${name}: ${res.status}`)
        } else if (r < 0.52) {
          const o = mine.splice(this.rng.int(0, mine.length - 1), 1)[0]
          const res = await this.send('DELETE', `${BASE}/${o.name}`, o.name)
          if (res.status === 200) {
            this.acks.push({ op: 'delete', name: o.name })
            onAck()
          } else if (res.status !== 0) this.unexpected.push(`delete ${o.name}: ${res.status}`)
        } else {
          const o = this.rng.pick(mine)
          const kind = this.rng.int(0, 2)
          const res =
            kind === 0
              ? await this.send('PUT', `${BASE}/${o.name}`, o.name, {
                  metadata: { name: o.name, resourceVersion: String(o.rv) },
                  data: { v: value },
                })
              : kind === 1
                ? await this.send(
                    'PATCH',
                    `${BASE}/${o.name}`,
                    o.name,
                    { data: { v: value } },
                    'application/merge-patch+json',
                  )
                : await this.send(
                    'PATCH',
                    `${BASE}/${o.name}`,
                    o.name,
                    [{ op: 'replace', path: '/data/v', value }],
                    'application/json-patch+json',
                  )
          if (res.status === 200) {
            o.rv = num(res.body.metadata.resourceVersion)
            this.acks.push({ op: 'update', name: o.name, rv: o.rv, value })
            onAck()
          } else if (res.status !== 0) this.unexpected.push(`update ${o.name}: ${res.status}`)
        }
      }
    }
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => worker(w)))
  }
}

let dataDir: string | undefined
let server: CliServer | undefined
let client: ApiClient | undefined

after(async () => {
  await client?.close()
  await server?.stop()
  if (dataDir) removeDataDir(dataDir)
})

async function start(): Promise<{ s: CliServer; c: ApiClient }> {
  const s = await startCliServer({ dataDir, args: ['--storage-sync', 'full', '--log-level', 'warn'] })
  dataDir = s.dataDir
  server = s
  client = apiClient(s.url, s.token, s.caCert)
  return { s, c: client }
}

async function list(c: ApiClient): Promise<{ rv: number; items: Map<string, { rv: number; value: string }> }> {
  const res = await c.request(BASE)
  assert.equal(res.status, 200)
  const body = (await res.json()) as { metadata: { resourceVersion: string }; items: any[] }
  return {
    rv: num(body.metadata.resourceVersion),
    items: new Map(body.items.map((i) => [i.metadata.name, { rv: num(i.metadata.resourceVersion), value: i.data?.v }])),
  }
}

describe(`crash safety of flotilla server (seed ${SEED}; FUZZ_SEED reproduces)`, () => {
  it('keeps every acknowledged write across kill -9 during 64-way concurrent writes, keeps resourceVersions monotonic, and resumes watches without a gap', {
    timeout: 600_000,
  }, async (t) => {
    const rng = new Rng(SEED, 7)
    let { s, c } = await start()
    const ns = await c.request('/api/v1/namespaces', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { name: NS } }),
    })
    assert.equal(ns.status, 201)
    const nsRv = num(((await ns.json()) as any).metadata.resourceVersion)
    for (const name of ['shared-0', 'shared-1', 'shared-2', 'shared-3']) {
      const r = await c.request(BASE, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name }, data: { v: 'initial' } }),
      })
      assert.equal(r.status, 201)
      await r.arrayBuffer()
    }

    const allAcks: Ack[] = []
    const inDoubt = new Set<string>()
    /** Every resourceVersion handed out before the latest crash (answers and watch events). */
    let maxBefore = 0
    const report: string[] = []

    for (let round = 1; round <= 2; round++) {
      const started = performance.now()
      // A watch open across the crash, from the current state. It reaches the server through a
      // relay that stops passing data half-way (a client that fell behind): when the server
      // dies, a good part of the writes were never delivered to it.
      const start0 = await list(c)
      const proxy = await startTcpProxy(s.port)
      const viaProxy = apiClient(`https://127.0.0.1:${proxy.port}`, s.token, s.caCert)
      const watch = await openWatch(viaProxy, `${BASE}?watch=true&resourceVersion=${start0.rv}`)

      // Write with 64 clients; kill -9 at a random point once writes are flowing.
      const killAfter = rng.int(600, 1500)
      const writers = new Writers(c, rng, round)
      let killed = false
      const writing = writers.run(() => {
        if (writers.acks.length === Math.floor(killAfter / 2)) proxy.pause()
        if (!killed && writers.acks.length >= killAfter) {
          killed = true
          s.child.kill('SIGKILL')
        }
      })
      // Backstop: should the writers stall before reaching the kill point, kill anyway (and fail).
      const backstop = setTimeout(() => s.child.kill('SIGKILL'), 120_000)
      await writing
      if (!killed) s.child.kill('SIGKILL')
      const exit = await s.exited
      clearTimeout(backstop)
      assert.ok(
        killed,
        `the writers stopped after ${writers.acks.length} of ${killAfter} writes: ${writers.unexpected.join('; ')}`,
      )
      // What the relay still holds never reaches the watcher.
      await proxy.close()
      await watch.ended
      await viaProxy.close()
      assert.equal(exit.signal, 'SIGKILL', 'the server was killed, not stopped')
      assert.deepEqual(writers.unexpected, [], 'writes before the crash were accepted')
      await c.close()
      const acks = writers.acks
      allAcks.push(...acks)
      // Requests without an answer may or may not have been committed (in any round so far).
      for (const name of writers.inFlight.values()) inDoubt.add(name)
      for (const a of acks) if (a.rv !== undefined) maxBefore = Math.max(maxBefore, a.rv)
      for (const e of watch.events) if (Number.isFinite(e.rv)) maxBefore = Math.max(maxBefore, e.rv)
      const seenByWatch = watch.events.filter((e) => e.type !== 'BOOKMARK' && e.type !== 'ERROR')
      const lastSeen = seenByWatch.length > 0 ? seenByWatch[seenByWatch.length - 1].rv : start0.rv

      // Restart on the same data.
      ;({ s, c } = await start())
      const now = await list(c)

      // 1. Every acknowledged write is there; nothing unexplained is.
      const byName = new Map<string, Ack[]>()
      for (const a of allAcks) byName.set(a.name, [...(byName.get(a.name) ?? []), a])
      const problems: string[] = []
      for (const [name, history] of byName) {
        const stored = now.items.get(name)
        const last = history[history.length - 1]
        if (last.op === 'delete') {
          if (stored) problems.push(`${name}: deleted (acknowledged) but present @${stored.rv}`)
          continue
        }
        if (!stored) {
          // Only a delete in flight at the kill may have removed it.
          if (!inDoubt.has(name)) problems.push(`${name}: acknowledged @${last.rv} (${last.op}) but missing`)
          continue
        }
        const newest = history.filter((a) => a.rv !== undefined).reduce((m, a) => (a.rv! > m.rv! ? a : m))
        if (stored.rv < newest.rv!) problems.push(`${name}: stored @${stored.rv}, acknowledged @${newest.rv}`)
        if (stored.rv === newest.rv && stored.value !== newest.value) {
          problems.push(`${name}: @${stored.rv} holds "${stored.value}", acknowledged "${newest.value}"`)
        }
        if (stored.rv > newest.rv!) {
          // A later write, unacknowledged: it must have been in flight at the kill.
          const known = history.find((a) => a.rv === stored.rv)
          if (!known && !inDoubt.has(name))
            problems.push(
              `${name}: @${stored.rv} is newer than any acknowledged write and nothing was in flight for it`,
            )
          if (known && known.value !== stored.value)
            problems.push(`${name}: @${stored.rv} holds "${stored.value}", acknowledged "${known.value}"`)
        }
      }
      for (const [name, o] of now.items) {
        if (!byName.has(name) && !name.startsWith('shared-') && !name.startsWith('sentinel-') && !inDoubt.has(name)) {
          problems.push(`${name}@${o.rv} exists, but no write of it was acknowledged or in flight`)
        }
      }
      assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems after crash ${round}`)

      // 2. Monotonic: the list and every new write are beyond everything handed out before.
      assert.ok(now.rv >= maxBefore, `LIST resourceVersion ${now.rv} after restart < ${maxBefore} before the crash`)
      const sentinel = await c.request(BASE, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ metadata: { name: `sentinel-${round}` }, data: { v: 'after' } }),
      })
      assert.equal(sentinel.status, 201)
      const sentinelRv = num(((await sentinel.json()) as any).metadata.resourceVersion)
      assert.ok(sentinelRv > maxBefore, `first write after restart got ${sentinelRv}, not above ${maxBefore}`)

      // 3. The watch resumes from the last resourceVersion it saw: exactly the unseen changes.
      const resumed = await openWatch(c, `${BASE}?watch=true&resourceVersion=${lastSeen}`)
      await waitFor('the resumed watch to reach the sentinel', () =>
        resumed.events.some((e) => e.type === 'ERROR' || (e.name === `sentinel-${round}` && e.rv === sentinelRv)),
      )
      resumed.close()
      const evs = resumed.events.filter((e) => e.type !== 'BOOKMARK')
      if (evs[0]?.type === 'ERROR') {
        // Allowed by the contract (history gone), but then it must be the only event and a 410.
        assert.equal(evs.length, 1)
        assert.equal(evs[0].code, 410)
        report.push(`round ${round}: resumed watch got 410`)
      } else {
        const tail = evs.filter((e) => e.rv < sentinelRv)
        const watchProblems: string[] = []
        for (let i = 0; i < tail.length; i++) {
          if (tail[i].rv <= (i === 0 ? lastSeen : tail[i - 1].rv))
            watchProblems.push(`event ${tail[i].type} ${tail[i].name}@${tail[i].rv} out of order`)
        }
        // Every acknowledged write after lastSeen, exactly once (acks of this round before the kill).
        const delivered = new Map<number, WatchEventLine[]>()
        for (const e of [...seenByWatch, ...tail]) delivered.set(e.rv, [...(delivered.get(e.rv) ?? []), e])
        for (const a of acks) {
          if (a.rv === undefined) continue
          const got = delivered.get(a.rv) ?? []
          if (got.length !== 1 || got[0].name !== a.name || got[0].value !== a.value) {
            watchProblems.push(
              `acknowledged ${a.op} ${a.name}@${a.rv} delivered ${got.length} times (before or after the crash)`,
            )
          }
        }
        for (const a of acks.filter((x) => x.op === 'delete')) {
          const n = [...seenByWatch, ...tail].filter((e) => e.type === 'DELETED' && e.name === a.name).length
          if (n !== 1) watchProblems.push(`acknowledged delete of ${a.name} delivered ${n} times`)
        }
        // The events rebuild the server's state: start0's state + events = state after restart.
        const state = new Map<string, { rv: number; value?: string }>()
        for (const [name, o] of start0.items) state.set(name, o)
        for (const e of [...seenByWatch, ...tail]) {
          if (e.type === 'DELETED') state.delete(e.name)
          else state.set(e.name, { rv: e.rv, value: e.value })
        }
        const fmt = (m: Map<string, { rv: number; value?: string }>) =>
          [...m].map(([n, o]) => `${n}@${o.rv}=${o.value}`).sort()
        assert.deepEqual(watchProblems.slice(0, 30), [], `${watchProblems.length} problems with the resumed watch`)
        assert.deepEqual(fmt(state), fmt(now.items), 'the watch before and after the crash rebuilds the stored state')
        assert.ok(tail.length > 0, 'the lagging watch had changes to catch up on')
        report.push(
          `round ${round}: killed after ${acks.length} acknowledged writes (${writers.inFlight.size} in doubt), watch saw ${seenByWatch.length} before and ${tail.length} after; ${((performance.now() - started) / 1000).toFixed(1)} s`,
        )
      }

      // 4. Resuming from an older resourceVersion (the namespace's creation) continues or gets 410.
      const old = await openWatch(c, `${BASE}?watch=true&resourceVersion=${nsRv}`)
      await waitFor('the old watch to reach the sentinel', () =>
        old.events.some((e) => e.type === 'ERROR' || (e.name === `sentinel-${round}` && e.rv === sentinelRv)),
      )
      old.close()
      const oldEvs = old.events.filter((e) => e.type !== 'BOOKMARK')
      if (oldEvs[0]?.type === 'ERROR') assert.equal(oldEvs[0].code, 410)
      else {
        const rvs = oldEvs.map((e) => e.rv)
        assert.ok(
          rvs.every((rv, i) => rv > (i === 0 ? nsRv : rvs[i - 1])),
          'events from an old resourceVersion are in order',
        )
        const seen = new Set(rvs)
        const missing = allAcks.filter((a) => a.rv !== undefined && !seen.has(a.rv))
        assert.deepEqual(
          missing.slice(0, 10),
          [],
          'a watch from the namespace creation delivers every acknowledged write',
        )
      }
    }
    t.diagnostic(report.join('\n'))
    console.log(report.join('\n'))
  })
})
