// The hub's address book of member clusters: for each connected member, how to send it an HTTP
// request (base URL, an agent that holds the TLS settings and pooled connections, and the hub's
// own credential for it). The cluster controller fills it as members are imported (and, for
// registered clusters, as agents' tunnels come and go); the proxy, status checks and member
// clients read it. Removing a member destroys its pooled connections.

import type { Agent as HttpAgent } from 'node:http'
import type { Duplex } from 'node:stream'
import { authHeadersFor, httpsAgentFor, type RestConfig } from '../../client/rest-config.ts'

export interface MemberEndpoint {
  cluster: string
  /** Base URL of the member's API server, no trailing slash. */
  server: string
  /** Connections to the member (an HTTPS agent for imports; a tunnel agent for registrations). */
  agent: HttpAgent
  /** Headers carrying the hub's credential for the member (Authorization), if any. */
  authHeaders: Record<string, string>
  /** The config the endpoint was built from (TLS settings for raw upgrade connections). */
  config: RestConfig
  /**
   * Opens a new connection to the member's API server (TLS already set up, e.g. a stream through
   * an agent's tunnel). The proxy uses it for upgraded sessions (exec, port-forward) when set;
   * otherwise they take a connection from `agent`.
   */
  connect?: () => Duplex
}

export class MemberDirectory {
  private readonly members = new Map<string, MemberEndpoint>()
  private readonly listeners = new Set<(cluster: string) => void>()

  get(cluster: string): MemberEndpoint | undefined {
    return this.members.get(cluster)
  }

  names(): string[] {
    return [...this.members.keys()]
  }

  /** Sets (or replaces) how a member is reached from a kubeconfig-style config. */
  setFromConfig(cluster: string, config: RestConfig): MemberEndpoint {
    return this.set({
      cluster,
      server: config.server,
      agent: httpsAgentFor(config),
      authHeaders: authHeadersFor(config),
      config,
    })
  }

  set(endpoint: MemberEndpoint): MemberEndpoint {
    const old = this.members.get(endpoint.cluster)
    this.members.set(endpoint.cluster, endpoint)
    if (old && old.agent !== endpoint.agent) old.agent.destroy()
    this.emit(endpoint.cluster)
    return endpoint
  }

  delete(cluster: string): void {
    const old = this.members.get(cluster)
    if (!old) return
    this.members.delete(cluster)
    old.agent.destroy()
    this.emit(cluster)
  }

  /** Called with a cluster's name whenever its endpoint is set, replaced or removed. */
  onChange(listener: (cluster: string) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): void {
    for (const name of [...this.members.keys()]) this.delete(name)
    this.listeners.clear()
  }

  private emit(cluster: string): void {
    for (const l of this.listeners) l(cluster)
  }
}
