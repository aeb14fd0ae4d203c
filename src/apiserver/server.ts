// The HTTP front of a Kubernetes-compatible API server. The request pipeline, in order:
//   request id → timeout guard → authentication → routing (health, version, discovery,
//   OpenAPI, resources) → handler → one error translation point.
// Everything a kind needs is in its declaration; this file only routes.

import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from '../log/logger.ts'
import {
  badRequest,
  forbidden,
  methodNotAllowed,
  notFound,
  StatusError,
  timeout,
  unauthorized,
} from '../machinery/errors.ts'
import { type AuditOptions, Auditor } from './audit/auditor.ts'
import type { AuditRecord } from './audit/events.ts'
import type { Authenticator, UserInfo } from './authn.ts'
import type { Attributes, Authorizer } from './authz/attributes.ts'
import { impersonate } from './authz/impersonation.ts'
import { forbiddenMessage } from './authz/rbac.ts'
import type { VirtualHandler } from './authz/reviews.ts'
import type { RequestContext, ServerSettings } from './handlers/context.ts'
import { handleNamespaceFinalize } from './handlers/namespace.ts'
import { handleGet, handleList } from './handlers/read.ts'
import { handleScale } from './handlers/scale.ts'
import { handleVirtualCreate } from './handlers/virtual.ts'
import { handleWatch } from './handlers/watch.ts'
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './handlers/write.ts'
import { writeError, writeRaw } from './http/respond.ts'
import { Metrics } from './metrics.ts'
import type { Registry } from './registry/registry.ts'
import { baseSubresource, parseRequestInfo, type RequestInfo } from './request-info.ts'
import { DiscoveryRoutes } from './routes/discovery-routes.ts'

export interface ApiServerOptions {
  registry: Registry
  authenticator: Authenticator
  log: Logger
  /** The Kubernetes version this server reports (/version). */
  kubernetesVersion?: string
  /** Non-watch requests that take longer get 504 (kube-apiserver --request-timeout, 60 s). */
  requestTimeoutMs?: number
  settings?: Partial<ServerSettings>
  /** Extra handlers for subresources served outside the generic store (pods/log, pods/exec ...). */
  connectors?: Map<string, Connector>
  /** Decides every authenticated request (RBAC); without one, any authenticated user may do anything. */
  authorizer?: Authorizer
  /** Handlers for create-only kinds that are answered, never stored (access reviews). */
  virtual?: Map<string, VirtualHandler>
  /** Serve HTTPS with this certificate (PEM). Client certificates are requested, not required. */
  tls?: { cert: string; key: string; ca?: string }
  /** Write an audit log (audit.k8s.io/v1 Events) of changes and member-proxy requests; none when absent or path "". */
  audit?: AuditOptions
}

/** Handles `<resource>/<subresource>` requests (e.g. "pods/log") that are not plain storage. */
export type Connector = (ctx: RequestContext, user: UserInfo) => Promise<void>

const DEFAULT_SETTINGS: ServerSettings = {
  bookmarkIntervalMs: 60_000,
  maxWatchSeconds: 1800,
  maxWatchBacklogBytes: 64 * 1024 * 1024,
}

/**
 * Paths that answer without credentials, as system:public-info-viewer allows. Credentials that
 * are presented are still checked: a wrong token gets 401 here too, as from kube-apiserver
 * (health checks with a bad credential must not look healthy).
 */
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version'])

export class ApiServer {
  readonly registry: Registry
  readonly metrics = new Metrics()
  private readonly opts: ApiServerOptions
  private readonly settings: ServerSettings
  private readonly discovery: DiscoveryRoutes
  private readonly server: Server
  /**
   * Responses of long-running requests (watches, logs, exec, proxy), ended on close(). Only
   * those: a Set that every short request passes through makes V8 keep each request's objects
   * through young-generation collections (measured: survival 1–2% → 20–30%, scavenge pauses
   * 1 ms → 15 ms), and short requests finish on their own.
   */
  private readonly longRunning = new Set<ServerResponse>()
  /** Sockets of upgrade requests (exec/attach/port-forward sessions), destroyed on close(). */
  private readonly upgraded = new Set<Duplex>()
  private shuttingDown = false
  /** Undefined when auditing is off: the request path then pays one property check. */
  private readonly auditor: Auditor | undefined

