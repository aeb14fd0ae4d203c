// The hub's live tunnels, per cluster. Several agent replicas of one cluster may each hold a
// tunnel: a new connection goes to the live session carrying the fewest streams (ties taken in
// turn), so replicas share the load and a dead one takes only its own streams with it. The
// registry says when a cluster's first tunnel arrives ('up') and when its last one goes
// ('down'); the cluster controller maps those to Running / Disconnected (with its grace period).

import { EventEmitter } from 'node:events'
import { TunnelError } from './protocol.ts'
import type { TunnelSession } from './session.ts'
import type { TunnelSocket } from './socket-like.ts'
import { TunnelAgent, type TunnelAgentOptions } from './tunnel-agent.ts'

export interface TunnelRegistryEvents {
  /** A cluster's first live tunnel arrived. */
  up: [cluster: string]
  /** A cluster's last tunnel went away. */
  down: [cluster: string]
  /** Any session added (after it replaced an older one of the same agent, if any). */
  added: [session: TunnelSession]
  /** Any session removed, with the error that closed it, if any. */
  removed: [session: TunnelSession, error: Error | undefined]
}

/** How long streams in flight on a retired tunnel may go on (a watch, an exec) before it is destroyed. */
export const RETIRE_GRACE_MS = 60_000

export class TunnelRegistry extends EventEmitter<TunnelRegistryEvents> {
  private readonly byCluster = new Map<string, Set<TunnelSession>>()
  private turn = 0

  /** Adds a session that has completed its handshake. */
  add(session: TunnelSession): void {
    if (!session.alive) return
    let set = this.byCluster.get(session.cluster)
    const first = !set || set.size === 0
    if (!set) {
      set = new Set()
      this.byCluster.set(session.cluster, set)
    }
    // The same agent instance dialled again: it lost its old tunnel (even if our PINGs have not
    // found out yet) or refreshed it with a rotated credential. Either way nothing new is routed
    // into the old one; streams in flight on it may finish (retire), and a dead one is destroyed
    // by its keepalive anyway.
    for (const old of set) {
      if (old.agentId === session.agentId) {
        set.delete(old)
        old.retire(new TunnelError('ETUNNELREPLACED', 'the agent opened a new tunnel'), RETIRE_GRACE_MS)
        this.emit('removed', old, undefined)
      }
    }
    set.add(session)
    session.once('close', (error) => this.remove(session, error))
    this.emit('added', session)
    if (first) this.emit('up', session.cluster)
  }

  private remove(session: TunnelSession, error: Error | undefined): void {
    const set = this.byCluster.get(session.cluster)
    if (!set?.delete(session)) return
    this.emit('removed', session, error)
    if (set.size === 0) {
      this.byCluster.delete(session.cluster)
      this.emit('down', session.cluster)
    }
  }

  /** The live sessions of a cluster. */
  sessions(cluster: string): TunnelSession[] {
    return [...(this.byCluster.get(cluster) ?? [])]
  }

  /** Whether the cluster has at least one usable tunnel. */
  connected(cluster: string): boolean {
    return this.sessions(cluster).some((s) => s.alive)
  }

  clusters(): string[] {
    return [...this.byCluster.keys()]
  }

  /** Opens a connection to the cluster's API server through its least-loaded tunnel. */
  connect(cluster: string): TunnelSocket {
    const live = this.sessions(cluster).filter((s) => s.alive)
    if (live.length === 0) throw new TunnelError('ETUNNELDOWN', `cluster ${cluster} has no connected agent`)
    const least = Math.min(...live.map((s) => s.activeStreams))
    const candidates = live.filter((s) => s.activeStreams === least)
    const start = this.turn++ % candidates.length
    let last: unknown
    // Another session may take the stream if the first refuses (busy, closing meanwhile).
    for (let i = 0; i < candidates.length; i++) {
      try {
        return candidates[(start + i) % candidates.length].connect()
      } catch (e) {
        last = e
      }
    }
    throw last
  }

  /**
   * An http.Agent reaching the cluster through whichever tunnel is live at each new connection
   * (pair it with tunnelServerURL(cluster) as the base URL). The caller owns it (destroy()).
   */
  createAgent(cluster: string, opts: TunnelAgentOptions = {}): TunnelAgent {
    return new TunnelAgent(() => this.connect(cluster), opts)
  }

  /**
   * Retires (GOAWAY, then destroy after graceMs) every live session the predicate picks: the
   * hub's sweep of tunnels whose credential expired or was rotated out. Returns how many.
   */
  retireWhere(pick: (session: TunnelSession) => boolean, reason: string, graceMs = RETIRE_GRACE_MS): number {
    let n = 0
    for (const cluster of this.clusters()) {
      for (const s of this.sessions(cluster)) {
        if (!s.alive || !pick(s)) continue
        s.retire(new TunnelError('ETUNNELCLOSED', reason), graceMs)
        n++
      }
    }
    return n
  }

  /** Closes every tunnel of a cluster at once (its credential was revoked, or it was deleted). */
  closeCluster(cluster: string, reason = 'the cluster was disconnected by the hub'): number {
    const sessions = this.sessions(cluster)
    for (const s of sessions) s.destroy(new TunnelError('ETUNNELCLOSED', reason))
    return sessions.length
  }

  /** Closes every tunnel. */
  closeAll(): void {
    for (const c of this.clusters()) this.closeCluster(c, 'the hub is shutting down')
  }
}
