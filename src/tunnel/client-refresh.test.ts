// TunnelClient.refresh() against a real hub listener and registry on loopback: the new session is
// dialled (with the credential read again) before the old one is retired, a request in flight on
// the old one finishes, new ones go to the new one, and the run loop never sees a disconnection.

import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { after, before, test } from 'node:test'
import { eventually } from '../../test/helpers/sim.ts'
import { startTestHub, type TestHub, whenTunnels } from '../../test/helpers/tunnel.ts'
import { createLogger } from '../log/logger.ts'
import { TunnelClient, type TunnelClientOptions } from './client.ts'
import { tunnelServerURL } from './tunnel-agent.ts'

let hub: TestHub
/** Run at the end even when a test failed half-way, so nothing keeps the process alive. */
const cleanups: (() => unknown)[] = []

before(async () => {
  hub = await startTestHub()
})

after(async () => {
  for (const c of cleanups) await c()
  await hub.dispose()
})

/** A member stand-in: /slow answers its head and first chunk at once and the rest on release(). */
function member() {
  let release = () => {}
  const released = new Promise<void>((r) => {
    release = r
  })
  cleanups.push(() => release())
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    if (req.url === '/slow') {
      res.write('first;')
      void released.then(() => res.end('last'))
    } else res.end(`fast ${req.url}`)
  }
  return { onRequest, release }
}

