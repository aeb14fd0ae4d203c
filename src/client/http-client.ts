// A Client over HTTP(S) against any Kubernetes API server: the hub's controllers use it to read
// members, the CLI to talk to the hub. Requests go through a caller-supplied agent (an HTTPS
// agent from a kubeconfig, or later a tunnel), so connection reuse and TLS settings live in one
// place. Failures come back as StatusErrors: the server's own Status when it sent one, otherwise
// one made from the HTTP status; network errors reject with Node's error (its `code` tells
// ECONNREFUSED from a TLS failure).

import {
  type Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http'
import { request as httpsRequest } from 'node:https'
import { reasonForCode, StatusError, type StatusReason } from '../machinery/errors.ts'
import type { KubeObject } from '../machinery/object.ts'
import {
  type Client,
  type DeleteOptions,
  type ListOptions,
  type ObjectList,
  PATCH_MEDIA_TYPES,
  type PatchOptions,
  type PatchType,
  type Resource,
  type WatchEvent,
  type WatchHandle,
  type WatchOptions,
  type WriteOptions,
} from './client.ts'
import { authHeadersFor, httpsAgentFor, type RestConfig } from './rest-config.ts'

export interface HttpTarget {
  /** Base URL, no trailing slash; may carry a path prefix. */
  server: string
  agent: HttpAgent
  /** Credential headers sent with every request (Authorization). */
  authHeaders?: Record<string, string>
}

export interface HttpClientOptions {
  userAgent?: string
  /** Per-request timeout for non-watch requests (default 30 s). */
  timeoutMs?: number
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface RawRequestOptions {
  /** A Buffer or string is sent as is; anything else as JSON. */
  body?: unknown
  headers?: Record<string, string>
  timeoutMs?: number
  query?: Record<string, string | number | boolean | undefined>
}

/** Largest non-watch response accepted (a runaway or hostile server must not exhaust memory). */
const MAX_RESPONSE_BYTES = 512 * 1024 * 1024
/** Largest single watch event line. */
const MAX_WATCH_LINE_BYTES = 16 * 1024 * 1024

export function resourcePath(r: Resource, namespace: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`
  if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`
  p += `/${r.resource}`
  if (name) p += `/${encodeURIComponent(name)}`
  if (subresource) p += `/${subresource}`
  return p
}

function queryString(q: Record<string, string | number | boolean | undefined> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v))
  const s = params.toString()
  return s ? `?${s}` : ''
}

/** The StatusError for a non-2xx response: the server's Status when the body is one. */
export function statusErrorFrom(status: number, body: Buffer): StatusError {
  try {
    const s = JSON.parse(body.toString('utf8')) as {
      kind?: string
      reason?: StatusReason
      message?: string
      details?: never
    }
    if (s && s.kind === 'Status')
      return new StatusError(status, s.reason ?? reasonFor(status), s.message ?? '', s.details)
  } catch {
    // not JSON: fall through
  }
  const text = body.toString('utf8').slice(0, 300).trim()
  return new StatusError(status, reasonFor(status), text || `the server responded with HTTP ${status}`)
}

/** The reason for a status the server sent no Status with ("Unknown" for one without a reason). */
function reasonFor(status: number): StatusReason {
  return reasonForCode(status) ?? ('Unknown' as StatusReason)
}

export class HttpClient implements Client {
  private readonly target: HttpTarget
  private readonly base: URL
  private readonly opts: HttpClientOptions
  private readonly ownsAgent: boolean

  constructor(target: HttpTarget, opts: HttpClientOptions = {}, ownsAgent = false) {
    this.target = target
    this.base = new URL(target.server)
    this.opts = opts
    this.ownsAgent = ownsAgent
  }

  /** A client with its own keep-alive agent for the config; close() releases it. */
  static fromConfig(cfg: RestConfig, opts: HttpClientOptions = {}): HttpClient {
    const agent = cfg.server.startsWith('https:') ? httpsAgentFor(cfg) : undefined
    return new HttpClient(
      { server: cfg.server, agent: agent as HttpAgent, authHeaders: authHeadersFor(cfg) },
      opts,
      !!agent,
    )
  }

  close(): void {
    if (this.ownsAgent) this.target.agent.destroy()
  }

