// `kubectl logs` and `kubectl exec` against simulated pods: real kubectl binaries (1.33 over
// WebSocket, 1.28 over SPDY/3.1) against a real TLS API server with the pod stream connectors.
// The test plays the kubelet: it binds pods and writes their status through /status.

import assert from 'node:assert/strict'
import { request as httpsRequest } from 'node:https'
import { after, before, describe, it } from 'node:test'
import { WebSocket } from 'ws'
import { type ExecSessionInfo, podStreamConnectors } from '../../src/sim/streams/index.ts'
import { followUntil, Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const LOG_INTERVAL_MS = 200
const sessions: ExecSessionInfo[] = []

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')

interface PodSetup {
  name: string
  containers: { name: string; image: string; env?: { name: string; value: string }[] }[]
  /** Status of each container; running ones started `startedAgoMs` ago. */
  state: 'running' | 'waiting'
  restarts?: number
  nodeName?: string
}

async function createPod(s: TestServer, p: PodSetup): Promise<void> {
  const now = Date.now()
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: 'default' },
    spec: { nodeName: p.nodeName ?? 'node-1', containers: p.containers },
  }
  let r = await s.request('/api/v1/namespaces/default/pods', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(r.status, 201, await r.clone().text())
  const pod = (await r.json()) as Record<string, unknown>
  const restarts = p.restarts ?? 0
  pod.status = {
    phase: p.state === 'running' ? 'Running' : 'Pending',
    podIP: '10.244.1.7',
    hostIP: '10.0.0.11',
    startTime: rfc3339(now - 60_000),
    containerStatuses: p.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: p.state === 'running',
      started: p.state === 'running',
      restartCount: restarts,
      ...(p.state === 'running'
        ? { containerID: `containerd://${p.name}-${c.name}`, state: { running: { startedAt: rfc3339(now - 3000) } } }
        : { state: { waiting: { reason: 'ContainerCreating' } } }),
      ...(restarts > 0
        ? {
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: rfc3339(now - 30_000),
                finishedAt: rfc3339(now - 4000),
                containerID: `containerd://${p.name}-${c.name}-old`,
              },
            },
          }
        : {}),
    })),
  }
  r = await s.request(`/api/v1/namespaces/default/pods/${p.name}/status`, {
    method: 'PUT',
    body: JSON.stringify(pod),
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(r.status, 200, await r.text())
}

const heartbeats = (out: string) => [...out.matchAll(/seq=(\d+)/g)].map((m) => Number(m[1]))

describe('kubectl logs and exec', { concurrency: false }, () => {
  let s: TestServer

  before(async () => {
    s = await startTestServer({
      connectors: podStreamConnectors({ logIntervalMs: LOG_INTERVAL_MS, onExecSession: (i) => sessions.push(i) }),
    })
    await createPod(s, {
      name: 'web-0',
      containers: [{ name: 'app', image: 'example/app:1.0', env: [{ name: 'GREETING', value: 'hello' }] }],
      state: 'running',
      restarts: 1,
    })
    await createPod(s, { name: 'fresh', containers: [{ name: 'app', image: 'example/app:1.0' }], state: 'running' })
    await createPod(s, {
      name: 'duo',
      containers: [
        { name: 'a', image: 'example/a:1' },
        { name: 'b', image: 'example/b:1' },
      ],
      state: 'running',
    })
    await createPod(s, { name: 'starting', containers: [{ name: 'app', image: 'nginx:1.27' }], state: 'waiting' })
  })
  after(async () => {
    await s?.dispose()
  })

  describe('API answers', () => {
    it('log errors are the API server and kubelet ones', async () => {
      const get = async (path: string) => {
        const r = await s.request(path)
        return { code: r.status, body: await r.text() }
      }
      let r = await get('/api/v1/namespaces/default/pods/nope/log')
      assert.equal(r.code, 404)
      assert.equal(JSON.parse(r.body).message, 'pods "nope" not found')
      r = await get('/api/v1/namespaces/default/pods/duo/log')
      assert.equal(r.code, 400)
      assert.equal(JSON.parse(r.body).message, 'a container name must be specified for pod duo, choose one of: [a b]')
      r = await get('/api/v1/namespaces/default/pods/duo/log?container=c')
      assert.equal(JSON.parse(r.body).message, 'container c is not valid for pod duo')
      r = await get('/api/v1/namespaces/default/pods/duo/log?container=b&tailLines=1')
      assert.equal(r.code, 200)
      assert.match(r.body, /^level=info msg="heartbeat" pod=duo container=b seq=\d+ uptime=\d+s\n$/)
    })

    it('a follow ends when its container stops, after the lines it printed last', async () => {
      await createPod(s, { name: 'stopper', containers: [{ name: 'app', image: 'example/app:1.0' }], state: 'running' })
      const res = await s.request('/api/v1/namespaces/default/pods/stopper/log?follow=true&tailLines=1')
      assert.equal(res.status, 200)
      const reader = (res.body as ReadableStream<Uint8Array>).getReader()
      let text = Buffer.from((await reader.read()).value ?? []).toString()
      assert.match(text, /pod=stopper container=app seq=\d+/)
      const pod = (await (await s.request('/api/v1/namespaces/default/pods/stopper')).json()) as {
        status: { containerStatuses: { state: Record<string, unknown> }[] }
      }
      const cs = pod.status.containerStatuses[0]
      const { startedAt } = cs.state.running as { startedAt: string }
      cs.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: rfc3339(Date.now()) } }
      const put = await s.request('/api/v1/namespaces/default/pods/stopper/status', {
        method: 'PUT',
        body: JSON.stringify(pod),
        headers: { 'content-type': 'application/json' },
      })
      assert.equal(put.status, 200)
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        text += Buffer.from(value).toString()
      }
      assert.match(text, /\nShutting down app in pod stopper: done\n$/)
    })

    it('exec checks the request before upgrading', async () => {
      const post = async (path: string, headers: Record<string, string> = {}) => {
        const r = await s.request(path, { method: 'POST', headers })
        return { code: r.status, body: await r.text() }
      }
      let r = await post('/api/v1/namespaces/default/pods/web-0/exec?command=ls&stdout=true')
      assert.equal(r.code, 400)
      assert.equal(JSON.parse(r.body).message, 'Upgrade request required')
      r = await post('/api/v1/namespaces/default/pods/web-0/exec?stdout=true')
      assert.equal(JSON.parse(r.body).message, 'you must specify at least one command for the container')
      r = await post('/api/v1/namespaces/default/pods/nope/exec?command=ls&stdout=true')
      assert.equal(r.code, 404)
    })

    it('a container that is not running fails as the kubelet does, per transport', async () => {
      // SPDY: the kubelet's plain-text 500 comes back instead of the 101.
      const spdy = await new Promise<{ code: number; body: string }>((resolve, reject) => {
        const url = new URL(`${s.url}/api/v1/namespaces/default/pods/starting/exec?command=ls&stdout=true`)
        const req = httpsRequest(url, {
          method: 'POST',
          ca: s.caCert,
          headers: {
            authorization: `Bearer ${s.token}`,
            connection: 'Upgrade',
            upgrade: 'SPDY/3.1',
            'x-stream-protocol-version': 'v4.channel.k8s.io',
          },
        })
        req.on('response', (res) => {
          let body = ''
          res.on('data', (d) => {
            body += d
          })
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body }))
        })
        req.on('upgrade', () => reject(new Error('unexpected upgrade')))
        req.on('error', reject)
        req.end()
      })
      assert.deepEqual(spdy, { code: 500, body: 'container not found ("app")' })
      // WebSocket: upgraded, then the status on the error channel.
      const wsUrl = `${s.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/starting/exec?command=ls&stdout=true`
      const ws = new WebSocket(wsUrl, ['v5.channel.k8s.io'], {
        ca: s.caCert,
        headers: { authorization: `Bearer ${s.token}` },
      })
      const messages: Buffer[] = []
      ws.on('message', (m) => messages.push(m as Buffer))
      await new Promise((resolve, reject) => {
        ws.on('close', resolve)
        ws.on('error', reject)
      })
      assert.deepEqual(messages[0], Buffer.from([1]))
      assert.equal(messages[1][0], 3)
      const status = JSON.parse(messages[1].subarray(1).toString())
      assert.equal(status.reason, 'InternalError')
      assert.equal(status.message, 'Internal error occurred: unable to upgrade connection: container not found ("app")')
    })
  })

  const bins = kubectlBinaries()
  for (const bin of bins) {
    describe(`kubectl ${bin.version}`, () => {
      let k: Kubectl
      before(() => {
        k = new Kubectl(bin, s.kubeconfig)
        sessions.splice(0)
      })

      it('logs, --tail, --timestamps, --since, -c', async () => {
        const all = await k.ok(['logs', 'web-0'])
        assert.match(all, /^Starting app \(example\/app:1\.0\) in pod default\/web-0\n/)
        assert.ok(heartbeats(all).length >= 10, all)
        const tail = (await k.ok(['logs', 'web-0', '--tail=2'])).trimEnd().split('\n')
        assert.equal(tail.length, 2)
        assert.match(tail[1], /pod=web-0 container=app seq=\d+/)
        const stamped = await k.ok(['logs', 'web-0', '--tail=1', '--timestamps'])
        assert.match(stamped, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z level=info msg="heartbeat"/)
        const recent = await k.ok(['logs', 'web-0', '--since=1s'])
        assert.ok(heartbeats(recent).length < heartbeats(all).length)
        assert.match(await k.ok(['logs', 'duo', '-c', 'b', '--tail=1']), /container=b/)
      })

      it('logs -f streams new lines as the container prints them', async () => {
        const before = Math.max(...heartbeats(await k.ok(['logs', 'web-0', '--tail=1'])))
        const out = await followUntil(k, ['logs', '-f', 'web-0', '--tail=1'], (o) => heartbeats(o).length >= 4)
        const seqs = heartbeats(out)
        assert.ok(seqs[0] >= before)
        assert.deepEqual(
          seqs.slice(0, 4),
          [0, 1, 2, 3].map((i) => seqs[0] + i),
        )
      })

      it('logs --previous, and its error without a restart', async () => {
        const prev = await k.ok(['logs', 'web-0', '--previous'])
        assert.match(prev, /Fatal: app in pod web-0 exited with code 1 \(Error\)\n$/)
        const r = await k.run(['logs', 'fresh', '--previous'])
        assert.equal(r.code, 1)
        assert.match(
          r.stderr,
          /Error from server \(BadRequest\): previous terminated container "app" in pod "fresh" not found/,
        )
        const w = await k.run(['logs', 'starting'])
        assert.match(w.stderr, /container "app" in pod "starting" is waiting to start: ContainerCreating/)
      })

      it('exec hostname, env, cat', async () => {
        assert.equal(await k.ok(['exec', 'web-0', '--', 'hostname']), 'web-0\n')
        const env = await k.ok(['exec', 'web-0', '--', 'env'])
        assert.match(env, /^HOSTNAME=web-0$/m)
        assert.match(env, /^GREETING=hello$/m)
        assert.match(env, /^KUBERNETES_SERVICE_HOST=10\.\d+\.\d+\.\d+$/m)
        assert.equal(await k.ok(['exec', 'web-0', '--', 'cat', '/etc/hostname']), 'web-0\n')
        assert.equal(await k.ok(['exec', 'duo', '-c', 'b', '--', 'sh', '-c', 'echo $HOSTNAME && true']), 'duo\n')
      })

      it('exec exit codes, stdin, unknown commands', async () => {
        const three = await k.run(['exec', 'web-0', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'])
        assert.equal(three.code, 3)
        assert.equal(three.stdout, 'out\n')
        assert.match(three.stderr, /^err\ncommand terminated with exit code 3\n$/)
        const cat = await k.run(['exec', '-i', 'web-0', '--', 'cat'], { input: 'first line\nsecond line\n' })
        assert.deepEqual([cat.code, cat.stdout], [0, 'first line\nsecond line\n'])
        const foo = await k.run(['exec', 'web-0', '--', 'foo'])
        assert.equal(foo.code, 127)
        assert.match(foo.stderr, /exec: "foo": executable file not found in \$PATH/)
        const waiting = await k.run(['exec', 'starting', '--', 'ls'])
        assert.notEqual(waiting.code, 0)
        assert.match(waiting.stderr, /unable to upgrade connection: container not found \("app"\)/)
      })

      it(`uses the transport kubectl ${bin.version} speaks`, () => {
        const transports = new Set(sessions.map((x) => x.transport))
        const expected = bin.version === '1.28' || bin.version === '1.29' ? 'spdy' : 'websocket'
        if (!/^1\.\d+$/.test(bin.version)) return
        assert.deepEqual([...transports], [expected])
      })
    })
  }
})
