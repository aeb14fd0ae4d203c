// Summarises a V8 .heapsnapshot (as written by `--heap-snapshot FILE` of apiserver.bench.ts):
// shallow size and count per (node type, constructor/name), largest first. Shallow sizes do not
// say who retains what, but with the object count they usually point at the structure that
// grows with the number of stored objects.
//
//   node bench/heap-summary.ts FILE.heapsnapshot [--top N]

import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' } },
})
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/heap-summary.ts FILE.heapsnapshot [--top N]\n')
  process.exit(2)
}

process.stdout.on('error', () => process.exit(0)) // e.g. piped into head

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

const snap = JSON.parse(readFileSync(positionals[0], 'utf8')) as Snapshot
const fields = snap.snapshot.meta.node_fields
const types = snap.snapshot.meta.node_types[0]
const width = fields.length
const fType = fields.indexOf('type')
const fName = fields.indexOf('name')
const fSize = fields.indexOf('self_size')

const groups = new Map<string, { count: number; bytes: number }>()
let total = 0
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + fType]]
  const size = snap.nodes[i + fSize]
  total += size
  // Strings are grouped by type only (their "name" is their content).
  const name =
    type === 'string' || type === 'concatenated string' || type === 'sliced string'
      ? ''
      : snap.strings[snap.nodes[i + fName]]
  const key = `${type}${name ? ` ${name.slice(0, 80)}` : ''}`
  const g = groups.get(key) ?? { count: 0, bytes: 0 }
  g.count++
  g.bytes += size
  groups.set(key, g)
}

process.stdout.write(`${positionals[0]}: ${(total / 1048576).toFixed(1)} MB in ${snap.nodes.length / width} nodes\n`)
for (const [k, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(values.top))) {
  process.stdout.write(
    `${(g.bytes / 1048576).toFixed(1).padStart(8)} MB ${String(g.count).padStart(9)} × ${(g.bytes / g.count).toFixed(0).padStart(6)} B  ${k}\n`,
  )
}
