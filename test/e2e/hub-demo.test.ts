// `flotilla server --demo` imports its three simulated clusters into the hub and registers a
// fourth, the edge site, through an agent; a second start on the same data directory works (the
// sims listen on new ports: the hub picks up the updated kubeconfig Secrets, the edge agent
// reconnects with the credential it stored in its member).

import assert from 'node:assert/strict'
import { it } from 'node:test'
import { removeDataDir, startCliServer } from '../helpers/cli-server.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually } from '../helpers/sim.ts'

const binaries = kubectlBinaries()

async function clustersRunning(kubectl: Kubectl, previous?: Map<string, string>): Promise<Map<string, string>> {
  return eventually(
    async () => {
      const out = await kubectl.ok(['get', 'clusters', '-o', 'json'])
      const items = (
        JSON.parse(out) as {
          items: { metadata: { name: string }; status?: { phase?: string; apiEndpoint?: string } }[]
        }
      ).items
      if (items.length !== 4 || !items.every((c) => c.status?.phase === 'Running')) return undefined
      // After a restart: until the hub has followed the updated Secrets to the sims' new ports
      // (the edge site's endpoint is its tunnel, the same across restarts).
      const moved = (c: (typeof items)[number]) =>
        c.metadata.name === 'edge-shenzhen' || c.status?.apiEndpoint !== previous?.get(c.metadata.name)
      if (previous && !items.every(moved)) return undefined
      return new Map(items.map((c) => [c.metadata.name, c.status?.apiEndpoint ?? '']))
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'four demo clusters Running' },
  )
}

it('the demo hub shows its four clusters Running, also after a restart', { skip: binaries.length === 0 }, async () => {
  const args = [
    '--demo',
    '--storage-sync',
    'normal',
    '--cluster-health-interval',
    '250ms',
    '--cluster-grace-period',
    '2s',
  ]
  let server = await startCliServer({ args })
  const dataDir = server.dataDir
  try {
    const kubectl = new Kubectl(binaries[0], server.kubeconfig)
    const first = await clustersRunning(kubectl)
    assert.match(server.stdout(), /kubectl --kubeconfig \S+admin\.kubeconfig get clusters/)
    assert.deepEqual([...first.keys()].sort(), ['ali-hangzhou', 'aws-frankfurt', 'dc-shanghai', 'edge-shenzhen'])
    const table = await kubectl.ok(['get', 'clusters', '-o', 'wide'])
    assert.match(table, /dc-shanghai\s+Import\s+on-prem\s+v\S+\s+Running\s+6\/6\s+\S+\s+\S+\s+cn-east\s+rack-a,rack-b/)
    assert.match(table, /edge-shenzhen\s+Register\s+edge\s+v\S+\s+Running\s+2\/2\s+\S+\s+\S+\s+cn-south\s+store-0417/)
    await server.stop()

    server = await startCliServer({ dataDir, args })
    const kubectl2 = new Kubectl(binaries[0], server.kubeconfig)
    await clustersRunning(kubectl2, first)
    const described = await kubectl2.ok(['describe', 'cluster', 'aws-frankfurt'])
    assert.match(described, /CredentialsUpdated/)
    // The edge site is back through its agent's tunnel, with no new registration.
    const nodes = await eventually(
      () =>
        kubectl2
          .run(['get', '--raw', '/apis/platform.flotilla.dev/v1alpha1/clusters/edge-shenzhen/proxy/api/v1/nodes'])
          .then((r) => r.code === 0 && r.stdout),
      { timeoutMs: 30_000, what: 'the edge site reachable through the hub after the restart' },
    )
    assert.equal(JSON.parse(nodes).items.length, 2)
  } finally {
    await server.stop()
    removeDataDir(dataDir)
  }
})
