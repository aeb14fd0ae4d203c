// Registered clusters (issue 6, hub side; docs/registration.md): a real hub with its agent port
// on loopback, agents made of the tunnel library in front of simulated members, after the
// credential exchange done with a plain HTTPS POST. Covers the phases (Pending, Running,
// Disconnected, AccessTimeout), kubectl through the hub to a registered member, the bootstrap
// token's single use and expiry, cross-cluster refusals, rotation, revocation and hub restarts.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import { bootstrapSecret } from '../../src/hub/registration/records.ts'
import { hashSecret } from '../../src/hub/tokens/token.ts'
import { type Clock, realClock } from '../../src/util/clock.ts'
import {
  clusterEvents,
  getCluster,
  type Obj,
  postJson,
  readyOf,
  runFlotilla,
  waitForPhase,
} from '../helpers/clusters.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { proxyKubeconfig } from '../helpers/hub-proxy.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import {
  bootstrapToken,
  closeRegistrationHelpers,
  createRegisteredCluster,
  credentialFor,
  exchange,
  requestRegistration,
  type SimAgent,
  startSimAgent,
} from '../helpers/registration.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const kubectlBin = kubectlBinaries().at(-1)

describe('registered clusters', { concurrency: false }, () => {
  let hub: TestHub
  let sim: TestSim
  const agents: SimAgent[] = []
  let r3Agents: SimAgent[] = []
  const agent = (...args: Parameters<typeof startSimAgent>) => {
    const a = startSimAgent(...args)
    agents.push(a)
    return a
  }

  before(async () => {
    hub = await startTestHub({ clusterHealthIntervalMs: 200, clusterGracePeriodMs: 4000, clusterAccessTimeoutMs: 3000 })
    sim = await startTestSim({ name: 'm1', nodes: 2 })
  })
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()))
    await closeRegistrationHelpers(hub)
    await sim?.dispose()
    await hub?.dispose()
  })

  it('register → Pending → exchange → tunnel → Running with version, nodes and agents', async () => {
    assert.match(hub.agentURL ?? '', /^https:\/\/127\.0\.0\.1:\d+$/)
    await createRegisteredCluster(hub, 'r1')
    const pending = await waitForPhase(hub, 'r1', 'Pending')
    assert.equal(readyOf(pending).reason, 'AwaitingAgent')

    const reg = await requestRegistration(hub, 'r1', { ttl: '30m' })
    assert.equal(reg.status, 201, JSON.stringify(reg.body))
    const st = reg.body.status
    assert.equal(st.hubURL, hub.agentURL)
    assert.match(st.env.FLOTILLA_BOOTSTRAP_TOKEN, /^flb_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/)
    assert.equal(Buffer.from(st.env.FLOTILLA_HUB_CA_DATA, 'base64').toString(), hub.caCert)
    assert.equal(st.env.FLOTILLA_CLUSTER, 'r1')
    for (const kind of ['Namespace', 'ServiceAccount', 'ClusterRole', 'RoleBinding', 'Secret', 'Deployment'])
      assert.match(st.manifest, new RegExp(`kind: ${kind}\\n`))
    assert.match(st.manifest, /name: flotilla:hub-admins/)
    assert.match(st.manifest, /replicas: 2/)
    // Only the hash is stored.
    const secret: Obj = await (
      await hub.request('/api/v1/namespaces/flotilla-system/secrets/cluster-r1-bootstrap')
    ).json()
    assert.ok(
      !Buffer.from(secret.data.token, 'base64').toString().includes(st.env.FLOTILLA_BOOTSTRAP_TOKEN.split('.')[1]),
    )

    const ex = await exchange(hub, st.env.FLOTILLA_BOOTSTRAP_TOKEN, 'r1', 'r1-agent-a')
    assert.equal(ex.status, 201, JSON.stringify(ex.body))
    assert.equal(ex.body.kind, 'ClusterCredential')
    assert.match(ex.body.credential, /^flc_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/)
    assert.ok(Date.parse(ex.body.expirationTimestamp) > Date.now() + 23 * 3600_000)

    // Single use: the same bootstrap token again is 401.
    const again = await exchange(hub, st.env.FLOTILLA_BOOTSTRAP_TOKEN, 'r1', 'r1-agent-b')
    assert.equal(again.status, 401)
    assert.equal(again.body.kind, 'Status')
    assert.match(again.body.message, /already been used/)

    agent(hub, 'r1', sim, ex.body.credential, { agentId: 'r1-agent-a' })
    const running = await waitForPhase(hub, 'r1', 'Running', 10_000)
    assert.equal(readyOf(running).status, 'True')
    assert.match(running.status.kubernetesVersion, /^v1\./)
    const c = await eventually(async () => {
      const x = await getCluster(hub, 'r1')
      return x.status.nodeSummary?.totalNum === 2 && x.status.agents?.length === 1 ? x : undefined
    })
    assert.equal(c.status.agents[0].id, 'r1-agent-a')
    assert.equal(c.status.agents[0].remoteAddress, '127.0.0.1')
    const reasons = (await clusterEvents(hub, 'r1')).map((e: Obj) => e.reason)
    for (const r of ['BootstrapTokenIssued', 'CredentialIssued', 'AgentConnected', 'Connected'])
      assert.ok(reasons.includes(r), `${r} in ${reasons}`)
  })

  it('kubectl reaches the registered member through the hub (get, create, exec)', { skip: !kubectlBin }, async () => {
    const k = new Kubectl(kubectlBin!, proxyKubeconfig(hub, 'r1'))
    assert.match(await k.ok(['get', 'nodes']), /m1-worker-0/)
    await k.ok(['create', 'configmap', 'through-tunnel', '--from-literal=a=b'])
    const cm = await sim.client.get(resources.configmaps, 'default', 'through-tunnel')
    assert.deepEqual(cm.data, { a: 'b' })
    await sim.client.create(resources.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'app', image: 'example/app:1.0' }] },
    })
    await eventually(
      async () => ((await sim.client.get(resources.pods, 'default', 'web')).status as Obj)?.phase === 'Running',
    )
    assert.equal(await k.ok(['exec', 'web', '--', 'echo', 'through the tunnel']), 'through the tunnel\n')
  })

  it('refuses expired bootstrap tokens, and tokens or credentials of another cluster', async () => {
    await createRegisteredCluster(hub, 'r2')
    const cluster = await getCluster(hub, 'r2')
    // An expired bootstrap token, stored as the hub stores them.
    const secretPart = 'x'.repeat(43)
    const id = 'abcdefghijklmnop'
    const expired = bootstrapSecret(
      'r2',
      cluster.metadata.uid,
      { id, secretHash: hashSecret(secretPart), expiresAt: Date.now() - 1000 },
      Date.now(),
    )
    const w = await postJson(hub, '/api/v1/namespaces/flotilla-system/secrets', expired)
    assert.equal(w.status, 201, await w.text())
    const r = await exchange(hub, `flb_${id}.${secretPart}`, 'r2')
    assert.equal(r.status, 401)
    assert.match(r.body.message, /expired/)
    // Garbage and unknown tokens.
    assert.equal((await exchange(hub, 'nonsense', 'r2')).status, 401)
    assert.equal((await exchange(hub, `flc_${id}.${secretPart}`, 'r2')).status, 401)

    // r2's bootstrap token presented for r1: 403.
    const tok = await bootstrapToken(hub, 'r2')
    assert.equal((await exchange(hub, tok, 'r1')).status, 403)
    const r2cred = (await exchange(hub, tok, 'r2')).body.credential as string
    // r2's credential: rotation claimed for r1 → 403; a tunnel for r1 → 403.
    assert.equal((await exchange(hub, r2cred, 'r1')).status, 403)
    const a = agent(hub, 'r1', sim, r2cred)
    await eventually(() => a.rejections.length > 0, { what: 'tunnel refused' })
    assert.equal(a.rejections[0], 403)
    await a.stop()
    // A bootstrap token cannot open a tunnel.
    const b = agent(hub, 'r2', sim, await bootstrapToken(hub, 'r2'))
    await eventually(() => b.rejections.length > 0, { what: 'tunnel refused' })
    assert.equal(b.rejections[0], 401)
    await b.stop()
    // Malformed exchange bodies are 400.
    assert.equal((await exchange(hub, r2cred, 'Not A Name')).status, 400)
  })

  it('rotates credentials; the old one keeps working for a while', async () => {
    await createRegisteredCluster(hub, 'r3')
    const first = await credentialFor(hub, 'r3')
    const rot = await exchange(hub, first, 'r3', 'r3-a')
    assert.equal(rot.status, 201, JSON.stringify(rot.body))
    const second = rot.body.credential as string
    assert.notEqual(second, first)
    // Both open tunnels (the old one until min(expiry, now + 5 min)).
    r3Agents = [
      agent(hub, 'r3', sim, first, { agentId: 'r3-old' }),
      agent(hub, 'r3', sim, second, { agentId: 'r3-new' }),
    ]
    await eventually(() => hub.tunnels.sessions('r3').length === 2, { what: 'two tunnels' })
    await waitForPhase(hub, 'r3', 'Running', 10_000)
    const secret: Obj = await (
      await hub.request('/api/v1/namespaces/flotilla-system/secrets/cluster-r3-agent-credentials')
    ).json()
    const recs = JSON.parse(Buffer.from(secret.data.credentials, 'base64').toString()) as Obj[]
    const old = recs.find((x) => first.includes(x.id))
    assert.ok(Date.parse(old.expirationTimestamp) <= Date.now() + 5 * 60_000 + 1000)
    assert.ok((await clusterEvents(hub, 'r3')).some((e: Obj) => e.reason === 'CredentialRotated'))
  })

  it('revoke-credentials closes the tunnels at once and redials are refused', async () => {
    assert.ok(hub.tunnels.sessions('r3').length > 0)
    const out = await runFlotilla(['cluster', 'revoke-credentials', 'r3', '--hub-kubeconfig', hub.adminKubeconfig])
    assert.equal(out.code, 0, out.stderr)
    assert.match(out.stdout, /revoked/)
    // The CLI's DELETE returned only after the index dropped the credentials and closed the tunnels.
    assert.equal(hub.tunnels.sessions('r3').filter((s) => s.alive).length, 0)
    await eventually(() => r3Agents.every((a) => a.rejections.includes(401)), { what: 'redials refused' })
    // (Stopped, so their refusals do not count against 127.0.0.1's failure budget.)
    await Promise.all(r3Agents.map((a) => a.stop()))
    await new Promise((r) => setTimeout(r, 500))
    assert.equal(hub.tunnels.sessions('r3').length, 0)
    const dis = await waitForPhase(hub, 'r3', 'Disconnected', 10_000)
    assert.equal(readyOf(dis).status, 'Unknown')
    assert.equal(readyOf(dis).reason, 'AgentDisconnected')
  })

  it('an agent gone beyond the grace period: Disconnected; back: Running', async () => {
    await createRegisteredCluster(hub, 'r4')
    const cred = await credentialFor(hub, 'r4')
    let a = agent(hub, 'r4', sim, cred, { agentId: 'r4-a' })
    await waitForPhase(hub, 'r4', 'Running', 10_000)
    await a.stop()
    // Within the grace period (stop() itself may take 2 s) it stays Running; the proxy answers 503 at once.
    const r = await hub.request('/apis/platform.flotilla.dev/v1alpha1/clusters/r4/proxy/api/v1/namespaces')
    assert.equal(r.status, 503)
    assert.equal((await getCluster(hub, 'r4')).status.phase, 'Running')
    const dis = await waitForPhase(hub, 'r4', 'Disconnected', 10_000)
    assert.equal(readyOf(dis).status, 'Unknown')
    assert.equal(dis.status.agents, undefined)
    a = agent(hub, 'r4', sim, cred, { agentId: 'r4-a' })
    await waitForPhase(hub, 'r4', 'Running', 10_000)
    const reasons = (await clusterEvents(hub, 'r4')).map((e: Obj) => e.reason)
    for (const x of ['AgentDisconnected', 'Disconnected', 'Reconnected'])
      assert.ok(reasons.includes(x), `${x} in ${reasons}`)
  })

  it('AccessTimeout when no agent comes in time; Running when one comes later', async () => {
    await createRegisteredCluster(hub, 'r5')
    const t = await waitForPhase(hub, 'r5', 'AccessTimeout', 10_000)
    assert.equal(readyOf(t).status, 'False')
    assert.equal(readyOf(t).reason, 'AccessTimeout')
    // A new bootstrap token reopens the window.
    const tok = await bootstrapToken(hub, 'r5')
    await waitForPhase(hub, 'r5', 'Pending', 5_000)
    await waitForPhase(hub, 'r5', 'AccessTimeout', 10_000)
    const cred = (await exchange(hub, tok, 'r5')).body.credential
    agent(hub, 'r5', sim, cred)
    await waitForPhase(hub, 'r5', 'Running', 10_000)
  })

  it('deleting the Cluster closes its tunnels', async () => {
    await createRegisteredCluster(hub, 'r6')
    const a = agent(hub, 'r6', sim, await credentialFor(hub, 'r6'))
    await waitForPhase(hub, 'r6', 'Running', 10_000)
    const d = await hub.request('/apis/platform.flotilla.dev/v1alpha1/clusters/r6', { method: 'DELETE' })
    assert.equal(d.status, 200)
    await eventually(() => hub.tunnels.sessions('r6').length === 0, { what: 'tunnels closed' })
    await eventually(() => a.rejections.length > 0, { what: 'redial refused' })
    await a.stop()
  })

  it('flotilla cluster register prints the manifest or the agent environment', async () => {
    let out = await runFlotilla([
      'cluster',
      'register',
      'r7',
      '--hub-kubeconfig',
      hub.adminKubeconfig,
      '--region',
      'eu',
    ])
    assert.equal(out.code, 0, out.stderr)
    assert.match(out.stdout, /^apiVersion: v1\nkind: Namespace/)
    assert.match(out.stdout, /kind: Deployment/)
    assert.match(out.stderr, /Cluster r7 created/)
    out = await runFlotilla(['cluster', 'register', 'r7', '--hub-kubeconfig', hub.adminKubeconfig, '-o', 'env'])
    assert.equal(out.code, 0, out.stderr)
    const env = Object.fromEntries(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => /^export (\w+)='(.*)'$/.exec(l)!.slice(1, 3)),
    )
    assert.equal(env.FLOTILLA_HUB_URL, hub.agentURL)
    assert.equal(env.FLOTILLA_CLUSTER, 'r7')
    const c = await getCluster(hub, 'r7')
    assert.equal(c.spec.connection.mode, 'Register')
    assert.equal(c.spec.region, 'eu')
    // The token just printed works; the first one was replaced.
    assert.equal((await exchange(hub, env.FLOTILLA_BOOTSTRAP_TOKEN, 'r7')).status, 201)
    // Bad usage is exit code 2.
    out = await runFlotilla(['cluster', 'register', 'r7', '--hub-kubeconfig', hub.adminKubeconfig, '-o', 'json'])
    assert.equal(out.code, 2)
  })
})