/** A GET through the hub's registry: resolves with the response head, and its body later. */
function get(cluster: string, path: string): Promise<{ status: number; first: string; body: Promise<string> }> {
  const agent = hub.registry.createAgent(cluster)
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${tunnelServerURL(cluster)}${path}`, { agent }, (res) => {
      res.setEncoding('utf8')
      let text = ''
      const body = new Promise<string>((done, fail) => {
        res.on('data', (c: string) => {
          text += c
        })
        res.once('end', () => done(text))
        res.once('error', fail)
        res.once('aborted', () => fail(new Error('the response was cut short')))
      }).finally(() => agent.destroy())
      body.catch(() => undefined)
      res.once('data', (c: string) => resolve({ status: res.statusCode ?? 0, first: c, body }))
    })
    req.once('error', (e) => {
      agent.destroy()
      reject(e)
    })
    req.end()
  })
}

function client(
  cluster: string,
  credential: TunnelClientOptions['credential'],
  onRequest: TunnelClientOptions['onRequest'],
) {
  const lines: Record<string, unknown>[] = []
  const events: string[] = []
  const c = new TunnelClient({
    hubURL: hub.listener.url,
    ca: hub.caCert,
    cluster,
    agentId: `${cluster}-pod`,
    credential,
    onRequest,
    backoff: { initialMs: 50, maxMs: 500 },
    log: createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l)) }),
  })
  cleanups.push(() => c.stop())
  for (const e of ['connected', 'disconnected', 'refreshed', 'rejected', 'retry'] as const) {
    c.on(e, () => events.push(e))
  }
  return { c, lines, events }
}

test('refresh: a new tunnel with the credential read again; the old one finishes its request', async () => {
  hub.credentials.set('cred-old', 'refresh')
  hub.credentials.set('cred-new', 'refresh')
  const dialled: string[] = []
  const credential = () => {
    const c = dialled.length === 0 ? 'cred-old' : 'cred-new'
    dialled.push(c)
    return c
  }
  const m = member()
  const { c, lines, events } = client('refresh', credential, m.onRequest)
  assert.equal(await c.refresh(), false, 'not running: nothing to refresh')
  c.start()
  await whenTunnels(hub, 'refresh')
  const [old] = hub.registry.sessions('refresh')
  const oldClosed = new Promise<Error | undefined>((r) => old.once('close', r))

  // A response in flight on the old tunnel (a watch, a log stream).
  const slow = await get('refresh', '/slow')
  assert.equal(slow.first, 'first;')
  assert.equal(old.activeStreams, 1)

  // Two at once: the second one finds the first under way.
  assert.deepEqual(await Promise.all([c.refresh(), c.refresh()]), [true, false])
  assert.deepEqual(dialled, ['cred-old', 'cred-new'], 'the credential was read again')
  assert.ok(c.connected)
  // The hub registers it once our SETTINGS arrive, a moment after we got the hub's.
  const current = await eventually(() => hub.registry.sessions('refresh').find((s) => s.alive && s !== old), {
    what: 'a new tunnel',
  })
  assert.equal(current.agentId, old.agentId)
  await eventually(() => !old.alive, { what: 'the old tunnel takes no new streams' })

  // New requests go through the new tunnel while the old one finishes.
  for (let i = 0; i < 3; i++) {
    const r = await get('refresh', `/n${i}`)
    assert.equal(r.status, 200)
    assert.equal(await r.body, `fast /n${i}`)
  }
  m.release()
  assert.equal(await slow.body, 'first;last', 'the request in flight on the old tunnel completed')
  // Its last stream done, the old tunnel closes well before the grace period.
  await oldClosed
  assert.deepEqual(hub.registry.sessions('refresh'), [current])
  // The old tunnel's close was no disconnection: no event, no redial.
  await new Promise((r) => setTimeout(r, 200))
  assert.deepEqual(events, ['connected', 'refreshed'])
  assert.ok(c.connected && current.alive)
  assert.deepEqual(hub.registry.sessions('refresh'), [current])

  // When the new one goes, the client reconnects as usual.
  current.destroy()
  await eventually(() => events.includes('disconnected') && c.connected, { what: 'reconnected' })
  await whenTunnels(hub, 'refresh')

  assert.deepEqual(
    events.filter((e) => e !== 'retry'),
    ['connected', 'refreshed', 'disconnected', 'connected'],
  )
  assert.ok(lines.some((l) => l.msg === 'TunnelRefreshed' && l.level === 'info'))
  await c.stop()
  assert.equal(c.connected, false)
  await eventually(() => hub.registry.sessions('refresh').length === 0, { what: 'no tunnel left' })
})

test('refresh: a refused dial keeps the old tunnel', async () => {
  hub.credentials.set('cred-kept', 'kept')
  let calls = 0
  const m = member()
  const { c, lines, events } = client('kept', () => (++calls === 1 ? 'cred-kept' : 'cred-unknown'), m.onRequest)
  c.start()
  await whenTunnels(hub, 'kept')
  const [old] = hub.registry.sessions('kept')
  assert.equal(await c.refresh(), false)
  assert.equal(calls, 2)
  assert.ok(c.connected && old.alive)
  assert.deepEqual(hub.registry.sessions('kept'), [old])
  const r = await get('kept', '/still')
  assert.equal(await r.body, 'fast /still')
  const failed = lines.find((l) => l.msg === 'TunnelRefreshFailed')
  assert.equal(failed?.level, 'warn')
  assert.match(String(failed?.error), /HTTP 401/)
  assert.ok(!JSON.stringify(lines).includes('cred-unknown'), 'no credential in the logs')
  assert.deepEqual(events, ['connected'])
  await c.stop()
  await eventually(() => hub.registry.sessions('kept').length === 0, { what: 'no tunnel left' })
})

test('refresh: stop() during a refresh leaves no tunnel behind', async () => {
  hub.credentials.set('cred-stop', 'stopping')
  let calls = 0
  let release = () => {}
  const gate = new Promise<void>((r) => {
    release = r
  })
  const m = member()
  // The second dial's credential arrives only after stop() was called.
  const { c, events } = client(
    'stopping',
    async () => {
      if (++calls > 1) await gate
      return 'cred-stop'
    },
    m.onRequest,
  )
  c.start()
  await whenTunnels(hub, 'stopping')
  const refreshed = c.refresh()
  await eventually(() => calls === 2, { what: 'the refresh dialling' })
  const stopped = c.stop()
  release()
  assert.equal(await refreshed, false)
  await stopped
  assert.equal(c.connected, false)
  assert.ok(!events.includes('refreshed'))
  await eventually(() => hub.registry.sessions('stopping').length === 0, { what: 'no tunnel left' })
  // Nothing arrives later either.
  await new Promise((r) => setTimeout(r, 200))
  assert.equal(hub.registry.sessions('stopping').length, 0)
})
