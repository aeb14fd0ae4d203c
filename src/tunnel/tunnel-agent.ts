// An http.Agent whose connections are CONNECT streams through a tunnel, so any HTTP/1.1 client
// code (HttpClient, http.request, the ws library, raw upgrade piping) reaches a member through
// the tunnel unchanged. The request URL's host is irrelevant: every connection goes to the one
// member API server behind the tunnel; use a plain "http:" URL (TLS is the tunnel's, below).
//
// Idle connections are kept (a new CONNECT stream costs a HEADERS frame; a reused one nothing),
// with an idle timeout shorter than the agent side's keep-alive timeout, so the hub never picks
// a connection the agent is just closing.

import { Agent, type AgentOptions, type ClientRequest, type ClientRequestArgs } from 'node:http'
import type { Duplex } from 'node:stream'

/** Opens one connection to the member (a CONNECT stream); throws when no tunnel is usable. */
export type TunnelDialer = () => Duplex

export interface TunnelAgentOptions extends AgentOptions {
  /** Idle kept-alive connections are closed after this (default 15 s). */
  idleTimeoutMs?: number
}

/** The base URL to give HTTP clients that use a TunnelAgent (any host would do; this one reads well in logs). */
export function tunnelServerURL(cluster: string): string {
  return `http://${cluster}.tunnel.flotilla.invalid`
}

export class TunnelAgent extends Agent {
  private readonly dial: TunnelDialer
  private readonly idleTimeoutMs: number

  constructor(dial: TunnelDialer, opts: TunnelAgentOptions = {}) {
    const { idleTimeoutMs, ...agentOpts } = opts
    super({ keepAlive: true, maxFreeSockets: 16, scheduling: 'lifo', ...agentOpts })
    this.dial = dial
    this.idleTimeoutMs = idleTimeoutMs ?? 15_000
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    // Errors go to the callback (the request's 'error' event): throwing here would escape from
    // http.request() itself.
    let stream: Duplex
    try {
      stream = this.dial()
    } catch (e) {
      callback?.(e as Error, undefined as unknown as Duplex)
      return undefined
    }
    return stream
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if (socket.destroyed || !socket.writable) return false
    // A stream of a tunnel that is closing (retired: GOAWAY) finishes its request and goes, so
    // the tunnel can close once its streams are done instead of being kept busy by reuse.
    if ((socket as Duplex & { session?: { closed: boolean } }).session?.closed) return false
    ;(socket as Duplex & { setTimeout(ms: number): void }).setTimeout(this.idleTimeoutMs)
    return true
  }

  override reuseSocket(socket: Duplex, req: ClientRequest): void {
    ;(socket as Duplex & { setTimeout(ms: number): void }).setTimeout(0)
    // The base class removes the error listener it put on the idle socket (and calls ref()).
    super.reuseSocket(socket, req)
  }
}
