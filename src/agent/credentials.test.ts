// The credential lifecycle against real parts: a simulated cluster as the member (the Secret is a
// real Secret in its API) and a stand-in hub agent port (real TLS) for the exchanges.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type FakeAgentHub, startFakeAgentHub } from '../../test/helpers/fake-agent-hub.ts'
import { eventually, startTestSim, type TestSim } from '../../test/helpers/sim.ts'
import { resources } from '../client/client.ts'
import { HttpClient } from '../client/http-client.ts'
import { createLogger, type Logger } from '../log/logger.ts'
import { tunnelServerURL } from '../tunnel/tunnel-agent.ts'
import { startAgent } from './agent.ts'
import { CredentialSecret } from './credential-secret.ts'
import { CredentialManager, NoCredentialError } from './credentials.ts'
import { HubExchange } from './hub-exchange.ts'
import { memberAccessFromKubeconfig } from './member-access.ts'

let sim: TestSim
let hub: FakeAgentHub
const closers: (() => void)[] = []

before(async () => {
  sim = await startTestSim({ name: 'cred-member', nodes: 1 })
  hub = await startFakeAgentHub({ credentialTtlMs: 3_000, rotationGraceMs: 1_000 })
})

after(async () => {
  for (const c of closers) c()
  await hub.dispose()
  await sim.dispose()
})

function capture(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  return { lines, log: createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l)) }) }
}

function replica(
  cluster: string,
  namespace: string,
  token: string | undefined,
  agentId: string,
  log: Logger,
  onRenewed?: () => void,
) {
  const secret = new CredentialSecret(
    memberAccessFromKubeconfig(sim.kubeconfig),
    namespace,
    'flotilla-agent-credential',
  )
  const exchange = new HubExchange({ hubURL: hub.url, hubCA: hub.caCert, cluster, agentId })
  closers.push(
    () => secret.close(),
    () => exchange.close(),
  )
  const m = new CredentialManager({
    cluster,
    bootstrapToken: token,
    secret,
    exchange: (b) => exchange.exchange(b),
    log,
    onRenewed,
  })
  closers.push(() => m.stop())
  return { m, secret }
}

