// A watch-load client process for apiserver.bench.ts: holds many WATCH streams on one resource
// and timestamps, for each watcher, the arrival of every event the benchmark's writer causes.
// Several of these run side by side so that no single client event loop is the bottleneck.
//
// Events are recognised without JSON parsing: the writer names its objects `w-<seq>`, and the
// client scans each received chunk for `"name":"w-` and reads the digits after it. The receipt
// time of an event is the arrival of the chunk that completes its line, on the clock
// performance.timeOrigin + performance.now() (comparable across processes; the parent checks
// the offset with an IPC ping exchange).
//
// Protocol (IPC, 'advanced' serialisation), every request answered with {id, result}:
//   {type:'open', url, token, ca, path, watchers, seqs}  opens the streams; {opened, failed}
//   {type:'clock'}                                       {now}
//   {type:'mark'}                                        starts the CPU/ELU measurement window
//   {type:'progress', from, to}                          {complete: watchers that have every seq in [from,to)}
//   {type:'finish', acks, sends, from, to}               latencies (ack→receipt, send→receipt) of [from,to)
//   {type:'close'}                                       ends the streams and exits

import { performance } from 'node:perf_hooks'
import { Agent } from 'undici'

const MARKER = Buffer.from('"name":"w-')
const NL = 10

interface Watcher {
  carry: Buffer | null
  ended: boolean
  lines: number
}

let agent: Agent | undefined
let watchers: Watcher[] = []
let seqs = 0
/** recv[w * seqs + seq]: receipt time of event `seq` at watcher `w` (0: not received). */
let recv = new Float64Array(0)
let duplicates = 0
let unknownSeq = 0
let cpuMark = process.cpuUsage()
let eluMark = performance.eventLoopUtilization()

const now = () => performance.timeOrigin + performance.now()

function onChunk(w: number, st: Watcher, chunk: Buffer): void {
  const t = now()
  let buf = chunk
  if (st.carry !== null) {
    buf = Buffer.concat([st.carry, chunk])
    st.carry = null
  }
  const end = buf.lastIndexOf(NL)
  if (end < 0) {
    st.carry = buf
    return
  }
  if (end < buf.length - 1) st.carry = Buffer.from(buf.subarray(end + 1))
  for (let p = buf.indexOf(NL); p >= 0 && p <= end; p = buf.indexOf(NL, p + 1)) st.lines++
  const base = w * seqs
  for (let i = buf.indexOf(MARKER); i >= 0 && i < end; i = buf.indexOf(MARKER, i + MARKER.length)) {
    let j = i + MARKER.length
    let seq = 0
    for (let c = buf[j]; c >= 48 && c <= 57; c = buf[++j]) seq = seq * 10 + (c - 48)
    if (seq >= seqs) {
      unknownSeq++
      continue
    }
    if (recv[base + seq] !== 0) duplicates++
    else recv[base + seq] = t
  }
}

async function open(msg: {
  url: string
  token: string
  ca: string
  path: string
  watchers: number
  seqs: number
}): Promise<{ opened: number; failed: string[] }> {
  const origin = new URL(msg.url).origin
  seqs = msg.seqs
  recv = new Float64Array(msg.watchers * msg.seqs)
  agent = new Agent({ connections: msg.watchers + 1, pipelining: 1, connect: { ca: msg.ca }, bodyTimeout: 0 })
  watchers = Array.from({ length: msg.watchers }, () => ({ carry: null, ended: false, lines: 0 }))
  const failed: string[] = []
  let next = 0
  const worker = async () => {
    while (next < watchers.length) {
      const w = next++
      const st = watchers[w]
      try {
        const res = await agent!.request({
          origin,
          path: msg.path,
          method: 'GET',
          headers: { authorization: `Bearer ${msg.token}` },
          headersTimeout: 60_000,
          bodyTimeout: 0,
        })
        if (res.statusCode !== 200) {
          failed.push(`watcher ${w}: HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`)
          st.ended = true
          continue
        }
        res.body.on('data', (chunk: Buffer) => onChunk(w, st, chunk))
        res.body.on('end', () => {
          st.ended = true
        })
        res.body.on('error', () => {
          st.ended = true
        })
      } catch (e) {
        failed.push(`watcher ${w}: ${String(e)}`)
        st.ended = true
      }
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  return { opened: watchers.length - failed.length, failed: failed.slice(0, 5) }
}

function complete(from: number, to: number): number {
  let n = 0
  for (let w = 0; w < watchers.length; w++) {
    const base = w * seqs
    let all = true
    for (let s = from; s < to && all; s++) all = recv[base + s] !== 0
    if (all) n++
  }
  return n
}

function finish(msg: { acks: Float64Array; sends: Float64Array; from: number; to: number }) {
  const cpu = process.cpuUsage(cpuMark)
  const elu = performance.eventLoopUtilization(eluMark)
  const span = msg.to - msg.from
  const fromAck = new Float64Array(watchers.length * span)
  const fromSend = new Float64Array(watchers.length * span)
  let n = 0
  let missing = 0
  for (let w = 0; w < watchers.length; w++) {
    const base = w * seqs
    for (let s = msg.from; s < msg.to; s++) {
      const t = recv[base + s]
      if (t === 0 || msg.acks[s] === 0) {
        missing++
        continue
      }
      fromAck[n] = t - msg.acks[s]
      fromSend[n] = t - msg.sends[s]
      n++
    }
  }
  return {
    fromAck: fromAck.slice(0, n),
    fromSend: fromSend.slice(0, n),
    missing,
    duplicates,
    unknownSeq,
    ended: watchers.filter((w) => w.ended).length,
    lines: watchers.reduce((a, w) => a + w.lines, 0),
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    elu: elu.utilization,
  }
}

async function handle(msg: any): Promise<unknown> {
  switch (msg.type) {
    case 'open':
      return open(msg)
    case 'clock':
      return { now: now() }
    case 'mark':
      cpuMark = process.cpuUsage()
      eluMark = performance.eventLoopUtilization()
      return true
    case 'progress':
      return { complete: complete(msg.from, msg.to) }
    case 'finish':
      return finish(msg)
    case 'close':
      setImmediate(() => {
        void agent?.destroy()
        process.exit(0)
      })
      return true
    default:
      throw new Error(`unknown request ${msg.type}`)
  }
}

if (!process.send) {
  process.stderr.write('bench/watch-client.ts runs under apiserver.bench.ts (it needs an IPC channel)\n')
  process.exit(2)
}
process.on('message', (msg: any) => {
  handle(msg).then(
    (result) => process.send!({ id: msg.id, result }),
    (err: unknown) => process.send!({ id: msg.id, error: String(err instanceof Error ? err.stack : err) }),
  )
})
process.on('disconnect', () => process.exit(0))
process.send({ type: 'hello' })
