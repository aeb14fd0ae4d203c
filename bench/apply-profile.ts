// Reading the server's CPU profile for the apply benchmark (apply.bench.ts).
//
// The profiled server runs with `node --cpu-prof`, which writes one .cpuprofile for the whole
// process when it exits. V8 stamps samples with its monotonic clock (CLOCK_MONOTONIC, µs), the
// clock process.hrtime() reads, so the benchmark notes the window of each profiled pass and
// sliceProfile() cuts the samples of that window out. analyze() then attributes sampled time to
// functions (self and inclusive) and to the named stages of the write paths.

import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

export interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber?: number
  scriptId?: string
}

export interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
  hitCount?: number
}

export interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
}

/** The samples of [fromUs, toUs) (V8 monotonic µs), as a profile of its own (same nodes). */
export function sliceProfile(p: CpuProfile, fromUs: number, toUs: number): CpuProfile {
  const samples: number[] = []
  const deltas: number[] = []
  let t = p.startTime
  let last = fromUs
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]
    if (t < fromUs) continue
    if (t >= toUs) break
    samples.push(p.samples[i])
    deltas.push(t - last)
    last = t
  }
  return { nodes: p.nodes, startTime: fromUs, endTime: Math.min(toUs, p.endTime), samples, timeDeltas: deltas }
}

/** Frames a stage consists of: a function name (or any function) in a script (or native). */
export interface FrameMatch {
  /** Function name as V8 reports it; omitted: any function of the file. */
  fn?: string
  /** Part of the script's URL, e.g. 'src/machinery/apply/merge.ts' or 'src/storage/'; '' = native. */
  file?: string
}

/**
 * A stage of a write path. Top-level stages partition the samples: a sample goes to the
 * outermost top-level stage on its stack (so time in structuredClone called by
 * applyConfiguration is applyConfiguration's). Detail stages are inclusive and may overlap.
 */
export interface Stage {
  label: string
  match: FrameMatch[]
  top: boolean
  /** Indentation in the report. */
  depth?: number
}

/** Weights (sample counts, or µs with weight 'time') by what they were spent in. */
export interface Analysis {
  /** All samples. */
  total: number
  /** Time the event loop waited (the "(idle)" node). */
  idle: number
  gc: number
  /** Native work outside JS frames ("(program)"): TLS, HTTP parsing, syscalls. */
  program: number
  /** Busy time in no top-level stage (nor GC or "(program)"). */
  other: number
  samples: number
  self: Map<string, number>
  inclusive: Map<string, number>
  stages: Map<string, number>
}

function where(f: CallFrame, cwd: string): string {
  if (!f.url) return '(native)'
  const url = f.url.startsWith('file://') ? relative(cwd, new URL(f.url).pathname) : f.url
  return `${url}:${f.lineNumber + 1}`
}

/** "file:line function" for reports. */
export function frameLabel(f: CallFrame, cwd = process.cwd()): string {
  return `${where(f, cwd)} ${f.functionName || '(anonymous)'}`
}

function matches(f: CallFrame, s: Stage): boolean {
  return s.match.some((m) => {
    if (m.fn !== undefined && f.functionName !== m.fn) return false
    if (m.file === undefined) return true
    return m.file === '' ? f.url === '' : f.url.includes(m.file)
  })
}

/**
 * Attributes the samples of a profile to functions and stages. With weight 'samples' (the
 * default) every sample counts 1: V8's sampler signals the thread on a timer and signals that
 * arrive while the thread is descheduled or blocked coalesce, so counts follow the CPU time the
 * thread got rather than wall time (which on a busy machine includes time spent waiting for a
 * core). With 'time' a sample weighs the wall time to the next one (µs), as DevTools shows it.
 */
export function analyze(
  p: CpuProfile,
  stages: readonly Stage[],
  weight: 'samples' | 'time' = 'samples',
  cwd = process.cwd(),
): Analysis {
  const byId = new Map<number, ProfileNode>()
  const parent = new Map<number, number>()
  for (const n of p.nodes) {
    byId.set(n.id, n)
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const perNode = new Map<number, number>()
  for (let i = 0; i < p.samples.length; i++) {
    // V8 records the delta before each sample: a sample's time is the delta to the next one.
    const w = weight === 'samples' ? 1 : (p.timeDeltas[i + 1] ?? 0)
    perNode.set(p.samples[i], (perNode.get(p.samples[i]) ?? 0) + w)
  }
  const a: Analysis = {
    total: 0,
    idle: 0,
    gc: 0,
    program: 0,
    other: 0,
    samples: p.samples.length,
    self: new Map(),
    inclusive: new Map(),
    stages: new Map(stages.map((s) => [s.label, 0])),
  }
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v)
  for (const [id, us] of perNode) {
    a.total += us
    const f = byId.get(id)!.callFrame
    add(a.self, frameLabel(f, cwd), us)
    if (f.functionName === '(idle)') {
      a.idle += us
      continue
    }
    if (f.functionName === '(garbage collector)') a.gc += us
    else if (f.functionName === '(program)') a.program += us
    const seenLabels = new Set<string>()
    const seenStages = new Set<string>()
    let outermost: string | undefined
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame
      const l = frameLabel(cf, cwd)
      if (!seenLabels.has(l)) {
        seenLabels.add(l)
        add(a.inclusive, l, us)
      }
      for (const s of stages) {
        if (!matches(cf, s)) continue
        if (s.top) outermost = s.label
        else if (!seenStages.has(s.label)) {
          seenStages.add(s.label)
          add(a.stages, s.label, us)
        }
      }
    }
    if (outermost) add(a.stages, outermost, us)
    else if (f.functionName !== '(garbage collector)' && f.functionName !== '(program)') a.other += us
  }
  return a
}

/** The top entries of a map of µs, largest first. */
export function top(m: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) {
  return [...m]
    .filter(([k]) => filter(k))
    .sort((x, y) => y[1] - x[1])
    .slice(0, n)
}
