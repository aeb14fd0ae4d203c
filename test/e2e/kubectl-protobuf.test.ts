// kubectl 1.33 sends the bodies of its typed clients (kubectl create <kind>, autoscale, create
// token, auth can-i, debug --copy-to, ...) as application/vnd.kubernetes.protobuf. The oracle:
// `kubectl ... --dry-run=client -o json` prints the object kubectl built, with no server involved;
// the same command with --dry-run=server -o json sends it in protobuf and prints what the server
// decoded (plus what the server adds: uid, creationTimestamp, defaults). The client's JSON must be
// contained in the server's.

import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Kubectl } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const KUBECTL_133 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33'
const KUBECTL_128 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.28'
const skip = existsSync(KUBECTL_133) ? false : `${KUBECTL_133} is not installed`

/**
 * Asserts that `client` is contained in `server`: every key of an object, every element of an
 * array (same length) and every scalar. A null in the client (creationTimestamp, nil slices of
 * fields without omitempty) may have been filled in or dropped by the server.
 */
function assertSubset(client: unknown, server: unknown, path: string): void {
  if (client === null) return
  if (Array.isArray(client)) {
    assert.ok(Array.isArray(server), `${path}: expected an array, server has ${JSON.stringify(server)}`)
    assert.equal(server.length, client.length, `${path}: array length`)
    for (const [i, v] of client.entries()) assertSubset(v, server[i], `${path}[${i}]`)
    return
  }
  if (typeof client === 'object') {
    assert.ok(server !== null && typeof server === 'object' && !Array.isArray(server), `${path}: expected an object`)
    for (const [k, v] of Object.entries(client)) assertSubset(v, (server as Record<string, unknown>)[k], `${path}.${k}`)
    return
  }
  assert.equal(server, client, path)
}

/** Inserts flags before a `--` separator (kubectl passes what follows it to the container). */
function withFlags(args: string[], flags: string[]): string[] {
  const i = args.indexOf('--')
  return i < 0 ? [...args, ...flags] : [...args.slice(0, i), ...flags, ...args.slice(i)]
}

const NS = 'pb'

/** kubectl commands whose typed client sends the object in protobuf; `group` must be served. */
const COMMANDS: { args: string[]; group?: string }[] = [
  { args: ['create', 'namespace', 'pb-extra'] },
  { args: ['create', 'configmap', 'cm', '--from-literal=a=b', '--from-literal=empty='] },
  { args: ['create', 'configmap', 'bin', `--from-file=blob=${binaryFile()}`] },
  { args: ['create', 'secret', 'generic', 's', '--from-literal=a=b', '--type=Opaque'] },
  {
    args: [
      'create',
      'secret',
      'docker-registry',
      'reg',
      '--docker-server=r.example.com',
      '--docker-username=u',
      '--docker-password=p',
    ],
  },
  { args: ['create', 'serviceaccount', 'robot'] },
  { args: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'] },
  { args: ['create', 'deployment', 'zero', '--image=nginx:1.27', '--image=busybox', '--replicas=0'] },
  { args: ['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi'] },
  { args: ['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--restart=Never'] },
  { args: ['create', 'job', 'from-cron', '--from=cronjob/nightly'] },
  { args: ['create', 'service', 'clusterip', 'c', '--tcp=80:8080', '--tcp=443:https'] },
  { args: ['create', 'service', 'clusterip', 'headless', '--clusterip=None'] },
  { args: ['create', 'service', 'nodeport', 'n', '--tcp=80:8080', '--node-port=30080'] },
  { args: ['create', 'service', 'loadbalancer', 'lb', '--tcp=443:8443'] },
  { args: ['create', 'service', 'externalname', 'ext', '--external-name=example.com'] },
  {
    args: [
      'create',
      'ingress',
      'ing',
      '--class=nginx',
      '--rule=foo.com/=web:80,tls=cert',
      '--rule=bar.com/api*=web:http',
      '--default-backend=web:80',
      '--annotation=team=a',
    ],
  },
  { args: ['create', 'role', 'reader', '--verb=get', '--verb=list', '--resource=pods,deployments.apps'] },
  { args: ['create', 'role', 'named', '--verb=get', '--resource=configmaps', '--resource-name=cm'] },
  { args: ['create', 'clusterrole', 'nodes', '--verb=get', '--resource=nodes', '--non-resource-url=/logs/*'] },
  { args: ['create', 'clusterrole', 'agg', '--aggregation-rule=example.com/aggregate=true'] },
  { args: ['create', 'rolebinding', 'rb', '--role=reader', '--user=alice', '--serviceaccount=pb:robot'] },
  { args: ['create', 'clusterrolebinding', 'crb', '--clusterrole=nodes', '--group=devs'] },
  { args: ['create', 'quota', 'q', '--hard=cpu=1,memory=1Gi,pods=10', '--scopes=NotBestEffort'] },
  { args: ['create', 'poddisruptionbudget', 'pdb', '--min-available=1', '--selector=app=x'] },
  { args: ['create', 'pdb', 'pdb-pct', '--max-unavailable=50%', '--selector=app=y'] },
  { args: ['create', 'priorityclass', 'high', '--value=1000', '--description=important'], group: 'scheduling.k8s.io' },
  { args: ['autoscale', 'deployment', 'nightly-target', '--min=2', '--max=5', '--cpu-percent=80'] },
]

/** A small file that is not UTF-8, which `--from-file` puts in binaryData. */
function binaryFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kubectl-pb-')), 'blob.bin')
  writeFileSync(path, Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x80, 0x0a]))
  return path
}

