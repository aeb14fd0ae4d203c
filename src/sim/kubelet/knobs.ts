// Per-pod knobs: annotations under sim.flotilla.dev/ that make a simulated pod misbehave or
// change its timing, so tests can reproduce what real clusters show. docs/simulator.md lists
// them.

import type { KubeObject } from '../../machinery/object.ts'
import { KNOB, parseDuration } from '../options.ts'

export type FailMode = 'CrashLoopBackOff' | 'ImagePullBackOff' | 'OOMKilled'

export interface PodKnobs {
  /** Failure per container name; "*" applies to every app container. */
  fail: Map<string, FailMode>
  readyAfterMs?: number
  runForMs?: number
  exitCode?: number
  backoffMs?: number
  pullMs?: number
  startDelayMs?: number
  initRunForMs?: number
  terminateAfterMs?: number
  honorGracePeriod: boolean
  /** Knob values that did not parse (reported once as a Warning event). */
  errors: string[]
}

const FAIL_MODES: Record<string, FailMode> = {
  crashloopbackoff: 'CrashLoopBackOff',
  crash: 'CrashLoopBackOff',
  imagepullbackoff: 'ImagePullBackOff',
  errimagepull: 'ImagePullBackOff',
  oomkilled: 'OOMKilled',
}

export function podKnobs(pod: KubeObject): PodKnobs {
  const a = pod.metadata.annotations ?? {}
  const k: PodKnobs = { fail: new Map(), honorGracePeriod: false, errors: [] }
  const duration = (name: string): number | undefined => {
    const v = a[KNOB + name]
    if (v === undefined) return undefined
    const ms = parseDuration(v)
    if (ms === null) {
      k.errors.push(`${KNOB}${name}: invalid duration "${v}"`)
      return undefined
    }
    return ms
  }
  const fail = a[`${KNOB}fail`]
  if (fail !== undefined) {
    for (const part of fail.split(',')) {
      const p = part.trim()
      if (p === '') continue
      const eq = p.indexOf('=')
      const container = eq >= 0 ? p.slice(0, eq).trim() : '*'
      const mode = FAIL_MODES[(eq >= 0 ? p.slice(eq + 1) : p).trim().toLowerCase()]
      if (mode) k.fail.set(container, mode)
      else k.errors.push(`${KNOB}fail: unknown failure "${p}" (CrashLoopBackOff, ImagePullBackOff or OOMKilled)`)
    }
  }
  k.readyAfterMs = duration('ready-after')
  k.runForMs = duration('run-for')
  k.backoffMs = duration('backoff')
  k.pullMs = duration('pull-time')
  k.startDelayMs = duration('start-delay')
  k.initRunForMs = duration('init-run-for')
  k.terminateAfterMs = duration('terminate-after')
  const exit = a[`${KNOB}exit-code`]
  if (exit !== undefined) {
    if (/^\d+$/.test(exit.trim()) && Number(exit) <= 255) k.exitCode = Number(exit)
    else k.errors.push(`${KNOB}exit-code: invalid exit code "${exit}"`)
  }
  const honor = (a[`${KNOB}honor-grace-period`] ?? '').trim().toLowerCase()
  k.honorGracePeriod = honor === 'true' || honor === '1' || honor === 'yes'
  return k
}
