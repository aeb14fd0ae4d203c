// The reverse tunnel between the hub and agents in member clusters (docs/tunnel.md).
// Hub: TunnelListener (the agent port) feeds a TunnelRegistry; registry.createAgent(cluster)
// gives an http.Agent to reach the member. Agent: TunnelClient with memberForwarder handlers.

export { Backoff, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.ts'
export {
  TunnelClient,
  type TunnelClientEvents,
  type TunnelClientOptions,
  TunnelRejectedError,
} from './client.ts'
export { type Forwarder, type ForwarderOptions, memberForwarder } from './forward.ts'
export {
  TunnelAuthError,
  type TunnelAuthRequest,
  TunnelListener,
  type TunnelListenerOptions,
} from './hub-listener.ts'
export {
  DEFAULT_KEEPALIVE,
  DEFAULT_LIMITS,
  type KeepaliveOptions,
  TUNNEL_PATH,
  TUNNEL_PROTOCOL,
  TunnelError,
  type TunnelLimits,
} from './protocol.ts'
export { TunnelRegistry, type TunnelRegistryEvents } from './registry.ts'
export { TunnelSession } from './session.ts'
export type { TunnelSocket } from './socket-like.ts'
export { TunnelAgent, type TunnelAgentOptions, tunnelServerURL } from './tunnel-agent.ts'
