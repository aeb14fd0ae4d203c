// kubectl explain, client-side apply and client-side validation with real kubectl 1.28 and 1.33
// against a real Flotilla API server. kubectl 1.28 reads the OpenAPI v2 protobuf (validation,
// patch metadata); 1.29+ reads OpenAPI v3 (explain, patch metadata for client-side apply).

import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const binaries = kubectlBinaries()

function deployment(ns: string, v: 1 | 2): string {
  const v1 = v === 1
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels: v1 ? { app: 'web', tier: 'front' } : { app: 'web' } },
    spec: {
      replicas: v1 ? 2 : 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: v1
        ? { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
        : { type: 'Recreate' },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: v1 ? 'nginx:1.25' : 'nginx:1.27',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: v1
                ? [
                    { name: 'A', value: '1' },
                    { name: 'B', value: '2' },
                  ]
                : [
                    { name: 'A', value: '1' },
                    { name: 'C', value: '3' },
                  ],
              livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 10 },
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1 } },
            },
          ],
          ...(v1 ? { volumes: [{ name: 'cfg', configMap: { name: 'web-config' } }] } : {}),
        },
      },
    },
  })
}

describe('kubectl explain and client-side apply against the complete OpenAPI schemas', {
  skip: binaries.length === 0 ? 'no kubectl binary' : false,
}, () => {
  let server: TestServer

  before(async () => {
    server = await startTestServer()
  })

  after(async () => {
    await server?.dispose()
  })

  for (const bin of binaries) {
    const k = () => new Kubectl(bin, server.kubeconfig)

    const explain = async (path: string, ...extra: string[]) => {
      const r = await k().run(['explain', path, ...extra])
      assert.equal(r.code, 0, `kubectl ${bin.version} explain ${path}: ${r.stderr}`)
      assert.equal(r.stderr, '', `kubectl ${bin.version} explain ${path} wrote to stderr`)
      return r.stdout
    }

    it(`kubectl ${bin.version}: explain walks the schemas to any depth`, async () => {
      const port = await explain('pods.spec.containers.livenessProbe.httpGet.port')
      assert.match(port, /KIND:\s+Pod/)
      assert.match(port, /FIELD: port <string>/)
      assert.match(port, /IANA_SVC_NAME/)
      assert.match(port, /32-bit integer or a string/)

      const rolling = await explain('deployments.spec.strategy.rollingUpdate', '--recursive')
      assert.match(rolling, /FIELD: rollingUpdate <RollingUpdateDeployment>/)
      assert.match(rolling, /maxSurge\s+<string>/)
      assert.match(rolling, /maxUnavailable\s+<string>/)

      const items = await explain('cronjobs.spec.jobTemplate.spec.template.spec.volumes.configMap.items')
      assert.match(items, /KIND:\s+CronJob/)
      assert.match(items, /FIELD: items <\[\]KeyToPath>/)
      assert.match(items, /key\s+<string> -required-/)
      assert.match(items, /path\s+<string> -required-/)
      assert.match(items, /mode\s+<integer>/)

      const ports = await explain('services.spec.ports')
      assert.match(ports, /FIELD: ports <\[\]ServicePort>/)
      assert.match(ports, /Entries are identified by port and protocol\./)
      assert.match(ports, /port\s+<integer> -required-/)
      assert.match(ports, /targetPort\s+<string>/)

      const crd = await explain('crd.spec.versions.schema')
      assert.match(crd, /KIND:\s+CustomResourceDefinition/)
      assert.match(crd, /FIELD: schema <CustomResourceValidation>/)
      assert.match(crd, /openAPIV3Schema\s+<JSONSchemaProps>/)

      const props = await explain('crd.spec.versions.schema.openAPIV3Schema.properties')
      assert.match(props, /map\[string\]JSONSchemaProps/)
    })

    it(`kubectl ${bin.version}: client-side apply v1 → v2 of a Deployment, without warnings`, async () => {
      const ns = `apply-${bin.version.replace(/\W/g, '')}`
      const create = await k().run(['create', 'namespace', ns])
      assert.equal(create.code, 0, create.stderr)

      const v1 = await k().run(['apply', '-f', '-'], { input: deployment(ns, 1) })
      assert.equal(v1.code, 0, v1.stderr)
      assert.equal(v1.stderr, '')
      assert.match(v1.stdout, /deployment.apps\/web created/)

      const v2 = await k().run(['apply', '-f', '-'], { input: deployment(ns, 2) })
      assert.equal(v2.code, 0, v2.stderr)
      assert.equal(v2.stderr, '', `kubectl ${bin.version} apply printed warnings`)
      assert.match(v2.stdout, /deployment.apps\/web configured/)

      const got = await k().run(['get', 'deployment', 'web', '-n', ns, '-o', 'json'])
      assert.equal(got.code, 0, got.stderr)
      const d = JSON.parse(got.stdout)
      assert.deepEqual(d.metadata.labels, { app: 'web' }, 'a label dropped from the manifest is removed')
      assert.equal(d.spec.replicas, 3)
      // strategy is retainKeys: switching to Recreate drops rollingUpdate.
      assert.deepEqual(d.spec.strategy, { type: 'Recreate' })
      const c = d.spec.template.spec.containers[0]
      assert.equal(c.image, 'nginx:1.27')
      assert.deepEqual(
        c.env.map((e: { name: string }) => e.name),
        ['A', 'C'],
        'env merged by name: B removed, C added',
      )
      assert.equal(d.spec.template.spec.volumes, undefined, 'volumes dropped from the manifest are removed')

      const again = await k().run(['apply', '-f', '-'], { input: deployment(ns, 2) })
      assert.equal(again.code, 0, again.stderr)
      assert.equal(again.stderr, '')
      assert.match(again.stdout, /deployment.apps\/web unchanged/)
    })

    it(`kubectl ${bin.version}: client-side validation of a List accepts ordinary manifests and rejects unknown fields`, async () => {
      const ns = `validate-${bin.version.replace(/\W/g, '')}`
      const list = (extra: Record<string, unknown>) =>
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'cfg', namespace: ns },
              data: { a: '1' },
            },
            JSON.parse(deployment(ns, 1)),
            {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name: 'web', namespace: ns },
              spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }], ...extra },
            },
          ],
        })
      const ok = await k().run(['create', '-f', '-'], { input: list({}) })
      assert.equal(ok.code, 0, ok.stderr)
      assert.match(ok.stdout, /service\/web created/)

      const bad = await k().run(['create', '--dry-run=client', '-f', '-'], { input: list({ bogus: true }) })
      assert.notEqual(bad.code, 0)
      assert.match(bad.stderr, /unknown field "bogus" in io\.k8s\.api\.core\.v1\.ServiceSpec/)
      assert.match(bad.stderr, /--validate=false/)
    })
  }
})
