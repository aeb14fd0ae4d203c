// Bad input to cluster import never crashes the controller and always leaves a clear condition:
// validation errors, a missing or malformed kubeconfig, an unreachable server, a wrong token, a
// wrong CA, an unsupported version; fixing the Secret is picked up at once; a restarted hub
// picks up where it left off.

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parse, stringify } from 'yaml'
import {
  CLUSTERS_PATH,
  clusterEvents,
  getCluster,
  importViaApi,
  type Obj,
  postJson,
  readyOf,
  runFlotilla,
  waitForCluster,
  waitForPhase,
} from '../helpers/clusters.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { startTestSim, type TestSim } from '../helpers/sim.ts'

/** The sim's kubeconfig with one field changed. */
function variant(sim: TestSim, change: (doc: Obj) => void): string {
  const doc = parse(readFileSync(sim.kubeconfig, 'utf8')) as Obj
  change(doc)
  return stringify(doc)
}

describe('hub: bad cluster input', () => {
  let hub: TestHub
  let sim: TestSim
  let oldSim: TestSim
  const tmp = mkdtempSync(join(tmpdir(), 'flotilla-clusters-'))

  before(async () => {
    hub = await startTestHub({ clusterHealthIntervalMs: 200, clusterGracePeriodMs: 1500 })
    ;[sim, oldSim] = await Promise.all([
      startTestSim({ name: 'good', nodes: 1 }),
      startTestSim({ name: 'old', nodes: 1, kubernetesVersion: 'v1.20.15' }),
    ])
  })

  after(async () => {
    await hub?.dispose()
    await sim?.dispose()
    await oldSim?.dispose()
    rmSync(tmp, { recursive: true, force: true })
  })

  it('validates Clusters with field errors', async () => {
    const create = (name: string, spec: unknown) =>
      postJson(hub, CLUSTERS_PATH, {
        apiVersion: 'platform.flotilla.dev/v1alpha1',
        kind: 'Cluster',
        metadata: { name },
        spec,
      })
    const cases: [string, unknown, RegExp][] = [
      [
        'bad-mode',
        { connection: { mode: 'Dial' } },
        /spec\.connection\.mode: Unsupported value: "Dial": supported values: "Import", "Register"/,
      ],
      ['no-ref', { connection: { mode: 'Import' } }, /spec\.connection\.kubeconfigSecretRef: Required value/],
      [
        'other-ns',
        { connection: { mode: 'Import', kubeconfigSecretRef: { namespace: 'default', name: 'x' } } },
        /spec\.connection\.kubeconfigSecretRef\.namespace: Unsupported value: "default"/,
      ],
      [
        'bad-zones',
        { connection: { mode: 'Import', kubeconfigSecretRef: { name: 'x' } }, zones: ['a', 'a', 'no spaces'] },
        /spec\.zones\[1\]: Duplicate value.*spec\.zones\[2\]: Invalid value/,
      ],
      ['Not_A_Name', { connection: { mode: 'Register' } }, /metadata\.name: Invalid value: "Not_A_Name"/],
    ]
    for (const [name, spec, message] of cases) {
      const r = await create(name, spec)
      assert.equal(r.status, 422, name)
      const st = (await r.json()) as Obj
      assert.equal(st.reason, 'Invalid')
      assert.match(st.message, message)
    }
  })

  it('a malformed kubeconfig gives Failed / InvalidKubeconfig with the parser message', async () => {
    await importViaApi(hub, 'malformed', 'clusters: [unclosed\n')
    const c = await waitForPhase(hub, 'malformed', 'Failed')
    const ready = readyOf(c)
    assert.equal(ready.status, 'False')
    assert.equal(ready.reason, 'InvalidKubeconfig')
    assert.match(
      ready.message,
      /Secret flotilla-system\/malformed-kubeconfig key kubeconfig: kubeconfig is not valid YAML/,
    )
    const events = await clusterEvents(hub, 'malformed')
    assert.ok(events.some((e: Obj) => e.reason === 'InvalidKubeconfig' && e.type === 'Warning'))
    assert.equal(hub.members.get('malformed'), undefined)
  })

  it('a kubeconfig with credential files is refused (the hub cannot read the importer’s files)', async () => {
    const text = variant(sim, (d) => {
      d.users[0].user = { tokenFile: '/home/me/token' }
    })
    await importViaApi(hub, 'files', text)
    const c = await waitForPhase(hub, 'files', 'Failed')
    assert.match(readyOf(c).message, /tokenFile points at a file; embed the data/)
  })

  it('a missing Secret gives KubeconfigNotFound, and creating it is picked up promptly', async () => {
    const r = await postJson(hub, CLUSTERS_PATH, {
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'later' },
      spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: 'later-kc' } } },
    })
    assert.equal(r.status, 201)
    const c = await waitForPhase(hub, 'later', 'Failed')
    assert.equal(readyOf(c).reason, 'KubeconfigNotFound')
    assert.match(readyOf(c).message, /Secret flotilla-system\/later-kc not found/)
    const s = await postJson(hub, '/api/v1/namespaces/flotilla-system/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'later-kc' },
      stringData: { kubeconfig: readFileSync(sim.kubeconfig, 'utf8') },
    })
    assert.equal(s.status, 201)
    await waitForPhase(hub, 'later', 'Running', 10_000)
  })

  it('an unreachable server gives Pending with Ready False / Unreachable and the error code', async () => {
    const text = variant(sim, (d) => {
      d.clusters[0].cluster.server = 'https://127.0.0.1:1'
    })
    await importViaApi(hub, 'unreachable', text)
    const c = await waitForCluster(hub, 'unreachable', (x) => readyOf(x)?.reason === 'Unreachable', 'Unreachable')
    assert.equal(c.status.phase, 'Pending')
    assert.equal(readyOf(c).status, 'False')
    assert.match(readyOf(c).message, /ECONNREFUSED/)
  })

  it('a wrong token gives Failed / Unauthorized; fixing the Secret reconnects', async () => {
    const text = variant(sim, (d) => {
      d.users[0].user.token = 'not-the-token'
    })
    await importViaApi(hub, 'badtoken', text)
    const c = await waitForPhase(hub, 'badtoken', 'Failed')
    assert.equal(readyOf(c).reason, 'Unauthorized')
    assert.match(readyOf(c).message, /rejected the hub's credential/)
    const fixed = await postJson(
      hub,
      '/api/v1/namespaces/flotilla-system/secrets/badtoken-kubeconfig',
      { stringData: { kubeconfig: readFileSync(sim.kubeconfig, 'utf8') } },
      'PATCH',
    )
    assert.equal(fixed.status, 200)
    await waitForPhase(hub, 'badtoken', 'Running', 10_000)
    const reasons = (await clusterEvents(hub, 'badtoken')).map((e: Obj) => e.reason)
    assert.ok(reasons.includes('CredentialsUpdated'), String(reasons))
  })

  it('a wrong CA gives Failed / TLSError', async () => {
    const text = variant(sim, (d) => {
      d.clusters[0].cluster['certificate-authority-data'] = Buffer.from(hub.caCert).toString('base64')
    })
    await importViaApi(hub, 'wrongca', text)
    const c = await waitForPhase(hub, 'wrongca', 'Failed')
    assert.equal(readyOf(c).reason, 'TLSError')
    assert.match(readyOf(c).message, /TLS handshake with the member failed/)
  })

  it('a member outside the supported versions gets VersionSupported False and a warning', async () => {
    await importViaApi(hub, 'old', readFileSync(oldSim.kubeconfig, 'utf8'))
    const c = await waitForPhase(hub, 'old', 'Running')
    const v = c.status.conditions.find((x: Obj) => x.type === 'VersionSupported')
    assert.equal(v.status, 'False')
    assert.equal(v.reason, 'UnsupportedVersion')
    assert.match(v.message, /v1\.20\.15 is outside the supported range v1\.24–v1\.34/)
    const events = await clusterEvents(hub, 'old')
    assert.ok(events.some((e: Obj) => e.reason === 'UnsupportedVersion' && e.type === 'Warning'))
  })

  it('a Register cluster is accepted and waits for its agent', async () => {
    const r = await postJson(hub, CLUSTERS_PATH, {
      apiVersion: 'platform.flotilla.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'edge' },
      spec: { connection: { mode: 'Register' } },
    })
    assert.equal(r.status, 201, await r.text())
    const c = await waitForCluster(hub, 'edge', (x) => readyOf(x)?.reason === 'AwaitingAgent', 'AwaitingAgent')
    assert.equal(c.status.phase, 'Pending')
  })

  it('the CLI checks the kubeconfig locally first and creates nothing when it is bad', async () => {
    const file = join(tmp, 'bad.kubeconfig')
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: []\n')
    const r = await runFlotilla([
      'cluster',
      'import',
      'nope',
      '--kubeconfig',
      file,
      '--hub-kubeconfig',
      hub.adminKubeconfig,
    ])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--kubeconfig .*bad\.kubeconfig: kubeconfig has no current-context/)
    assert.equal(await getCluster(hub, 'nope'), undefined)
    const ctx = await runFlotilla([
      'cluster',
      'import',
      'nope',
      '--kubeconfig',
      sim.kubeconfig,
      '--context',
      'missing',
      '--hub-kubeconfig',
      hub.adminKubeconfig,
    ])
    assert.equal(ctx.code, 2)
    assert.match(ctx.stderr, /kubeconfig has no context named "missing"/)
  })

  it('the CLI with --wait reports why a cluster cannot connect', async () => {
    const file = join(tmp, 'badtoken.kubeconfig')
    writeFileSync(
      file,
      variant(sim, (d) => (d.users[0].user.token = 'wrong')),
    )
    const r = await runFlotilla([
      'cluster',
      'import',
      'clibad',
      '--kubeconfig',
      file,
      '--hub-kubeconfig',
      hub.adminKubeconfig,
      '--wait',
      '--timeout',
      '20s',
    ])
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stdout, /Cluster clibad failed to connect: Unauthorized: the member rejected the hub's credential/)
  })

  it('the controller is still working after all that', async () => {
    await importViaApi(hub, 'fine', readFileSync(sim.kubeconfig, 'utf8'))
    await waitForPhase(hub, 'fine', 'Running')
  })
})

