// The proxy's transport behaviour, checked against a plain HTTPS server standing in for a
// member (so the test can see exactly what arrives and control exactly what is sent back):
// which headers go through, client disconnects abort the member request, a member that breaks
// off breaks the caller's response off, backpressure holds in both directions (a slow reader
// does not make the hub buffer the member's answer; an upload reaches the member while it is
// still being sent), and upgrades relay a 101 byte for byte or the member's refusal as is.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, request as httpsRequest, type Server } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { renderKubeconfig } from '../../src/cli/kubeconfig.ts'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'
import { defaultSANs, ensureServingCertificate } from '../../src/security/pki.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { importSim, proxyPath } from '../helpers/hub-proxy.ts'
import { eventually } from '../helpers/sim.ts'

const MEMBER_TOKEN = 'stub-member-token'
const BIG = 48 * 1024 * 1024

/** What the stand-in member saw and did. */
const seen = {
  streamClosed: undefined as Promise<unknown> | undefined,
  bigWritten: 0,
  uploaded: 0,
}

function stubMember(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/'
  const json = (code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  if (url === '/readyz' || url === '/healthz' || url === '/livez') {
    res.end('ok')
    return
  }
  if (url === '/version') {
    json(200, { major: '1', minor: '31', gitVersion: 'v1.31.0' })
    return
  }
  if (url.startsWith('/echo')) {
    json(200, { method: req.method, url, rawHeaders: req.rawHeaders })
    return
  }
  if (url === '/stream') {
    seen.streamClosed = once(res, 'close')
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('first\n')
    return
  }
  if (url === '/silent-stream') {
    // A watch with no events yet: the head, then nothing.
    res.writeHead(200, { 'content-type': 'application/json' })
    res.flushHeaders()
    return
  }
  if (url === '/break') {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('partial\n')
    setTimeout(() => req.socket.destroy(), 50)
    return
  }
  if (url === '/big') {
    seen.bigWritten = 0
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG) })
    const chunk = Buffer.alloc(64 * 1024, 'x')
    const pump = () => {
      while (seen.bigWritten < BIG) {
        seen.bigWritten += chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
      res.end()
    }
    pump()
    return
  }
  if (url === '/upload') {
    seen.uploaded = 0
    req.on('data', (d: Buffer) => {
      seen.uploaded += d.length
    })
    req.on('end', () => json(200, { received: seen.uploaded }))
    return
  }
  if (url.startsWith('/apis/rbac.authorization.k8s.io/')) {
    // The proxy's one-time hub admin binding: pretend it exists.
    json(200, {
      kind: 'ClusterRoleBinding',
      metadata: { name: 'flotilla:hub-admins' },
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'flotilla:hub:system:masters' }],
    })
    return
  }
  json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'no' })
}

/** Upgrades: `x-echo` answers 101 and sends back what it receives, upper-cased; others are refused. */
function stubUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
  if (req.headers.upgrade !== 'x-echo') {
    const body = JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'nope' })
    socket.end(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    )
    return
  }
  socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\nX-Member: yes\r\n\r\n')
  if (head.length) socket.write(head.toString().toUpperCase())
  socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()))
  socket.on('end', () => socket.end())
}

