import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { defineKind } from '../../machinery/kinds.ts'
import { ProtoWriter } from './protobuf.ts'
import { definitionName, isKubectlBuiltin, type Schema, toV2Schema } from './schemas.ts'
import { OpenAPIService, openAPIV2Format } from './service.ts'
import { buildSwaggerV2, encodeSwaggerV2, MINIMAL_OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './v2.ts'
import { buildOpenAPIV3, buildOpenAPIV3Root, openAPIHash } from './v3.ts'

const pod = defineKind({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  scope: 'Namespaced',
  subresources: { status: true },
})
const node = defineKind({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', scope: 'Cluster' })
const deploy = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  scope: 'Namespaced',
  subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' } },
})
const crontab = defineKind({
  group: 'stable.example.com',
  version: 'v1',
  kind: 'CronTab',
  plural: 'crontabs',
  scope: 'Namespaced',
  custom: true,
  schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          cronSpec: { type: 'string' },
          replicas: { type: 'integer', format: 'int32' },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        },
        required: ['cronSpec'],
      },
    },
  },
})
const readOnly = defineKind({
  group: 'x.flotilla.dev',
  version: 'v1alpha1',
  kind: 'Report',
  plural: 'reports',
  scope: 'Cluster',
  verbs: ['get', 'list', 'watch'],
})

const kinds = [pod, node, deploy, crontab, readOnly]

type Doc = Schema & { paths: Record<string, Schema>; components: { schemas: Record<string, Schema> } }

