// End-to-end check of discovery + OpenAPI against the real kubectl 1.28 and 1.33: a tiny node:http
// server serves the documents built from a few KindDefs; kubectl must list the resources and pass
// its default (strict) validation by delegating it to the server (?fieldValidation=Strict).

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import {
  apiResourceList,
  type DiscoveryInput,
  negotiateDiscovery,
  WELL_KNOWN_SUBRESOURCES,
} from '../discovery/discovery.ts'
import { versionInfo } from '../discovery/version.ts'
import { OpenAPIService } from './service.ts'

const SDK = '/usr/lib/google-cloud-sdk/bin'

function findKubectl(version: string): string | undefined {
  const p = join(SDK, `kubectl.${version}`)
  if (existsSync(p)) return p
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl')
  }
  return undefined
}

const kubectls = ['1.28', '1.33'].map((v) => ({ version: v, bin: findKubectl(v) }))
const anyKubectl = kubectls.some((k) => k.bin)

const testKinds: KindDef[] = [
  defineKind({
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    scope: 'Namespaced',
    shortNames: ['po'],
    categories: ['all'],
    subresources: { status: true },
    fieldSelectors: { 'spec.nodeName': (o) => String((o.spec as Record<string, unknown> | undefined)?.nodeName ?? '') },
  }),
  defineKind({
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    scope: 'Cluster',
    shortNames: ['ns'],
  }),
  defineKind({
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    scope: 'Namespaced',
    shortNames: ['deploy'],
    categories: ['all'],
    generation: 'spec',
    subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' } },
  }),
  defineKind({
    group: 'example.com',
    version: 'v1',
    kind: 'Widget',
    plural: 'widgets',
    scope: 'Namespaced',
    shortNames: ['wd'],
    custom: true,
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { size: { type: 'integer' }, color: { type: 'string' } },
        },
      },
    },
  }),
]

interface Recorded {
  method: string
  path: string
  query: URLSearchParams
  accept: string
}

function startServer(kinds: KindDef[], opts: { aggregated: boolean }) {
  const openapi = new OpenAPIService()
  const recorded: Recorded[] = []
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const accept = req.headers.accept ?? ''
    recorded.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, accept })
    const input: DiscoveryInput = {
      kinds,
      extraSubresources: WELL_KNOWN_SUBRESOURCES,
      serverAddress: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    }
    const send = (
      status: number,
      body: unknown,
      contentType = 'application/json',
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'Content-Type': contentType, ...headers })
      res.end(typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body))
    }
    const p = url.pathname
    if (req.method === 'GET') {
      if (p === '/version') return send(200, versionInfo())
      if (p === '/api' || p === '/apis') {
        const r = negotiateDiscovery(input, p === '/api' ? 'core' : 'apis', accept, { aggregated: opts.aggregated })
        return send(200, r.body, r.contentType, { Vary: 'Accept' })
      }
      const gv = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(p)
      if (gv) {
        const list = gv[1] ? apiResourceList(input, '', 'v1') : apiResourceList(input, gv[2], gv[3])
        if (list) return send(200, list)
      }
      if (p === '/openapi/v2') {
        const r = openapi.serveV2(kinds, accept)
        res.writeHead(r.status, r.headers)
        return res.end(r.body)
      }
      if (p === '/openapi/v3' || p.startsWith('/openapi/v3/')) {
        const r = openapi.serveV3(kinds, p, url.searchParams.get('hash'), accept)
        res.writeHead(r.status, r.headers)
        return res.end(r.body)
      }
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const obj = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      obj.metadata = { ...obj.metadata, uid: 'u-1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' }
      return send(201, obj)
    }
    send(404, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    })
  })
  return { server, recorded }
}

