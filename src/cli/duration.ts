// Duration flags as Go's time.ParseDuration reads them (what kube and karmada flags take):
// "500ms", "10s", "1m30s", "2h". Used by --cluster-health-interval, --timeout and friends.

import { parseDurationTerms } from '../util/duration.ts'
import { UsageError } from './usage.ts'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Milliseconds of a duration such as "1m30s", or undefined when it is not one. */
export function parseDurationMs(value: string): number | undefined {
  const ms = parseDurationTerms(value, UNIT_MS)
  return ms === undefined ? undefined : Math.round(ms)
}

/** A duration flag's value, or a usage error naming the flag; `min` guards against zero. */
export function durationFlag(flag: string, value: string, minMs = 1): number {
  const ms = parseDurationMs(value)
  if (ms === undefined) throw new UsageError(`--${flag} must be a duration such as 500ms, 10s or 2m, got "${value}"`)
  if (ms < minMs) throw new UsageError(`--${flag} must be at least ${minMs} ms, got "${value}"`)
  return ms
}
