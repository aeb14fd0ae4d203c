// GET /api/v1/namespaces/NS/pods/NAME/log: what the API server and kubelet answer for
// `kubectl logs` (PodLogOptions: container, follow, previous, sinceSeconds, sinceTime,
// timestamps, tailLines, limitBytes), over the generated output of log-lines.ts. Following
// streams new lines as the simulated container prints them and ends when that run of the
// container stops, the pod goes away or the client disconnects.

import type { RequestContext } from '../../apiserver/handlers/context.ts'
import type { Connector } from '../../apiserver/server.ts'
import type { FieldError } from '../../machinery/errors.ts'
import { badRequest, fieldForbidden, fieldInvalid, invalid, methodNotAllowed } from '../../machinery/errors.ts'
import type { Clock } from '../../util/clock.ts'
import { ContainerLog, formatLogTimestamp, type LogLine } from './log-lines.ts'
import { type ContainerInstance, containerStatus, logInstance, type Pod, resolveContainer } from './pod.ts'

export interface LogRequest {
  container: string | null
  follow: boolean
  previous: boolean
  timestamps: boolean
  /** Only lines at or after this time (sinceSeconds or sinceTime). */
  since?: number
  tailLines?: number
  limitBytes?: number
}

function parseBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name)
  if (v === null || v === '') return false
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false
  throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`)
}

function parseInt64(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`)
  return Number(v)
}

/** The query as PodLogOptions, validated as ValidatePodLogOptions does. */
export function parseLogRequest(q: URLSearchParams, podName: string, now: number): LogRequest {
  const r: LogRequest = {
    container: q.get('container') || null,
    follow: parseBool(q, 'follow'),
    previous: parseBool(q, 'previous'),
    timestamps: parseBool(q, 'timestamps'),
  }
  const tail = parseInt64(q, 'tailLines')
  const limit = parseInt64(q, 'limitBytes')
  const sinceSeconds = parseInt64(q, 'sinceSeconds')
  const sinceTimeRaw = q.get('sinceTime')
  let sinceTime: number | undefined
  if (sinceTimeRaw) {
    sinceTime = Date.parse(sinceTimeRaw)
    if (Number.isNaN(sinceTime)) {
      throw badRequest(`parsing time ${JSON.stringify(sinceTimeRaw)} as "2006-01-02T15:04:05Z07:00": cannot parse`)
    }
  }
  const errs: FieldError[] = []
  if (tail !== undefined && tail < 0) errs.push(fieldInvalid('tailLines', tail, 'must be greater than or equal to 0'))
  if (limit !== undefined && limit < 1) errs.push(fieldInvalid('limitBytes', limit, 'must be greater than 0'))
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    errs.push(fieldForbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'))
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    errs.push(fieldInvalid('sinceSeconds', sinceSeconds, 'must be greater than 0'))
  }
  if (errs.length > 0) throw invalid('PodLogOptions', '', podName, errs)
  if (tail !== undefined) r.tailLines = tail
  if (limit !== undefined) r.limitBytes = limit
  if (sinceSeconds !== undefined) r.since = now - sinceSeconds * 1000
  else if (sinceTime !== undefined) r.since = sinceTime
  return r
}

