// Oracle generator for the SMP corpus: runs `kubectl patch --local --type strategic` for every
// case in cases/*.json and stores what kubectl printed next to the case, so that the test suite
// (strategic.test.ts) needs no kubectl.
//
//   node src/machinery/patch/strategic/oracle.ts           # (re)generate expectations
//   node src/machinery/patch/strategic/oracle.ts --check   # compare with stored ones, write nothing
//
// The oracle is kubectl 1.33 (KUBECTL, default /usr/lib/google-cloud-sdk/bin/kubectl.1.33); each
// case runs twice to catch answers that depend on Go's random map order. kubectl 1.28
// (KUBECTL_OLD) runs once and is recorded only where it disagrees. kubectl runs with
// KUBECONFIG=/nonexistent and --local: nothing but the patch logic is involved.
//
// Case file format:
//   { "description": "...", "fixtures": { "<name>": <object> },
//     "cases": [ { "name": "...", "original": <object> | "originalFrom": "<fixture>", "patch": <json>,
//                  // written by this script:
//                  "expected": <object>                    // kubectl's output, or
//                  "expectError": true, "error": "<msg>"   // kubectl's error
//                  "kubectl128": { ... }                   // only where 1.28 differs
//                  "nondeterministic": true                // only if two 1.33 runs differed
//                  // written by hand, rarely:
//                  "deviation": { "reason": "...", "expected": <object> } } ] }

import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface OracleCase {
  name: string
  original?: unknown
  originalFrom?: string
  patch: unknown
  expected?: unknown
  expectError?: boolean
  error?: string
  kubectl128?: { expected?: unknown; error?: string }
  nondeterministic?: boolean
  deviation?: { reason: string; expected?: unknown; error?: string }
}

export interface CaseFile {
  description?: string
  fixtures?: Record<string, unknown>
  cases: OracleCase[]
}

export const CASES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cases')

export function loadCaseFiles(): { file: string; data: CaseFile }[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: join(CASES_DIR, f), data: JSON.parse(readFileSync(join(CASES_DIR, f), 'utf8')) as CaseFile }))
}

/** The live object of a case: inline, or a fixture of the same file. */
export function originalOf(c: OracleCase, file: CaseFile): unknown {
  if (c.originalFrom !== undefined) {
    const f = file.fixtures?.[c.originalFrom]
    if (f === undefined) throw new Error(`case "${c.name}": no fixture "${c.originalFrom}"`)
    return f
  }
  return c.original
}

interface Outcome {
  expected?: unknown
  error?: string
}

function runKubectl(kubectl: string, originalPath: string, patch: unknown): Promise<Outcome> {
  const p = JSON.stringify(patch)
  // --show-managed-fields: kubectl's printer hides metadata.managedFields otherwise.
  const args = [
    'patch',
    '--local',
    '-f',
    originalPath,
    '--type',
    'strategic',
    '-p',
    p,
    '-o',
    'json',
    '--show-managed-fields',
  ]
  return new Promise((resolve) => {
    execFile(kubectl, args, { env: { ...process.env, KUBECONFIG: '/nonexistent' } }, (err, stdout, stderr) => {
      if (!err) return resolve({ expected: JSON.parse(stdout) })
      const text = stderr.trim()
      // A Go panic: keep its first line ("panic: runtime error: ...").
      if (text.startsWith('panic:')) return resolve({ error: text.split('\n')[0] })
      resolve({ error: text.replace(/^error: /, '') })
    })
  })
}

function same(a: Outcome, b: Outcome): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k])
    return out
  }
  return v
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++])
  })
  await Promise.all(workers)
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check')
  const kubectl = process.env.KUBECTL ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33'
  const kubectlOld = process.env.KUBECTL_OLD ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.28'
  const tmp = mkdtempSync(join(tmpdir(), 'smp-oracle-'))
  let total = 0
  let changed = 0
  let olderDiffers = 0
  try {
    for (const { file, data } of loadCaseFiles()) {
      const jobs = data.cases.map((c, i) => ({ c, i }))
      await mapLimit(jobs, 8, async ({ c, i }) => {
        const path = join(tmp, `${file.replace(/\W/g, '_')}-${i}.json`)
        writeFileSync(path, JSON.stringify(originalOf(c, data)))
        const first = await runKubectl(kubectl, path, c.patch)
        const second = await runKubectl(kubectl, path, c.patch)
        const old = await runKubectl(kubectlOld, path, c.patch)
        const stored: Outcome = c.expectError ? { error: c.error } : { expected: c.expected }
        if (!same(first, stored)) {
          changed++
          if (check) console.log(`${c.name}: stored expectation differs from kubectl`)
        }
        delete c.expected
        delete c.expectError
        delete c.error
        delete c.kubectl128
        delete c.nondeterministic
        if (first.error !== undefined) {
          c.expectError = true
          c.error = first.error
        } else c.expected = first.expected
        if (!same(first, second)) {
          c.nondeterministic = true
          console.log(`${c.name}: kubectl answered differently on two runs`)
        }
        if (!same(first, old)) {
          olderDiffers++
          c.kubectl128 = old
          console.log(`${c.name}: kubectl 1.28 differs: ${old.error ?? JSON.stringify(old.expected)}`)
        }
        total++
      })
      if (!check) writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`)
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  console.log(
    `${total} cases; ${changed} expectations ${check ? 'differ' : 'changed'}; kubectl 1.28 differs on ${olderDiffers}`,
  )
  if (check && changed > 0) process.exitCode = 1
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