function run(
  bin: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { env: { ...process.env, ...env }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
`

const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: example.com/v1
  kind: Widget
  metadata:
    name: w1
  spec:
    size: 3
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: d1
  spec:
    replicas: 1
    selector: {matchLabels: {app: d1}}
    template:
      metadata: {labels: {app: d1}}
      spec: {containers: [{name: c, image: nginx}]}
`

for (const aggregated of [false, true]) {
  describe(`kubectl against ${aggregated ? 'aggregated' : 'legacy'} discovery + OpenAPI`, {
    skip: !anyKubectl && 'no kubectl binary found',
  }, () => {
    let dir = ''
    let port = 0
    let srv: ReturnType<typeof startServer>
    before(async () => {
      srv = startServer(testKinds, { aggregated })
      await new Promise<void>((r) => srv.server.listen(0, '127.0.0.1', () => r()))
      port = (srv.server.address() as AddressInfo).port
      dir = await mkdtemp(join(tmpdir(), 'flotilla-kubectl-'))
      await writeFile(
        join(dir, 'kubeconfig'),
        `apiVersion: v1
kind: Config
clusters:
- name: t
  cluster: {server: "http://127.0.0.1:${port}"}
contexts:
- name: t
  context: {cluster: t, namespace: default, user: u}
current-context: t
users:
- name: u
  user: {}
`,
      )
      await writeFile(join(dir, 'pod.yaml'), POD)
      await writeFile(join(dir, 'list.yaml'), LIST)
    })
    after(async () => {
      srv.server.closeAllConnections()
      await new Promise<void>((r) => srv.server.close(() => r()))
      await rm(dir, { recursive: true, force: true })
    })

    for (const k of kubectls) {
      const env = () => ({
        KUBECONFIG: join(dir, 'kubeconfig'),
        KUBECACHEDIR: join(dir, `cache-${k.version}`),
        HOME: dir,
      })

      it(`kubectl ${k.version} api-resources`, { skip: !k.bin && `kubectl ${k.version} not found` }, async () => {
        const r = await run(k.bin!, ['api-resources'], env())
        assert.equal(r.code, 0, r.stderr)
        const lines = r.stdout.split('\n')
        assert.ok(
          lines.some((l) => /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/.test(l)),
          r.stdout,
        )
        assert.ok(
          lines.some((l) => /^pods\s+po\s+v1\s+true\s+Pod/.test(l)),
          r.stdout,
        )
        assert.ok(
          lines.some((l) => /^namespaces\s+ns\s+v1\s+false\s+Namespace/.test(l)),
          r.stdout,
        )
        assert.ok(
          lines.some((l) => /^widgets\s+wd\s+example.com\/v1\s+true\s+Widget/.test(l)),
          r.stdout,
        )
        const accepts = srv.recorded.filter((x) => x.path === '/apis').map((x) => x.accept)
        assert.ok(
          accepts.some((a) => a.includes('apidiscovery.k8s.io')),
          'kubectl asked for aggregated discovery',
        )
        const perGV = srv.recorded.filter((x) => x.path === '/apis/apps/v1' || x.path === '/api/v1').length
        if (aggregated) assert.equal(perGV, 0, 'aggregated discovery makes per-group-version requests unnecessary')
        else assert.ok(perGV > 0, 'legacy discovery fetches each group-version')
      })

      it(`kubectl ${k.version} create --dry-run=server sends fieldValidation=Strict`, {
        skip: !k.bin && `kubectl ${k.version} not found`,
      }, async () => {
        const before = srv.recorded.length
        const r = await run(k.bin!, ['create', '-f', join(dir, 'pod.yaml'), '--dry-run=server', '-o', 'name'], env())
        assert.equal(r.code, 0, r.stderr)
        assert.equal(r.stdout.trim(), 'pod/web')
        const posts = srv.recorded.slice(before).filter((x) => x.method === 'POST')
        assert.equal(posts.length, 1)
        assert.equal(posts[0].path, '/api/v1/namespaces/default/pods')
        assert.equal(posts[0].query.get('fieldValidation'), 'Strict')
        assert.equal(posts[0].query.get('dryRun'), 'All')
        const fetched = srv.recorded.slice(before).map((x) => x.path)
        assert.ok(fetched.includes('/openapi/v3/api/v1'), `v3 fetched: ${fetched.join(' ')}`)
        if (k.version === '1.28') assert.ok(fetched.includes('/openapi/v2'), 'kubectl 1.28 loads OpenAPI v2')
      })

      it(`kubectl ${k.version} explain reads the v3 schemas`, {
        skip: !k.bin && `kubectl ${k.version} not found`,
      }, async () => {
        const r = await run(k.bin!, ['explain', 'widgets.spec'], env())
        assert.equal(r.code, 0, r.stderr)
        assert.match(r.stdout, /KIND:\s+Widget/)
        assert.match(r.stdout, /size\s+<integer>/)
        assert.match(r.stdout, /color\s+<string>/)
        const pods = await run(k.bin!, ['explain', 'deployments'], env())
        assert.equal(pods.code, 0, pods.stderr)
        assert.match(pods.stdout, /metadata\s+<ObjectMeta>/)
      })

      it(`kubectl ${k.version} create -f list.yaml (client-side v2 validation)`, {
        skip: !k.bin && `kubectl ${k.version} not found`,
      }, async () => {
        const r = await run(k.bin!, ['create', '-f', join(dir, 'list.yaml'), '--dry-run=server', '-o', 'name'], env())
        assert.equal(r.code, 0, r.stderr)
        assert.deepEqual(r.stdout.trim().split('\n').sort(), ['deployment.apps/d1', 'widget.example.com/w1'])
      })

      it(`kubectl ${k.version} rejects unknown CRD fields in a List from the v2 schema`, {
        skip: !k.bin && `kubectl ${k.version} not found`,
      }, async () => {
        await writeFile(join(dir, 'bad-list.yaml'), LIST.replace('size: 3', 'size: 3\n    bogus: 1'))
        const r = await run(
          k.bin!,
          ['create', '-f', join(dir, 'bad-list.yaml'), '--dry-run=server', '-o', 'name'],
          env(),
        )
        assert.notEqual(r.code, 0)
        assert.match(r.stderr, /unknown field "bogus"/)
      })
    }
  })
}
