// Issue 4's kubectl scenarios, run at the same time against several simulated clusters in one
// process (each with its own data, port, nodes and controllers), with kubectl 1.28 and 1.33.

import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { eventually, startTestSim, type TestSim } from '../helpers/sim.ts'

const bins = kubectlBinaries()

const STATEFULSET = `
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: pg, image: postgres:16}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox:1.36}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl:5.34}]
---
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers: [{name: big, image: nginx:1.27, resources: {requests: {cpu: "500"}}}]
`

/** Waits for a rollout; on failure the error carries the workload's state, for diagnosis. */
async function rolloutStatus(k: Kubectl, what: string): Promise<void> {
  const r = await k.run(['rollout', 'status', what, '--timeout=90s', '-n', 'default'], { timeoutMs: 120_000 })
  if (r.code === 0) return
  const state = await k.run(['get', 'deploy,sts,ds,rs,pods', '-o', 'wide', '-n', 'default'])
  const status = await k.run(['get', what, '-o', 'jsonpath={.metadata.generation} {.status}', '-n', 'default'])
  throw new Error(`rollout status ${what} failed: ${r.stderr}\n${state.stdout}\n${status.stdout}`)
}

async function scenarios(k: Kubectl, sim: TestSim, dir: string): Promise<void> {
  const ns = ['-n', 'default']
  await k.ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=6', ...ns])
  await rolloutStatus(k, 'deployment/web')
  await k.ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28', ...ns])
  await rolloutStatus(k, 'deployment/web')
  await k.ok(['rollout', 'undo', 'deployment/web', ...ns])
  await rolloutStatus(k, 'deployment/web')
  const image = await k.ok([
    'get',
    'deployment',
    'web',
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
    ...ns,
  ])
  assert.equal(image, 'nginx:1.27')

  const manifest = join(dir, `${sim.name}.yaml`)
  writeFileSync(manifest, STATEFULSET)
  await k.ok(['apply', '-f', manifest, ...ns])
  await rolloutStatus(k, 'statefulset/db')
  const pvcs = await k.ok(['get', 'pvc', '-o', 'name', ...ns])
  assert.deepEqual(pvcs.trim().split('\n').sort(), [
    'persistentvolumeclaim/data-db-0',
    'persistentvolumeclaim/data-db-1',
    'persistentvolumeclaim/data-db-2',
  ])
  await rolloutStatus(k, 'daemonset/agent')
  const dsPods = await k.ok(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.nodeName}', ...ns])
  assert.equal(new Set(dsPods.trim().split(/\s+/)).size, sim.nodeNames.length)
  await k.ok(['wait', '--for=condition=Complete', 'job/pi', '--timeout=90s', ...ns], { timeoutMs: 120_000 })

  await eventually(async () =>
    (await k.ok(['get', 'events', '--field-selector', 'involvedObject.name=huge', ...ns])).includes('FailedScheduling'),
  )
  assert.equal(await k.ok(['get', 'pod', 'huge', '-o', 'jsonpath={.status.phase}', ...ns]), 'Pending')

  const pod = (await k.ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}', ...ns])).trim()
  const logs = await k.ok(['logs', pod, '--tail=2', ...ns])
  assert.ok(logs.trim().split('\n').length >= 1)
  assert.equal((await k.ok(['exec', pod, ...ns, '--', 'hostname'])).trim(), pod)
}

for (const bin of bins) {
  describe(`kubectl ${bin.version} against three simulated clusters at once`, () => {
    let sims: TestSim[] = []
    before(async () => {
      sims = await Promise.all([
        startTestSim({ name: 'dc', nodes: 3 }),
        startTestSim({ name: 'aws', nodes: 2, node: { zones: ['us-east-1a', 'us-east-1b'], region: 'us-east-1' } }),
        startTestSim({ name: 'ali', nodes: 4, kubernetesVersion: 'v1.30.6' }),
      ])
    })
    after(async () => {
      await Promise.all(sims.map((s) => s.dispose()))
    })

    it('runs the workload scenarios on every cluster concurrently', { timeout: 600_000 }, async () => {
      await Promise.all(sims.map((s) => scenarios(new Kubectl(bin, s.kubeconfig), s, s.dataDir)))
      // Each cluster kept its own objects.
      for (const s of sims) {
        const nodes = await new Kubectl(bin, s.kubeconfig).ok(['get', 'nodes', '-o', 'name'])
        assert.equal(nodes.trim().split('\n').length, s.nodeNames.length)
        assert.ok(nodes.includes(`${s.name}-`))
      }
    })
  })
}

if (bins.length === 0) it('sim scenarios', { skip: 'no kubectl binary on this machine' }, () => {})
