// Summarises a V8 .cpuprofile (as written by `--profile DIR` of apiserver.bench.ts or by
// node --cpu-prof): where the sampled time went, by function (self and inclusive) and by file.
// The V8 profiler samples the JS thread on a timer, so time the thread spends blocked inside a
// synchronous native call (an SQLite COMMIT waiting for fsync) is attributed to that call.
//
//   node bench/profile-summary.ts FILE.cpuprofile [--top N] [--filter TEXT] [--callers NAME]
//
// --callers NAME: where the self time of functions named NAME comes from (their call paths,
// innermost Flotilla frame first), e.g. --callers writeUtf8String.

import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { parseArgs } from 'node:util'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}

interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, filter: { type: 'string' }, callers: { type: 'string' } },
})
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/profile-summary.ts FILE.cpuprofile [--top N] [--filter TEXT]\n')
  process.exit(2)
}
const top = Number(values.top)
process.stdout.on('error', () => process.exit(0)) // e.g. piped into head
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile

const byId = new Map<number, ProfileNode>()
const parent = new Map<number, number>()
for (const n of profile.nodes) {
  byId.set(n.id, n)
  for (const c of n.children ?? []) parent.set(c, n.id)
}

// Time per sample: the delta to the next sample (V8 records the delta before each sample).
const selfUs = new Map<number, number>()
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt)
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0)

const cwd = process.cwd()
function where(f: CallFrame): string {
  const url = f.url.startsWith('file://') ? relative(cwd, new URL(f.url).pathname) : f.url
  return url ? `${url}:${f.lineNumber + 1}` : '(native)'
}
function label(f: CallFrame): string {
  return `${f.functionName || '(anonymous)'} ${where(f)}`
}

const self = new Map<string, number>()
const inclusive = new Map<string, number>()
const files = new Map<string, number>()
for (const [id, us] of selfUs) {
  const node = byId.get(id)!
  const f = node.callFrame
  self.set(label(f), (self.get(label(f)) ?? 0) + us)
  const file = f.url ? where(f).replace(/:\d+$/, '') : `(${f.functionName || 'native'})`
  files.set(file, (files.get(file) ?? 0) + us)
  // Inclusive: every distinct frame on the stack gets the sample once.
  const seen = new Set<string>()
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!.callFrame)
    if (seen.has(l)) continue
    seen.add(l)
    inclusive.set(l, (inclusive.get(l) ?? 0) + us)
  }
}

const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`
function print(title: string, m: Map<string, number>) {
  process.stdout.write(`\n${title}\n`)
  const entries = [...m].filter(([k]) => !values.filter || k.includes(values.filter)).sort((a, b) => b[1] - a[1])
  for (const [k, us] of entries.slice(0, top)) process.stdout.write(`${pct(us)} ${ms(us)}  ${k}\n`)
}

process.stdout.write(
  `${positionals[0]}: ${(totalUs / 1e6).toFixed(2)} s sampled, ${profile.samples.length} samples ` +
    `(idle = "(idle)"; "(program)" = native work outside JS, "(garbage collector)" = GC)\n`,
)
if (values.callers) {
  // Self time of the named function, by the chain of its nearest callers (up to 6 frames).
  const paths = new Map<string, number>()
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName !== values.callers) continue
    const chain: string[] = []
    for (let cur = parent.get(id); cur !== undefined && chain.length < 6; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame
      if (f.functionName === '(root)') break
      chain.push(label(f))
    }
    const k = chain.join(' ← ')
    paths.set(k, (paths.get(k) ?? 0) + us)
  }
  print(`Self time of ${values.callers} by caller chain`, paths)
  process.exit(0)
}
print('Self time by function', self)
print('Inclusive time by function', inclusive)
print('Self time by file', files)