  /** Sends a request and resolves with whatever the server answered (any status). */
  raw(method: string, path: string, opts: RawRequestOptions = {}): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const { req, body } = this.open(method, path + queryString(opts.query), opts)
      const timer = setTimeout(
        () =>
          req.destroy(
            Object.assign(new Error(`request timed out after ${timeoutOf(opts, this.opts)} ms`), { code: 'ETIMEDOUT' }),
          ),
        timeoutOf(opts, this.opts),
      )
      req.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
      req.once('response', (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.length
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new Error(`response from ${this.base.host} exceeds ${MAX_RESPONSE_BYTES} bytes`))
            return
          }
          chunks.push(c)
        })
        res.once('end', () => {
          clearTimeout(timer)
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })
        })
        res.once('error', (e) => {
          clearTimeout(timer)
          reject(e)
        })
      })
      req.end(body)
    })
  }

  /** A JSON request: resolves with the decoded body of a 2xx answer, throws StatusError otherwise. */
  async json<T = KubeObject>(method: string, path: string, opts: RawRequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, opts)
    if (res.status < 200 || res.status > 299) throw statusErrorFrom(res.status, res.body)
    try {
      return JSON.parse(res.body.toString('utf8')) as T
    } catch {
      throw new StatusError(500, 'InternalError', `the server at ${this.base.host} sent a response that is not JSON`)
    }
  }

  get(r: Resource, namespace: string, name: string): Promise<KubeObject> {
    return this.json('GET', resourcePath(r, namespace, name))
  }

  async list(r: Resource, namespace: string, opts: ListOptions = {}): Promise<ObjectList> {
    const list = await this.json<{ items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } }>(
      'GET',
      resourcePath(r, namespace),
      { query: { ...opts } },
    )
    return {
      items: list.items ?? [],
      resourceVersion: list.metadata?.resourceVersion ?? '',
      continue: list.metadata?.continue || undefined,
    }
  }

  watch(r: Resource, namespace: string, opts: WatchOptions, onEvent: (ev: WatchEvent) => void): Promise<WatchHandle> {
    const query = queryString({ ...opts, watch: 1 })
    return new Promise((resolve, reject) => {
      const { req } = this.open('GET', resourcePath(r, namespace) + query, {})
      let finish!: () => void
      const done = new Promise<void>((res) => {
        finish = res
      })
      const stop = () => {
        req.destroy()
        finish()
      }
      // A server that never answers must not hold the watch open forever: bound the wait for
      // the response head (the stream itself may then stay quiet as long as it likes).
      const headTimer = setTimeout(
        () => req.destroy(Object.assign(new Error('watch got no response in time'), { code: 'ETIMEDOUT' })),
        this.opts.timeoutMs ?? 30_000,
      )
      req.once('error', (e) => {
        clearTimeout(headTimer)
        reject(e)
        finish()
      })
      req.once('response', (res: IncomingMessage) => {
        clearTimeout(headTimer)
        const status = res.statusCode ?? 0
        if (status < 200 || status > 299) {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.once('end', () => reject(statusErrorFrom(status, Buffer.concat(chunks))))
          res.once('error', reject)
          return
        }
        resolve({ stop, done })
        readLines(res, MAX_WATCH_LINE_BYTES, (line) => {
          let ev: WatchEvent
          try {
            ev = JSON.parse(line) as WatchEvent
          } catch {
            stop()
            return
          }
          onEvent(ev)
        })
        res.once('end', finish)
        res.once('close', finish)
        res.once('error', finish)
      })
      req.end()
    })
  }

  create(r: Resource, namespace: string, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.json('POST', resourcePath(r, namespace, undefined, opts.subresource), {
      body: obj,
      query: writeQuery(opts),
    })
  }

  update(r: Resource, namespace: string, obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.json('PUT', resourcePath(r, namespace, obj.metadata.name, opts.subresource), {
      body: obj,
      query: writeQuery(opts),
    })
  }

  patch(
    r: Resource,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts: PatchOptions = {},
  ): Promise<KubeObject> {
    return this.json('PATCH', resourcePath(r, namespace, name, opts.subresource), {
      body: patch,
      headers: { 'content-type': PATCH_MEDIA_TYPES[type] },
      query: { ...writeQuery(opts), force: opts.force || undefined },
    })
  }

  async delete(r: Resource, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' }
    if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds
    if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy
    if (opts.preconditions) body.preconditions = opts.preconditions
    if (opts.dryRun) body.dryRun = ['All']
    await this.json('DELETE', resourcePath(r, namespace, name), { body })
  }

  private open(method: string, pathAndQuery: string, opts: RawRequestOptions) {
    let body: Buffer | undefined
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent ?? 'flotilla',
      ...this.target.authHeaders,
    }
    if (opts.body !== undefined) {
      body = Buffer.isBuffer(opts.body)
        ? opts.body
        : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body))
      headers['content-type'] = 'application/json'
      headers['content-length'] = String(body.length)
    }
    Object.assign(headers, opts.headers)
    const prefix = this.base.pathname.replace(/\/+$/, '')
    const request = this.base.protocol === 'https:' ? httpsRequest : httpRequest
    const req = request({
      protocol: this.base.protocol,
      hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
      port: this.base.port || (this.base.protocol === 'https:' ? 443 : 80),
      method,
      path: prefix + pathAndQuery,
      headers,
      agent: this.target.agent,
    })
    return { req, body }
  }
}

function timeoutOf(opts: RawRequestOptions, client: HttpClientOptions): number {
  return opts.timeoutMs ?? client.timeoutMs ?? 30_000
}

function writeQuery(opts: WriteOptions): Record<string, string | undefined> {
  return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager }
}

/** Splits a stream into newline-terminated lines (watch events), refusing over-long lines. */
function readLines(stream: IncomingMessage, maxLine: number, onLine: (line: string) => void): void {
  let pending: Buffer[] = []
  let pendingSize = 0
  stream.on('data', (chunk: Buffer) => {
    let start = 0
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, i)
      const line = pending.length ? Buffer.concat([...pending, piece]).toString('utf8') : piece.toString('utf8')
      pending = []
      pendingSize = 0
      start = i + 1
      if (line.trim()) onLine(line)
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start))
      pendingSize += chunk.length - start
      if (pendingSize > maxLine) stream.destroy(new Error('watch event exceeds the maximum size'))
    }
  })
}
