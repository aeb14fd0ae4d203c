// Kubernetes API traffic through the reverse tunnel to a simulated member: the hub's side uses
// HttpClient (and the ws library for exec) over registry.createAgent(); the agent forwards to
// the sim with the sim's token. Everything runs over real TLS on loopback.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { WebSocket } from 'ws'
import { resources } from '../../src/client/client.ts'
import { HttpClient } from '../../src/client/http-client.ts'
import type { KubeObject } from '../../src/machinery/object.ts'
import { type TunnelAgent, tunnelServerURL } from '../../src/tunnel/tunnel-agent.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'
import { startTestAgent, startTestHub, type TestAgent, type TestHub, whenTunnels } from '../helpers/tunnel.ts'

const CLUSTER = 'member-1'

function configMap(name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data } as KubeObject
}

describe('tunnel to a simulated member', () => {
  let sim: TestSim
  let hub: TestHub
  let agent: TestAgent
  let tunnelAgent: TunnelAgent
  let client: HttpClient
  let direct: HttpClient

  before(async () => {
    sim = await startTestSim({ name: CLUSTER, nodes: 2 })
    hub = await startTestHub()
    hub.credentials.set(`cred-${CLUSTER}`, CLUSTER)
    agent = startTestAgent(hub, CLUSTER, { server: sim.url, ca: sim.caCert, token: sim.token })
    await whenTunnels(hub, CLUSTER)
    tunnelAgent = hub.registry.createAgent(CLUSTER)
    client = new HttpClient({ server: tunnelServerURL(CLUSTER), agent: tunnelAgent })
    direct = HttpClient.fromConfig({ server: sim.url, ca: sim.caCert, token: sim.token })
  })

  after(async () => {
    tunnelAgent.destroy()
    direct.close()
    await agent.stop()
    await hub.dispose()
    await sim.dispose()
  })

  it('GET and a create with a body go through, with the agent credential', async () => {
    const ns = await client.get(resources.namespaces, '', 'default')
    assert.equal(ns.metadata.name, 'default')
    const created = await client.create(resources.configmaps, 'default', configMap('through-tunnel', { a: 'b' }))
    assert.equal(created.metadata.name, 'through-tunnel')
    const back = await direct.get(resources.configmaps, 'default', 'through-tunnel')
    assert.equal(back.metadata.uid, created.metadata.uid)
    // Errors keep their Status.
    await assert.rejects(client.get(resources.configmaps, 'default', 'missing'), (e: Error & { code?: number }) => {
      assert.equal(e.code, 404)
      return true
    })
    // The hub's own Authorization never reaches the member: the agent's replaces it.
    const res = await client.raw('GET', '/api/v1/namespaces/default', { headers: { authorization: 'Bearer nope' } })
    assert.equal(res.status, 200)
  })

  it('a watch streams events as they happen', async () => {
    const seen: string[] = []
    const list = await client.list(resources.configmaps, 'default')
    const handle = await client.watch(
      resources.configmaps,
      'default',
      { resourceVersion: list.resourceVersion },
      (ev) => seen.push(`${ev.type} ${(ev.object as KubeObject).metadata.name}`),
    )
    for (const n of ['w-1', 'w-2', 'w-3']) await direct.create(resources.configmaps, 'default', configMap(n))
    await direct.delete(resources.configmaps, 'default', 'w-2')
    await eventually(() => seen.length >= 4, { what: 'watch events', timeoutMs: 10_000 })
    assert.deepEqual(seen, ['ADDED w-1', 'ADDED w-2', 'ADDED w-3', 'DELETED w-2'])
    handle.stop()
    await handle.done
  })

  it('a 1 MB LIST arrives whole and equal to a direct LIST', async () => {
    await sim.client.create(resources.namespaces, '', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'big' },
    } as KubeObject)
    const blob = 'x'.repeat(20_000)
    for (let i = 0; i < 55; i++) {
      await sim.client.create(resources.configmaps, 'big', {
        ...configMap(`big-${i}`, { blob }),
        metadata: { name: `big-${i}`, namespace: 'big' },
      })
    }
    const viaTunnel = await client.raw('GET', '/api/v1/namespaces/big/configmaps')
    assert.equal(viaTunnel.status, 200)
    assert.ok(viaTunnel.body.length > 1024 * 1024, `body is ${viaTunnel.body.length} bytes`)
    const rv = JSON.parse(viaTunnel.body.toString()).metadata.resourceVersion
    const directBody = await direct.raw('GET', '/api/v1/namespaces/big/configmaps', { query: { resourceVersion: rv } })
    assert.deepEqual(JSON.parse(viaTunnel.body.toString()).items, JSON.parse(directBody.body.toString()).items)
  })

  it('100 concurrent watches share one tunnel session', async () => {
    const sessions = hub.registry.sessions(CLUSTER)
    assert.equal(sessions.length, 1)
    const list = await client.list(resources.configmaps, 'default')
    const counts = new Array(100).fill(0)
    const handles = await Promise.all(
      counts.map((_, i) =>
        client.watch(resources.configmaps, 'default', { resourceVersion: list.resourceVersion }, (ev) => {
          if ((ev.object as KubeObject).metadata.name?.startsWith('fan-')) counts[i]++
        }),
      ),
    )
    assert.ok(sessions[0].activeStreams >= 100, `${sessions[0].activeStreams} streams`)
    for (let i = 0; i < 5; i++) await direct.create(resources.configmaps, 'default', configMap(`fan-${i}`))
    await eventually(() => counts.every((c) => c === 5), { what: 'every watcher saw 5 events', timeoutMs: 15_000 })
    for (const h of handles) h.stop()
    await Promise.all(handles.map((h) => h.done))
    // Stopped watches release their streams (the agent cancels the upstream requests too).
    await eventually(() => sessions[0].activeStreams < 20, { what: 'streams released', timeoutMs: 10_000 })
  })

  it('exec over WebSocket (an HTTP upgrade) round-trips through the tunnel', async () => {
    await direct.create(resources.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'shell', namespace: 'default' },
      spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
    } as KubeObject)
    await eventually(
      async () => {
        const p = await direct.get(resources.pods, 'default', 'shell')
        return (p as { status?: { phase?: string } }).status?.phase === 'Running'
      },
      { what: 'pod Running', timeoutMs: 20_000 },
    )
    const url =
      `${tunnelServerURL(CLUSTER).replace('http:', 'ws:')}/api/v1/namespaces/default/pods/shell/exec` +
      '?command=cat&stdin=true&stdout=true&stderr=true'
    const ws = new WebSocket(url, ['v5.channel.k8s.io'], { agent: tunnelAgent })
    const stdout: Buffer[] = []
    let status: { status?: string } | undefined
    ws.on('message', (m: Buffer) => {
      if (m[0] === 1) stdout.push(m.subarray(1))
      if (m[0] === 3) status = JSON.parse(m.subarray(1).toString())
    })
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    assert.equal(ws.protocol, 'v5.channel.k8s.io')
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello through the tunnel\n')]))
    await eventually(() => Buffer.concat(stdout).toString().includes('hello through the tunnel'), {
      what: 'echoed stdin',
      timeoutMs: 10_000,
    })
    ws.send(Buffer.from([255, 0])) // close stdin: cat exits
    await new Promise((resolve) => ws.once('close', resolve))
    assert.equal(status?.status, 'Success')
  })

  it('raw use: connect() gives a byte stream to the API server', async () => {
    const socket = hub.registry.connect(CLUSTER)
    socket.write('GET /version HTTP/1.1\r\nHost: member\r\nConnection: close\r\n\r\n')
    const chunks: Buffer[] = []
    for await (const c of socket) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString()
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/)
    assert.match(text, /"gitVersion"/)
  })
})