/** What the tunnel client does: call current() again after a failure, with a (short) delay. */
async function dial(m: CredentialManager, attempts = 10): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await m.current()
    } catch (e) {
      if (!(e instanceof NoCredentialError) || i >= attempts) throw e
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

test('the bootstrap token is exchanged once and the credential stored (namespace created if missing)', async () => {
  const token = hub.bootstrap('c1')
  const { log, lines } = capture()
  const { m, secret } = replica('c1', 'agents-c1', token, 'a', log)
  const cred = await m.current()
  assert.match(cred, /^flc_/)
  assert.equal(hub.exchanges.filter((e) => e.cluster === 'c1').length, 1)
  const stored = await secret.read()
  assert.equal(stored.credential?.credential, cred)
  // Later dials read the Secret and reuse it: no second exchange.
  assert.equal(await m.current(), cred)
  assert.equal(hub.exchanges.filter((e) => e.cluster === 'c1').length, 1)
  // A restart without the bootstrap token reuses the stored credential.
  const { m: restarted } = replica('c1', 'agents-c1', undefined, 'a2', log)
  assert.equal(await restarted.current(), cred)
  const text = JSON.stringify(lines)
  assert.ok(!text.includes(token) && !text.includes(cred), 'no token or credential in the logs')
})

test('two replicas with one bootstrap token: one exchange succeeds, both use the stored credential', async () => {
  const token = hub.bootstrap('c2')
  const { log, lines } = capture()
  const a = replica('c2', 'agents-c2', token, 'a', log)
  const b = replica('c2', 'agents-c2', token, 'b', log)
  const [ca, cb] = await Promise.all([dial(a.m), dial(b.m)])
  assert.equal(ca, cb)
  const ok = hub.exchanges.filter((e) => e.cluster === 'c2')
  assert.equal(ok.length, 1, 'exactly one exchange succeeded')
  assert.equal((await a.secret.read()).credential?.credential, ca)
  // The loser's refusal is not reported as an operator problem.
  assert.ok(!lines.some((l) => l.msg === 'NoClusterCredential' && l.level === 'error'), JSON.stringify(lines))
})

test('rotation after 2/3 of the lifetime; the other replica adopts the stored one', async () => {
  const token = hub.bootstrap('c3')
  const { log, lines } = capture()
  const renewed = { a: 0, b: 0 }
  const a = replica('c3', 'agents-c3', token, 'a', log, () => renewed.a++)
  const first = await a.m.current()
  const b = replica('c3', 'agents-c3', undefined, 'b', log, () => renewed.b++)
  assert.equal(await b.m.current(), first)
  assert.deepEqual(renewed, { a: 0, b: 0 }, 'the first credential is no renewal')
  // Lifetime 3 s: rotation between 2 s and 2.25 s, by whichever replica fires first.
  await new Promise((r) => setTimeout(r, 2_800))
  const rotations = hub.exchanges.filter((e) => e.cluster === 'c3' && e.kind === 'rotation')
  assert.ok(rotations.length >= 1, 'rotated')
  const stored = (await a.secret.read()).credential
  assert.ok(stored && stored.credential !== first)
  assert.equal(await a.m.current(), stored.credential)
  assert.equal(await b.m.current(), stored.credential)
  assert.ok(hub.valid(stored.credential))
  assert.ok(lines.some((l) => l.msg === 'CredentialRotated'))
  // Each replica was told once: the one that rotated, and the one that adopted (or rotated too).
  assert.deepEqual(renewed, { a: 1, b: 1 })
  a.m.stop()
  b.m.stop()
})

test('a revoked credential: the Secret, then the bootstrap token, then one clear message', async () => {
  const token = hub.bootstrap('c4')
  const { log, lines } = capture()
  let renewals = 0
  const a = replica('c4', 'agents-c4', token, 'a', log, () => renewals++)
  const cred = await a.m.current()
  hub.revoke('c4')
  a.m.tunnelRefused(401)
  for (let i = 0; i < 3; i++) {
    await assert.rejects(a.m.current(), (e: Error) => {
      assert.ok(e instanceof NoCredentialError)
      assert.match(e.message, /re-register the cluster/)
      return true
    })
  }
  const reports = lines.filter((l) => l.msg === 'NoClusterCredential' && l.level !== 'debug')
  assert.equal(reports.length, 1, 'reported once, not at every retry')
  assert.equal(reports[0].level, 'error')
  // A fresh credential stored by someone else (a re-registered sibling) is picked up.
  const fresh = hub.bootstrap('c4')
  const other = replica('c4', 'agents-c4', fresh, 'b', log)
  other.m.tunnelRefused(401) // nothing dialled yet: ignored
  const state = await other.secret.read()
  assert.equal(state.credential?.credential, cred)
  // The sibling's Secret holds the revoked one; it cannot know yet, dials, is refused, exchanges.
  assert.equal(await other.m.current(), cred)
  other.m.tunnelRefused(401)
  const renewed = await other.m.current()
  assert.notEqual(renewed, cred)
  assert.equal(await a.m.current(), renewed)
  assert.equal(renewals, 0, 'adopting a credential at dial time, after a refusal, is no renewal')
})

test('nothing stored and no bootstrap token: a clear error', async () => {
  const { log } = capture()
  const a = replica('c5', 'agents-c5', undefined, 'a', log)
  await assert.rejects(
    a.m.current(),
    /no usable cluster credential in Secret agents-c5\/flotilla-agent-credential and no FLOTILLA_BOOTSTRAP_TOKEN/,
  )
})

test('onRenewed failing does not break the rotation', async () => {
  const token = hub.bootstrap('c6')
  const { log, lines } = capture()
  let offset = 0
  const secret = new CredentialSecret(
    memberAccessFromKubeconfig(sim.kubeconfig),
    'agents-c6',
    'flotilla-agent-credential',
  )
  const exchange = new HubExchange({ hubURL: hub.url, hubCA: hub.caCert, cluster: 'c6', agentId: 'a' })
  closers.push(
    () => secret.close(),
    () => exchange.close(),
  )
  const m = new CredentialManager({
    cluster: 'c6',
    bootstrapToken: token,
    secret,
    exchange: (b) => exchange.exchange(b),
    log,
    // Our clock runs ahead: rotation is due at once, while the hub still honours the credential.
    now: () => Date.now() + offset,
    onRenewed: () => {
      throw new Error('the tunnel is gone')
    },
  })
  closers.push(() => m.stop())
  const first = await m.current()
  offset = 2_500
  await m.rotate()
  const rotated = await m.current()
  assert.notEqual(rotated, first)
  assert.equal((await secret.read()).credential?.credential, rotated)
  const failed = lines.find((l) => l.msg === 'CredentialRenewedHandlerFailed')
  assert.equal(failed?.level, 'warn')
  m.stop()
})

test('after a rotation the agent opens a fresh tunnel and retires the old one, with no disconnection', async () => {
  const token = hub.bootstrap('c7')
  const { log, lines } = capture()
  const agent = await startAgent({
    config: {
      hubURL: hub.url,
      hubCA: hub.caCert,
      cluster: 'c7',
      bootstrapToken: token,
      namespace: 'agents-c7',
      agentId: 'c7-pod',
    },
    member: memberAccessFromKubeconfig(sim.kubeconfig),
    log,
  })
  closers.push(() => void agent.stop())
  const events: string[] = []
  for (const e of ['connected', 'disconnected', 'refreshed'] as const) agent.client.on(e, () => events.push(e))
  await eventually(() => hub.registry.sessions('c7').length === 1, { what: 'the first tunnel' })
  const [first] = hub.registry.sessions('c7')
  // Lifetime 3 s: rotation after 2 to 2.25 s, then the new tunnel.
  await eventually(() => events.includes('refreshed'), { what: 'refreshed', timeoutMs: 5_000 })
  const next = await eventually(() => hub.registry.sessions('c7').find((s) => s.alive && s !== first), {
    what: 'the new tunnel',
  })
  assert.equal(next.agentId, 'c7-pod')
  await eventually(() => !first.alive, { what: 'the old tunnel retired' })
  const dials = hub.dials.filter((d) => d.cluster === 'c7')
  assert.deepEqual(
    dials.map((d) => [d.agentId, d.ok]),
    [
      ['c7-pod', true],
      ['c7-pod', true],
    ],
  )
  assert.equal(hub.exchanges.filter((e) => e.cluster === 'c7' && e.kind === 'rotation').length, 1)
  // The hub reaches the member through the new tunnel.
  const tunnels = hub.registry.createAgent('c7')
  try {
    const client = new HttpClient({ server: tunnelServerURL('c7'), agent: tunnels })
    assert.equal((await client.get(resources.namespaces, '', 'default')).metadata.name, 'default')
  } finally {
    tunnels.destroy()
  }
  // (The first 'connected' may have come before the listeners.)
  assert.deepEqual(
    events.filter((e) => e !== 'connected'),
    ['refreshed'],
    'refreshed once, never disconnected nor reconnected',
  )
  assert.ok(events.filter((e) => e === 'connected').length <= 1)
  assert.ok(!lines.some((l) => l.msg === 'AgentDisconnected'))
  assert.ok(agent.connected)
  await agent.stop()
})
