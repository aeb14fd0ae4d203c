// Streams through the hub's proxy: `kubectl logs -f` (a chunked response that keeps coming) and
// `kubectl exec` (an upgraded connection: WebSocket v5.channel.k8s.io for kubectl 1.33, SPDY/3.1
// for 1.28 and for 1.33 with WebSockets turned off), with real kubectl against a real hub in
// front of a simulated member whose kubelet runs the pod.

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { resources } from '../../src/client/client.ts'
import { startTestHub, type TestHub } from '../helpers/hub.ts'
import { importSim, proxyKubeconfig, proxyPath } from '../helpers/hub-proxy.ts'
import { followUntil, Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const binaries = kubectlBinaries()
const newest = binaries[binaries.length - 1]

describe('streams through the hub proxy', { concurrency: false }, () => {
  let hub: TestHub
  let sim: TestSim
  let kubeconfig: string

  before(async () => {
    hub = await startTestHub()
    sim = await startTestSim({ name: 'm1', nodes: 1 })
    await importSim(hub, sim, 'm1')
    kubeconfig = proxyKubeconfig(hub, 'm1')
    await sim.client.create(resources.pods, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'app', image: 'example/app:1.0', env: [{ name: 'GREETING', value: 'hi' }] }] },
    })
    await eventually(
      async () => {
        const p = await sim.client.get(resources.pods, 'default', 'web')
        return (p.status as { phase?: string } | undefined)?.phase === 'Running'
      },
      { what: 'pod web Running' },
    )
  })
  after(async () => {
    await sim?.dispose()
    await hub?.dispose()
  })

  it('logs -f keeps streaming new lines (both kubectl versions at once)', async () => {
    // The simulated container prints a heartbeat line every 5 s: a line with a higher sequence
    // number than any in the first output can only have come through the open stream.
    const outs = await Promise.all(
      binaries.map((b) =>
        followUntil(new Kubectl(b, kubeconfig), ['logs', '-f', 'web'], (out, first) => {
          const seq = (s: string) => Math.max(0, ...[...s.matchAll(/seq=(\d+)/g)].map((m) => Number(m[1])))
          return seq(out) > seq(first)
        }),
      ),
    )
    for (const out of outs) assert.match(out, /heartbeat/)
  })

  for (const bin of binaries) {
    it(`exec with kubectl ${bin.version}`, async () => {
      const k = new Kubectl(bin, kubeconfig)
      assert.equal(await k.ok(['exec', 'web', '--', 'sh', '-c', 'echo $GREETING; hostname']), 'hi\nweb\n')
      // stdin goes through too, and the exit code comes back on the error channel.
      assert.equal(await k.ok(['exec', '-i', 'web', '--', 'cat'], { input: 'line 1\nline 2\n' }), 'line 1\nline 2\n')
      const r = await k.run(['exec', 'web', '--', 'sh', '-c', 'exit 3'])
      assert.equal(r.code, 3)
    })
  }

  it('exec over SPDY with kubectl 1.33 (WebSockets off)', async () => {
    const k = new Kubectl(newest, kubeconfig)
    const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' }
    assert.equal(await k.ok(['exec', 'web', '--', 'echo', 'spdy'], { env }), 'spdy\n')
  })

  it('a member refusing the upgrade answers as itself; no such pod is its 404', async () => {
    const k = new Kubectl(newest, kubeconfig)
    let r = await k.run(['exec', 'nope', '--', 'true'])
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /pods "nope" not found/)
    // A raw upgrade request to a container that does not exist: the member's 4xx comes back.
    r = await k.run(['exec', 'web', '-c', 'missing', '--', 'true'])
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /container missing is not valid for pod web|not found/)
    // The hub answered the upgrade itself when the cluster is unknown.
    const res = await hub.request(`${proxyPath('nope')}/api/v1/namespaces/default/pods/web/exec?command=true`, {
      method: 'POST',
    })
    assert.equal(res.status, 404)
  })
})
