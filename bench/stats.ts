// Small numeric and formatting helpers for the benchmarks.

export interface Summary {
  n: number
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** Percentile summary (nearest-rank) of a sample; sorts a copy. */
export function summarize(values: ArrayLike<number>): Summary {
  const a = Float64Array.from(values as ArrayLike<number>).sort()
  const n = a.length
  if (n === 0)
    return {
      n: 0,
      min: Number.NaN,
      p50: Number.NaN,
      p90: Number.NaN,
      p99: Number.NaN,
      max: Number.NaN,
      mean: Number.NaN,
    }
  const rank = (q: number) => a[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]
  let sum = 0
  for (let i = 0; i < n; i++) sum += a[i]
  return { n, min: a[0], p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: a[n - 1], mean: sum / n }
}

export function median(values: number[]): number {
  return summarize(values).p50
}

/** Concatenates Float64Arrays. */
export function concatF64(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a'
  if (Math.abs(ms) >= 100) return `${ms.toFixed(0)} ms`
  if (Math.abs(ms) >= 10) return `${ms.toFixed(1)} ms`
  return `${ms.toFixed(2)} ms`
}

export function fmtRate(perSec: number): string {
  return `${Math.round(perSec).toLocaleString('en-US')}/s`
}

export function fmtMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`
}

export function fmtSummaryMs(s: Summary): string {
  return `p50 ${fmtMs(s.p50)}, p90 ${fmtMs(s.p90)}, p99 ${fmtMs(s.p99)}, max ${fmtMs(s.max)} (n=${s.n})`
}

/** Renders rows as an aligned plain-text table (also valid Markdown). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`
  return [line(header), sep, ...rows.map(line)].join('\n')
}
