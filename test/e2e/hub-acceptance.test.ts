// Issue 5's "done when", end to end as a user does it: two simulated members imported with
// `flotilla cluster import`, `kubectl get clusters` on the hub, then a temporary kubeconfig from
// `flotilla kubeconfig cluster` used with real kubectl to work in a member through the hub —
// get, create, rollout status, watch, logs -f and exec — with the objects really in the member.

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import { runFlotilla, waitForPhase } from '../helpers/clusters.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { followUntil, Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const binaries = kubectlBinaries()

describe('the hub, as a user drives it', { concurrency: false }, () => {
  let hub: TestHub
  const sims: TestSim[] = []
  let dir: string

  before(async () => {
    hub = await startTestHub({ clusterHealthIntervalMs: 200, clusterGracePeriodMs: 2000 })
    dir = mkdtempSync(join(tmpdir(), 'hub-acceptance-'))
    for (const name of ['edge-a', 'cloud-b']) sims.push(await startTestSim({ name, nodes: 2 }))
  })
  after(async () => {
    for (const s of sims) await s.dispose()
    await hub?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('imports two members with the CLI; kubectl get clusters shows them Running', async () => {
    for (const [i, sim] of sims.entries()) {
      const r = await runFlotilla([
        'cluster',
        'import',
        sim.name,
        '--kubeconfig',
        sim.kubeconfig,
        '--hub-kubeconfig',
        hub.adminKubeconfig,
        '--provider',
        i === 0 ? 'on-prem' : 'aws',
        '--region',
        i === 0 ? 'cn-east' : 'eu-central-1',
        '--wait',
        '--timeout',
        '30s',
      ])
      assert.equal(r.code, 0, r.stderr)
    }
    for (const sim of sims) {
      const c = await waitForPhase(hub, sim.name, 'Running')
      assert.equal(c.status.kubernetesVersion, sim.kubernetesVersion)
      assert.deepEqual(c.status.nodeSummary, { totalNum: 2, readyNum: 2 })
      assert.ok(c.status.resourceSummary.allocatable.cpu)
    }
    for (const bin of binaries) {
      const out = await new Kubectl(bin, hub.adminKubeconfig).ok(['get', 'clusters'])
      assert.match(out, /^NAME\s+MODE\s+PROVIDER\s+VERSION\s+STATUS\s+READY\s+CPU\s+AGE/m)
      assert.match(out, /edge-a\s+Import\s+on-prem\s+v\S+\s+Running\s+2\/2/)
      assert.match(out, /cloud-b\s+Import\s+aws\s+v\S+\s+Running\s+2\/2/)
    }
  })

  it('a temporary kubeconfig from `flotilla kubeconfig cluster` works a member through the hub', async () => {
    const sim = sims[0]
    const file = join(dir, 'edge-a.kubeconfig')
    const r = await runFlotilla([
      'kubeconfig',
      'cluster',
      sim.name,
      '--ttl',
      '1h',
      '--hub-kubeconfig',
      hub.adminKubeconfig,
      '-o',
      file,
    ])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.match(readFileSync(file, 'utf8'), /clusters\/edge-a\/proxy/)

    for (const bin of binaries) {
      const k = new Kubectl(bin, file)
      const app = `web-${bin.version.replace('.', '-')}`
      await k.ok(['create', 'deployment', app, '--image=example/web:1', '--replicas=2'])
      await k.ok(['rollout', 'status', `deployment/${app}`, '--timeout=60s'])
      // The Deployment and its pods really are in the member.
      const d = await sim.client.get(resources.deployments, 'default', app)
      assert.equal((d.status as { readyReplicas?: number }).readyReplicas, 2)
      const pods = await k.ok(['get', 'pods', '-l', `app=${app}`, '-o', 'name'])
      assert.equal(pods.trim().split('\n').length, 2)
      const pod = pods.trim().split('\n')[0]
      assert.equal(await k.ok(['exec', pod, '--', 'echo', 'through the hub']), 'through the hub\n')
      await followUntil(k, ['logs', '-f', pod], (out) => out.length > 0)
      // A watch streams through: scaling shows up as new events.
      const watched = followUntil(
        k,
        ['get', 'deployment', app, '-w', '-o', 'name'],
        (out) => out.split('\n').length > 2,
      )
      await eventually(async () => {
        await k.ok(['scale', `deployment/${app}`, '--replicas=3'])
        return true
      })
      await watched
      await k.ok(['delete', 'deployment', app])
    }
    // The other member saw none of it.
    const other = await sims[1].client.list(resources.deployments, 'default')
    assert.equal(other.items.length, 0)
  })
})