function render(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${formatLogTimestamp(line)} ${line.text}\n` : `${line.text}\n`
}

/**
 * Lines older than this many are gone, as a kubelet's rotated-away log files are (it serves the
 * current file only, at most containerLogMaxSize = 10 MiB).
 */
export const MAX_RETAINED_LINES = 100_000

/** The index range [from, to) of `log` a request selects, given the lines printed by `now`. */
export function selectLines(log: ContainerLog, req: LogRequest, now: number): { from: number; to: number } {
  const to = log.total ?? log.countAt(now)
  let from = Math.max(0, to - MAX_RETAINED_LINES)
  if (req.tailLines !== undefined) from = Math.max(0, to - req.tailLines)
  if (req.since !== undefined) from = Math.max(from, log.firstAtOrAfter(req.since, to))
  return { from, to }
}

/** The whole (non-following) response body for a request. */
export function readLog(log: ContainerLog, req: LogRequest, now: number): string {
  const { from, to } = selectLines(log, req, now)
  const parts: string[] = []
  let bytes = 0
  for (let i = from; i < to; i++) {
    const s = render(log.line(i), req.timestamps)
    parts.push(s)
    bytes += Buffer.byteLength(s)
    if (req.limitBytes !== undefined && bytes >= req.limitBytes) break
  }
  const out = parts.join('')
  if (req.limitBytes === undefined || bytes <= req.limitBytes) return out
  return Buffer.from(out).subarray(0, req.limitBytes).toString()
}

export interface LogConnectorOptions {
  clock: Clock
  /** How often a running container prints its periodic line. */
  intervalMs: number
}

/** The run that ended, as the pod now reports it (or "now", if the pod no longer says). */
function endedInstance(pod: Pod | undefined, container: string, running: ContainerInstance, now: number) {
  const cs = pod ? containerStatus(pod, container) : undefined
  for (const t of [cs?.state?.terminated, cs?.lastState?.terminated]) {
    if (t?.startedAt && Date.parse(t.startedAt) === running.startedAt) {
      return { ...running, finishedAt: Date.parse(t.finishedAt ?? '') || now, exitCode: t.exitCode, reason: t.reason }
    }
  }
  return { ...running, finishedAt: now }
}

function stillRunning(pod: Pod, container: string, run: ContainerInstance): boolean {
  const started = containerStatus(pod, container)?.state?.running?.startedAt
  return started !== undefined && Date.parse(started) === run.startedAt
}

export function logConnector(opts: LogConnectorOptions): Connector {
  return async (ctx) => {
    const { res, info, store } = ctx
    if (info.verb !== 'get') throw methodNotAllowed('the server does not allow this method on the requested resource')
    const kv = await store.getRaw(info.namespace, info.name)
    const pod = JSON.parse(kv.value) as Pod
    const now = opts.clock.now()
    const request = parseLogRequest(ctx.query, info.name, now)
    const container = resolveContainer(pod, request.container)
    res.setHeader('Content-Type', 'text/plain')
    // An unscheduled pod has no kubelet to ask: the API server answers with an empty body.
    if (!pod.spec?.nodeName) {
      res.statusCode = 200
      res.end()
      return
    }
    const instance = logInstance(pod, container.name, request.previous)
    const log = new ContainerLog(pod, container, instance, opts.intervalMs)
    if (!request.follow || instance.finishedAt !== undefined) {
      const body = readLog(log, request, now)
      res.statusCode = 200
      res.setHeader('Content-Length', Buffer.byteLength(body))
      res.end(body)
      return
    }
    follow(ctx, kv.modRevision, container.name, log, request, opts)
  }
}

function follow(
  ctx: RequestContext,
  fromRevision: number,
  container: string,
  log: ContainerLog,
  request: LogRequest,
  opts: LogConnectorOptions,
): void {
  const { clock } = opts
  const { res, store } = ctx
  res.statusCode = 200
  res.flushHeaders()
  let { from: next } = selectLines(log, request, clock.now())
  let written = 0
  let cancelTimer: (() => void) | undefined
  let done = false
  const key = store.key(ctx.info.namespace, ctx.info.name)
  const finish = () => {
    if (done) return
    done = true
    cancelTimer?.()
    watch.cancel()
    res.end()
  }
  /** Writes lines [next, upTo) of `source` in one chunk; false once limitBytes is reached. */
  const emit = (source: ContainerLog, upTo: number): boolean => {
    const parts: string[] = []
    let more = true
    for (; next < upTo; next++) {
      let s = render(source.line(next), request.timestamps)
      if (request.limitBytes !== undefined && written + Buffer.byteLength(s) >= request.limitBytes) {
        s = Buffer.from(s)
          .subarray(0, request.limitBytes - written)
          .toString()
        parts.push(s)
        more = false
        break
      }
      written += Buffer.byteLength(s)
      parts.push(s)
    }
    if (parts.length > 0) res.write(parts.join(''))
    return more
  }
  const tick = () => {
    cancelTimer = undefined
    if (done) return
    if (!emit(log, log.countAt(clock.now()))) return finish()
    cancelTimer = clock.setTimeout(tick, Math.max(1, log.timeOf(next) - clock.now()))
  }
  const watch = store.storage.watch(key, {
    fromRevision,
    onEvent: (ev) => {
      if (done || ev.key !== key) return
      const pod = ev.type === 'DELETE' || !ev.value ? undefined : (JSON.parse(ev.value.value) as Pod)
      if (pod && stillRunning(pod, container, log.instance)) return
      // This run of the container stopped: print what it printed up to then, and end. Status
      // times have second precision, so the reported finish may precede lines already sent.
      const instance = endedInstance(pod, container, log.instance, clock.now())
      if (next > 0) instance.finishedAt = Math.max(instance.finishedAt, log.timeOf(next - 1) + 1)
      const ended = new ContainerLog(log.pod, log.container, instance, opts.intervalMs)
      emit(ended, ended.total ?? next)
      finish()
    },
  })
  res.on('close', finish)
  tick()
}
