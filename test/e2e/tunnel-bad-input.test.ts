// The agent port faces the internet: garbage, truncated and oversized input, slowloris, bad
// HTTP/2 after the upgrade. Each must close only its own connection while a good agent's tunnel
// keeps serving. The agent side is checked too: a "hub" answering garbage after the 101.

import assert from 'node:assert/strict'
import { connect as netConnect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createServer as createTlsServer, type TLSSocket, connect as tlsConnect } from 'node:tls'
import { HttpClient } from '../../src/client/http-client.ts'
import { TunnelClient } from '../../src/tunnel/client.ts'
import { TUNNEL_PROTOCOL } from '../../src/tunnel/protocol.ts'
import { tunnelServerURL } from '../../src/tunnel/tunnel-agent.ts'
import { eventually } from '../helpers/sim.ts'
import { startTestHub, type TestHub, whenTunnels } from '../helpers/tunnel.ts'

interface Outcome {
  /** Everything the server sent, as latin1 text. */
  text: string
  closed: boolean
  ms: number
}

/** Sends `chunks` on a fresh connection, then waits (up to `waitMs`) for the server to close it. */
async function probe(
  open: () => Socket | TLSSocket,
  chunks: (Buffer | string)[],
  opts: { waitMs?: number; afterText?: string; followUp?: (Buffer | string)[] } = {},
): Promise<Outcome> {
  const socket = open()
  const started = Date.now()
  const received: Buffer[] = []
  let closed = false
  socket.on('data', (d: Buffer) => received.push(d))
  socket.on('error', () => {})
  const done = new Promise<void>((resolve) => {
    socket.once('close', () => {
      closed = true
      resolve()
    })
  })
  await new Promise<void>((resolve) =>
    socket.once('encrypted' in socket ? 'secureConnect' : 'connect', () => resolve()),
  )
  for (const c of chunks) socket.write(c)
  if (opts.afterText !== undefined) {
    const marker = opts.afterText
    await eventually(() => Buffer.concat(received).toString('latin1').includes(marker), {
      what: marker,
      timeoutMs: 5_000,
    })
    for (const c of opts.followUp ?? []) socket.write(c)
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, opts.waitMs ?? 5_000))])
  const ms = Date.now() - started
  socket.destroy()
  return { text: Buffer.concat(received).toString('latin1'), closed, ms }
}

function frame(type: number, flags: number, streamId: number, payload: Buffer, claimedLength = payload.length): Buffer {
  const h = Buffer.alloc(9)
  h.writeUIntBE(claimedLength, 0, 3)
  h[3] = type
  h[4] = flags
  h.writeUInt32BE(streamId, 5)
  return Buffer.concat([h, payload])
}

const EMPTY_SETTINGS = frame(4, 0, 0, Buffer.alloc(0))

function upgradeRequest(agentId: string, credential = 'cred-good', cluster = 'good'): string {
  return (
    `GET /tunnel/v1 HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer ${credential}\r\nConnection: Upgrade\r\n` +
    `Upgrade: ${TUNNEL_PROTOCOL}\r\nX-Flotilla-Cluster: ${cluster}\r\nX-Flotilla-Agent-Id: ${agentId}\r\n\r\n`
  )
}

