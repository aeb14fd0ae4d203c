// The hub's agent port: a TLS server where agents open their tunnels (GET /tunnel/v1 with an
// upgrade to flotilla-tunnel/1). Other HTTPS endpoints for agents (the bootstrap-token exchange)
// share the port through `onRequest`. Everything arriving here comes from the internet, before
// any authentication, so every stage is bounded: TLS handshake and header timeouts (slowloris),
// header size, the authentication call, the agent's HTTP/2 handshake, and then the HTTP/2 limits
// (frame size, header list, session memory, streams). A violation closes only its connection.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { Logger } from '../log/logger.ts'
import { silentLogger } from '../log/logger.ts'
import {
  AGENT_ID_HEADER,
  AGENT_ID_PATTERN,
  CLUSTER_HEADER,
  CLUSTER_NAME_PATTERN,
  type KeepaliveOptions,
  TUNNEL_PATH,
  TUNNEL_PROTOCOL,
  type TunnelLimits,
} from './protocol.ts'
import type { TunnelRegistry } from './registry.ts'
import { TunnelSession } from './session.ts'

/** What an agent presented; `credential` is secret and must never be logged. */
export interface TunnelAuthRequest {
  credential: string
  /** The cluster the agent says it serves. */
  cluster: string
  agentId: string
  remoteAddress?: string
}

/** Who a tunnel is for, and on what grant (TunnelSession.grant); never the credential itself. */
export interface TunnelGrant {
  cluster: string
  grant: string
}

/** Thrown by an authenticator to refuse a tunnel: 401 (unknown/expired credential) or 403. */
export class TunnelAuthError extends Error {
  readonly status: 401 | 403
  constructor(status: 401 | 403, message: string) {
    super(message)
    this.status = status
  }
}

export interface TunnelListenerOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  tls: { cert: string; key: string }
  registry: TunnelRegistry
  /**
   * Maps a credential to the cluster it belongs to, or rejects (TunnelAuthError for 401/403;
   * any other error answers 503 so the agent retries later). A credential of another cluster
   * than the one claimed is refused with 403 by the listener. May also name the grant (e.g.
   * the credential's id) the session carries, for whoever retires tunnels whose grant lapsed.
   */
  authenticate: (req: TunnelAuthRequest) => Promise<string | TunnelGrant>
  /** Serves every request that is not a tunnel upgrade (default: 404). */
  onRequest?: (req: IncomingMessage, res: ServerResponse) => void
  limits?: Partial<TunnelLimits>
  keepalive?: Partial<KeepaliveOptions>
  /** TLS handshake, request headers, authentication and HTTP/2 handshake each get this (default 10 s). */
  handshakeTimeoutMs?: number
  /** Largest HTTP/1.1 request head (default 16 KiB). */
  maxHeaderSize?: number
  /** Most connections open at once, authenticated or not (default 20,000). */
  maxConnections?: number
  log?: Logger
}

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code })
}

const REASONS: Record<number, [string, string]> = {
  400: ['Bad Request', 'BadRequest'],
  401: ['Unauthorized', 'Unauthorized'],
  403: ['Forbidden', 'Forbidden'],
  404: ['Not Found', 'NotFound'],
  408: ['Request Timeout', 'Timeout'],
  426: ['Upgrade Required', 'BadRequest'],
  431: ['Request Header Fields Too Large', 'BadRequest'],
  503: ['Service Unavailable', 'ServiceUnavailable'],
}

