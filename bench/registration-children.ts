// The member side of the registration benchmark: simulated clusters and their agents, many per
// process (bench/registration.bench.ts forks two, so 100 sims and 100 agents do not share one
// event loop and the hub keeps a process of its own). Started with fork():
//   node bench/registration-children.ts fleet DATA_ROOT FIRST COUNT
// It starts COUNT sims (1 node, storage sync normal) named s<FIRST>..., reports
// {type:'sims', sims:[{name, kubeconfig, url, token, ca}]}, then answers:
//   {type:'agents', envs:{NAME: {FLOTILLA_*...}}} → one real agent (src/agent's startAgent, as
//        `flotilla agent --kubeconfig SIM_KUBECONFIG` runs it) per sim; reports
//        {type:'agents', connected} at every (re)connection and disconnection
//   {type:'tunnels', hubURL, ca}  → the baseline: bare TunnelClients (credential "cred-NAME",
//        cluster NAME) forwarding to the sims, as bench:tunnel's agents; {type:'tunnels-stop'}
//   {type:'shutdown'}

import { join } from 'node:path'
import { type Agent, startAgent } from '../src/agent/agent.ts'
import { agentConfigFromEnv } from '../src/agent/config.ts'
import { memberAccessFromKubeconfig } from '../src/agent/member-access.ts'
import { createLogger } from '../src/log/logger.ts'
import { type Sim, startSim } from '../src/sim/start.ts'
import { TunnelClient } from '../src/tunnel/client.ts'
import { memberForwarder } from '../src/tunnel/forward.ts'

const send = (m: unknown) => process.send?.(m)
const log = createLogger({ level: 'error' })

async function runFleet(root: string, first: number, count: number): Promise<void> {
  const sims: Sim[] = []
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, j) => {
        const name = `s${String(first + i + j).padStart(3, '0')}`
        return startSim({ name, dataDir: join(root, name), nodes: 1, sync: 'normal', streams: false, log })
      }),
    )
    sims.push(...batch)
  }
  await Promise.all(sims.map((s) => s.settle()))
  send({
    type: 'sims',
    sims: sims.map((s) => ({ name: s.name, kubeconfig: s.kubeconfig, url: s.url, token: s.token, ca: s.caCert })),
  })

  const agents: Agent[] = []
  let connected = 0
  let tunnels: { clients: TunnelClient[]; forwarders: ReturnType<typeof memberForwarder>[] } | undefined

  process.on(
    'message',
    async (m: { type?: string; envs?: Record<string, Record<string, string>>; hubURL?: string; ca?: string }) => {
      if (m.type === 'agents' && m.envs) {
        for (const sim of sims) {
          const env = m.envs[sim.name]
          if (!env) continue
          const agent = await startAgent({
            config: agentConfigFromEnv({ ...env, FLOTILLA_AGENT_ID: `agent-${sim.name}` }),
            member: memberAccessFromKubeconfig(sim.kubeconfig),
            log,
          })
          agent.client.on('connected', () => send({ type: 'agents', connected: ++connected }))
          agent.client.on('disconnected', () => send({ type: 'agents', connected: --connected }))
          if (process.env.BENCH_TRACE)
            for (const ev of ['connected', 'disconnected', 'retry', 'rejected'] as const)
              agent.client.on(ev, (x?: { delayMs?: number; error?: Error; status?: number }) =>
                process.stderr.write(
                  `TRACE ${Date.now()} ${sim.name} ${ev} ${x?.delayMs ?? ''} ${x?.status ?? ''} ${x?.error?.message ?? ''}\n`,
                ),
              )
          agents.push(agent)
        }
      } else if (m.type === 'tunnels' && m.hubURL && m.ca) {
        const forwarders = sims.map((s) => memberForwarder({ server: s.url, ca: s.caCert, token: s.token }))
        const clients = sims.map((s, i) => {
          const c = new TunnelClient({
            hubURL: m.hubURL as string,
            ca: m.ca as string,
            cluster: s.name,
            agentId: `tunnel-${s.name}`,
            credential: `cred-${s.name}`,
            onRequest: forwarders[i].onRequest,
            onUpgrade: forwarders[i].onUpgrade,
            log,
          })
          c.start()
          return c
        })
        tunnels = { clients, forwarders }
      } else if (m.type === 'tunnels-stop') {
        await Promise.all(tunnels?.clients.map((c) => c.stop()) ?? [])
        for (const f of tunnels?.forwarders ?? []) f.close()
        tunnels = undefined
        send({ type: 'tunnels-stopped' })
      } else if (m.type === 'shutdown') {
        await Promise.all(agents.map((a) => a.stop()))
        await Promise.all(sims.map((s) => s.close()))
        process.exit(0)
      }
    },
  )
}

if (process.argv[2] === 'fleet') void runFleet(process.argv[3], Number(process.argv[4]), Number(process.argv[5]))
else throw new Error('usage: registration-children.ts fleet DATA_ROOT FIRST COUNT')
