// The output a simulated container "printed": a few startup lines in the style of its image,
// then one line per interval while it runs, then a last line when it stops. Lines are a pure
// function of (pod, container, run, index), so any slice (tail, since, limit) is computed
// without generating the whole history, and two reads agree.

import { createHash } from 'node:crypto'
import type { ContainerInstance, ContainerSpec, Pod } from './pod.ts'

export interface LogLine {
  /** Milliseconds since the epoch. */
  time: number
  /** Sub-millisecond part of the timestamp, 0-999999 ns. */
  nanos: number
  text: string
}

type Flavour = 'nginx' | 'redis' | 'generic'

function flavourOf(image: string | undefined): Flavour {
  const name = (image ?? '').split('/').pop() ?? ''
  if (/^nginx|^openresty/.test(name)) return 'nginx'
  if (/^redis|^valkey/.test(name)) return 'redis'
  return 'generic'
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** nginx error-log time: 2026/01/02 15:04:05 */
function nginxTime(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

/** Common log format time: 02/Jan/2026:15:04:05 +0000 */
function clfTime(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

/** redis time: 02 Jan 2026 15:04:05.123 */
function redisTime(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
}

function imageTag(image: string | undefined): string {
  const m = /:([^/:@]+)(@.*)?$/.exec(image ?? '')
  return m ? m[1] : 'latest'
}

/** Kubelet log timestamps: RFC 3339 with nine fractional digits (kuberuntime timeFormatOut). */
export function formatLogTimestamp(line: LogLine): string {
  const iso = new Date(line.time).toISOString() // 2026-01-02T15:04:05.123Z
  return `${iso.slice(0, -1)}${pad(line.nanos, 6)}Z`
}

/** Everything one run of one container printed, addressable by line index. */
export class ContainerLog {
  readonly pod: Pod
  readonly container: ContainerSpec
  readonly instance: ContainerInstance
  readonly intervalMs: number
  private readonly flavour: Flavour
  private readonly seed: Buffer
  private readonly startup: string[]

  constructor(pod: Pod, container: ContainerSpec, instance: ContainerInstance, intervalMs: number) {
    this.pod = pod
    this.container = container
    this.instance = instance
    // At least 100 ms, so periodic lines never interleave with the startup lines (1 ms apart).
    this.intervalMs = Math.max(100, intervalMs)
    this.flavour = flavourOf(container.image)
    this.seed = createHash('sha256')
      .update(`${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}/${container.name}/${instance.run}`)
      .digest()
    this.startup = this.startupLines()
  }

  private get podName(): string {
    return this.pod.metadata.name ?? ''
  }

  private startupLines(): string[] {
    const t = this.instance.startedAt
    const podRef = `${this.pod.metadata.namespace}/${this.podName}`
    switch (this.flavour) {
      case 'nginx':
        return [
          '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
          '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
          '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
          '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
          '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
          '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
          '/docker-entrypoint.sh: Configuration complete; ready for start up',
          `${nginxTime(t)} [notice] 1#1: using the "epoll" event method`,
          `${nginxTime(t)} [notice] 1#1: nginx/${/^\d/.test(imageTag(this.container.image)) ? imageTag(this.container.image) : '1.27.3'}`,
          `${nginxTime(t)} [notice] 1#1: OS: Linux 6.1.0-flotilla-sim`,
          `${nginxTime(t)} [notice] 1#1: start worker processes`,
          `${nginxTime(t)} [notice] 1#1: start worker process 29`,
        ]
      case 'redis':
        return [
          `1:C ${redisTime(t)} # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
          `1:C ${redisTime(t)} # Redis version=${imageTag(this.container.image)}, bits=64, pid=1, just started`,
          `1:M ${redisTime(t)} * Running mode=standalone, port=6379.`,
          `1:M ${redisTime(t)} * Server initialized`,
          `1:M ${redisTime(t)} * Ready to accept connections tcp`,
        ]
      default:
        return [
          `Starting ${this.container.name} (${this.container.image ?? 'unknown image'}) in pod ${podRef}`,
          `Hostname ${this.podName}, pod IP ${this.pod.status?.podIP ?? 'unknown'}, node ${this.pod.spec?.nodeName ?? 'unknown'}`,
          `Listening on :${this.container.ports?.[0]?.containerPort ?? 8080}`,
          `Ready`,
        ]
    }
  }

  /** The periodic line number k (1-based), printed at startedAt + k·interval. */
  private periodicLine(k: number, time: number): string {
    const uptime = Math.round((k * this.intervalMs) / 1000)
    switch (this.flavour) {
      case 'nginx': {
        const status = k % 17 === 0 ? 404 : 200
        const bytes = status === 200 ? 615 : 153
        const path = status === 200 ? '/' : '/favicon.ico'
        return `10.244.0.1 - - [${clfTime(time)}] "GET ${path} HTTP/1.1" ${status} ${bytes} "-" "kube-probe/1.31" "-"`
      }
      case 'redis':
        return `1:M ${redisTime(time)} * ${k} clients connected (0 replicas), ${1000 + (this.seed[k % 32] ?? 0)}K memory in use, uptime ${uptime}s`
      default:
        return `level=info msg="heartbeat" pod=${this.podName} container=${this.container.name} seq=${k} uptime=${uptime}s`
    }
  }

  private finalLines(): string[] {
    const i = this.instance
    const at = this.end
    if (at === undefined) return []
    const code = i.exitCode ?? 0
    switch (this.flavour) {
      case 'nginx':
        return code === 0
          ? [`${nginxTime(at)} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down`]
          : [`${nginxTime(at)} [emerg] 1#1: worker process exited with fatal code ${code}`]
      case 'redis':
        return code === 0
          ? [`1:M ${redisTime(at)} # Redis is now ready to exit, bye bye...`]
          : [`1:M ${redisTime(at)} # Fatal error, exiting with code ${code}`]
      default:
        return code === 0
          ? [`Shutting down ${this.container.name} in pod ${this.podName}: done`]
          : [
              `Fatal: ${this.container.name} in pod ${this.podName} exited with code ${code}${i.reason ? ` (${i.reason})` : ''}`,
            ]
    }
  }

  /** When the run stopped (never before its startup lines), or undefined while it runs. */
  private get end(): number | undefined {
    const f = this.instance.finishedAt
    return f === undefined ? undefined : Math.max(f, this.instance.startedAt + this.startup.length)
  }

  /** How many periodic lines a finished run printed (those strictly before it stopped). */
  private get periodicTotal(): number {
    const end = this.end
    if (end === undefined) return Number.POSITIVE_INFINITY
    return Math.max(0, Math.ceil((end - this.instance.startedAt) / this.intervalMs) - 1)
  }

  /** When line `index` was printed. */
  timeOf(index: number): number {
    const n = this.startup.length
    if (index < n) return this.instance.startedAt + index
    const k = index - n + 1
    if (k > this.periodicTotal) return this.end as number
    return this.instance.startedAt + k * this.intervalMs
  }

  /** How many lines had been printed by time `t` (inclusive). */
  countAt(t: number): number {
    const { startedAt } = this.instance
    if (t < startedAt) return 0
    const n = this.startup.length
    const startup = Math.min(n, Math.floor(t - startedAt) + 1)
    if (startup < n) return startup
    const periodic = Math.min(this.periodicTotal, Math.floor((t - startedAt) / this.intervalMs))
    const end = this.end
    const final = end !== undefined && t >= end ? this.finalLines().length : 0
    return n + periodic + final
  }

  /** Total lines of a finished run; undefined while it runs. */
  get total(): number | undefined {
    const end = this.end
    return end === undefined ? undefined : this.countAt(end)
  }

  /** The first index whose time is at or after `t`, searching [0, hi). */
  firstAtOrAfter(t: number, hi: number): number {
    let lo = 0
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.timeOf(mid) < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  line(index: number): LogLine {
    const n = this.startup.length
    const time = this.timeOf(index)
    const nanos = this.seed.readUInt32BE(index % 28) % 1_000_000
    if (index < n) return { time, nanos, text: this.startup[index] }
    const k = index - n + 1
    const periodic = this.periodicTotal
    if (k > periodic) return { time, nanos, text: this.finalLines()[k - periodic - 1] ?? '' }
    return { time, nanos, text: this.periodicLine(k, time) }
  }
}