/** A hub of its own and one sim for a test; the agents the test starts are stopped after it. */
async function withOwnHub(
  hubOpts: Parameters<typeof startTestHub>[0],
  simName: string,
  body: (hub: TestHub, sim: TestSim, started: SimAgent[]) => Promise<void>,
): Promise<void> {
  const hub = await startTestHub(hubOpts)
  const sim = await startTestSim({ name: simName, nodes: 1 })
  const started: SimAgent[] = []
  try {
    await body(hub, sim, started)
  } finally {
    await Promise.all(started.map((a) => a.stop()))
    await closeRegistrationHelpers(hub)
    await sim.dispose()
    await hub.dispose()
  }
}

describe('tunnels outlive no credential', () => {
  it('a tunnel is retired once its credential is rotated out; the new credential keeps serving', async () => {
    // The hub's clock runs ahead on demand: past the 5-minute overlap a rotated-out credential
    // has, without waiting for it.
    let ahead = 0
    const clock: Clock = { now: () => Date.now() + ahead, setTimeout: realClock.setTimeout }
    await withOwnHub({ clock, tunnelSweepIntervalMs: 100 }, 'sweep', async (hub, sim, started) => {
      await createRegisteredCluster(hub, 's1')
      const first = await credentialFor(hub, 's1')
      const rotated = await exchange(hub, first, 's1', 's1-a')
      assert.equal(rotated.status, 201, JSON.stringify(rotated.body))
      started.push(startSimAgent(hub, 's1', sim, first, { agentId: 's1-old' }))
      started.push(startSimAgent(hub, 's1', sim, rotated.body.credential as string, { agentId: 's1-new' }))
      const alive = () =>
        hub.tunnels
          .sessions('s1')
          .filter((s) => s.alive)
          .map((s) => s.agentId)
          .sort()
      await eventually(() => alive().length === 2, { what: 'both tunnels' })
      // Within the overlap both serve, sweep after sweep.
      await new Promise((r) => setTimeout(r, 400))
      assert.deepEqual(alive(), ['s1-new', 's1-old'])
      ahead = 6 * 60_000
      // Retired (GOAWAY), and the old agent's redial with the same credential is refused.
      await eventually(() => started[0].rejections.includes(401), { what: 'the old credential refused' })
      assert.deepEqual(alive(), ['s1-new'])
      const res = await hub.request('/apis/platform.flotilla.dev/v1alpha1/clusters/s1/proxy/api/v1/nodes')
      assert.equal(res.status, 200)
    })
  })
})

