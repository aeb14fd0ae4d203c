// Tunnel sessions coming and going: several agent replicas of one cluster, an agent killed
// mid-request, the hub's listener restarting on the same port, refused credentials with
// back-off, revocation (closeCluster), a replaced agent instance, and PING timeouts when the
// network silently drops everything.

import assert from 'node:assert/strict'
import { createServer, type Socket, connect as tcpConnect } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import { HttpClient } from '../../src/client/http-client.ts'
import type { RestConfig } from '../../src/client/rest-config.ts'
import { TunnelClient } from '../../src/tunnel/client.ts'
import { tunnelServerURL } from '../../src/tunnel/tunnel-agent.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'
import { startChildAgent, startTestAgent, startTestHub, type TestHub, whenTunnels } from '../helpers/tunnel.ts'

/** A TCP relay that can silently drop everything in both directions (a dead NAT mapping). */
async function startBlackholeProxy(targetPort: number) {
  let dropping = false
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = tcpConnect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (d: Buffer) => dropping || upstream.write(d))
    upstream.on('data', (d: Buffer) => dropping || client.write(d))
    client.on('end', () => dropping || upstream.end())
    upstream.on('end', () => dropping || client.end())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as { port: number }).port,
    drop(on: boolean) {
      dropping = on
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise((r) => server.close(r))
    },
  }
}