describe('bad input on the tunnel port', () => {
  let hub: TestHub
  let good: TunnelClient
  let client: HttpClient
  const upEvents: string[] = []

  const tls = () => tlsConnect({ host: '127.0.0.1', port: hub.listener.port, ca: hub.caCert, servername: 'localhost' })
  const tcp = () => netConnect({ host: '127.0.0.1', port: hub.listener.port })

  async function goodTunnelWorks(): Promise<void> {
    const res = await client.raw('GET', '/ping')
    assert.equal(res.status, 200)
    assert.equal(res.body.toString(), 'pong /ping')
    assert.equal(hub.registry.sessions('good').length, 1)
  }

  before(async () => {
    hub = await startTestHub({ handshakeTimeoutMs: 1_000, keepalive: { pingIntervalMs: 500, pingTimeoutMs: 2_000 } })
    hub.credentials.set('cred-good', 'good')
    hub.registry.on('up', (c) => upEvents.push(c))
    good = new TunnelClient({
      hubURL: hub.listener.url,
      ca: hub.caCert,
      cluster: 'good',
      agentId: 'good-agent',
      credential: 'cred-good',
      onRequest: (req, res) => res.end(`pong ${req.url}`),
    })
    good.start()
    await whenTunnels(hub, 'good')
    client = new HttpClient({ server: tunnelServerURL('good'), agent: hub.registry.createAgent('good') })
  })

  after(async () => {
    await good.stop()
    await hub.dispose()
  })

  it('garbage instead of a TLS handshake', async () => {
    const out = await probe(tcp, [Buffer.from('\x16\x03\x01\x00\xffgarbage garbage garbage\r\n\r\n')])
    assert.ok(out.closed)
    await goodTunnelWorks()
  })

  it('garbage instead of an HTTP request: 400', async () => {
    const out = await probe(tls, [Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10])])
    assert.ok(out.closed)
    assert.match(out.text, /^HTTP\/1\.1 400 /)
    await goodTunnelWorks()
  })

  it('a truncated request head, then silence (slowloris): closed at the header timeout', async () => {
    const out = await probe(tls, ['GET /tunnel/v1 HTTP/1.1\r\nHost: hub\r\nX-Slow: '], { waitMs: 6_000 })
    assert.ok(out.closed, 'closed by the hub')
    assert.ok(out.ms < 4_000, `closed after ${out.ms} ms`)
    await goodTunnelWorks()
  })

  it('a TLS connection that never sends a byte is closed too', async () => {
    const out = await probe(tls, [], { waitMs: 6_000 })
    assert.ok(out.closed)
    assert.ok(out.ms < 4_000, `closed after ${out.ms} ms`)
    await goodTunnelWorks()
  })

  it('an oversized request head: 431', async () => {
    const out = await probe(tls, [`GET /tunnel/v1 HTTP/1.1\r\nHost: hub\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`])
    assert.ok(out.closed)
    assert.match(out.text, /^HTTP\/1\.1 431 /)
    await goodTunnelWorks()
  })

  it('upgrades that are refused: no credential, unknown credential, wrong path or protocol, no upgrade', async () => {
    const noCred = await probe(tls, [upgradeRequest('x-1').replace(/Authorization: .*\r\n/, '')])
    assert.match(noCred.text, /^HTTP\/1\.1 401 /)
    const unknown = await probe(tls, [upgradeRequest('x-2', 'cred-bogus')])
    assert.match(unknown.text, /^HTTP\/1\.1 401 /)
    assert.match(unknown.text, /"reason":"Unauthorized"/)
    const otherCluster = await probe(tls, [upgradeRequest('x-3', 'cred-good', 'someone-else')])
    assert.match(otherCluster.text, /^HTTP\/1\.1 403 /)
    const badAgentId = await probe(tls, [upgradeRequest('../etc', 'cred-good')])
    assert.match(badAgentId.text, /^HTTP\/1\.1 400 /)
    const wrongProtocol = await probe(tls, [upgradeRequest('x-4').replace(TUNNEL_PROTOCOL, 'websocket')])
    assert.match(wrongProtocol.text, /^HTTP\/1\.1 400 /)
    const early = await probe(tls, [upgradeRequest('x-5') + 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'])
    assert.match(early.text, /^HTTP\/1\.1 400 /)
    const plain = await probe(tls, ['GET /tunnel/v1 HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n'])
    assert.match(plain.text, /^HTTP\/1\.1 426 /)
    const other = await probe(tls, ['GET /elsewhere HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n'])
    assert.match(other.text, /^HTTP\/1\.1 404 /)
    for (const o of [noCred, unknown, otherCluster, badAgentId, wrongProtocol, early, plain, other]) assert.ok(o.closed)
    await goodTunnelWorks()
  })

  it('garbage after the upgrade instead of the HTTP/2 preface', async () => {
    const out = await probe(tls, [upgradeRequest('garbage-1')], {
      afterText: '\r\n\r\n',
      followUp: [Buffer.from('this is not HTTP/2 at all\r\n'.repeat(20))],
    })
    assert.match(out.text, /^HTTP\/1\.1 101 /)
    assert.ok(out.closed)
    await goodTunnelWorks()
  })

  it('an upgraded connection that never starts HTTP/2 is closed at the handshake timeout', async () => {
    const out = await probe(tls, [upgradeRequest('mute-1')], { waitMs: 6_000 })
    assert.match(out.text, /^HTTP\/1\.1 101 /)
    assert.ok(out.closed)
    assert.ok(out.ms < 4_000, `closed after ${out.ms} ms`)
    await goodTunnelWorks()
  })

  it('an oversized HTTP/2 frame after a valid preface closes that tunnel only', async () => {
    const before = upEvents.length
    const out = await probe(tls, [upgradeRequest('big-frame-1')], {
      afterText: '\r\n\r\n',
      followUp: [EMPTY_SETTINGS, frame(0, 0, 1, Buffer.alloc(32 * 1024, 7), 1024 * 1024)],
    })
    assert.ok(out.closed)
    // The hub sent GOAWAY (type 7) with FRAME_SIZE_ERROR (6) or PROTOCOL_ERROR (1).
    assert.ok(out.text.includes('\x07\x00\x00\x00\x00\x00'), 'a GOAWAY frame')
    assert.equal(upEvents.length, before)
    await goodTunnelWorks()
  })

  it('a truncated HTTP/2 frame, then the connection drops', async () => {
    const out = await probe(tls, [upgradeRequest('trunc-1')], {
      afterText: '\r\n\r\n',
      followUp: [EMPTY_SETTINGS, frame(1, 4, 2, Buffer.alloc(3), 100)],
      waitMs: 300,
    })
    assert.match(out.text, /^HTTP\/1\.1 101 /)
    await eventually(() => hub.registry.sessions('good').length === 1 && hub.registry.clusters().length === 1, {
      what: 'only the good tunnel left',
    })
    await goodTunnelWorks()
  })

  it('frames an HTTP/2 server may not send (HEADERS on an odd stream it did not receive)', async () => {
    const out = await probe(tls, [upgradeRequest('odd-1')], {
      afterText: '\r\n\r\n',
      followUp: [EMPTY_SETTINGS, frame(1, 5, 3, Buffer.from([0x82]))],
    })
    assert.ok(out.closed)
    await goodTunnelWorks()
  })

  it('the agent survives a hub that answers garbage after the 101, and retries', async () => {
    const fake = createTlsServer({ cert: hub.tls.cert, key: hub.tls.key }, (s) => {
      s.on('error', () => {})
      s.once('data', () =>
        s.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${TUNNEL_PROTOCOL}\r\nConnection: Upgrade\r\n\r\n\x00\xff garbage`,
        ),
      )
    })
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r))
    const port = (fake.address() as { port: number }).port
    const retries: string[] = []
    const agent = new TunnelClient({
      hubURL: `https://127.0.0.1:${port}`,
      ca: hub.caCert,
      cluster: 'good',
      agentId: 'victim',
      credential: 'cred-good',
      onRequest: (_req, res) => res.end(),
      connectTimeoutMs: 1_000,
      backoff: { initialMs: 50, maxMs: 200 },
    })
    agent.on('retry', ({ error }) => retries.push(error?.message ?? ''))
    agent.start()
    await eventually(() => retries.length >= 2, { what: 'two retries', timeoutMs: 10_000 })
    await agent.stop()
    fake.close()
    await goodTunnelWorks()
  })
})
