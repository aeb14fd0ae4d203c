// The hub's end of one agent's tunnel: an HTTP/2 client session on the upgraded TLS socket.
// Every connection to the member is a CONNECT stream on it (connect()), and agent() wraps that
// in an http.Agent. A session is usable from the agent's first SETTINGS frame until it closes;
// when it dies, only the streams on it fail — nothing is retried elsewhere, because a request
// already sent may have been acted on by the member (nothing is handled twice).

import { EventEmitter } from 'node:events'
import { type ClientHttp2Session, type ClientHttp2Stream, connect as http2Connect } from 'node:http2'
import type { TLSSocket } from 'node:tls'
import { startKeepalive } from './keepalive.ts'
import {
  CONNECT_AUTHORITY,
  closeWithin,
  DEFAULT_KEEPALIVE,
  DEFAULT_LIMITS,
  http2SessionOptions,
  type KeepaliveOptions,
  TunnelError,
  type TunnelLimits,
} from './protocol.ts'
import { asSocket, type TunnelSocket } from './socket-like.ts'
import { TunnelAgent, type TunnelAgentOptions } from './tunnel-agent.ts'

export interface TunnelSessionInfo {
  cluster: string
  /** The agent instance (pod name or random id) that opened the tunnel. */
  agentId: string
  remoteAddress?: string
  /**
   * What authorized the tunnel (the hub: the cluster credential's id, never its secret), so the
   * tunnel can be retired once that no longer holds (expired, rotated out, revoked).
   */
  grant?: string
}

export interface OpenSessionOptions extends TunnelSessionInfo {
  limits?: Partial<TunnelLimits>
  keepalive?: Partial<KeepaliveOptions>
  /** The agent must send its HTTP/2 SETTINGS within this (default 10 s). */
  handshakeTimeoutMs?: number
}

export class TunnelSession extends EventEmitter<{ close: [error: Error | undefined] }> {
  readonly cluster: string
  readonly agentId: string
  readonly remoteAddress: string | undefined
  readonly grant: string | undefined
  readonly connectedAt = Date.now()
  private readonly h2: ClientHttp2Session
  private readonly maxStreams: number
  private active = 0
  private closeError: Error | undefined

  private constructor(h2: ClientHttp2Session, info: TunnelSessionInfo, maxStreams: number) {
    super()
    this.h2 = h2
    this.cluster = info.cluster
    this.agentId = info.agentId
    this.remoteAddress = info.remoteAddress
    this.grant = info.grant
    this.maxStreams = maxStreams
    h2.once('close', () => this.emit('close', this.closeError))
  }

  /**
   * Starts HTTP/2 (as the client) on a socket that has just answered 101, and resolves once the
   * agent's SETTINGS arrive — proof that the other end speaks the tunnel protocol.
   */
  static open(socket: TLSSocket, opts: OpenSessionOptions): Promise<TunnelSession> {
    const limits = { ...DEFAULT_LIMITS, ...opts.limits }
    const keepalive = { ...DEFAULT_KEEPALIVE, ...opts.keepalive }
    return new Promise((resolve, reject) => {
      const h2 = http2Connect(`http://${CONNECT_AUTHORITY}`, {
        ...http2SessionOptions(limits),
        createConnection: () => socket,
      })
      let session: TunnelSession | undefined
      // Garbage or a protocol violation from the agent surfaces here; the session is destroyed
      // with it and only this tunnel closes.
      h2.on('error', (e) => {
        if (session) session.closeError ??= e
      })
      const timer = setTimeout(
        () => h2.destroy(new TunnelError('ETIMEDOUT', 'the agent sent no HTTP/2 SETTINGS in time')),
        opts.handshakeTimeoutMs ?? 10_000,
      )
      const failed = (e?: Error) => {
        clearTimeout(timer)
        reject(e ?? new TunnelError('ETUNNELCLOSED', 'the tunnel closed during the HTTP/2 handshake'))
      }
      h2.once('error', failed)
      h2.once('close', failed)
      h2.once('remoteSettings', () => {
        clearTimeout(timer)
        h2.off('error', failed)
        h2.off('close', failed)
        try {
          h2.setLocalWindowSize(limits.sessionWindowBytes)
        } catch {
          // the session closed meanwhile: 'close' reports it
        }
        startKeepalive(h2, keepalive)
        session = new TunnelSession(h2, opts, limits.maxConcurrentStreams)
        resolve(session)
      })
    })
  }

  /** Whether new connections can be opened (not closing, not destroyed). */
  get alive(): boolean {
    return !this.h2.closed && !this.h2.destroyed
  }

  get activeStreams(): number {
    return this.active
  }

  /**
   * Opens a connection to the member's API server: a Duplex carrying raw HTTP/1.1 bytes. Data
   * may be written at once (no round trip for the agent's 200). Throws when the session cannot
   * take another stream.
   */
  connect(): TunnelSocket {
    if (!this.alive) throw new TunnelError('ETUNNELCLOSED', `the tunnel of cluster ${this.cluster} is closed`)
    const max = Math.min(this.maxStreams, this.h2.remoteSettings.maxConcurrentStreams ?? this.maxStreams)
    if (this.active >= max) {
      throw new TunnelError('ETUNNELBUSY', `the tunnel of cluster ${this.cluster} already carries ${max} connections`)
    }
    let stream: ClientHttp2Stream
    try {
      stream = this.h2.request({ ':method': 'CONNECT', ':authority': CONNECT_AUTHORITY }, { endStream: false })
    } catch (e) {
      throw new TunnelError(
        'ETUNNELCLOSED',
        `the tunnel of cluster ${this.cluster} is closing: ${(e as Error).message}`,
      )
    }
    this.active++
    stream.once('close', () => this.active--)
    stream.once('response', (headers) => {
      const status = Number(headers[':status'])
      if (status !== 200) {
        stream.destroy(new TunnelError('ETUNNELREFUSED', `the agent refused the connection (HTTP ${status})`))
      }
    })
    return asSocket(stream)
  }

  /** An http.Agent whose connections are streams on this session only. */
  agent(opts: TunnelAgentOptions = {}): TunnelAgent {
    return new TunnelAgent(() => this.connect(), opts)
  }

  /** Graceful close: GOAWAY, existing streams finish, no new ones. */
  close(): void {
    if (this.alive) this.h2.close()
  }

  /**
   * Takes the session out of service: GOAWAY at once (no new streams), streams in flight may
   * finish (a watch, an exec) until `graceMs`, then it is destroyed with `error`.
   */
  retire(error: Error, graceMs: number): void {
    if (this.h2.destroyed) return
    this.closeError ??= error
    void closeWithin(this.h2, graceMs)
  }

  /** Closes at once; streams in flight fail. */
  destroy(error?: Error): void {
    if (error) this.closeError ??= error
    this.h2.destroy()
  }
}
