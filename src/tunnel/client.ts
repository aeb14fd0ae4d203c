// The agent's end of the tunnel: dials the hub over TLS (verifying the hub's CA), asks for the
// flotilla-tunnel/1 upgrade with the cluster credential, then serves HTTP/2 on that socket as
// the *server*. Each CONNECT stream the hub opens is one HTTP/1.1 connection, handed to an
// ordinary http.Server whose request/upgrade handlers the caller supplies (the agent forwards
// them to its API server). On any loss it redials with jittered exponential backoff.
// refresh() replaces a live tunnel make-before-break (after the credential was rotated): a new
// session is dialled first, then the old one is retired gracefully, without a disconnection.

import { EventEmitter } from 'node:events'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  type IncomingHttpHeaders,
  performServerHandshake,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2'
import { request as httpsRequest } from 'node:https'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import type { Logger } from '../log/logger.ts'
import { silentLogger } from '../log/logger.ts'
import { Backoff, type BackoffOptions } from './backoff.ts'
import { startKeepalive } from './keepalive.ts'
import {
  AGENT_ID_HEADER,
  CLUSTER_HEADER,
  closeWithin,
  DEFAULT_KEEPALIVE,
  DEFAULT_LIMITS,
  http2SessionOptions,
  type KeepaliveOptions,
  TUNNEL_PATH,
  TUNNEL_PROTOCOL,
  TunnelError,
  type TunnelLimits,
  whenClosed,
} from './protocol.ts'
import { asSocket } from './socket-like.ts'

export interface TunnelClientOptions {
  /** The hub's agent port, https://HOST:PORT. */
  hubURL: string
  /** PEM of the CA that signs the hub's serving certificate. */
  ca: string
  /** Name to verify the hub's certificate against, when not the URL's host. */
  servername?: string
  cluster: string
  /** This agent instance (pod name): the hub replaces an older tunnel of the same id. */
  agentId: string
  /** The cluster credential, read again at every dial (it is rotated). Never logged. */
  credential: string | (() => string | Promise<string>)
  /** Serves a request from the hub (the agent forwards it to its API server). */
  onRequest: (req: IncomingMessage, res: ServerResponse) => void
  /** Serves an upgrade request (exec, attach, port-forward); default: the connection is closed. */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  limits?: Partial<TunnelLimits>
  keepalive?: Partial<KeepaliveOptions>
  backoff?: Partial<BackoffOptions>
  /** TLS connect + upgrade + HTTP/2 handshake must finish within this (default 10 s). */
  connectTimeoutMs?: number
  /** How long a session replaced by refresh() may finish its streams before it is destroyed (default 60 s). */
  retireGraceMs?: number
  log?: Logger
}

export interface TunnelClientEvents {
  /** The tunnel is up (the hub's SETTINGS arrived). */
  connected: []
  /** refresh() replaced the tunnel with a new one; the old one finishes its streams. */
  refreshed: []
  /** The tunnel went down (after having been up). */
  disconnected: [info: { error?: Error; lastedMs: number }]
  /** The hub refused the credential or the cluster (401/403), or could not check it (503). */
  rejected: [info: { status: number; message: string }]
  /** A dial failed or a tunnel ended; the next attempt is in `delayMs`. */
  retry: [info: { delayMs: number; error?: Error }]
}

/** The hub's answer when it refused the upgrade. */
export class TunnelRejectedError extends TunnelError {
  readonly status: number
  constructor(status: number, message: string) {
    super('ETUNNELREJECTED', `the hub refused the tunnel (HTTP ${status}): ${message}`)
    this.status = status
  }
}

export class TunnelClient extends EventEmitter<TunnelClientEvents> {
  private readonly opts: TunnelClientOptions
  private readonly log: Logger
  private readonly backoff: Backoff
  private readonly limits: TunnelLimits
  private readonly keepalive: KeepaliveOptions
  /** Serves the HTTP/1.1 connections carried by CONNECT streams; it never listens on a port. */
  readonly http: Server
  private running = false
  /** The session new streams arrive on (the newest, after a refresh). */
  private session: ServerHttp2Session | undefined
  /** Sessions replaced by refresh(), finishing their streams. */
  private readonly retiring = new Set<ServerHttp2Session>()
  /** The first error of each session (its 'close' carries none). */
  private readonly errors = new WeakMap<ServerHttp2Session, Error>()
  /** Aborts the dials under way (the run loop's, a refresh's). */
  private readonly pending = new Set<() => void>()
  private refreshing: Promise<boolean> | undefined
  /** Tells the run loop a refresh swapped the current session. */
  private replaced: (() => void) | undefined
  private timer: NodeJS.Timeout | undefined
  private loop: Promise<void> | undefined

