// memberForwarder's header handling: the hub's Impersonate-* lines reach the member unchanged and
// one per line (kube-apiserver does not split comma-joined groups), the hub's Authorization never
// does (the member credential replaces it).

import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { test } from 'node:test'
import { memberForwarder } from './forward.ts'

test('Impersonate-* pass through as separate lines; Authorization is the member credential', async () => {
  const member = createServer((req, res) => res.end(JSON.stringify(req.rawHeaders)))
  await new Promise<void>((r) => member.listen(0, '127.0.0.1', r))
  const forwarder = memberForwarder({
    server: `http://127.0.0.1:${(member.address() as AddressInfo).port}`,
    token: 'member-token',
  })
  const front = createServer(forwarder.onRequest)
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r))
  try {
    // A raw request head: exactly the lines the hub's proxy writes, duplicates included.
    const head = [
      'GET /api/v1/pods HTTP/1.1',
      'Host: kube-apiserver',
      'Authorization: Bearer hub-secret',
      'Impersonate-User: flotilla:hub:alice',
      'Impersonate-Group: flotilla:hub:devs',
      'Impersonate-Group: system:authenticated',
      'Impersonate-Uid: u-1',
      'Impersonate-Extra-platform.flotilla.dev%2Fhub-user: alice',
      'Impersonate-Extra-scopes: a',
      'Impersonate-Extra-scopes: b',
      'Connection: close',
      '',
      '',
    ].join('\r\n')
    const response: string = await new Promise((resolve, reject) => {
      const sock = connect((front.address() as AddressInfo).port, '127.0.0.1', () => sock.write(head))
      let text = ''
      sock.setEncoding('utf8')
      sock.on('data', (d: string) => {
        text += d
      })
      sock.on('end', () => resolve(text))
      sock.on('error', reject)
    })
    assert.match(response, /^HTTP\/1.1 200/)
    const raw = JSON.parse(response.slice(response.indexOf('['), response.lastIndexOf(']') + 1)) as string[]
    const pairs: [string, string][] = []
    for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i].toLowerCase(), raw[i + 1]])
    const values = (name: string) => pairs.filter(([k]) => k === name).map(([, v]) => v)
    assert.deepEqual(values('authorization'), ['Bearer member-token'])
    assert.deepEqual(values('impersonate-user'), ['flotilla:hub:alice'])
    assert.deepEqual(values('impersonate-group'), ['flotilla:hub:devs', 'system:authenticated'])
    assert.deepEqual(values('impersonate-uid'), ['u-1'])
    assert.deepEqual(values('impersonate-extra-platform.flotilla.dev%2fhub-user'), ['alice'])
    assert.deepEqual(values('impersonate-extra-scopes'), ['a', 'b'])
  } finally {
    front.close()
    member.close()
    forwarder.close()
  }
})
