// `flotilla agent` as a real process against a real hub (its agent port and credential endpoint)
// and a simulated member: registration with a bootstrap token, two replicas sharing it, a replica
// killed, a restart without the token, a revoked credential, and configuration errors.

import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { HttpClient } from '../../src/client/http-client.ts'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'
import { ensureServingCertificate } from '../../src/security/pki.ts'
import { postJson } from '../helpers/clusters.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { type FlotillaProcess, runFlotillaProcess } from '../helpers/processes.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const CLUSTERS = '/apis/platform.flotilla.dev/v1alpha1/clusters'

let hub: TestHub
let sim: TestSim
const children = new Set<ChildProcess>()

before(async () => {
  hub = await startTestHub()
  sim = await startTestSim({ name: 'edge', nodes: 2 })
})

after(async () => {
  for (const c of children) c.kill('SIGKILL')
  await sim.dispose()
  await hub.dispose()
})

/** Creates a Register-mode Cluster and returns the FLOTILLA_* variables of a fresh bootstrap token. */
async function register(name: string): Promise<Record<string, string>> {
  const created = await postJson(hub, CLUSTERS, {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: { connection: { mode: 'Register' } },
  })
  assert.ok(created.status === 201 || created.status === 409, `create cluster: ${created.status}`)
  const res = await postJson(hub, `${CLUSTERS}/${name}/registration`, {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'ClusterRegistrationRequest',
    spec: { ttl: '1h' },
  })
  const body = (await res.json()) as { status: { env: Record<string, string> } }
  assert.equal(res.status, 201, JSON.stringify(body))
  return body.status.env
}

interface AgentProc extends FlotillaProcess {
  /** Parsed JSON log lines (stderr); a line that is not JSON as { msg: 'text', text }. */
  readonly logs: Record<string, unknown>[]
  whenConnected(timeoutMs?: number): Promise<void>
}

function agent(env: Record<string, string>, args = ['--kubeconfig', sim.kubeconfig]): AgentProc {
  const p = runFlotillaProcess(['agent', '--log-level', 'debug', ...args], env)
  children.add(p.child)
  const logs: Record<string, unknown>[] = []
  let parsed = 0
  return {
    ...p,
    get logs() {
      const text = p.stderr()
      const end = text.lastIndexOf('\n') + 1
      if (end > parsed) {
        for (const l of text.slice(parsed, end - 1).split('\n')) {
          try {
            logs.push(JSON.parse(l))
          } catch {
            logs.push({ msg: 'text', text: l })
          }
        }
        parsed = end
      }
      return logs
    },
    whenConnected: (timeoutMs = 20_000) =>
      eventually(() => /connected to .* as cluster/.test(p.stdout()), {
        timeoutMs,
        what: `agent connected; ${p.stdout()}`,
      }).then(() => undefined),
  }
}

const count = (p: AgentProc, msg: string, level?: string) =>
  p.logs.filter((l) => l.msg === msg && (!level || l.level === level)).length

function memberSecret(): Promise<{ status: number; credential?: string }> {
  const client = HttpClient.fromConfig(restConfigFromKubeconfig(readFileSync(sim.kubeconfig, 'utf8')))
  return client
    .raw('GET', '/api/v1/namespaces/flotilla-system/secrets/flotilla-agent-credential')
    .then((r) => {
      const data = r.status === 200 ? (JSON.parse(r.body.toString()).data as Record<string, string>) : undefined
      return {
        status: r.status,
        credential: data ? Buffer.from(data.credential, 'base64').toString() : undefined,
      }
    })
    .finally(() => client.close())
}

