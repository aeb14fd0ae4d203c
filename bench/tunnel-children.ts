// The processes of the tunnel benchmark, so each has its own CPU (as in a real deployment the
// member, its agent and the hub are separate processes). Started with fork() by
// tunnel.bench.ts:
//   node bench/tunnel-children.ts sim DATA_DIR  → a simulated member; reports {type:'ready', url, token, ca}
//   node bench/tunnel-children.ts agents        → FLOTILLA_BENCH_AGENTS (JSON) TunnelClients forwarding
//                                                 to the member; reports {type:'connected'|'disconnected', connected}
// Both stop on {type:'shutdown'}.

import { startSim } from '../src/sim/start.ts'
import { TunnelClient } from '../src/tunnel/client.ts'
import { memberForwarder } from '../src/tunnel/forward.ts'

interface AgentsConfig {
  hubURL: string
  ca: string
  cluster: string
  credential: string
  member: { server: string; ca: string; token: string }
  count: number
  /** Answer every request in the agent itself (measures the tunnel alone, without the member). */
  answer?: boolean
}

const send = (m: unknown) => process.send?.(m)

async function runSim(dataDir: string): Promise<void> {
  const sim = await startSim({ name: 'bench', dataDir, host: '127.0.0.1', port: 0, nodes: 1 })
  send({ type: 'ready', url: sim.url, token: sim.token, ca: sim.caCert })
  process.on('message', async (m: { type?: string }) => {
    if (m.type === 'shutdown') {
      await sim.close()
      process.exit(0)
    }
  })
}

function runAgents(): void {
  const cfg = JSON.parse(process.env.FLOTILLA_BENCH_AGENTS ?? '{}') as AgentsConfig
  const forwarder = memberForwarder(cfg.member)
  const fixed = Buffer.from(
    JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Success', pad: 'x'.repeat(900) }),
  )
  const onRequest: typeof forwarder.onRequest = cfg.answer
    ? (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': fixed.length })
        res.end(fixed)
      }
    : forwarder.onRequest
  let connected = 0
  const clients = Array.from({ length: cfg.count }, (_, i) => {
    const c = new TunnelClient({
      hubURL: cfg.hubURL,
      ca: cfg.ca,
      cluster: cfg.cluster,
      agentId: `bench-agent-${i}`,
      credential: cfg.credential,
      onRequest,
      onUpgrade: forwarder.onUpgrade,
    })
    c.on('connected', () => send({ type: 'connected', connected: ++connected }))
    c.on('disconnected', () => send({ type: 'disconnected', connected: --connected }))
    c.start()
    return c
  })
  process.on('message', async (m: { type?: string }) => {
    if (m.type === 'shutdown') {
      await Promise.all(clients.map((c) => c.stop()))
      forwarder.close()
      process.exit(0)
    }
  })
}

if (process.argv[2] === 'sim') void runSim(process.argv[3])
else if (process.argv[2] === 'agents') runAgents()
else throw new Error('usage: tunnel-children.ts sim DATA_DIR | agents')