describe('tunnel sessions', () => {
  let sim: TestSim
  let member: RestConfig
  let hub: TestHub
  const events: string[] = []

  before(async () => {
    sim = await startTestSim({ name: 'sessions', nodes: 1 })
    member = { server: sim.url, ca: sim.caCert, token: sim.token }
    hub = await startTestHub()
    for (const c of ['two', 'restart', 'revoked', 'replaced', 'silent']) hub.credentials.set(`cred-${c}`, c)
    hub.registry.on('up', (c) => events.push(`up ${c}`))
    hub.registry.on('down', (c) => events.push(`down ${c}`))
  })

  after(async () => {
    await hub.dispose()
    await sim.dispose()
  })

  it('two agent replicas: both serve; killing one fails only its requests', async () => {
    const a = await startChildAgent(hub, 'two', member, 'two-a')
    const b = await startChildAgent(hub, 'two', member, 'two-b')
    await whenTunnels(hub, 'two', 2)
    assert.deepEqual(
      events.filter((e) => e.endsWith(' two')),
      ['up two'],
    )
    const [sa, sb] = hub.registry.sessions('two')
    // New connections spread over the replicas (least streams first).
    const s1 = hub.registry.connect('two')
    const s2 = hub.registry.connect('two')
    assert.equal(sa.activeStreams, 1)
    assert.equal(sb.activeStreams, 1)
    s1.destroy()
    s2.destroy()

    // An in-flight request on replica "a": a watch that would run for a minute.
    const victim = hub.registry.sessions('two').find((s) => s.agentId === 'two-a')
    assert.ok(victim)
    const victimAgent = victim.agent()
    const onVictim = new HttpClient({ server: tunnelServerURL('two'), agent: victimAgent })
    const inFlight = onVictim.raw('GET', '/api/v1/namespaces/default/configmaps', {
      query: { watch: 1, timeoutSeconds: 60 },
      timeoutMs: 60_000,
    })
    // Its failure may come while we are still waiting for the kill: capture it right away.
    const outcome = inFlight.then(
      () => undefined,
      (e: Error) => e,
    )
    await eventually(() => victim.activeStreams === 1, { what: 'watch stream open' })
    const client = new HttpClient({ server: tunnelServerURL('two'), agent: hub.registry.createAgent('two') })
    const started = Date.now()
    await a.kill('SIGKILL')
    const failure = (await outcome) as NodeJS.ErrnoException | undefined
    assert.ok(failure?.code, `the in-flight request fails with a coded error, got ${failure?.message}`)
    assert.ok(Date.now() - started < 5_000, 'the in-flight request failed promptly')
    await eventually(() => hub.registry.sessions('two').length === 1, { what: 'dead session removed' })
    // New requests go to the live replica; the cluster never went down.
    for (let i = 0; i < 5; i++)
      assert.equal((await client.get(resources.namespaces, '', 'default')).metadata.name, 'default')
    assert.deepEqual(
      events.filter((e) => e.endsWith(' two')),
      ['up two'],
    )
    await b.kill('SIGTERM')
    await eventually(() => events.includes('down two'), { what: 'down two' })
    await assert.rejects(client.get(resources.namespaces, '', 'default'), { code: 'ETUNNELDOWN' })
    victimAgent.destroy()
  })

  it('agents reconnect after the hub listener restarts on the same port', async () => {
    const agent = startTestAgent(hub, 'restart', member)
    await whenTunnels(hub, 'restart')
    const client = new HttpClient({ server: tunnelServerURL('restart'), agent: hub.registry.createAgent('restart') })
    assert.equal((await client.get(resources.namespaces, '', 'default')).metadata.name, 'default')
    const port = hub.listener.port
    await hub.restart()
    assert.equal(hub.listener.port, port)
    const t0 = Date.now()
    await whenTunnels(hub, 'restart', 1, 10_000)
    const reconnectMs = Date.now() - t0
    assert.ok(reconnectMs < 5_000, `reconnected in ${reconnectMs} ms`)
    assert.equal((await client.get(resources.namespaces, '', 'default')).metadata.name, 'default')
    assert.deepEqual(
      events.filter((e) => e.endsWith(' restart')),
      ['up restart', 'down restart', 'up restart'],
    )
    await agent.stop()
  })

  it('a refused credential: the agent sees 401 (or 403 for another cluster) and backs off', async () => {
    const rejected: number[] = []
    const delays: number[] = []
    const bad = new TunnelClient({
      hubURL: hub.listener.url,
      ca: hub.caCert,
      cluster: 'nobody',
      agentId: 'bad-1',
      credential: 'not-a-credential',
      onRequest: (_req, res) => res.end(),
      backoff: { initialMs: 50, maxMs: 2_000, jitter: 0.2 },
    })
    bad.on('rejected', ({ status }) => rejected.push(status))
    bad.on('retry', ({ delayMs }) => delays.push(delayMs))
    bad.start()
    await eventually(() => delays.length >= 4, { what: 'four retries', timeoutMs: 10_000 })
    await bad.stop()
    assert.ok(rejected.length >= 4 && rejected.every((s) => s === 401), JSON.stringify(rejected))
    // 50, 100, 200, 400 ms ±20%: each delay grows.
    for (let i = 1; i < 4; i++) assert.ok(delays[i] > delays[i - 1], JSON.stringify(delays))
    assert.ok(delays[3] >= 400 * 0.8 && delays[3] <= 400 * 1.2, JSON.stringify(delays))
    assert.equal(hub.registry.sessions('nobody').length, 0)

    // A valid credential of another cluster than the one claimed: 403.
    const statuses: number[] = []
    const other = new TunnelClient({
      hubURL: hub.listener.url,
      ca: hub.caCert,
      cluster: 'two',
      agentId: 'thief',
      credential: 'cred-restart',
      onRequest: (_req, res) => res.end(),
      backoff: { initialMs: 50 },
    })
    other.on('rejected', ({ status }) => statuses.push(status))
    other.start()
    await eventually(() => statuses.length >= 1, { what: '403' })
    await other.stop()
    assert.equal(statuses[0], 403)
  })

  it('closeCluster (credential revoked) closes every tunnel of the cluster', async () => {
    const a = startTestAgent(hub, 'revoked', member)
    const b = startTestAgent(hub, 'revoked', member)
    await whenTunnels(hub, 'revoked', 2)
    const rejected: number[] = []
    a.client.on('rejected', ({ status }) => rejected.push(status))
    hub.credentials.delete('cred-revoked')
    assert.equal(hub.registry.closeCluster('revoked', 'credential revoked'), 2)
    await eventually(() => events.includes('down revoked'), { what: 'down revoked' })
    await eventually(() => rejected.includes(401), { what: 'the agent is refused on redial' })
    assert.equal(hub.registry.sessions('revoked').length, 0)
    await Promise.all([a.stop(), b.stop()])
  })

  it('an agent instance that redials replaces its stale tunnel', async () => {
    const first = startTestAgent(hub, 'replaced', member, { agentId: 'same-pod' })
    await whenTunnels(hub, 'replaced')
    const old = hub.registry.sessions('replaced')[0]
    // The same pod, restarted: the hub has not noticed the old tunnel is dead yet.
    const second = startTestAgent(hub, 'replaced', member, { agentId: 'same-pod' })
    await eventually(() => !old.alive && hub.registry.sessions('replaced').length === 1, { what: 'old replaced' })
    assert.notEqual(hub.registry.sessions('replaced')[0], old)
    await first.stop()
    await second.stop()
  })

  it('PING keepalives find a tunnel whose network silently died, on both ends', async () => {
    const keepalive = { pingIntervalMs: 200, pingTimeoutMs: 600 }
    const hub2 = await startTestHub({ keepalive })
    hub2.credentials.set('cred-silent', 'silent')
    const removed: string[] = []
    hub2.registry.on('removed', (_s, error) => removed.push((error as NodeJS.ErrnoException)?.code ?? 'none'))
    const proxy = await startBlackholeProxy(hub2.listener.port)
    const disconnected: string[] = []
    const agent = startTestAgent(hub2, 'silent', member, {
      hubURL: `https://127.0.0.1:${proxy.port}`,
      keepalive,
      connectTimeoutMs: 1_000,
    })
    agent.client.on('disconnected', ({ error }) => disconnected.push((error as NodeJS.ErrnoException)?.code ?? ''))
    await whenTunnels(hub2, 'silent')
    proxy.drop(true)
    const t0 = Date.now()
    await eventually(() => disconnected.length > 0 && removed.length > 0, { what: 'both noticed', timeoutMs: 10_000 })
    assert.equal(disconnected[0], 'ETUNNELPING')
    assert.equal(removed[0], 'ETUNNELPING')
    assert.ok(Date.now() - t0 < 3_000, `noticed after ${Date.now() - t0} ms`)
    proxy.drop(false)
    await whenTunnels(hub2, 'silent', 1, 10_000)
    await agent.stop()
    await proxy.close()
    await hub2.dispose()
  })
})