describe('hub proxy transport', { concurrency: false }, () => {
  let hub: TestHub
  let member: Server
  let dir: string
  let admin: { ca: string; cert?: string; key?: string }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stub-member-'))
    const pki = ensureServingCertificate(dir, defaultSANs('127.0.0.1'))
    member = createServer({ cert: pki.cert, key: pki.key }, stubMember)
    member.on('upgrade', stubUpgrade)
    await new Promise<void>((r) => member.listen(0, '127.0.0.1', r))
    const port = (member.address() as AddressInfo).port
    hub = await startTestHub()
    const kubeconfig = renderKubeconfig({
      name: 'stub',
      server: `https://127.0.0.1:${port}`,
      token: MEMBER_TOKEN,
      certificateAuthorityData: Buffer.from(pki.caCert).toString('base64'),
    })
    await importSim(hub, undefined, 'stub', { kubeconfig })
    const cfg = restConfigFromKubeconfig(readFileSync(hub.adminKubeconfig, 'utf8'))
    admin = { ca: hub.caCert, cert: cfg.cert, key: cfg.key }
  })
  after(async () => {
    await hub?.dispose()
    member?.closeAllConnections()
    await new Promise((r) => member?.close(r))
    rmSync(dir, { recursive: true, force: true })
  })

  /** An HTTPS request to the hub as the admin (client certificate), with full header control. */
  const send = (path: string, opts: { method?: string; headers?: Record<string, string | string[]> } = {}) => {
    const u = new URL(hub.url)
    return httpsRequest({
      hostname: u.hostname,
      port: u.port,
      path: proxyPath('stub') + path,
      method: opts.method ?? 'GET',
      headers: opts.headers,
      ...admin,
    })
  }
  const body = async (res: IncomingMessage) => {
    const chunks: Buffer[] = []
    for await (const c of res) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString()
  }

  it('forwards end-to-end headers, replaces credentials and drops hop-by-hop and identity headers', async () => {
    const req = send('/echo/a/b/?x=1&y=a%20b', {
      headers: {
        Authorization: 'Bearer caller-secret',
        Connection: 'keep-alive, X-Hop',
        'X-Hop': 'dropped',
        'X-Remote-User': 'system:admin',
        'X-Custom': ['one', 'two'],
        'X-Forwarded-For': '10.0.0.9',
        'Impersonate-Extra-Team': 'blue',
        'Impersonate-User': 'carol',
        // (carol needs clusters/proxy on the hub.)
        'Impersonate-Group': 'system:masters',
      },
    })
    req.end()
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    assert.equal(res.statusCode, 200)
    const echoed = JSON.parse(await body(res)) as { url: string; rawHeaders: string[] }
    assert.equal(echoed.url, '/echo/a/b/?x=1&y=a%20b')
    const h = new Map<string, string[]>()
    for (let i = 0; i < echoed.rawHeaders.length; i += 2) {
      const k = echoed.rawHeaders[i].toLowerCase()
      h.set(k, [...(h.get(k) ?? []), echoed.rawHeaders[i + 1]])
    }
    assert.deepEqual(h.get('authorization'), [`Bearer ${MEMBER_TOKEN}`])
    assert.deepEqual(h.get('impersonate-user'), ['flotilla:hub:carol'])
    assert.deepEqual(h.get('impersonate-group'), [
      'flotilla:hub:system:masters',
      'flotilla:hub:system:authenticated',
      'system:authenticated',
    ])
    assert.deepEqual(h.get('impersonate-extra-team'), undefined)
    assert.deepEqual(h.get('impersonate-extra-platform.flotilla.dev%2fhub-user'), ['carol'])
    assert.deepEqual(h.get('x-custom'), ['one', 'two'])
    assert.equal(h.get('x-hop'), undefined)
    assert.equal(h.get('x-remote-user'), undefined)
    assert.deepEqual(h.get('x-forwarded-for'), ['10.0.0.9, 127.0.0.1'])
    assert.deepEqual(h.get('host'), [`127.0.0.1:${(member.address() as AddressInfo).port}`])
    assert.deepEqual(h.get('audit-id'), [res.headers['audit-id']])
  })

  it('a caller that goes away aborts the member request', async () => {
    seen.streamClosed = undefined
    const req = send('/stream')
    req.end()
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    await once(res, 'data')
    req.destroy()
    await eventually(() => seen.streamClosed, { what: 'the member request', timeoutMs: 5000 })
    await withTimeout(seen.streamClosed!, 5000, 'the member request was not aborted')
  })

  it("a streamed answer's head reaches the caller before any body byte does", async () => {
    // client-go waits for a watch's head before it can cancel the watch; a held head made
    // `kubectl rollout status` hang after reporting success.
    const req = send('/silent-stream')
    req.end()
    const [res] = (await withTimeout(once(req, 'response'), 5000, 'no response head')) as [IncomingMessage]
    assert.equal(res.statusCode, 200)
    req.destroy()
  })

  it('a member that breaks off mid-answer breaks the caller response off', async () => {
    const req = send('/break')
    req.end()
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    assert.equal(res.statusCode, 200)
    await assert.rejects(body(res))
  })

  it('a slow reader holds the member back instead of filling the hub (backpressure)', async () => {
    const req = send('/big')
    req.end()
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    const [first] = (await once(res, 'data')) as [Buffer]
    res.pause()
    await new Promise((r) => setTimeout(r, 1000))
    // Socket buffers on two connections, not the whole answer.
    assert.ok(seen.bigWritten < BIG / 2, `the member wrote ${seen.bigWritten} of ${BIG} bytes to a paused reader`)
    let total = first.length
    res.on('data', (d: Buffer) => {
      total += d.length
    })
    res.resume()
    await once(res, 'end')
    assert.equal(total, BIG)
    assert.equal(seen.bigWritten, BIG)
  })

  it('an upload reaches the member while it is still being sent (no buffering)', async () => {
    const req = send('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' } })
    const mb = Buffer.alloc(1024 * 1024, 'u')
    req.write(mb)
    await eventually(() => seen.uploaded >= mb.length, { what: 'the first megabyte at the member', timeoutMs: 5000 })
    req.end(mb)
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    assert.deepEqual(JSON.parse(await body(res)), { received: 2 * mb.length })
  })

  it('relays an upgrade: the 101 and then bytes both ways; a refusal comes back as the member sent it', async () => {
    const req = send('/tunnel', { headers: { Connection: 'Upgrade', Upgrade: 'x-echo' } })
    req.end()
    const [res, socket] = (await once(req, 'upgrade')) as [IncomingMessage, Socket]
    assert.equal(res.statusCode, 101)
    assert.equal(res.headers['x-member'], 'yes')
    socket.write('hello')
    const [data] = (await once(socket, 'data')) as [Buffer]
    assert.equal(data.toString(), 'HELLO')
    socket.end()
    await once(socket, 'close')

    const refused = send('/tunnel', { headers: { Connection: 'Upgrade', Upgrade: 'x-other' } })
    refused.end()
    const [r] = (await once(refused, 'response')) as [IncomingMessage]
    assert.equal(r.statusCode, 403)
    assert.equal(JSON.parse(await body(r)).message, 'nope')
  })
})

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref())])
}
