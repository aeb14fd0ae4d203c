// The wire contract of the reverse tunnel, shared by the hub and the agent (docs/tunnel.md).
//
// 1. The agent opens TLS to the hub's agent port and sends
//      GET /tunnel/v1  Authorization: Bearer <cluster credential>
//      Connection: Upgrade, Upgrade: flotilla-tunnel/1, X-Flotilla-Cluster, X-Flotilla-Agent-Id
// 2. The hub authenticates and answers 101 Switching Protocols (or 401/403 and closes).
// 3. From then on the socket carries HTTP/2 with reversed roles: the hub is the HTTP/2 client,
//    the agent the HTTP/2 server. Each hub→member connection is one CONNECT stream carrying raw
//    HTTP/1.1 bytes, which the agent serves with an ordinary http.Server.
// Both peers use the same HTTP/2 limits, so a misbehaving peer meets the same walls either way.

import type { Http2Session, Settings } from 'node:http2'

export const TUNNEL_PATH = '/tunnel/v1'
export const TUNNEL_PROTOCOL = 'flotilla-tunnel/1'
export const CLUSTER_HEADER = 'x-flotilla-cluster'
export const AGENT_ID_HEADER = 'x-flotilla-agent-id'
/** The :authority of CONNECT streams: there is one destination, the member's API server. */
export const CONNECT_AUTHORITY = 'kube-apiserver:443'

/** Agent instance ids: a pod name or a random id; bounded so logs and maps stay small. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
/** Cluster names as the hub's Cluster objects allow them (DNS-1123 label). */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

export interface TunnelLimits {
  /** Concurrent CONNECT streams per session (advertised by the agent, enforced by the hub too). */
  maxConcurrentStreams: number
  /** Largest HTTP/2 frame payload either side accepts (16 KiB is the protocol's minimum). */
  maxFrameSize: number
  /** Largest header block (CONNECT headers are tiny; anything big is hostile). */
  maxHeaderListSize: number
  /** Node's per-session memory cap in MB (buffered frames, header tables); beyond it streams are refused. */
  maxSessionMemoryMB: number
  /**
   * Per-stream flow-control window. Node only returns window as the reader consumes, so this bounds
   * what a slow consumer (a stalled watch) can make the peer buffer; 1 MiB lets one stream carry a
   * large LIST at loopback speed without waiting for WINDOW_UPDATEs every 64 KiB.
   */
  streamWindowBytes: number
  /** Connection-level window, shared by every stream of a session. */
  sessionWindowBytes: number
}

export const DEFAULT_LIMITS: TunnelLimits = {
  maxConcurrentStreams: 1000,
  maxFrameSize: 64 * 1024,
  maxHeaderListSize: 16 * 1024,
  maxSessionMemoryMB: 64,
  streamWindowBytes: 1024 * 1024,
  sessionWindowBytes: 32 * 1024 * 1024,
}

export interface KeepaliveOptions {
  /** How often each side PINGs the other (default 10 s). */
  pingIntervalMs: number
  /** A PING not acknowledged within this destroys the session (default 20 s). */
  pingTimeoutMs: number
}

export const DEFAULT_KEEPALIVE: KeepaliveOptions = { pingIntervalMs: 10_000, pingTimeoutMs: 20_000 }

/** The HTTP/2 SETTINGS both peers advertise. */
export function http2Settings(limits: TunnelLimits): Settings {
  return {
    maxConcurrentStreams: limits.maxConcurrentStreams,
    maxFrameSize: limits.maxFrameSize,
    maxHeaderListSize: limits.maxHeaderListSize,
    initialWindowSize: limits.streamWindowBytes,
    enablePush: false,
  }
}

/** Session options common to both ends (node:http2 connect / performServerHandshake). */
export function http2SessionOptions(limits: TunnelLimits) {
  return {
    settings: http2Settings(limits),
    maxSessionMemory: limits.maxSessionMemoryMB,
    // A peer flooding SETTINGS, PINGs or header pairs is cut off by nghttp2 itself.
    maxSettings: 32,
    maxOutstandingPings: 4,
    maxHeaderListPairs: 64,
    // Our own PINGs are enough; the peer gets no say in how many reserved streams we keep.
    peerMaxConcurrentStreams: limits.maxConcurrentStreams,
    // The agent is the server, so it must not wait for an HTTP/1.1 fallback that never comes.
    unknownProtocolTimeout: 10_000,
  }
}

/** An error with a Node-style code, so callers can tell tunnel failures apart. */
export class TunnelError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** Resolves when the session has closed (at once if it is destroyed already). */
export function whenClosed(s: Http2Session): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())))
}

/**
 * Graceful close on either end: GOAWAY (no new streams; those in flight may finish), then
 * destroyed if still open after `graceMs`. Resolves once closed.
 */
export function closeWithin(s: Http2Session, graceMs: number): Promise<void> {
  if (s.destroyed) return Promise.resolve()
  const closed = whenClosed(s)
  const timer = setTimeout(() => s.destroy(), graceMs)
  timer.unref() // the session's own socket keeps the process alive meanwhile
  s.close()
  return closed.finally(() => clearTimeout(timer))
}
