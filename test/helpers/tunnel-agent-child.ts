// A tunnel agent in its own process, so tests can kill it the hard way (SIGKILL: no GOAWAY, no
// FIN from our code) and benchmarks can keep its CPU apart from the hub's. Configuration comes
// as JSON in FLOTILLA_TEST_AGENT (the credential included, so it is not on the command line).
// Prints "connected" / "disconnected" lines on stdout.

import { TunnelClient } from '../../src/tunnel/client.ts'
import { memberForwarder } from '../../src/tunnel/forward.ts'

interface ChildConfig {
  hubURL: string
  ca: string
  cluster: string
  agentId: string
  credential: string
  member: { server: string; ca: string; token: string }
  keepalive?: { pingIntervalMs: number; pingTimeoutMs: number }
}

const cfg = JSON.parse(process.env.FLOTILLA_TEST_AGENT ?? '{}') as ChildConfig
const forwarder = memberForwarder(cfg.member)
const client = new TunnelClient({
  hubURL: cfg.hubURL,
  ca: cfg.ca,
  cluster: cfg.cluster,
  agentId: cfg.agentId,
  credential: cfg.credential,
  onRequest: forwarder.onRequest,
  onUpgrade: forwarder.onUpgrade,
  keepalive: cfg.keepalive,
  backoff: { initialMs: 100, maxMs: 1_000 },
})
client.on('connected', () => process.stdout.write('connected\n'))
client.on('disconnected', () => process.stdout.write('disconnected\n'))
client.start()
process.on('SIGTERM', () => {
  void client.stop().then(() => {
    forwarder.close()
    process.exit(0)
  })
})