/** Lists the member's nodes through the hub's proxy, as the hub admin. */
async function nodesThroughHub(cluster: string): Promise<number> {
  const res = await hub.request(`${CLUSTERS}/${cluster}/proxy/api/v1/nodes`)
  if (res.status !== 200) throw new Error(`proxy answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { items: unknown[] }).items.length
}

const alive = (cluster: string) => hub.tunnels.sessions(cluster).filter((s) => s.alive)

test('missing configuration exits 2 with a clear message', async () => {
  const p = agent({})
  assert.equal(await p.exited, 2)
  const err = p.logs.map((l) => l.text ?? '').join('\n')
  assert.match(err, /missing FLOTILLA_HUB_URL, FLOTILLA_HUB_CA_DATA, FLOTILLA_CLUSTER/)
  const noKube = agent(
    {
      FLOTILLA_HUB_URL: 'https://127.0.0.1:1',
      FLOTILLA_HUB_CA_DATA: Buffer.from(hub.caCert).toString('base64'),
      FLOTILLA_CLUSTER: 'x',
    },
    [],
  )
  assert.equal(await noKube.exited, 2)
  assert.match(noKube.logs.map((l) => l.text ?? '').join('\n'), /not running inside a cluster.*--kubeconfig/)
})

test('a garbage CA exits 2; a wrong CA is named in the log', async () => {
  const token = 'flb_aaaaaaaaaaaaaaaa.c2VjcmV0'
  const env = { FLOTILLA_HUB_URL: hub.agentURL ?? '', FLOTILLA_CLUSTER: 'nope', FLOTILLA_BOOTSTRAP_TOKEN: token }
  const garbage = agent({ ...env, FLOTILLA_HUB_CA_DATA: Buffer.from('garbage').toString('base64') })
  assert.equal(await garbage.exited, 2)
  const text = garbage.logs.map((l) => l.text ?? '').join('\n')
  assert.match(text, /FLOTILLA_HUB_CA_DATA does not hold a PEM certificate/)
  assert.ok(!text.includes(token))
  // A well-formed CA that did not sign the hub's certificate: TLS fails, the log says why.
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-otherca-'))
  const other = ensureServingCertificate(dir, ['127.0.0.1']).caCert
  rmSync(dir, { recursive: true, force: true })
  const wrong = agent({ ...env, FLOTILLA_HUB_CA_DATA: Buffer.from(other).toString('base64') })
  await eventually(
    () => wrong.logs.some((l) => /cannot verify the hub's certificate with FLOTILLA_HUB_CA_DATA/.test(String(l.error))),
    {
      timeoutMs: 15_000,
      what: 'a TLS verification message',
    },
  )
  assert.equal(await wrong.stop(), 0)
  assert.ok(!JSON.stringify(wrong.logs).includes(token))
})

test('two replicas register with one bootstrap token; kill one, restart without the token, revoke', async () => {
  const env = await register('edge')
  const token = env.FLOTILLA_BOOTSTRAP_TOKEN
  assert.match(token, /^flb_/)
  // Two replicas start together with the same token: one exchange wins, the other adopts.
  const a = agent({ ...env, FLOTILLA_AGENT_ID: 'edge-a' })
  const b = agent({ ...env, FLOTILLA_AGENT_ID: 'edge-b' })
  await Promise.all([a.whenConnected(), b.whenConnected()])
  await eventually(() => alive('edge').length === 2, { what: 'two tunnels' })
  assert.equal(count(a, 'CredentialIssued') + count(b, 'CredentialIssued'), 1, 'exactly one exchange succeeded')
  const stored = await memberSecret()
  assert.equal(stored.status, 200)
  assert.match(stored.credential ?? '', /^flc_/)
  for (const p of [a, b]) {
    const text = p.stdout() + JSON.stringify(p.logs)
    assert.ok(!text.includes(token) && !text.includes(stored.credential ?? '-'), 'no secrets in output')
    assert.equal(count(p, 'NoClusterCredential', 'error'), 0)
  }

  // The hub reaches the member through the tunnels, and the cluster is Running.
  assert.equal(await eventually(() => nodesThroughHub('edge'), { what: 'proxy through the tunnel' }), 2)
  await eventually(
    async () => {
      const c = (await (await hub.request(`${CLUSTERS}/edge`)).json()) as { status?: { phase?: string } }
      return c.status?.phase === 'Running'
    },
    { what: 'cluster Running' },
  )
  // Impersonation passes through: the member sees the hub admin's mapped identity.
  const who = await postJson(hub, `${CLUSTERS}/edge/proxy/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
  })
  const review = (await who.json()) as { status: { userInfo: { username: string; groups: string[] } } }
  assert.equal(who.status, 201, JSON.stringify(review))
  assert.match(review.status.userInfo.username, /^flotilla:hub:/)
  assert.ok(review.status.userInfo.groups.includes('flotilla:hub:system:masters'), JSON.stringify(review))

  // Kill one replica the hard way: the other keeps serving.
  await a.stop('SIGKILL')
  await eventually(() => alive('edge').length === 1, { what: 'one tunnel left' })
  for (let i = 0; i < 5; i++) assert.equal(await nodesThroughHub('edge'), 2)

  // Restart it without the bootstrap token: it reuses the stored credential.
  const { FLOTILLA_BOOTSTRAP_TOKEN: _, ...noToken } = env
  const a2 = agent({ ...noToken, FLOTILLA_AGENT_ID: 'edge-a' }, [
    '--kubeconfig',
    sim.kubeconfig,
    '--health-listen',
    '127.0.0.1:0',
  ])
  await a2.whenConnected()
  const probes = /Health probes on (http:\/\/\S+)\/readyz/.exec(a2.stdout())?.[1]
  assert.ok(probes, a2.stdout())
  assert.equal((await fetch(`${probes}/readyz`)).status, 200)
  assert.equal((await fetch(`${probes}/healthz`)).status, 200)
  assert.equal(count(a2, 'CredentialIssued'), 0)
  assert.equal(count(a2, 'CredentialLoaded'), 1)
  await eventually(() => alive('edge').length === 2, { what: 'two tunnels again' })

  // Revoke the cluster's credentials on the hub: tunnels close, the agents say to re-register
  // once, and back off instead of hammering the hub.
  const del = await hub.request(`/api/v1/namespaces/flotilla-system/secrets/cluster-edge-agent-credentials`, {
    method: 'DELETE',
  })
  assert.equal(del.status, 200)
  await eventually(() => count(a2, 'NoClusterCredential', 'error') === 1, {
    timeoutMs: 15_000,
    what: 'the re-register message',
  })
  const report = a2.logs.find((l) => l.msg === 'NoClusterCredential')
  assert.match(String(report?.message), /re-register the cluster/)
  await eventually(() => count(b, 'NoClusterCredential', 'error') === 1, {
    timeoutMs: 15_000,
    what: 'b re-register message',
  })
  assert.equal(alive('edge').length, 0)
  assert.equal((await fetch(`${probes}/readyz`)).status, 503, 'not ready without a tunnel')
  assert.equal((await fetch(`${probes}/healthz`)).status, 200)
  const startRetries = count(a2, 'TunnelRetry')
  await new Promise((r) => setTimeout(r, 6_000))
  const retries = a2.logs.filter((l) => l.msg === 'TunnelRetry').slice(startRetries)
  assert.ok(retries.length <= 4, `backing off: ${retries.length} retries in 6 s`)
  assert.equal(count(a2, 'NoClusterCredential', 'error'), 1, 'reported once')
  assert.ok((await Promise.all([a2.stop(), b.stop()])).every((c) => c === 0))
})