describe('the agent port failure budget', () => {
  it('an address over its budget is told to retry later, yet valid credentials from it get through', async () => {
    // One address for everyone, as behind a NAT: a misbehaving agent must not lock out the rest.
    const bogus = `flc_${'a'.repeat(16)}.${'b'.repeat(43)}`
    await withOwnHub({ agentFailureLimits: { maxFailures: 3 } }, 'nat', async (hub, sim, started) => {
      await createRegisteredCluster(hub, 'n1')
      const cred = await credentialFor(hub, 'n1')
      for (let i = 0; i < 3; i++) assert.equal((await exchange(hub, bogus, 'n1', 'bad')).status, 401)
      const blocked = await exchange(hub, bogus, 'n1', 'bad')
      assert.equal(blocked.status, 429)
      const rotated = await exchange(hub, cred, 'n1', 'n1-a')
      assert.equal(rotated.status, 201, JSON.stringify(rotated.body))
      started.push(startSimAgent(hub, 'n1', sim, rotated.body.credential as string, { agentId: 'good' }))
      started.push(startSimAgent(hub, 'n1', sim, bogus, { agentId: 'bad' }))
      await eventually(() => started[1].rejections.includes(503), { what: 'the bad agent told to retry later' })
      await waitForPhase(hub, 'n1', 'Running', 10_000)
      assert.deepEqual(
        hub.tunnels.sessions('n1').map((s) => s.agentId),
        ['good'],
      )
    })
  })
})