describe('kubectl 1.33 protobuf request bodies', { skip, concurrency: false }, () => {
  let s: TestServer
  let k: Kubectl
  let served: Set<string>

  before(async () => {
    s = await startTestServer()
    k = new Kubectl({ version: '1.33', path: KUBECTL_133 }, s.kubeconfig)
    await k.ok(['create', 'namespace', NS])
    // Objects the commands refer to, created for real (in protobuf too).
    await k.ok(['create', 'cronjob', 'nightly', '-n', NS, '--image=busybox', '--schedule=0 0 * * *'])
    await k.ok(['create', 'deployment', 'nightly-target', '-n', NS, '--image=nginx'])
    const groups = JSON.parse(await k.ok(['get', '--raw', '/apis'])) as { groups: { name: string }[] }
    served = new Set(groups.groups.map((g) => g.name))
  })
  after(async () => {
    await s?.dispose()
  })

  it('sends protobuf', async () => {
    const r = await k.run(['create', 'configmap', 'probe', '-n', NS, '--dry-run=server', '-v=8'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/)
  })

  for (const c of COMMANDS) {
    const name = c.args.filter((a) => !a.startsWith('--from-file')).join(' ')
    it(name, async (t) => {
      if (c.group && !served.has(c.group)) {
        t.skip(`the server does not serve ${c.group}`)
        return
      }
      const args = [...c.args, '-n', NS]
      const client = JSON.parse(await k.ok(withFlags(args, ['--dry-run=client', '-o', 'json'])))
      const server = JSON.parse(await k.ok(withFlags(args, ['--dry-run=server', '-o', 'json'])))
      assertSubset(client, server, client.kind)
      assert.ok(server.metadata.uid, 'the server processed the object')
    })
  }

  it('create token', async (t) => {
    await k.ok(['create', 'serviceaccount', 'tok', '-n', NS])
    const r = await k.run(['create', 'token', 'tok', '-n', NS, '--duration=1h', '--audience=aud'])
    if (r.code !== 0 && /could not find the requested resource/.test(r.stderr)) {
      t.skip('the server does not serve serviceaccounts/token')
      return
    }
    assert.equal(r.code, 0, r.stderr)
    assert.ok(r.stdout.trim().length > 0)
  })

  it('auth can-i and whoami', async (t) => {
    if (!served.has('authorization.k8s.io')) {
      t.skip('the server does not serve authorization.k8s.io')
      return
    }
    assert.equal((await k.ok(['auth', 'can-i', 'create', 'deployments.apps', '-n', NS])).trim(), 'yes')
    if (served.has('authentication.k8s.io')) assert.match(await k.ok(['auth', 'whoami']), /test-admin/)
  })

  it('debug --copy-to sends the whole pod spec', async () => {
    // The pod is created in JSON (kubectl 1.28, or the API); `kubectl debug --copy-to` reads it
    // back and creates the copy through its typed client, in protobuf.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'rich', namespace: NS, labels: { app: 'rich' }, annotations: { note: 'x' } },
      spec: {
        terminationGracePeriodSeconds: 0,
        securityContext: { runAsUser: 1000, runAsNonRoot: true, supplementalGroups: [5, 6], fsGroup: 7 },
        initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            args: ['-g', 'daemon off;'],
            env: [
              { name: 'A', value: 'b' },
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
            ],
            envFrom: [{ configMapRef: { name: 'cm', optional: true } }],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '250m', memory: '512Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
            readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 1 },
            startupProbe: { exec: { command: ['cat', '/tmp/ok'] } },
            lifecycle: { preStop: { sleep: { seconds: 2 } } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'cfg', mountPath: '/cfg', readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
          {
            name: 'cfg',
            configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt', mode: 0o400 }], defaultMode: 420 },
          },
        ],
        tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }],
            },
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 10,
                podAffinityTerm: {
                  topologyKey: 'kubernetes.io/hostname',
                  labelSelector: { matchLabels: { app: 'rich' } },
                },
              },
            ],
          },
        },
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'zone',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { a: 'b' } },
          },
        ],
        nodeSelector: { disk: 'ssd' },
        hostAliases: [{ ip: '10.0.0.1', hostnames: ['db'] }],
        dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
      },
    }
    const created = await s.request(`/api/v1/namespaces/${NS}/pods`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pod),
    })
    assert.equal(created.status, 201, await created.clone().text())
    await k.ok(['debug', 'rich', '-n', NS, '--copy-to=rich-debug', '--image=busybox', '--container=dbg'])
    const original = JSON.parse(await k.ok(['get', 'pod', 'rich', '-n', NS, '-o', 'json']))
    const copy = JSON.parse(await k.ok(['get', 'pod', 'rich-debug', '-n', NS, '-o', 'json']))
    assert.equal(copy.spec.containers.length, 2)
    assert.equal(copy.spec.containers[1].name, 'dbg')
    assert.equal(copy.spec.containers[1].image, 'busybox')
    // Everything the pod had survives the trip; Go prints zero structs kubectl's copy now has
    // (an init container's `resources: {}`), so the copy may hold more than the original.
    const { containers: origContainers, nodeName: _n, ...origRest } = original.spec
    const { containers: copyContainers, nodeName: _m, ...copyRest } = copy.spec
    assertSubset(origContainers[0], copyContainers[0], 'containers[0]')
    assertSubset(origRest, copyRest, 'spec')
    assert.deepEqual(copy.spec.initContainers[0].resources, {})
    assert.deepEqual(copy.metadata.annotations, original.metadata.annotations)
  })
})