  constructor(opts: ApiServerOptions) {
    this.opts = opts
    this.auditor = opts.audit?.path ? new Auditor(opts.audit, opts.log) : undefined
    this.registry = opts.registry
    this.settings = { ...DEFAULT_SETTINGS, ...opts.settings }
    this.discovery = new DiscoveryRoutes(opts.registry, opts.kubernetesVersion)
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res)
    const httpOpts = { keepAlive: true, requestTimeout: 0, headersTimeout: 60_000 }
    this.server = opts.tls
      ? createTlsServer(
          {
            ...httpOpts,
            cert: opts.tls.cert,
            key: opts.tls.key,
            ca: opts.tls.ca,
            requestCert: !!opts.tls.ca,
            rejectUnauthorized: false,
          },
          handler,
        )
      : createServer(httpOpts, handler)
    this.server.keepAliveTimeout = 65_000
    // WebSocket and SPDY upgrades (pods/exec, attach, portforward) arrive here, not at handler.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.handleUpgrade(req, socket, head),
    )
  }

  listen(host: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => {
        this.server.off('error', reject)
        resolve(this.server.address() as AddressInfo)
      })
    })
  }

  /** The underlying HTTP server (TLS wrapping and upgrades attach here). */
  get httpServer(): Server {
    return this.server
  }

  /** Stops accepting requests, ends open watches and waits for in-flight requests. */
  async close(): Promise<void> {
    this.shuttingDown = true
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeIdleConnections()
    // Upgraded sessions first: the response objects bound to their sockets must not write.
    for (const socket of this.upgraded) socket.destroy()
    for (const res of this.longRunning) res.end()
    const deadline = setTimeout(() => this.server.closeAllConnections(), 5000)
    await closed
    clearTimeout(deadline)
    if (this.auditor) {
      // Responses' 'close' events (which record audit events) may trail the server's own.
      await new Promise((r) => setImmediate(r))
      await this.auditor.close()
    }
  }

  /** Resolves when every audit event recorded so far has been written (tests). */
  async flushAudit(): Promise<void> {
    await this.auditor?.flush()
  }

  /**
   * An upgrade request goes through handle() like any other (authentication, routing, the
   * `<resource>/<subresource>` connector), with a ServerResponse bound to the raw socket: errors
   * before the upgrade are ordinary HTTP responses that then close the connection, and a
   * connector that accepts the upgrade takes `ctx.req.socket` over and writes its own 101 (bytes
   * that came with the request are pushed back into the socket first).
   */
  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node removed its own listeners from the socket: without one an error would be fatal.
    socket.on('error', () => socket.destroy())
    if (head.length > 0) socket.unshift(head)
    this.upgraded.add(socket)
    socket.once('close', () => this.upgraded.delete(socket))
    const res = new ServerResponse(req)
    res.assignSocket(socket as Socket)
    res.shouldKeepAlive = false
    res.once('finish', () => socket.end())
    void this.handle(req, res)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reqId = randomUUID()
    const started = performance.now()
    const url = requestURL(req.url)
    if (!url) {
      writeError(
        res,
        badRequest(`invalid request target: ${JSON.stringify(String(req.url).slice(0, 200))}`),
        this.opts.log,
        reqId,
      )
      return
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
    const info = parseRequestInfo(req.method ?? 'GET', path, url.searchParams)
    res.setHeader('Audit-Id', reqId)
    const audit: AuditRecord | undefined = this.auditor?.begin(req, info, url.searchParams, reqId, started)
    const longRunning = info.verb === 'watch' || /^(log|exec|attach|portforward|proxy)/.test(info.subresource)
    if (longRunning) this.longRunning.add(res)
    res.on('close', () => {
      if (longRunning) this.longRunning.delete(res)
      this.metrics.observe(info, res.statusCode, performance.now() - started)
      // A connector that took an upgrade over wrote its 101 to the socket, not through res.
      if (audit) this.auditor!.complete(audit, !res.headersSent && req.headers.upgrade ? 101 : res.statusCode)
    })
    const guard = longRunning
      ? undefined
      : setTimeout(() => {
          const e = timeout('request did not complete within the allowed duration')
          if (audit && !res.headersSent) audit.error = e.status
          writeError(res, e, this.opts.log, reqId)
        }, this.opts.requestTimeoutMs ?? 60_000)
    try {
      if (this.shuttingDown) {
        res.setHeader('Connection', 'close')
        throw new StatusError(503, 'ServiceUnavailable', 'the server is shutting down')
      }
      let user: UserInfo | undefined
      if (PUBLIC_PATHS.has(path)) {
        if (req.headers.authorization && !(await this.opts.authenticator.authenticate(req))) throw unauthorized()
      } else {
        user = await this.opts.authenticator.authenticate(req)
        if (!user) throw unauthorized()
        if (audit) audit.user = user
        const authz = this.opts.authorizer
        if (authz) {
          const authenticated = user
          user = impersonate(req, user, authz)
          if (audit && user !== authenticated) audit.impersonatedUser = user
          const attrs = requestAttributes(user, info, req.method ?? 'GET', url.searchParams)
          const decision = authz.authorize(attrs)
          if (audit) audit.decision = decision
          if (!decision.allowed) {
            throw forbidden(
              forbiddenMessage(attrs),
              { group: info.apiGroup, resource: info.resource },
              info.name || undefined,
            )
          }
        }
      }
      await this.route(req, res, path, url.searchParams, info, reqId, user, audit)
    } catch (e) {
      if (audit && e instanceof StatusError && !res.headersSent) audit.error = e.status
      writeError(res, e, this.opts.log, reqId)
    } finally {
      if (guard) clearTimeout(guard)
      // A response ended by now is complete: record it before the client can act on it (tests
      // and callers reading the log right after a response); others are recorded on 'close'.
      if (audit && res.writableEnded) this.auditor!.complete(audit, res.statusCode)
    }
  }

  private async route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    info: RequestInfo,
    reqId: string,
    user: UserInfo | undefined,
    audit: AuditRecord | undefined,
  ): Promise<void> {
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      writeRaw(res, 200, 'text/plain; charset=utf-8', 'ok')
      return
    }
    if (path === '/metrics') {
      writeRaw(res, 200, 'text/plain; version=0.0.4', this.metrics.render())
      return
    }
    if (!info.isResourceRequest) {
      if (await this.discovery.serve(req, res, path)) return
      throw notFound({ group: '', resource: '' }, path)
    }
    const store = this.registry.lookup(info.apiGroup, info.apiVersion, info.resource)
    if (!store) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    if (store.def.scope === 'Cluster' && info.namespace) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    }
    // The all-namespaces path of a namespaced resource serves list and watch only.
    if (store.def.scope === 'Namespaced' && !info.namespace) {
      if (info.name) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
      if (info.verb !== 'list' && info.verb !== 'watch') {
        throw methodNotAllowed(`the server does not allow this method on the requested resource`)
      }
    }
    const warnings: string[] = []
    const ctx: RequestContext = {
      req,
      res,
      info,
      query,
      store,
      registry: this.registry,
      log: this.opts.log,
      reqId,
      settings: this.settings,
      user,
      audit,
      warn: (m) => {
        warnings.push(m)
        if (!res.headersSent)
          res.setHeader(
            'Warning',
            warnings.map((w) => `299 - ${headerSafe(JSON.stringify(w))}`),
          )
      },
    }
    const sub = info.subresource
    if (sub && sub !== 'status') {
      const connector = this.opts.connectors?.get(`${info.resource}/${baseSubresource(sub)}`)
      if (connector) return connector(ctx, user!)
      if (sub === 'scale') return handleScale(ctx)
      if (sub === 'finalize' && info.resource === 'namespaces' && info.verb === 'update')
        return handleNamespaceFinalize(ctx)
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource')
    }
    if (store.def.virtual) {
      const handler = this.opts.virtual?.get(`${store.def.group}/${store.def.plural}`)
      if (info.verb !== 'create' || !handler || !user)
        throw methodNotAllowed('the server does not allow this method on the requested resource')
      return handleVirtualCreate(ctx, handler, user)
    }
    if (!store.def.verbs.includes(info.verb as never) && info.verb !== 'watch') {
      throw methodNotAllowed(`the server does not allow this method on the requested resource`)
    }
    switch (info.verb) {
      case 'get':
        return handleGet(ctx)
      case 'list':
        return handleList(ctx)
      case 'watch':
        return handleWatch(ctx)
      case 'create':
        return handleCreate(ctx)
      case 'update':
        return handleUpdate(ctx)
      case 'patch':
        return handlePatch(ctx)
      case 'delete':
        return handleDelete(ctx)
      case 'deletecollection':
        return handleDeleteCollection(ctx)
      default:
        throw methodNotAllowed(`the server does not allow this method on the requested resource`)
    }
  }
}

/** Header values must be printable ASCII: escape anything else (user input can reach warnings). */
function headerSafe(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** The attributes an authorizer decides on, from the parsed request. */
function requestAttributes(user: UserInfo, info: RequestInfo, method: string, query: URLSearchParams): Attributes {
  const fieldSelector = query.get('fieldSelector')
  return {
    user,
    verb: info.isResourceRequest ? info.verb : method.toLowerCase(),
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: baseSubresource(info.subresource),
    namespace: info.namespace,
    name: info.name,
    ...(fieldSelector ? { fieldSelector } : {}),
  }
}

/** The request target as a URL: origin-form paths only ("//[" and absolute forms are refused). */
function requestURL(target: string | undefined): URL | undefined {
  if (target?.[0] !== '/' || target[1] === '/') return undefined
  try {
    return new URL(target, 'http://localhost')
  } catch {
    return undefined
  }
}
