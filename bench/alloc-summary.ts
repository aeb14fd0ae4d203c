// Summarises a V8 sampling heap profile (.heapprofile, as written by `--alloc-profile DIR` of
// apiserver.bench.ts): bytes allocated by function (self and inclusive) and by file. With
// short-lived objects included, it shows what fills the young generation, which sets how often
// V8 stops the event loop to scavenge.
//
//   node bench/alloc-summary.ts FILE.heapprofile [--top N] [--divide N]
//
// --divide N: also print bytes per operation (e.g. the number of creates in the phase).

import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { parseArgs } from 'node:util'

interface AllocNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: AllocNode[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, divide: { type: 'string' } },
})
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/alloc-summary.ts FILE.heapprofile [--top N] [--divide N]\n')
  process.exit(2)
}
process.stdout.on('error', () => process.exit(0))

const { head } = JSON.parse(readFileSync(positionals[0], 'utf8')) as { head: AllocNode }
const top = Number(values.top)
const per = values.divide ? Number(values.divide) : undefined

const where = (n: AllocNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '')
  const file = url.startsWith('/') ? relative(process.cwd(), url) : url
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`
}
const self = new Map<string, number>()
const inclusive = new Map<string, number>()
const byFile = new Map<string, number>()
let total = 0

// Inclusive sizes count a function once per path even when it recurses.
function walk(n: AllocNode, onPath: Set<string>): number {
  const key = where(n)
  let sum = n.selfSize
  for (const c of n.children) sum += walk(c, onPath.has(key) ? onPath : new Set(onPath).add(key))
  self.set(key, (self.get(key) ?? 0) + n.selfSize)
  byFile.set(n.callFrame.url || '(native)', (byFile.get(n.callFrame.url || '(native)') ?? 0) + n.selfSize)
  if (!onPath.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + sum)
  total += n.selfSize
  return sum
}
walk(head, new Set())

const fmt = (b: number) => {
  const mb = `${(b / 1e6).toFixed(1).padStart(8)} MB ${((100 * b) / total).toFixed(1).padStart(5)}%`
  return per ? `${mb} ${(b / per / 1024).toFixed(2).padStart(7)} KiB/op` : mb
}
const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`)
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${fmt(v)}  ${k}\n`)
}
process.stdout.write(`${positionals[0]}: ${fmt(total)} allocated (sampled estimate)\n`)
print('self', self)
print('inclusive', inclusive)
print('by file', byFile)
