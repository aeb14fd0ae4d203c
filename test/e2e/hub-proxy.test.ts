// kubectl to a member through the hub: real kubectl 1.28 and 1.33 against a real hub whose
// proxy (`platform.flotilla.dev` clusters/NAME/proxy) forwards to a simulated member. Objects
// made through the hub must really be in the member (checked with the member's own client);
// member errors come back as the member's Status; a member that is not connected or not
// reachable is a 503 naming it, an unknown cluster a 404. Streams and RBAC have their own files.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { importSim, proxyKubeconfig, proxyPath, withServer } from '../helpers/hub-proxy.ts'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestSim, type TestSim } from '../helpers/sim.ts'

const binaries = kubectlBinaries()

describe('kubectl through the hub proxy', { concurrency: false }, () => {
  let hub: TestHub
  let sim: TestSim

  before(async () => {
    hub = await startTestHub()
    sim = await startTestSim({ name: 'm1', nodes: 2 })
    await importSim(hub, sim, 'm1')
    // A Cluster whose member is not connected (no kubeconfig), and one whose member does not answer.
    await importSim(hub, sim, 'offline', { kubeconfig: null })
    await importSim(hub, sim, 'dead', {
      kubeconfig: withServer(readFileSync(sim.kubeconfig, 'utf8'), 'https://127.0.0.1:1'),
    })
  })
  after(async () => {
    await sim?.dispose()
    await hub?.dispose()
  })

  it('an unknown cluster is 404, a disconnected one 503, an unreachable one 503 with the error code', async () => {
    let r = await hub.request(`${proxyPath('nope')}/api/v1/namespaces`)
    assert.equal(r.status, 404)
    let s = (await r.json()) as { reason: string; message: string }
    assert.equal(s.reason, 'NotFound')
    assert.equal(s.message, 'clusters.platform.flotilla.dev "nope" not found')

    r = await hub.request(`${proxyPath('offline')}/api/v1/namespaces`)
    assert.equal(r.status, 503)
    s = (await r.json()) as { reason: string; message: string }
    assert.equal(s.reason, 'ServiceUnavailable')
    assert.match(s.message, /"offline" is not connected/)

    r = await hub.request(`${proxyPath('dead')}/api/v1/namespaces`)
    assert.equal(r.status, 503)
    s = (await r.json()) as { reason: string; message: string }
    assert.match(s.message, /"dead" is unreachable: ECONNREFUSED/)

    const k = new Kubectl(binaries[binaries.length - 1], proxyKubeconfig(hub, 'offline'))
    let out = await k.run(['get', 'pods'])
    assert.notEqual(out.code, 0)
    // Discovery fails first and kubectl prints its own words for a 503 there.
    assert.match(out.stderr, /Error from server \(ServiceUnavailable\)/)
    // (--raw replaces the whole path, the server URL's prefix included.)
    out = await k.run(['get', '--raw', `${proxyPath('offline')}/api/v1/pods`])
    assert.match(out.stderr, /the member cluster "offline" is not connected to the hub/)
  })

  it('passes the member path, query and errors through unchanged', async () => {
    // Query parameters reach the member as sent (a label selector with a space and a comma).
    await sim.client.create(resources.configmaps, 'default', cm('sel-a', { tier: 'web' }))
    await sim.client.create(resources.configmaps, 'default', cm('sel-b', { tier: 'db' }))
    const sel = encodeURIComponent('tier in (web,cache)')
    let r = await hub.request(`${proxyPath('m1')}/api/v1/namespaces/default/configmaps?labelSelector=${sel}`)
    assert.equal(r.status, 200)
    const list = (await r.json()) as { items: KubeObject[] }
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      ['sel-a'],
    )
    // The member's own 404 and 409 Status objects.
    r = await hub.request(`${proxyPath('m1')}/api/v1/namespaces/default/configmaps/none`)
    assert.equal(r.status, 404)
    assert.equal(((await r.json()) as { message: string }).message, 'configmaps "none" not found')
    r = await hub.request(`${proxyPath('m1')}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      body: JSON.stringify(cm('sel-a', {})),
      headers: { 'content-type': 'application/json' },
    })
    assert.equal(r.status, 409)
    const conflict = (await r.json()) as { reason: string; message: string }
    assert.equal(conflict.reason, 'AlreadyExists')
    assert.equal(conflict.message, 'configmaps "sel-a" already exists')
    // Non-resource paths too.
    r = await hub.request(`${proxyPath('m1')}/version`)
    assert.equal(((await r.json()) as { gitVersion: string }).gitVersion, sim.kubernetesVersion)
    // The hub's Audit-Id is the one the caller sees.
    assert.match(r.headers.get('audit-id') ?? '', /^[0-9a-f-]{36}$/)
  })

  it('impersonates the caller as a hub identity; Impersonate-* headers are applied by the hub', async () => {
    const whoami = async (headers: Record<string, string>) => {
      const r = await hub.request(`${proxyPath('m1')}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
        method: 'POST',
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
        headers: { 'content-type': 'application/json', ...headers },
      })
      assert.equal(r.status, 201, await r.clone().text())
      return ((await r.json()) as { status: { userInfo: Record<string, unknown> } }).status.userInfo
    }
    const admin = await whoami({})
    assert.equal(admin.username, 'flotilla:hub:flotilla-admin')
    assert.ok((admin.groups as string[]).includes('flotilla:hub:system:masters'))
    assert.ok(!(admin.groups as string[]).includes('system:masters'))
    assert.deepEqual(admin.extra, { 'platform.flotilla.dev/hub-user': ['flotilla-admin'] })

    // The hub admin may impersonate: the hub applies that, the member sees the mapped identity.
    // (alice needs clusters/proxy on the hub: system:masters gives it.)
    const alice = await whoami({
      'Impersonate-User': 'alice',
      'Impersonate-Group': 'system:masters',
      'Impersonate-Uid': 'u-1',
    })
    assert.equal(alice.username, 'flotilla:hub:alice')
    assert.equal(alice.uid, 'u-1')
    assert.deepEqual(alice.groups, [
      'flotilla:hub:system:masters',
      'flotilla:hub:system:authenticated',
      'system:authenticated',
    ])
    assert.deepEqual(alice.extra, { 'platform.flotilla.dev/hub-user': ['alice'] })
  })

  it('a LIST of 2,000 ConfigMaps streams through', async () => {
    await sim.client.create(resources.namespaces, '', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'bulk' },
    })
    const batch: Promise<unknown>[] = []
    for (let i = 0; i < 2000; i++) {
      batch.push(sim.client.create(resources.configmaps, 'bulk', cm(`c-${i}`, {}, { v: 'x'.repeat(100) })))
      if (batch.length === 200) await Promise.all(batch.splice(0))
    }
    await Promise.all(batch)
    const direct = await sim.request('/api/v1/namespaces/bulk/configmaps')
    const directBody = await direct.text()
    const r = await hub.request(`${proxyPath('m1')}/api/v1/namespaces/bulk/configmaps`)
    assert.equal(r.status, 200)
    const body = await r.text()
    assert.equal(body.length, directBody.length)
    assert.equal((JSON.parse(body) as { items: unknown[] }).items.length, 2000)
    // kubectl pages through it (limit=500, continue).
    const k = new Kubectl(binaries[binaries.length - 1], proxyKubeconfig(hub, 'm1'))
    const names = await k.ok(['get', 'configmaps', '-n', 'bulk', '-o', 'name'])
    assert.equal(names.trim().split('\n').length, 2000)
  })

  for (const bin of binaries) {
    describe(`kubectl ${bin.version}`, () => {
      let k: Kubectl
      const ns = `k${bin.version.replace('.', '')}`
      before(() => {
        k = new Kubectl(bin, proxyKubeconfig(hub, 'm1'))
      })

      it('get, create, apply and rollout status act on the member', async () => {
        const nodes = await k.ok(['get', 'nodes', '-o', 'name'])
        assert.deepEqual(nodes.trim().split('\n').sort(), ['node/m1-worker-0', 'node/m1-worker-1'])
        await k.ok(['create', 'namespace', ns])
        await k.ok(['-n', ns, 'create', 'configmap', 'cfg', '--from-literal=a=1'])
        const made = await sim.client.get(resources.configmaps, ns, 'cfg')
        assert.deepEqual(made.data, { a: '1' })
        const manifest = deployment('web', 2)
        await k.ok(['-n', ns, 'apply', '-f', '-'], { input: JSON.stringify(manifest) })
        await k.ok(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=40s'], { timeoutMs: 45_000 })
        const dep = await sim.client.get(resources.deployments, ns, 'web')
        assert.equal((dep.status as { availableReplicas?: number }).availableReplicas, 2)
        // Apply again with a change: a patch through the proxy.
        manifest.spec.replicas = 3
        const out = await k.ok(['-n', ns, 'apply', '-f', '-'], { input: JSON.stringify(manifest) })
        assert.match(out, /deployment.apps\/web configured/)
        const pods = await k.ok(['-n', ns, 'get', 'pods'])
        assert.match(pods, /NAME\s+READY\s+STATUS/)
      })

      it('member errors read as the member wrote them', async () => {
        let r = await k.run(['-n', ns, 'get', 'configmap', 'missing'])
        assert.equal(r.code, 1)
        assert.match(r.stderr, /Error from server \(NotFound\): configmaps "missing" not found/)
        r = await k.run(['-n', ns, 'create', 'configmap', 'cfg'])
        assert.match(r.stderr, /configmaps "cfg" already exists/)
      })

      it('auth whoami shows the mapped hub identity', async () => {
        const out = await k.ok(['auth', 'whoami'])
        assert.match(out, /Username\s+flotilla:hub:flotilla-admin/)
        assert.match(out, /flotilla:hub:system:masters/)
      })

      it('get -w streams the member watch', async () => {
        const seen = await watchUntil(k, ['-n', ns, 'get', 'configmaps', '-w', '-o', 'name'], async (out) => {
          if (!out.includes('configmap/cfg')) return false
          for (let i = 0; i < 3; i++) {
            await sim.client
              .create(resources.configmaps, ns, cm(`w-${i}`, {}))
              .catch(() => undefined /* already made on an earlier call */)
          }
          return ['w-0', 'w-1', 'w-2'].every((n) => out.includes(`configmap/${n}`))
        })
        assert.match(seen, /configmap\/w-2/)
      })
    })
  }
})