describe('definition names', () => {
  it('follows Kubernetes naming', () => {
    assert.equal(definitionName(pod), 'io.k8s.api.core.v1.Pod')
    assert.equal(definitionName(deploy), 'io.k8s.api.apps.v1.Deployment')
    assert.equal(
      definitionName({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' }),
      'io.k8s.api.rbac.v1.Role',
    )
    assert.equal(
      definitionName({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' }),
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    )
    assert.equal(definitionName(crontab), 'com.example.stable.v1.CronTab')
    assert.equal(
      definitionName({ group: 'gateway.networking.k8s.io', version: 'v1', kind: 'Gateway', custom: true }),
      'io.k8s.networking.gateway.v1.Gateway',
    )
    assert.equal(isKubectlBuiltin(deploy), true)
    assert.equal(isKubectlBuiltin(crontab), false)
    assert.equal(isKubectlBuiltin(readOnly), false)
  })
})

describe('OpenAPI v3 documents', () => {
  const apps = buildOpenAPIV3(kinds, 'apps', 'v1') as Doc
  const core = buildOpenAPIV3(kinds, '', 'v1') as Doc

  it('has collection and item paths, namespaced and cluster-wide', () => {
    assert.deepEqual(Object.keys(apps.paths).sort(), [
      '/apis/apps/v1/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
      '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
    ])
    assert.ok(core.paths['/api/v1/nodes'])
    assert.ok(core.paths['/api/v1/nodes/{name}'])
    assert.equal(core.paths['/api/v1/namespaces/{namespace}/nodes'], undefined)
    const coll = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments']
    assert.deepEqual(Object.keys(coll).sort(), ['delete', 'get', 'parameters', 'post'])
    const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']
    assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put'])
    assert.equal((coll.get as Schema)['x-kubernetes-action'], 'list')
    assert.equal((coll.post as Schema)['x-kubernetes-action'], 'post')
    assert.equal((coll.delete as Schema)['x-kubernetes-action'], 'deletecollection')
  })

  it('tags every PATCH with its GVK and the fieldValidation parameter', () => {
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch as Schema
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' })
    const params = (patch.parameters as Schema[]).map((p) => `${p.in}:${p.name}`)
    assert.deepEqual(params, ['query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force'])
    const content = Object.keys((patch.requestBody as { content: Schema }).content)
    assert.deepEqual(content, [
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/apply-patch+yaml',
      'application/strategic-merge-patch+json',
    ])
    const cron = buildOpenAPIV3(kinds, 'stable.example.com', 'v1') as Doc
    const cronPatch = cron.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch as Schema
    assert.ok(
      !Object.keys((cronPatch.requestBody as { content: Schema }).content).includes(
        'application/strategic-merge-patch+json',
      ),
      'no strategic merge patch for custom resources',
    )
    const statusPatch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status'].patch as Schema
    assert.deepEqual(statusPatch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    })
    const scalePatch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch as Schema
    assert.deepEqual(scalePatch['x-kubernetes-group-version-kind'], {
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    })
    for (const [path, item] of Object.entries(apps.paths)) {
      const p = item.patch as Schema | undefined
      if (p)
        assert.ok(
          (p.parameters as Schema[]).some((x) => x.name === 'fieldValidation' && x.in === 'query'),
          path,
        )
    }
  })

  it('has one schema per kind with x-kubernetes-group-version-kind', () => {
    const schemas = apps.components.schemas
    const d = schemas['io.k8s.api.apps.v1.Deployment']
    assert.deepEqual(d['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }])
    assert.equal(d['x-kubernetes-preserve-unknown-fields'], undefined, 'built-in kinds have complete schemas')
    assert.deepEqual(d.required, undefined)
    const spec = (d.properties as Record<string, Schema>).spec
    assert.deepEqual(spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec' }])
    assert.ok(schemas['io.k8s.api.core.v1.PodSpec'])
    assert.ok(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'])
    assert.deepEqual((d.properties as Record<string, Schema>).metadata.allOf, [
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
    ])
    assert.ok(schemas['io.k8s.api.apps.v1.DeploymentList'])
    assert.ok(schemas['io.k8s.api.autoscaling.v1.Scale'])
    assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'])
    assert.equal(core.components.schemas['io.k8s.api.autoscaling.v1.Scale'], undefined)
    // every $ref resolves inside the document
    const refs = JSON.stringify(apps).match(/#\/components\/schemas\/[^"]+/g) ?? []
    for (const r of new Set(refs)) assert.ok(schemas[r.slice('#/components/schemas/'.length)], r)
  })

  it('uses KindDef.schema when present', () => {
    const doc = buildOpenAPIV3(kinds, 'stable.example.com', 'v1') as Doc
    const s = doc.components.schemas['com.example.stable.v1.CronTab']
    assert.equal(s['x-kubernetes-preserve-unknown-fields'], undefined)
    const spec = (s.properties as Record<string, Schema>).spec
    assert.deepEqual(spec.required, ['cronSpec'])
    assert.ok(doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch)
  })

  it('omits operations for verbs a kind does not serve', () => {
    const doc = buildOpenAPIV3(kinds, 'x.flotilla.dev', 'v1alpha1') as Doc
    const item = doc.paths['/apis/x.flotilla.dev/v1alpha1/reports/{name}']
    assert.deepEqual(Object.keys(item).sort(), ['get', 'parameters'])
    assert.deepEqual(Object.keys(doc.paths['/apis/x.flotilla.dev/v1alpha1/reports']).sort(), ['get', 'parameters'])
  })

  it('root lists every group-version with its hash', () => {
    const root = buildOpenAPIV3Root({ 'apis/apps/v1': 'AB', 'api/v1': 'CD' })
    assert.deepEqual(root, {
      paths: {
        'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=CD' },
        'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=AB' },
      },
    })
    assert.equal(openAPIHash('x'), createHash('sha512').update('x').digest('hex').toUpperCase())
  })
})

describe('OpenAPIService', () => {
  it('serves the root and per-group-version documents with hashes', () => {
    const svc = new OpenAPIService()
    const root = svc.serveV3(kinds, '/openapi/v3', null)
    assert.equal(root.status, 200)
    const paths = JSON.parse(root.body as string).paths as Record<string, { serverRelativeURL: string }>
    assert.deepEqual(Object.keys(paths), [
      'api/v1',
      'apis/apps/v1',
      'apis/stable.example.com/v1',
      'apis/x.flotilla.dev/v1alpha1',
    ])
    const url = new URL(paths['apis/apps/v1'].serverRelativeURL, 'http://x')
    const doc = svc.serveV3(kinds, url.pathname, url.searchParams.get('hash'), 'application/json')
    assert.equal(doc.status, 200)
    assert.equal(doc.headers['Cache-Control'], 'public, immutable')
    assert.equal(openAPIHash(doc.body as string), url.searchParams.get('hash'))
    assert.equal(doc.headers.ETag, `"${url.searchParams.get('hash')}"`)
    const stale = svc.serveV3(kinds, url.pathname, 'stale', 'application/json')
    assert.equal(stale.status, 301)
    assert.equal(stale.headers.Location, paths['apis/apps/v1'].serverRelativeURL)
    assert.equal(svc.serveV3(kinds, '/openapi/v3/apis/nope/v1', null).status, 404)
    assert.equal(svc.serveV3(kinds, '/openapi/v3/api/v1', null, 'application/xml').status, 406)
  })

  it('rebuilds only when the set of kinds changes', () => {
    const svc = new OpenAPIService()
    const a = svc.v3GroupVersion(kinds, 'apis/apps/v1')
    assert.equal(svc.v3GroupVersion([...kinds], 'apis/apps/v1'), a, 'same kinds, new array: cached')
    const r1 = svc.v3Root(kinds)
    assert.equal(svc.v3Root([...kinds].reverse()), r1)
    const added = defineKind({
      group: 'apps',
      version: 'v1',
      kind: 'ReplicaSet',
      plural: 'replicasets',
      scope: 'Namespaced',
    })
    const b = svc.v3GroupVersion([...kinds, added], 'apis/apps/v1')
    assert.notEqual(b, a)
    assert.notEqual(b!.hash, a!.hash)
    const core = svc.v3GroupVersion(kinds, 'api/v1')
    assert.equal(svc.v3GroupVersion([...kinds, added], 'api/v1'), core, 'other group-versions untouched')
    assert.notEqual(svc.v3Root([...kinds, added]).body, r1.body)
    const v2a = svc.v2(kinds)
    assert.equal(svc.v2([...kinds]), v2a)
    assert.notEqual(svc.v2([...kinds, added]), v2a)
  })

  it('sees kinds added to the same array (the registry changes its list in place)', () => {
    const svc = new OpenAPIService()
    const list = [...kinds]
    const before = JSON.parse(svc.v3Root(list).body).paths as Record<string, unknown>
    assert.equal(before['apis/widgets.example.com/v1'], undefined)
    list.push(
      defineKind({
        group: 'widgets.example.com',
        version: 'v1',
        kind: 'Widget',
        plural: 'widgets',
        scope: 'Namespaced',
      }),
    )
    const after = JSON.parse(svc.v3Root(list).body).paths as Record<string, unknown>
    assert.ok(after['apis/widgets.example.com/v1'])
    assert.equal(svc.serveV3(list, '/openapi/v3/apis/widgets.example.com/v1', null, 'application/json').status, 200)
  })

  it('negotiates /openapi/v2', () => {
    assert.equal(openAPIV2Format('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), 'protobuf')
    assert.equal(openAPIV2Format('application/com.github.proto-openapi.spec.v2.v1.0+protobuf'), 'protobuf')
    assert.equal(openAPIV2Format('application/json'), 'json')
    assert.equal(openAPIV2Format(undefined), 'json')
    assert.equal(openAPIV2Format('text/html'), undefined)
    const svc = new OpenAPIService()
    const pb = svc.serveV2(kinds, 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')
    assert.equal(pb.headers['Content-Type'], OPENAPI_V2_PROTOBUF_CONTENT_TYPE)
    assert.ok(pb.body instanceof Uint8Array)
    const js = svc.serveV2(kinds, 'application/json')
    assert.equal(JSON.parse(js.body as string).swagger, '2.0')
    assert.equal(svc.serveV2(kinds, 'text/html').status, 406)
  })
})

// ---- a minimal protobuf reader to check the v2 encoding -------------------------------------

type Fields = Map<number, (Uint8Array | bigint)[]>

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let v = 0n
  let shift = 0n
  for (;;) {
    const b = buf[pos++]
    v |= BigInt(b & 0x7f) << shift
    if (b < 0x80) return [v, pos]
    shift += 7n
  }
}

function decode(buf: Uint8Array): Fields {
  const out: Fields = new Map()
  let pos = 0
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos)
    pos = p1
    const field = Number(tag >> 3n)
    const wire = Number(tag & 7n)
    let val: Uint8Array | bigint
    if (wire === 0) [val, pos] = readVarint(buf, pos)
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos)
      val = buf.subarray(p2, p2 + Number(len))
      pos = p2 + Number(len)
    } else if (wire === 1) {
      val = buf.subarray(pos, pos + 8)
      pos += 8
    } else throw new Error(`wire type ${wire}`)
    if (!out.has(field)) out.set(field, [])
    out.get(field)!.push(val)
  }
  return out
}

const text = (v: Uint8Array | bigint | undefined) => Buffer.from(v as Uint8Array).toString('utf8')

describe('OpenAPI v2 protobuf', () => {
  it('encodes the minimal document as 0a 03 32 2e 30', () => {
    assert.deepEqual(encodeSwaggerV2({ swagger: '2.0' }), MINIMAL_OPENAPI_V2_PROTOBUF)
    assert.deepEqual([...MINIMAL_OPENAPI_V2_PROTOBUF], [0x0a, 0x03, 0x32, 0x2e, 0x30])
  })

  it('writes varints, doubles and empty messages', () => {
    const w = new ProtoWriter()
    w.int64(1, 300)
      .double(2, 1.5)
      .message(3, () => {})
      .bool(4, false)
      .string(5, '')
    assert.deepEqual([...w.finish()], [0x08, 0xac, 0x02, 0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x1a, 0x00])
    assert.deepEqual(
      [...new ProtoWriter().varint(-1).finish()],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    )
  })

  it('encodes info, PATCH paths with fieldValidation and tagged definitions', () => {
    const doc = buildSwaggerV2(kinds)
    const top = decode(encodeSwaggerV2(doc))
    assert.equal(text(top.get(1)?.[0]), '2.0')
    const info = decode(top.get(2)![0] as Uint8Array)
    assert.equal(text(info.get(1)?.[0]), 'Kubernetes')

    const paths = decode(top.get(8)![0] as Uint8Array)
      .get(2)!
      .map((np) => decode(np as Uint8Array))
    const byName = new Map(paths.map((np) => [text(np.get(1)?.[0]), decode(np.get(2)![0] as Uint8Array)]))
    const item = byName.get('/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!
    const patch = decode(item.get(8)![0] as Uint8Array)
    const queryNames = patch
      .get(8)!
      .map((pi) => decode(decode(pi as Uint8Array).get(1)![0] as Uint8Array))
      .filter((param) => param.has(2))
      .map((param) => decode(decode(param.get(2)![0] as Uint8Array).get(3)![0] as Uint8Array))
      .map((q) => text(q.get(4)?.[0]))
    assert.deepEqual(queryNames, ['dryRun', 'fieldManager', 'fieldValidation', 'force'])
    const ext = patch.get(13)!.map((na) => decode(na as Uint8Array))
    const gvk = ext.find((na) => text(na.get(1)?.[0]) === 'x-kubernetes-group-version-kind')!
    assert.deepEqual(JSON.parse(text(decode(gvk.get(2)![0] as Uint8Array).get(2)?.[0])), {
      group: 'apps',
      kind: 'Deployment',
      version: 'v1',
    })
    assert.equal(byName.has('/apis/x.flotilla.dev/v1alpha1/reports/{name}'), false, 'no PATCH without the patch verb')

    const defs = decode(top.get(9)![0] as Uint8Array)
      .get(1)!
      .map((ns) => decode(ns as Uint8Array))
    const names = defs.map((d) => text(d.get(1)?.[0]))
    assert.ok(names.includes('com.example.stable.v1.CronTab'))
    assert.ok(names.includes('dev.flotilla.x.v1alpha1.Report'))
    assert.ok(names.includes('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'))
    assert.ok(names.includes('io.k8s.api.apps.v1.Deployment'), 'built-in kinds get their complete v2 definition')
    assert.ok(names.includes('io.k8s.api.core.v1.PodSpec'))
    const cron = decode(
      defs.find((d) => text(d.get(1)?.[0]) === 'com.example.stable.v1.CronTab')!.get(2)![0] as Uint8Array,
    )
    assert.ok(cron.has(25), 'CronTab has properties')
    assert.ok(cron.has(31), 'CronTab has vendor extensions')
  })
})

describe('v3 → v2 schema conversion', () => {
  it('keeps what kube-openapi models understand and relaxes the rest', () => {
    assert.deepEqual(toV2Schema({ allOf: [{ $ref: '#/components/schemas/X' }], description: 'd', default: {} }), {
      description: 'd',
      $ref: '#/definitions/X',
    })
    assert.deepEqual(toV2Schema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), {})
    assert.deepEqual(toV2Schema({ 'x-kubernetes-int-or-string': true, anyOf: [] }), {})
    assert.deepEqual(toV2Schema({ type: 'string', nullable: true }), {})
    assert.deepEqual(toV2Schema({ type: 'object', additionalProperties: { type: 'string' } }), {
      type: 'object',
      additionalProperties: { type: 'string' },
    })
    assert.deepEqual(toV2Schema({ type: 'array', items: { type: 'integer', format: 'int32' } }), {
      type: 'array',
      items: { type: 'integer', format: 'int32' },
    })
    assert.deepEqual(toV2Schema({ type: 'array' }), {})
    assert.deepEqual(toV2Schema({ type: 'object' }), { type: 'object' })
  })
})