describe('hub restart', () => {
  it('agents come back without registering again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-restart-'))
    const sim = await startTestSim({ name: 'm2', nodes: 1 })
    const opts = { dataDir, clusterHealthIntervalMs: 200, clusterGracePeriodMs: 3000 }
    let hub = await startTestHub({ ...opts, agentListen: { host: '127.0.0.1', port: 0 } })
    const port = Number(new URL(hub.agentURL!).port)
    await createRegisteredCluster(hub, 'rr')
    const cred = await credentialFor(hub, 'rr')
    const a = startSimAgent(hub, 'rr', sim, cred)
    let connects = 0
    a.client.on('connected', () => connects++)
    try {
      await waitForPhase(hub, 'rr', 'Running', 10_000)
      await closeRegistrationHelpers(hub)
      await hub.dispose()
      hub = await startTestHub({ ...opts, agentListen: { host: '127.0.0.1', port } })
      await eventually(() => connects >= 2, { what: 'agent reconnected', timeoutMs: 15_000 })
      assert.deepEqual(a.rejections, [])
      const c = await waitForPhase(hub, 'rr', 'Running', 10_000)
      assert.equal(c.status.agents.length, 1)
      const r = await hub.request('/apis/platform.flotilla.dev/v1alpha1/clusters/rr/proxy/api/v1/nodes')
      assert.equal(r.status, 200)
    } finally {
      await a.stop()
      await hub.dispose()
      await sim.dispose()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