  constructor(opts: TunnelClientOptions) {
    super()
    this.opts = opts
    this.log = (opts.log ?? silentLogger).with({ cluster: opts.cluster, agent: opts.agentId })
    this.backoff = new Backoff(opts.backoff)
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits }
    this.keepalive = { ...DEFAULT_KEEPALIVE, ...opts.keepalive }
    this.http = createHttpServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, opts.onRequest)
    // Longer than the hub's idle timeout for kept-alive connections (15 s), so the hub closes first.
    this.http.keepAliveTimeout = 60_000
    this.http.timeout = 0
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (opts.onUpgrade) opts.onUpgrade(req, socket, head)
      else socket.destroy()
    })
    this.http.on('clientError', (_err, socket: Duplex) => socket.destroy())
  }

  get connected(): boolean {
    return !!this.session && !this.session.closed && !this.session.destroyed
  }

  /** Starts dialling (and redialling) the hub until stop(). */
  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /** Stops redialling and closes the tunnel (GOAWAY: streams in flight may finish for a moment). */
  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    for (const abort of this.pending) abort()
    // A refresh that got its session anyway closes it itself once it sees the client stopped.
    await this.refreshing
    const sessions = [this.session, ...this.retiring].filter((s) => s !== undefined)
    await Promise.all(sessions.map((s) => closeWithin(s, 2_000)))
    this.wake?.()
    await this.loop
  }

  /**
   * Make-before-break: dials a new session (the credential is read again, so a rotated one is
   * used), makes it the current one, then retires the old one (GOAWAY; its streams in flight, a
   * watch or an exec, may finish within the grace period). The run loop sees no disconnection.
   * Resolves false, changing nothing, when not connected, already refreshing, or the dial failed.
   */
  async refresh(): Promise<boolean> {
    if (!this.running || !this.connected || this.refreshing) return false
    const run = this.replaceSession()
    this.refreshing = run
    try {
      return await run
    } finally {
      this.refreshing = undefined
    }
  }

  private async replaceSession(): Promise<boolean> {
    const old = this.session
    let next: ServerHttp2Session
    try {
      next = await this.dial()
    } catch (e) {
      // Stopped meanwhile: not a failure worth a warning.
      this.log[this.running ? 'warn' : 'debug']('TunnelRefreshFailed', { error: (e as Error).message })
      return false
    }
    if (!this.running) {
      next.destroy()
      return false
    }
    this.session = next
    this.replaced?.()
    if (old) this.retire(old)
    this.log.info('TunnelRefreshed', {})
    this.emit('refreshed')
    return true
  }

  /** GOAWAY to a replaced session: no new streams; those in flight finish or are cut at the grace period. */
  private retire(s: ServerHttp2Session): void {
    if (s.destroyed) return
    this.retiring.add(s)
    void closeWithin(s, this.opts.retireGraceMs ?? 60_000).then(() => this.retiring.delete(s))
  }

  private wake: (() => void) | undefined

  private async run(): Promise<void> {
    while (this.running) {
      let error: Error | undefined
      const started = Date.now()
      try {
        const session = await this.dial()
        this.session = session
        if (!this.running) session.close()
        this.emit('connected')
        error = await this.whenDown()
        this.session = undefined
        const lastedMs = Date.now() - started
        this.backoff.connectionEnded(lastedMs)
        this.log.info('TunnelDisconnected', { lastedMs, error: error?.message })
        this.emit('disconnected', { error, lastedMs })
      } catch (e) {
        error = e as Error
        if (e instanceof TunnelRejectedError) {
          this.log.warn('TunnelRejected', { status: e.status, error: e.message })
          this.emit('rejected', { status: e.status, message: e.message })
        } else {
          this.log.info('TunnelDialFailed', { error: error.message })
        }
      }
      if (!this.running) break
      // After a stable tunnel the backoff was reset (first delay ~0.5 s); otherwise it grows.
      const delayMs = this.backoff.next()
      this.emit('retry', { delayMs, error })
      await new Promise<void>((resolve) => {
        this.wake = resolve
        this.timer = setTimeout(resolve, delayMs)
      })
      this.wake = undefined
    }
  }

  /**
   * Resolves (with the error that closed it, if any) when the tunnel is down: the current
   * session closed and no refresh replaced it. A session retired by refresh() closing is not a
   * disconnection; its successor is watched from the moment it takes over.
   */
  private async whenDown(): Promise<Error | undefined> {
    for (;;) {
      const session = this.session
      if (!session) return undefined
      await new Promise<void>((resolve) => {
        this.replaced = resolve
        void whenClosed(session).then(resolve)
      })
      this.replaced = undefined
      if (this.session !== session) continue
      // Closed: a refresh under way may be about to replace it (the hub may drop the old one first).
      await this.refreshing
      if (this.session === session) return this.errors.get(session)
    }
  }

  /** One attempt (see attempt()); stop() can cut it short meanwhile. */
  private async dial(): Promise<ServerHttp2Session> {
    let abort = () => {}
    const cancel = () => abort()
    this.pending.add(cancel)
    try {
      return await this.attempt((a) => {
        abort = a
      })
    } finally {
      this.pending.delete(cancel)
    }
  }

  /**
   * TLS, upgrade, HTTP/2 handshake. Resolves with the live session. `onAbort` is given what
   * stops the attempt at each stage: the request, then the upgraded socket.
   */
  private async attempt(onAbort: (abort: () => void) => void): Promise<ServerHttp2Session> {
    const credential = typeof this.opts.credential === 'function' ? await this.opts.credential() : this.opts.credential
    const url = new URL(this.opts.hubURL)
    const timeoutMs = this.opts.connectTimeoutMs ?? 10_000
    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const req = httpsRequest({
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 443,
        method: 'GET',
        path: TUNNEL_PATH,
        ca: this.opts.ca,
        servername: this.opts.servername,
        agent: false,
        headers: {
          authorization: `Bearer ${credential}`,
          connection: 'Upgrade',
          upgrade: TUNNEL_PROTOCOL,
          [CLUSTER_HEADER]: this.opts.cluster,
          [AGENT_ID_HEADER]: this.opts.agentId,
        },
      })
      const timer = setTimeout(
        () => req.destroy(new TunnelError('ETIMEDOUT', `no tunnel upgrade within ${timeoutMs} ms`)),
        timeoutMs,
      )
      onAbort(() => req.destroy(new TunnelError('ETUNNELSTOPPED', 'the tunnel client stopped')))
      req.once('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
      req.once('response', (res) => {
        // Not upgraded: the hub's refusal (a small Status body).
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => {
          if (body.length < 4096) body += c
        })
        res.once('end', () => {
          clearTimeout(timer)
          let message = body.slice(0, 300)
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message
          } catch {
            // not a Status: keep the text
          }
          reject(new TunnelRejectedError(res.statusCode ?? 0, message))
        })
        res.once('error', reject)
      })
      req.once('upgrade', (res, sock: Duplex, head: Buffer) => {
        clearTimeout(timer)
        const tls = sock as TLSSocket
        if ((res.headers.upgrade ?? '').toLowerCase() !== TUNNEL_PROTOCOL) {
          tls.destroy()
          reject(new TunnelError('EPROTO', `the hub upgraded to "${res.headers.upgrade}"`))
          return
        }
        // The hub may have sent its HTTP/2 preface right behind the 101: give it back to the
        // socket; node:http2 reads what is buffered before consuming the socket.
        if (head.length > 0) tls.unshift(head)
        resolve(tls)
      })
      req.end()
    })
    onAbort(() => socket.destroy())
    if (!this.running) {
      socket.destroy()
      throw new TunnelError('ETUNNELSTOPPED', 'the tunnel client stopped')
    }
    socket.setNoDelay(true)
    socket.setKeepAlive(true, 30_000)
    const session = performServerHandshake(socket, http2SessionOptions(this.limits))
    session.on('error', (e) => {
      this.log.debug('TunnelSessionError', { error: e.message })
      if (!this.errors.has(session)) this.errors.set(session, e)
    })
    session.on('stream', (stream, headers) => this.onStream(stream, headers))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        session.destroy(new TunnelError('ETIMEDOUT', 'the hub sent no HTTP/2 SETTINGS in time'))
      }, timeoutMs)
      const fail = () => {
        clearTimeout(timer)
        reject(new TunnelError('ETUNNELCLOSED', 'the tunnel closed during the HTTP/2 handshake'))
      }
      session.once('close', fail)
      session.once('remoteSettings', () => {
        clearTimeout(timer)
        session.off('close', fail)
        resolve()
      })
    })
    try {
      session.setLocalWindowSize(this.limits.sessionWindowBytes)
    } catch {
      // closing already: the caller sees 'close'
    }
    startKeepalive(session, this.keepalive)
    this.log.info('TunnelConnected', {})
    return session
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => stream.destroy())
    if (headers[':method'] !== 'CONNECT') {
      stream.respond({ ':status': 405 }, { endStream: true })
      return
    }
    stream.respond({ ':status': 200 })
    this.http.emit('connection', asSocket(stream))
  }
}