describe('hub: restart', () => {
  it('a restarted hub reconnects its clusters without reporting them as new', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-restart-'))
    const sim = await startTestSim({ name: 'steady', nodes: 1 })
    try {
      let hub = await startTestHub({ dataDir, clusterHealthIntervalMs: 200, clusterGracePeriodMs: 1500 })
      await importViaApi(hub, 'steady', readFileSync(sim.kubeconfig, 'utf8'))
      await waitForCluster(hub, 'steady', (c) => c.status?.phase === 'Running' && !!c.status.resourceSummary, 'Running')
      await hub.settle()
      await hub.dispose()
      hub = await startTestHub({ dataDir, clusterHealthIntervalMs: 200, clusterGracePeriodMs: 1500 })
      try {
        await hub.settle()
        // The first status the new hub writes is Running again, never Pending.
        const c = await waitForPhase(hub, 'steady', 'Running')
        assert.equal(readyOf(c).status, 'True')
        await new Promise((r) => setTimeout(r, 500))
        const events = await clusterEvents(hub, 'steady')
        assert.equal(events.filter((e: Obj) => e.reason === 'Connected').length, 1)
        assert.equal(events.filter((e: Obj) => e.reason === 'Importing').length, 1)
        assert.ok(events.some((e: Obj) => e.reason === 'Connecting' && /hub started/.test(e.message)))
        assert.ok(hub.members.get('steady'))
      } finally {
        await hub.dispose()
      }
    } finally {
      await sim.dispose()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
