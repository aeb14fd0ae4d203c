// Durations written as Go's time.ParseDuration writes them ("1h30m", "500ms", "90s"): a sequence
// of NUMBER UNIT terms. Kubernetes and Karmada flags, CronJob's @every, simulator knobs and token
// lifetimes all use this shape, each with its own set of units.

/** Go's units, in milliseconds. */
export const GO_DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

const patterns = new Map<Record<string, number>, RegExp>()

function termPattern(units: Record<string, number>): RegExp {
  let re = patterns.get(units)
  if (!re) {
    // Longest unit first, so "ms" is not read as "m" followed by garbage.
    const names = Object.keys(units).sort((a, b) => b.length - a.length)
    re = new RegExp(`(\\d+(?:\\.\\d+)?)(${names.join('|')})`, 'y')
    patterns.set(units, re)
  }
  return re
}

/**
 * The sum of the terms of `text` in the units' scale, or undefined when it is empty or anything
 * but terms with those units. `fractions: false` refuses "1.5h".
 */
export function parseDurationTerms(
  text: string,
  units: Record<string, number>,
  opts: { fractions?: boolean } = {},
): number | undefined {
  if (text === '') return undefined
  const re = termPattern(units)
  let total = 0
  let pos = 0
  while (pos < text.length) {
    re.lastIndex = pos
    const m = re.exec(text)
    if (!m || (opts.fractions === false && m[1].includes('.'))) return undefined
    total += Number(m[1]) * units[m[2]]
    pos = re.lastIndex
  }
  return total
}
