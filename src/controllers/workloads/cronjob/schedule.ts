// CronJob schedules as kube-controller-manager reads them (robfig/cron ParseStandard): five
// fields or a descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly,
// @every <duration>), evaluated in spec.timeZone (UTC when unset). The five-field forms are
// evaluated by cron-parser.

import { CronExpressionParser } from 'cron-parser'
import { GO_DURATION_UNITS_MS, parseDurationTerms } from '../../../util/duration.ts'

export interface Schedule {
  /** The first activation strictly after `t` (ms). */
  next(t: number): number
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

/** True when `tz` is an IANA zone this runtime knows. */
export function validTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'Local') return true
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** Go's time.ParseDuration for @every ("1h30m", "90s", "500ms"). */
function parseGoDuration(s: string): number | null {
  return parseDurationTerms(s, GO_DURATION_UNITS_MS) ?? null
}

/** cron.ParseStandard; throws with a message like robfig's on a bad schedule. */
export function parseSchedule(spec: string, timeZone: string | undefined): Schedule {
  let s = spec.trim()
  let tz = timeZone && timeZone !== 'Local' ? timeZone : 'UTC'
  const prefix = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(s)
  if (prefix) {
    tz = prefix[1]
    s = s.slice(prefix[0].length)
  }
  if (!validTimeZone(tz)) throw new Error(`provided bad location ${tz}`)
  if (s.startsWith('@every ')) {
    const d = parseGoDuration(s.slice(7).trim())
    if (d === null) throw new Error(`failed to parse duration ${s}`)
    // ConstantDelaySchedule: at least one second, whole seconds.
    const delay = Math.max(1000, Math.floor(d / 1000) * 1000)
    return { next: (t) => Math.floor(t / 1000) * 1000 + delay }
  }
  if (s.startsWith('@')) {
    const d = DESCRIPTORS[s]
    if (!d) throw new Error(`unrecognized descriptor: ${s}`)
    s = d
  }
  const fields = s.split(/\s+/)
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${s}]`)
  // Validate once (throws on bad fields).
  CronExpressionParser.parse(s, { tz, currentDate: new Date(0) })
  return {
    next(t: number): number {
      const it = CronExpressionParser.parse(s, { tz, currentDate: new Date(t) })
      return it.next().getTime()
    },
  }
}

/** The offset of `tz` at `ms` as "+hh:mm"/"-hh:mm" ("Z" for zero). */
function offsetOf(ms: number, tz: string): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name)
  if (!m) return 'Z'
  return `${m[1]}:${m[2] ?? '00'}`
}

/** time.Format(time.RFC3339) of `ms` in `tz`: "2026-01-01T09:00:00-05:00", "...Z" in UTC. */
export function rfc3339In(ms: number, tz: string | undefined): string {
  const zone = tz && tz !== 'Local' ? tz : 'UTC'
  const off = zone === 'UTC' ? 'Z' : offsetOf(ms, zone)
  if (off === 'Z' || off === '+00:00') {
    if (zone === 'UTC' || off === 'Z') return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  }
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  )
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`
  return `${local}${off === '+00:00' ? 'Z' : off}`
}
