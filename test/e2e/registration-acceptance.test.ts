// Issue 6's "done when", end to end with real processes: three simulated members registered
// through `flotilla agent` processes, kubectl through the hub to each (get, apply, rollout status,
// watch, logs -f, exec, 300 objects created and listed); an agent killed makes its cluster
// Disconnected and a restarted one brings it back; a restarted hub gets its agents back without
// anyone re-registering.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import { runFlotilla, waitForCluster, waitForPhase } from '../helpers/clusters.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { proxyKubeconfig } from '../helpers/hub-proxy.ts'
import { followUntil, Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { type FlotillaProcess, parseExports, runFlotillaProcess } from '../helpers/processes.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const newest = kubectlBinaries().at(-1)

/** `flotilla cluster register NAME -o env` against the hub, parsed. */
async function registerEnv(hub: TestHub, name: string): Promise<Record<string, string>> {
  const r = await runFlotilla(['cluster', 'register', name, '--hub-kubeconfig', hub.adminKubeconfig, '-o', 'env'])
  assert.equal(r.code, 0, r.stderr)
  const env = parseExports(r.stdout)
  assert.ok(env.FLOTILLA_BOOTSTRAP_TOKEN && env.FLOTILLA_HUB_URL, r.stdout)
  return env
}

describe('clusters registered through agents', { concurrency: false }, () => {
  const names = ['nat-a', 'nat-b', 'nat-c']
  let hub: TestHub
  let hubDir: string
  const sims = new Map<string, TestSim>()
  const agents = new Map<string, FlotillaProcess>()
  const envs = new Map<string, Record<string, string>>()
  let dir: string

  const startAgent = (name: string, env: Record<string, string>) => {
    const p = runFlotillaProcess(['agent', '--kubeconfig', sims.get(name)!.kubeconfig], env)
    agents.set(name, p)
    return p
  }

  before(async () => {
    hubDir = mkdtempSync(join(tmpdir(), 'reg-hub-'))
    dir = mkdtempSync(join(tmpdir(), 'reg-acc-'))
    hub = await startTestHub({ dataDir: hubDir, clusterHealthIntervalMs: 200, clusterGracePeriodMs: 1500 })
    for (const name of names) sims.set(name, await startTestSim({ name, nodes: 2 }))
  })
  after(async () => {
    for (const a of agents.values()) await a.stop('SIGKILL')
    for (const s of sims.values()) await s.dispose()
    await hub?.dispose()
    rmSync(hubDir, { recursive: true, force: true })
    rmSync(dir, { recursive: true, force: true })
  })

  it('three members register through their agents and are Running', async () => {
    for (const name of names) {
      envs.set(name, await registerEnv(hub, name))
      assert.equal((await waitForPhase(hub, name, 'Pending')).status.conditions[0].reason, 'AwaitingAgent')
    }
    const started = Date.now()
    for (const name of names) startAgent(name, envs.get(name)!)
    for (const name of names) {
      await waitForPhase(hub, name, 'Running')
      const c = await waitForCluster(hub, name, (x) => x.status.nodeSummary?.readyNum === 2, 'both nodes ready')
      assert.equal(c.status.kubernetesVersion, sims.get(name)!.kubernetesVersion)
      assert.deepEqual(c.status.nodeSummary, { totalNum: 2, readyNum: 2 })
    }
    assert.ok(Date.now() - started < 20_000)
  })

  it('kubectl through the hub works each member: get, apply, rollout status, watch, logs -f, exec, 300 objects', async () => {
    assert.ok(newest, 'a kubectl binary is needed')
    for (const name of names) {
      const k = new Kubectl(newest, proxyKubeconfig(hub, name))
      assert.equal((await k.ok(['get', 'nodes', '-o', 'name'])).trim().split('\n').length, 2)
      const manifest = join(dir, `${name}.yaml`)
      writeFileSync(
        manifest,
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: example/web:1}]}
`,
      )
      await k.ok(['apply', '-f', manifest])
      await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
      const pod = (await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n')[0]
      assert.equal(await k.ok(['exec', pod, '--', 'echo', name]), `${name}\n`)
      await followUntil(k, ['logs', '-f', pod], (out) => out.length > 0)
      const watched = followUntil(k, ['get', 'configmaps', '-w', '-o', 'name'], (out) => out.includes('bulk-5'))
      const items = Array.from({ length: 300 }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `bulk-${i}` },
        data: { i: String(i) },
      }))
      writeFileSync(join(dir, `${name}-bulk.json`), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }))
      await k.ok(['create', '-f', join(dir, `${name}-bulk.json`)], { timeoutMs: 120_000 })
      await watched
      const listed = JSON.parse(await k.ok(['get', 'configmaps', '-o', 'json', '--chunk-size=50']))
      assert.equal(
        listed.items.filter((o: { metadata: { name: string } }) => o.metadata.name.startsWith('bulk-')).length,
        300,
      )
      // The objects are in that member, and only there.
      const inMember = await sims.get(name)!.client.list(resources.configmaps, 'default')
      assert.equal(inMember.items.filter((o) => o.metadata.name?.startsWith('bulk-')).length, 300)
    }
  })

  it('an agent killed makes its cluster Disconnected; restarted (no bootstrap token needed), Running again', async () => {
    const name = names[0]
    await agents.get(name)!.stop('SIGKILL')
    await waitForPhase(hub, name, 'Disconnected', 15_000)
    const env = { ...envs.get(name)! }
    delete env.FLOTILLA_BOOTSTRAP_TOKEN // the credential stored in the member is enough
    startAgent(name, env)
    await waitForPhase(hub, name, 'Running', 15_000)
  })

  it('a restarted hub gets every agent back without re-registering', async () => {
    const agentPort = Number(new URL(hub.agentURL!).port)
    const apiPort = Number(new URL(hub.url).port)
    await hub.close()
    hub = await startTestHub({
      dataDir: hubDir,
      port: apiPort,
      agentListen: { host: '127.0.0.1', port: agentPort },
      clusterHealthIntervalMs: 200,
      clusterGracePeriodMs: 1500,
    })
    // The stored status still says Running (the grace period covers a hub restart), so wait for
    // what only a returning agent gives: requests through its tunnel.
    const restarted = Date.now()
    for (const name of names) {
      await eventually(
        async () => {
          const r = await hub.request(`/apis/platform.flotilla.dev/v1alpha1/clusters/${name}/proxy/api/v1/nodes`)
          return r.status === 200
        },
        { timeoutMs: 20_000, what: `${name} reachable through its agent after the hub restart` },
      )
      assert.equal((await waitForPhase(hub, name, 'Running')).status.phase, 'Running')
    }
    assert.ok(Date.now() - restarted < 10_000, `agents took ${Date.now() - restarted} ms to return`)
  })
})