function cm(name: string, labels: Record<string, string>, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data }
}

function deployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'example/app:1.0' }] },
      },
    },
  }
}

/**
 * Runs a watching kubectl until `enough(stdout)` holds (it is called on each output chunk and
 * may act, e.g. create objects once the watch is up), then stops it.
 */
function watchUntil(k: Kubectl, args: string[], enough: (out: string) => Promise<boolean>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(k.bin.path, ['--kubeconfig', k.kubeconfig, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp' },
    })
    let out = ''
    let err = ''
    let finished = false
    const finish = (e?: Error) => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      clearInterval(poll)
      child.kill()
      if (e) reject(e)
      else resolve(out)
    }
    const timer = setTimeout(
      () => finish(new Error(`kubectl ${args.join(' ')} did not see enough:\n${out}\n${err}`)),
      30_000,
    )
    let checking = false
    const check = async () => {
      if (checking || finished) return
      checking = true
      try {
        if (await enough(out)) finish()
      } finally {
        checking = false
      }
    }
    // Output arrives in chunks; objects created by `enough` show up later, so poll too.
    const poll = setInterval(() => void check(), 200)
    child.stdout.on('data', (d) => {
      out += d
      void check()
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.on('exit', () => {
      if (!finished) finish(new Error(`kubectl exited early:\n${out}\n${err}`))
    })
  })
}
