// Registered clusters for hub tests: create a Register-mode Cluster, ask the hub for a bootstrap
// token (clusters/NAME/registration), exchange tokens on the hub's agent port with a plain HTTPS
// POST, and run agents made of the tunnel library (TunnelClient + memberForwarder) in front of a
// simulated member — the protocol of docs/registration.md, without the `flotilla agent` command.

import { readFileSync } from 'node:fs'
import { Agent, fetch as undiciFetch } from 'undici'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'
import { TunnelClient, type TunnelClientOptions } from '../../src/tunnel/client.ts'
import { memberForwarder } from '../../src/tunnel/forward.ts'
import { CLUSTERS_PATH, type Obj, postJson } from './clusters.ts'
import type { TestHub } from './hub.ts'
import type { TestSim } from './sim.ts'

export async function createRegisteredCluster(hub: TestHub, name: string, spec: Obj = {}): Promise<void> {
  const r = await postJson(hub, CLUSTERS_PATH, {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: { connection: { mode: 'Register' }, ...spec },
  })
  if (r.status !== 201) throw new Error(`create cluster ${name}: ${r.status} ${await r.text()}`)
}

/** POST clusters/NAME/registration; returns the response (status and body). */
export async function requestRegistration(
  hub: TestHub,
  name: string,
  spec: Obj = {},
): Promise<{ status: number; body: Obj }> {
  const r = await postJson(hub, `${CLUSTERS_PATH}/${name}/registration`, {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'ClusterRegistrationRequest',
    spec,
  })
  return { status: r.status, body: await r.json() }
}

/** A bootstrap token for a (new) registered cluster. */
export async function bootstrapToken(hub: TestHub, name: string): Promise<string> {
  const r = await requestRegistration(hub, name)
  if (r.status !== 201) throw new Error(`registration ${name}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.status.env.FLOTILLA_BOOTSTRAP_TOKEN
}

const dispatchers = new WeakMap<TestHub, Agent>()

/** POST /agent/v1/credentials on the hub's agent port. */
export async function exchange(
  hub: TestHub,
  token: string,
  cluster: string,
  agentID = 'agent-1',
): Promise<{ status: number; body: Obj }> {
  let d = dispatchers.get(hub)
  if (!d) {
    d = new Agent({ connect: { ca: hub.caCert } })
    dispatchers.set(hub, d)
  }
  const r = (await undiciFetch(`${hub.agentURL}/agent/v1/credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cluster, agentID }),
    dispatcher: d,
  })) as unknown as Response
  return { status: r.status, body: await r.json() }
}

/** A cluster credential for `cluster`, by exchanging a fresh bootstrap token. */
export async function credentialFor(hub: TestHub, cluster: string): Promise<string> {
  const r = await exchange(hub, await bootstrapToken(hub, cluster), cluster)
  if (r.status !== 201) throw new Error(`exchange ${cluster}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.credential
}

export interface SimAgent {
  client: TunnelClient
  /** Refusals the hub answered (status codes), in order. */
  rejections: number[]
  stop(): Promise<void>
}

/** An agent of `cluster` forwarding to `sim`, dialling the hub's agent port with `credential`. */
export function startSimAgent(
  hub: TestHub,
  cluster: string,
  sim: TestSim,
  credential: string | (() => string),
  opts: Partial<TunnelClientOptions> = {},
): SimAgent {
  const forwarder = memberForwarder(restConfigFromKubeconfig(readFileSync(sim.kubeconfig, 'utf8')))
  const client = new TunnelClient({
    hubURL: hub.agentURL as string,
    ca: hub.caCert,
    cluster,
    agentId: `${cluster}-agent-${Math.random().toString(36).slice(2, 8)}`,
    credential,
    onRequest: forwarder.onRequest,
    onUpgrade: forwarder.onUpgrade,
    backoff: { initialMs: 100, maxMs: 500 },
    ...opts,
  })
  const rejections: number[] = []
  client.on('rejected', ({ status }) => rejections.push(status))
  client.start()
  return {
    client,
    rejections,
    async stop() {
      await client.stop()
      forwarder.close()
    },
  }
}

export async function closeRegistrationHelpers(hub: TestHub): Promise<void> {
  await dispatchers.get(hub)?.close()
  dispatchers.delete(hub)
}
