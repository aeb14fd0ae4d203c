// Duration flags as Go's time.ParseDuration reads them (what kube and karmada flags take):
// "500ms", "10s", "1m30s", "2h". Used by --cluster-health-interval, --timeout and friends.

import { UsageError } from './usage.ts'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Milliseconds of a duration such as "1m30s", or undefined when it is not one. */
export function parseDurationMs(value: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) return undefined
  let total = 0
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]]
  return Math.round(total)
}

/** A duration flag's value, or a usage error naming the flag; `min` guards against zero. */
export function durationFlag(flag: string, value: string, minMs = 1): number {
  const ms = parseDurationMs(value)
  if (ms === undefined) throw new UsageError(`--${flag} must be a duration such as 500ms, 10s or 2m, got "${value}"`)
  if (ms < minMs) throw new UsageError(`--${flag} must be at least ${minMs} ms, got "${value}"`)
  return ms
}