/** Writes a complete HTTP/1.1 error response on a raw socket and closes it. */
function refuse(socket: Socket, code: number, message: string, extra = ''): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy()
    return
  }
  const [text, reason] = REASONS[code] ?? ['Error', 'InternalError']
  const body = statusBody(code, reason, message)
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n${extra}\r\n${body}`,
  )
  // A peer that never reads must not keep the socket: end() waits for the write to drain.
  setTimeout(() => socket.destroy(), 2_000).unref()
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  return m?.[1]
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e) => {
        clearTimeout(t)
        reject(e)
      },
    )
  })
}

export class TunnelListener {
  readonly server: Server
  private readonly opts: TunnelListenerOptions
  private readonly log: Logger
  private readonly timeoutMs: number
  /** Upgraded sockets leave the HTTP server's books: kept here so close() can end them. */
  private readonly upgraded = new Set<TLSSocket>()
  private readonly sessions = new Set<TunnelSession>()

  private constructor(opts: TunnelListenerOptions) {
    this.opts = opts
    this.log = opts.log ?? silentLogger
    this.timeoutMs = opts.handshakeTimeoutMs ?? 10_000
    this.server = createServer({
      cert: opts.tls.cert,
      key: opts.tls.key,
      // Agents speak HTTP/1.1 until the upgrade; no ALPN h2 here (the tunnel's HTTP/2 is reversed).
      ALPNProtocols: ['http/1.1'],
      handshakeTimeout: this.timeoutMs,
      maxHeaderSize: opts.maxHeaderSize ?? 16 * 1024,
      headersTimeout: this.timeoutMs,
      requestTimeout: 60_000,
      keepAliveTimeout: 5_000,
      // How often Node checks the header and request timeouts (its default, 30 s, would let a
      // slowloris connection live up to 40 s).
      connectionsCheckingInterval: Math.min(1_000, this.timeoutMs),
    })
    this.server.maxHeadersCount = 64
    // A bound on open connections, tunnels included, so a flood of unauthenticated connections
    // cannot exhaust the hub's file descriptors (beyond it the kernel's backlog refuses them).
    this.server.maxConnections = opts.maxConnections ?? 20_000
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      void this.onUpgrade(req, socket as TLSSocket, head)
    })
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res))
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      this.log.debug('TunnelClientError', { error: err.code ?? err.message, remote: socket.remoteAddress })
      const code =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? 431
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
            ? 408
            : 400
      // Nothing has been answered on this connection yet, or it would not be a client error.
      refuse(socket, code, 'malformed request')
    })
    // TLS garbage and handshake timeouts: the socket is already gone; nothing to answer.
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException) => {
      this.log.debug('TunnelTLSError', { error: err.code ?? err.message })
    })
  }

  static async start(opts: TunnelListenerOptions): Promise<TunnelListener> {
    const l = new TunnelListener(opts)
    await new Promise<void>((resolve, reject) => {
      l.server.once('error', reject)
      l.server.listen(opts.port, opts.host, () => {
        l.server.off('error', reject)
        resolve()
      })
    })
    return l
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  /** The URL agents dial (https://HOST:PORT). */
  get url(): string {
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host
    return `https://${host}:${this.port}`
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]
    if (path === TUNNEL_PATH) {
      const body = statusBody(426, 'BadRequest', `${TUNNEL_PATH} needs Upgrade: ${TUNNEL_PROTOCOL}`)
      res.writeHead(426, { 'content-type': 'application/json', upgrade: TUNNEL_PROTOCOL, connection: 'close' })
      res.end(body)
      return
    }
    if (this.opts.onRequest) {
      this.opts.onRequest(req, res)
      return
    }
    res.writeHead(404, { 'content-type': 'application/json' })
    res.end(statusBody(404, 'NotFound', 'the page could not be found'))
  }

  private async onUpgrade(req: IncomingMessage, socket: TLSSocket, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy())
    const path = (req.url ?? '').split('?')[0]
    if (path !== TUNNEL_PATH || (req.headers.upgrade ?? '').toLowerCase() !== TUNNEL_PROTOCOL) {
      refuse(socket, 400, `only ${TUNNEL_PATH} with Upgrade: ${TUNNEL_PROTOCOL} can be upgraded here`)
      return
    }
    // The agent must wait for our 101 before speaking HTTP/2; early bytes are a protocol error.
    if (head.length > 0 || req.method !== 'GET') {
      refuse(socket, 400, 'the tunnel upgrade must be a GET with no body, and wait for the 101')
      return
    }
    const credential = bearer(req)
    const claimed = String(req.headers[CLUSTER_HEADER] ?? '')
    const agentId = String(req.headers[AGENT_ID_HEADER] ?? '')
    if (!credential) {
      refuse(socket, 401, 'a bearer credential is required', 'WWW-Authenticate: Bearer\r\n')
      return
    }
    if (!CLUSTER_NAME_PATTERN.test(claimed) || !AGENT_ID_PATTERN.test(agentId)) {
      refuse(socket, 400, `${CLUSTER_HEADER} and ${AGENT_ID_HEADER} must name the cluster and the agent instance`)
      return
    }
    const remoteAddress = socket.remoteAddress
    const log = this.log.with({ cluster: claimed, agent: agentId, remote: remoteAddress })
    let granted: string | TunnelGrant
    try {
      granted = await withTimeout(
        this.opts.authenticate({ credential, cluster: claimed, agentId, remoteAddress }),
        this.timeoutMs,
        'authentication',
      )
    } catch (e) {
      if (e instanceof TunnelAuthError) {
        log.info('TunnelRefused', { status: e.status, reason: e.message })
        refuse(socket, e.status, e.message, e.status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '')
      } else {
        log.warn('TunnelAuthFailed', { error: (e as Error).message })
        refuse(socket, 503, 'the hub cannot check credentials right now', 'Retry-After: 5\r\n')
      }
      return
    }
    const cluster = typeof granted === 'string' ? granted : granted.cluster
    const grant = typeof granted === 'string' ? undefined : granted.grant
    if (cluster !== claimed) {
      log.info('TunnelRefused', { status: 403, reason: 'credential of another cluster' })
      refuse(socket, 403, `the credential does not belong to cluster ${claimed}`)
      return
    }
    if (socket.destroyed) return
    socket.setNoDelay(true)
    socket.setKeepAlive(true, 30_000)
    this.upgraded.add(socket)
    socket.once('close', () => this.upgraded.delete(socket))
    // HTTP/2 starts only once the 101 is handed to TLS, so the two never interleave.
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${TUNNEL_PROTOCOL}\r\n\r\n`,
      () => {
        if (socket.destroyed) return
        TunnelSession.open(socket, {
          cluster,
          agentId,
          grant,
          remoteAddress,
          limits: this.opts.limits,
          keepalive: this.opts.keepalive,
          handshakeTimeoutMs: this.timeoutMs,
        }).then(
          (session) => {
            this.sessions.add(session)
            session.once('close', (err) => {
              this.sessions.delete(session)
              log.info('TunnelClosed', { error: err?.message })
            })
            log.info('TunnelOpened', {})
            this.opts.registry.add(session)
          },
          (e: Error) => {
            log.info('TunnelHandshakeFailed', { error: e.message })
            socket.destroy()
          },
        )
      },
    )
  }

  /** Stops accepting, and closes every connection and tunnel this listener opened. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    for (const s of this.sessions) s.destroy()
    for (const s of this.upgraded) s.destroy()
    await closed
  }
}
