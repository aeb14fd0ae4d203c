// A member the hub cannot reach at all: the simulated cluster and its agent run in a network
// namespace and the member's API server listens on that namespace's own loopback, so nothing in
// the hub's namespace can connect to it. The agent dials out to the hub's agent port over a
// veth pair; registration and kubectl through the hub still work. Needs root and iproute2
// (.ci/run installs iproute2); skipped with the reason otherwise.

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { HttpClient } from '../../src/client/http-client.ts'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'
import { runFlotilla, waitForCluster, waitForPhase } from '../helpers/clusters.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { proxyKubeconfig } from '../helpers/hub-proxy.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { createNetNamespace, type NetNamespace, netnsSupport } from '../helpers/netns.ts'
import { type FlotillaProcess, parseExports, runFlotillaProcess } from '../helpers/processes.ts'

const unsupported = netnsSupport()
const newest = kubectlBinaries().at(-1)

describe('a member behind a wall the hub cannot cross', { skip: unsupported, concurrency: false }, () => {
  let ns: NetNamespace
  let hub: TestHub
  let dir: string
  let sim: FlotillaProcess
  let agent: FlotillaProcess
  let simKubeconfig: string

  before(async () => {
    ns = createNetNamespace()
    dir = mkdtempSync(join(tmpdir(), 'reg-netns-'))
    // The agent port listens on the veth address the namespace can route to; the API on loopback.
    hub = await startTestHub({ agentListen: { host: ns.outerAddress, port: 0 }, clusterHealthIntervalMs: 200 })
    const spawner = (command: string, args: string[], env: Record<string, string>) => ns.spawn(command, args, env)
    sim = runFlotillaProcess(
      ['sim', '--name', 'hidden', '--nodes', '2', '--data-dir', join(dir, 'sim'), '--listen', '127.0.0.1:0'],
      {},
      spawner,
    )
    await sim.waitFor(/listening on (https:\/\/\S+)/, 'the hidden sim listening')
    simKubeconfig = join(dir, 'sim', 'kubeconfig')
    const reg = await runFlotilla([
      'cluster',
      'register',
      'hidden',
      '--hub-kubeconfig',
      hub.adminKubeconfig,
      '-o',
      'env',
    ])
    assert.equal(reg.code, 0, reg.stderr)
    const env = parseExports(reg.stdout)
    assert.equal(new URL(env.FLOTILLA_HUB_URL).hostname, ns.outerAddress)
    agent = runFlotillaProcess(['agent', '--kubeconfig', simKubeconfig], env, spawner)
  })
  after(async () => {
    await agent?.stop('SIGKILL')
    await sim?.stop('SIGKILL')
    await hub?.dispose()
    ns?.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the hub really cannot connect to the member', async () => {
    const client = HttpClient.fromConfig(restConfigFromKubeconfig(readFileSync(simKubeconfig, 'utf8')), {
      timeoutMs: 3000,
    })
    try {
      await assert.rejects(client.raw('GET', '/version'))
    } finally {
      client.close()
    }
  })

  it('registers through the agent and serves kubectl through the hub', async () => {
    await waitForPhase(hub, 'hidden', 'Running', 30_000)
    await waitForCluster(hub, 'hidden', (c) => c.status.nodeSummary?.readyNum === 2, 'both nodes ready')
    assert.ok(newest, 'a kubectl binary is needed')
    const k = new Kubectl(newest, proxyKubeconfig(hub, 'hidden'))
    assert.equal((await k.ok(['get', 'nodes', '-o', 'name'])).trim().split('\n').length, 2)
    await k.ok(['create', 'deployment', 'web', '--image=example/web:1', '--replicas=2'])
    await k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s'])
    const pod = (await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n')[0]
    assert.equal(await k.ok(['exec', pod, '--', 'echo', 'over the wall']), 'over the wall\n')
  })
})
