// The processes of the tunnel benchmark, so each has its own CPU (as in a real deployment the
// member, its agent and the hub are separate processes). Started with fork() by
// tunnel.bench.ts:
//   node bench/tunnel-children.ts sim DATA_DIR  → a simulated member; reports {type:'ready', url, token, ca}
//   node bench/tunnel-children.ts agents        → FLOTILLA_BENCH_AGENTS (JSON) TunnelClients forwarding
//                                                 to the member; reports {type:'connected'|'disconnected', connected}
//   node bench/tunnel-children.ts pipe DATA_DIR SERVER CA_FILE → a raw TLS byte pipe to the member
//                                                 (bench/tls-pipe.ts); reports {type:'ready', url, ca}
// Both stop on {type:'shutdown'}.

import { readFileSync } from 'node:fs'
import { startSim } from '../src/sim/start.ts'
import { TunnelClient } from '../src/tunnel/client.ts'
import { memberForwarder } from '../src/tunnel/forward.ts'
import { startTlsPipe } from './tls-pipe.ts'

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

async function runPipe(dataDir: string, server: string, caFile: string): Promise<void> {
  const pipe = await startTlsPipe({ server, ca: readFileSync(caFile, 'utf8') }, dataDir)
  send({ type: 'ready', url: pipe.url, ca: pipe.ca })
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'shutdown') {
      pipe.close()
      process.exit(0)
    }
  })
}

const [role, ...args] = process.argv.slice(2)
if (role === 'sim') void runSim(args[0])
else if (role === 'agents') runAgents()
else if (role === 'pipe') void runPipe(args[0], args[1], args[2])
else throw new Error('usage: tunnel-children.ts sim DATA_DIR | agents | pipe DATA_DIR SERVER CA_FILE')
