// Demo content for `flotilla server --demo` (what `npm start` shows a new user): three simulated
// member clusters — a data centre and two clouds, with different providers, regions and sizes —
// started in this process with a small application running in each, and imported into the hub
// (a kubeconfig Secret and a Cluster each, as `flotilla cluster import` makes them); plus an
// edge site registered through an agent, as a cluster behind NAT would be.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Agent, startAgent } from '../agent/agent.ts'
import { agentConfigFromEnv } from '../agent/config.ts'
import { memberAccessFromKubeconfig } from '../agent/member-access.ts'
import { type Client, resources } from '../client/client.ts'
import { HttpClient } from '../client/http-client.ts'
import { LocalClient } from '../client/local-client.ts'
import { restConfigFromKubeconfig } from '../client/rest-config.ts'
import type { Hub } from '../hub/start.ts'
import type { Logger } from '../log/logger.ts'
import { isAlreadyExists } from '../machinery/errors.ts'
import type { KubeObject } from '../machinery/object.ts'
import { type Sim, startSim } from '../sim/start.ts'
import { upsertImportedCluster, upsertKubeconfigSecret } from './cluster-import.ts'
import { requestRegistration } from './cluster-register.ts'

interface DemoCluster {
  name: string
  nodes: number
  cpu: string
  memory: string
  region: string
  zones: string[]
  provider: string
  displayName: string
}

const CLUSTERS: DemoCluster[] = [
  {
    name: 'dc-shanghai',
    nodes: 6,
    cpu: '32',
    memory: '128Gi',
    region: 'cn-east',
    zones: ['rack-a', 'rack-b'],
    provider: 'on-prem',
    displayName: 'Shanghai data centre',
  },
  {
    name: 'aws-frankfurt',
    nodes: 4,
    cpu: '8',
    memory: '32Gi',
    region: 'eu-central-1',
    zones: ['eu-central-1a', 'eu-central-1b'],
    provider: 'aws',
    displayName: 'AWS Frankfurt',
  },
  {
    name: 'ali-hangzhou',
    nodes: 3,
    cpu: '16',
    memory: '64Gi',
    region: 'cn-hangzhou',
    zones: ['cn-hangzhou-h'],
    provider: 'alibaba',
    displayName: 'Alibaba Cloud Hangzhou',
  },
]

function app(): KubeObject[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                ports: [{ containerPort: 80 }],
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
    },
  ]
}

/** A site behind NAT: registered through an agent that dials out to the hub's agent port. */
const EDGE: DemoCluster = {
  name: 'edge-shenzhen',
  displayName: 'Shenzhen store 0417 (behind NAT)',
  nodes: 2,
  cpu: '4',
  memory: '16Gi',
  region: 'cn-south',
  zones: ['store-0417'],
  provider: 'edge',
}

export interface Demo {
  clusters: Sim[]
  summary: string
  close(): Promise<void>
}

/**
 * Registers the edge sim with the hub and runs its agent in this process, as `flotilla cluster
 * register` and `flotilla agent` would: a fresh bootstrap token each start (the agent keeps the
 * credential it exchanged in the member, so a restart reconnects with that).
 */
async function registerDemoEdge(hub: Hub, sim: Sim, log: Logger): Promise<Agent> {
  const client = HttpClient.fromConfig(restConfigFromKubeconfig(readFileSync(hub.adminKubeconfig, 'utf8')))
  try {
    const { name, provider, region, zones, displayName } = EDGE
    const reg = await requestRegistration(client, { name, provider, region, zones, displayName }, () => {})
    return await startAgent({
      config: agentConfigFromEnv({ ...reg.env, FLOTILLA_AGENT_ID: `${name}-agent` }),
      member: memberAccessFromKubeconfig(sim.kubeconfig),
      log: log.with({ component: 'demo-agent' }),
    })
  } finally {
    client.close()
  }
}

/**
 * Imports the demo's sims into the hub, in-process. A restart with the same data dir finds the
 * Secrets and Clusters there: each sim listens on a new port, so the Secret is updated and the
 * hub reconnects with it; the Cluster's spec is set back to the demo's.
 */
async function importDemoClusters(client: Client, sims: Sim[]): Promise<void> {
  for (const [i, sim] of sims.entries()) {
    const c = CLUSTERS[i]
    await upsertKubeconfigSecret(client, c.name, readFileSync(sim.kubeconfig, 'utf8'))
    await upsertImportedCluster(client, c.name, c)
  }
}

export async function startDemo(dataDir: string, log: Logger, hub?: Hub): Promise<Demo> {
  // The edge site only makes sense with a hub that has an agent port to dial.
  const withEdge = !!hub?.agentURL
  const clusters = await Promise.all(
    [...CLUSTERS, ...(withEdge ? [EDGE] : [])].map((c) =>
      startSim({
        name: c.name,
        dataDir: join(dataDir, 'demo', c.name),
        nodes: c.nodes,
        node: {
          cpu: c.cpu,
          memory: c.memory,
          region: c.region,
          zones: c.zones,
          labels: { 'flotilla.dev/provider': c.provider },
        },
        log: log.with({ cluster: c.name }),
      }),
    ),
  )
  for (const sim of clusters) {
    for (const obj of app()) {
      const r = obj.kind === 'Service' ? resources.services : resources.deployments
      try {
        await sim.client.create(r, 'default', obj)
      } catch (e) {
        if (!isAlreadyExists(e)) throw e
      }
    }
  }
  const imported = clusters.slice(0, CLUSTERS.length)
  if (hub) await importDemoClusters(new LocalClient(hub.api.registry, 'flotilla-demo'), imported)
  const agent = hub && withEdge ? await registerDemoEdge(hub, clusters[CLUSTERS.length], log) : undefined
  const lines = [
    `Demo: three simulated member clusters are running, each with a "web" Deployment${hub ? ', imported into the hub' : ''}:`,
    ...imported.map(
      (s, i) =>
        `  ${s.name.padEnd(14)} ${CLUSTERS[i].provider.padEnd(8)} ${CLUSTERS[i].region.padEnd(13)} kubectl --kubeconfig ${s.kubeconfig} get pods`,
    ),
    ...(agent
      ? [
          `and one edge site behind NAT, registered through its agent (Register mode): ${EDGE.name.padEnd(14)} kubectl --kubeconfig ${clusters[CLUSTERS.length].kubeconfig} get pods`,
        ]
      : []),
    ...(hub
      ? [
          `See them from the hub: kubectl --kubeconfig ${hub.adminKubeconfig} get clusters`,
          `  (and kubectl --kubeconfig ${hub.adminKubeconfig} describe cluster ${CLUSTERS[0].name} for its operation log)`,
        ]
      : []),
  ]
  return {
    clusters,
    summary: lines.join('\n'),
    async close() {
      await agent?.stop()
      await Promise.all(clusters.map((s) => s.close()))
    },
  }
}