// kubectl 1.28 (JSON bodies) and 1.33 (protobuf) must create the same objects.
describe('kubectl 1.28 (JSON) and 1.33 (protobuf) agree', {
  skip: skip || (!existsSync(KUBECTL_128) && 'no kubectl.1.28'),
}, () => {
  let s: TestServer
  before(async () => {
    s = await startTestServer()
  })
  after(async () => {
    await s?.dispose()
  })

  it('create deployment, service, ingress and quota', async () => {
    const k33 = new Kubectl({ version: '1.33', path: KUBECTL_133 }, s.kubeconfig)
    const k28 = new Kubectl({ version: '1.28', path: KUBECTL_128 }, s.kubeconfig)
    const cases = [
      ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80'],
      ['create', 'service', 'nodeport', 'web', '--tcp=80:8080'],
      ['create', 'ingress', 'web', '--rule=foo.com/=web:80'],
      ['create', 'quota', 'q', '--hard=pods=3'],
    ]
    for (const args of cases) {
      const viaJson = JSON.parse(await k28.ok([...args, '--dry-run=server', '-o', 'json']))
      const viaProto = JSON.parse(await k33.ok([...args, '--dry-run=server', '-o', 'json']))
      for (const o of [viaJson, viaProto]) {
        delete o.metadata.uid
        delete o.metadata.creationTimestamp
        delete o.metadata.managedFields
        delete o.metadata.resourceVersion
        if (o.spec?.clusterIP) {
          delete o.spec.clusterIP
          delete o.spec.clusterIPs
        }
        for (const p of o.spec?.ports ?? []) delete p.nodePort
      }
      assert.deepEqual(viaProto, viaJson, args.join(' '))
    }
  })
})
