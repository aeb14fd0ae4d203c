// Prometheus metrics for the API server: request counts and latencies by verb, resource and
// code, in the text exposition format at /metrics.

import { baseSubresource, type RequestInfo } from './request-info.ts'

const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 60000]

interface Series {
  count: number
  sumMs: number
  buckets: number[]
}

export class Metrics {
  private readonly requests = new Map<string, number>()
  private readonly latency = new Map<string, Series>()

  observe(info: RequestInfo, code: number, ms: number): void {
    const labels = `verb="${info.verb.toUpperCase()}",group="${info.apiGroup}",resource="${info.resource}",subresource="${baseSubresource(info.subresource)}"`
    const withCode = `${labels},code="${code}"`
    this.requests.set(withCode, (this.requests.get(withCode) ?? 0) + 1)
    if (info.verb === 'watch') return // long-running: its duration is not latency
    let s = this.latency.get(labels)
    if (!s) {
      s = { count: 0, sumMs: 0, buckets: BUCKETS_MS.map(() => 0) }
      this.latency.set(labels, s)
    }
    s.count++
    s.sumMs += ms
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]) s.buckets[i]++
  }

  render(): string {
    const out: string[] = [
      '# HELP apiserver_request_total Counter of API server requests by verb, group, resource, subresource and code.',
      '# TYPE apiserver_request_total counter',
    ]
    for (const [labels, n] of this.requests) out.push(`apiserver_request_total{${labels}} ${n}`)
    out.push(
      '# HELP apiserver_request_duration_seconds Response latency distribution in seconds.',
      '# TYPE apiserver_request_duration_seconds histogram',
    )
    for (const [labels, s] of this.latency) {
      BUCKETS_MS.forEach((b, i) => {
        out.push(`apiserver_request_duration_seconds_bucket{${labels},le="${b / 1000}"} ${s.buckets[i]}`)
      })
      out.push(`apiserver_request_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`)
      out.push(`apiserver_request_duration_seconds_sum{${labels}} ${s.sumMs / 1000}`)
      out.push(`apiserver_request_duration_seconds_count{${labels}} ${s.count}`)
    }
    const mem = process.memoryUsage()
    out.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`)
    return `${out.join('\n')}\n`
  }
}
