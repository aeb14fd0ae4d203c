// Settings of a simulated cluster and the small parsers the CLI and pod knobs share
// (durations like "1.5s", label lists "k=v,k2=v2", taints "k=v:NoSchedule").

import type { Json } from '../apis/json.ts'
import { parseDurationTerms } from '../util/duration.ts'

/** The version simulated clusters report by default (API server and kubelets). */
export const DEFAULT_SIM_VERSION = 'v1.31.4'

/** Annotation and label prefix of simulator knobs. */
export const KNOB = 'sim.flotilla.dev/'

export interface Taint {
  key: string
  value?: string
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute'
  timeAdded?: string
}

/** What every node of a pool looks like. */
export interface NodeTemplate {
  cpu: string
  memory: string
  pods: number
  ephemeralStorage: string
  /** Extra labels on every node. */
  labels: Record<string, string>
  taints: Taint[]
  /** Nodes are spread round-robin across these zones (topology.kubernetes.io/zone). */
  zones: string[]
  region?: string
  arch: string
  os: string
  /** node.kubernetes.io/instance-type, when set. */
  instanceType?: string
}

export const DEFAULT_NODE_TEMPLATE: NodeTemplate = {
  cpu: '8',
  memory: '32Gi',
  pods: 110,
  ephemeralStorage: '100Gi',
  labels: {},
  taints: [],
  zones: [],
  arch: 'amd64',
  os: 'linux',
}

const SIM_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** "1.5s", "300ms", "2m", "1h30m", "10" (seconds) → milliseconds; null when malformed. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : null
  if (typeof v !== 'string') return null
  const s = v.trim()
  if (s === '') return null
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000
  return parseDurationTerms(s, SIM_UNITS_MS) ?? null
}

/** Go's time.Duration String() for whole milliseconds: "1.2s", "500ms", "1m30s", "5m0s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const totalSeconds = ms / 1000
  if (totalSeconds < 60) return `${trim(totalSeconds)}s`
  const h = Math.floor(totalSeconds / 3600)
  const m = Math.floor((totalSeconds % 3600) / 60)
  const s = totalSeconds % 60
  return `${h > 0 ? `${h}h` : ''}${m}m${trim(s)}s`
}

function trim(n: number): string {
  return String(Math.round(n * 1000) / 1000)
}

/** "k=v,k2=v2" → labels; throws on an entry without "=". */
export function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of s.split(',')) {
    const p = part.trim()
    if (p === '') continue
    const eq = p.indexOf('=')
    if (eq <= 0) throw new Error(`invalid label "${p}": expected key=value`)
    out[p.slice(0, eq)] = p.slice(eq + 1)
  }
  return out
}

const EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])

/** "k=v:NoSchedule,k2:NoExecute" → taints (kubectl taint syntax). */
export function parseTaints(s: string): Taint[] {
  const out: Taint[] = []
  for (const part of s.split(',')) {
    const p = part.trim()
    if (p === '') continue
    const colon = p.lastIndexOf(':')
    if (colon <= 0) throw new Error(`invalid taint "${p}": expected key[=value]:Effect`)
    const effect = p.slice(colon + 1)
    if (!EFFECTS.has(effect))
      throw new Error(`invalid taint effect "${effect}": NoSchedule, PreferNoSchedule or NoExecute`)
    const kv = p.slice(0, colon)
    const eq = kv.indexOf('=')
    const taint: Taint = { key: eq >= 0 ? kv.slice(0, eq) : kv, effect: effect as Taint['effect'] }
    if (eq >= 0) taint.value = kv.slice(eq + 1)
    out.push(taint)
  }
  return out
}

/** "cpu=4,memory=8Gi,pods=20" → a partial template (the capacity annotation and CLI share it). */
export function parseCapacity(s: string): Partial<NodeTemplate> {
  const out: Partial<NodeTemplate> = {}
  for (const [k, v] of Object.entries(parseLabels(s))) {
    if (k === 'cpu') out.cpu = v
    else if (k === 'memory') out.memory = v
    else if (k === 'pods') out.pods = Number(v)
    else if (k === 'ephemeral-storage') out.ephemeralStorage = v
    else throw new Error(`unknown capacity "${k}": cpu, memory, pods or ephemeral-storage`)
  }
  return out
}

export function taintJson(t: Taint): Json {
  const out: Json = { key: t.key }
  if (t.value) out.value = t.value
  out.effect = t.effect
  if (t.timeAdded) out.timeAdded = t.timeAdded
  return out
}
