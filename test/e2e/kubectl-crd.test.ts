// Issue 3: a CustomResourceDefinition used through real kubectl 1.28 and 1.33 — served within a
// second, printer columns, defaults, validation with Kubernetes' messages, pruning, explain,
// status and scale subresources, shortNames and categories, two versions (v1beta1 served, v1
// storage), cascading delete, and merge patches where strategic merge patch does not apply.

import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { stringify } from 'yaml'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const bins = kubectlBinaries()
const NS = 'gadgets'

export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: {
      plural: 'widgets',
      singular: 'widget',
      kind: 'Widget',
      listKind: 'WidgetList',
      shortNames: ['wd', 'wdg'],
      categories: ['all', 'gadgets'],
    },
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: false,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { size: { type: 'string' }, replicas: { type: 'integer' } },
              },
              status: { type: 'object', properties: { replicas: { type: 'integer' } } },
            },
          },
        },
        subresources: { status: {} },
      },
      {
        name: 'v1',
        served: true,
        storage: true,
        additionalPrinterColumns: [
          { name: 'Size', type: 'string', jsonPath: '.spec.size' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A widget.',
            properties: {
              spec: {
                type: 'object',
                description: "The widget's desired state.",
                required: ['size'],
                properties: {
                  size: { type: 'string', description: 'How big the widget is.', enum: ['S', 'M', 'L'] },
                  replicas: { type: 'integer', minimum: 0, default: 1, description: 'How many.' },
                  color: { type: 'string', pattern: '^[a-z]+$', default: 'blue', description: 'Its colour.' },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                },
              },
              status: {
                type: 'object',
                properties: { replicas: { type: 'integer' }, selector: { type: 'string' } },
              },
            },
          },
        },
        subresources: {
          status: {},
          scale: {
            specReplicasPath: '.spec.replicas',
            statusReplicasPath: '.status.replicas',
            labelSelectorPath: '.status.selector',
          },
        },
      },
    ],
  },
}

function widget(name: string, spec: Record<string, unknown>, version = 'v1'): Record<string, unknown> {
  return { apiVersion: `example.com/${version}`, kind: 'Widget', metadata: { name, namespace: NS }, spec }
}

for (const bin of bins) {
  describe(`kubectl ${bin.version}: custom resources`, { concurrency: false }, () => {
    let s: TestServer
    let k: Kubectl
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-crd-'))
    const file = (name: string, ...docs: unknown[]): string => {
      const p = join(dir, name)
      writeFileSync(p, docs.map((d) => stringify(d)).join('---\n'))
      return p
    }
    const json = async (args: string[]) => JSON.parse(await k.ok([...args, '-o', 'json'])) as Record<string, any>

    before(async () => {
      s = await startTestServer()
      k = new Kubectl(bin, s.kubeconfig)
      await k.ok(['create', 'namespace', NS])
    })
    after(async () => {
      await s?.dispose()
    })

    it('a new CRD is Established and served within a second', async () => {
      const started = Date.now()
      assert.match(
        await k.ok(['apply', '-f', file('crd.yaml', WIDGET_CRD)]),
        /customresourcedefinition.apiextensions.k8s.io\/widgets.example.com created/,
      )
      let conditions: { type: string; status: string; reason: string }[] = []
      while (Date.now() - started < 5000) {
        const raw = await k.ok(['get', 'crd', 'widgets.example.com', '-o', 'jsonpath={.status.conditions}'])
        conditions = raw ? JSON.parse(raw) : []
        if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break
        await new Promise((r) => setTimeout(r, 50))
      }
      const elapsed = Date.now() - started
      const byType = Object.fromEntries(conditions.map((c) => [c.type, c]))
      assert.equal(byType.Established?.status, 'True')
      assert.equal(byType.Established?.reason, 'InitialNamesAccepted')
      assert.equal(byType.NamesAccepted?.status, 'True')
      // Generous for a loaded 2-core machine: the server itself does it at once.
      assert.ok(elapsed < 3000, `established after ${elapsed} ms`)
      const resources = await k.ok(['api-resources', '--api-group=example.com', '-o', 'wide'])
      assert.match(resources, /^widgets\s+wd,wdg\s+example\.com\/v1\s+true\s+Widget\s+.*\s+all,gadgets$/m)
      const crd = await json(['get', 'crd', 'widgets.example.com'])
      assert.deepEqual(crd.status.acceptedNames.shortNames, ['wd', 'wdg'])
      assert.deepEqual(crd.status.storedVersions, ['v1'])
    })

    it('creates with defaults and shows the printer columns', async () => {
      await k.ok(['apply', '-f', file('w1.yaml', widget('w1', { size: 'M' }))])
      const w1 = await json(['get', 'widget', 'w1', '-n', NS])
      assert.deepEqual(w1.spec, { size: 'M', replicas: 1, color: 'blue' })
      const table = await k.ok(['get', 'widgets', '-n', NS])
      assert.match(table, /^NAME\s+SIZE\s+REPLICAS\s+AGE\n/)
      assert.match(table, /^w1\s+M\s+1\s+\d+s\n$/m)
      const wide = await k.ok(['get', 'wd', '-n', NS, '-o', 'wide'])
      assert.match(wide, /^NAME\s+SIZE\s+REPLICAS\s+COLOR\s+AGE\n/)
      assert.match(wide, /^w1\s+M\s+1\s+blue\s+/m)
      assert.match(await k.ok(['get', 'wdg', '-n', NS, '-o', 'name']), /^widget.example.com\/w1$/m)
      assert.match(await k.ok(['get', 'gadgets', '-n', NS]), /w1\s+M\s+1/)
      assert.match(await k.ok(['get', 'all', '-n', NS]), /widget.example.com\/w1\s+M\s+1/)
    })

    it('refuses invalid widgets with Kubernetes messages', async () => {
      const bad = await k.run([
        'apply',
        '-f',
        file('w2.yaml', widget('w2', { size: 'XL', replicas: -1, color: 'Red' })),
      ])
      assert.equal(bad.code, 1)
      assert.equal(
        bad.stderr,
        'The Widget "w2" is invalid: \n' +
          `* spec.color: Invalid value: "Red": spec.color in body should match '^[a-z]+$'\n` +
          '* spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0\n' +
          '* spec.size: Unsupported value: "XL": supported values: "S", "M", "L"\n',
      )
      const missing = await k.run(['apply', '-f', file('w3.yaml', widget('w3', { replicas: 2 }))])
      assert.equal(missing.stderr, 'The Widget "w3" is invalid: spec.size: Required value\n')
      // The API answer itself: 422 Invalid with one cause per field.
      const r = await s.request(`/apis/example.com/v1/namespaces/${NS}/widgets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(widget('w4', { size: 'XL' })),
      })
      assert.equal(r.status, 422)
      const st = (await r.json()) as { reason: string; message: string; details: { causes: unknown[] } }
      assert.equal(st.reason, 'Invalid')
      assert.equal(
        st.message,
        'Widget.example.com "w4" is invalid: spec.size: Unsupported value: "XL": supported values: "S", "M", "L"',
      )
      assert.deepEqual(st.details.causes, [
        {
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: "XL": supported values: "S", "M", "L"',
          field: 'spec.size',
        },
      ])
      assert.notEqual((await k.run(['get', 'widget', 'w2', '-n', NS])).code, 0)
    })

    it('unknown fields: an error under Strict, pruned otherwise', async () => {
      const f = file('w5.yaml', widget('w5', { size: 'S', extra: 1, labels: { a: 'b' } }))
      const strict = await k.run(['create', '-f', f])
      assert.equal(
        strict.stderr,
        `Error from server (BadRequest): error when creating "${f}": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"\n`,
      )
      await k.ok(['create', '--validate=false', '-f', f])
      const w5 = await json(['get', 'widget', 'w5', '-n', NS])
      assert.deepEqual(w5.spec, { size: 'S', replicas: 1, color: 'blue', labels: { a: 'b' } })
    })

    it('kubectl explain reads the CRD schema', async () => {
      const spec = await k.ok(['explain', 'widget.spec'])
      assert.match(spec, /^KIND:\s+Widget$/m)
      assert.match(spec, /^VERSION:\s+v1$/m)
      assert.match(spec, /The widget's desired state\./)
      assert.match(spec, /^ {2}size\t<string> -required-$/m)
      assert.match(spec, /^ {2}labels\t<map\[string\]string>$/m)
      assert.match(await k.ok(['explain', 'wd.spec.size']), /How big the widget is\./)
    })

    it('status and scale subresources', async () => {
      assert.match(await k.ok(['scale', 'widget', 'w1', '-n', NS, '--replicas=3']), /widget.example.com\/w1 scaled/)
      assert.equal(await k.ok(['get', 'widget', 'w1', '-n', NS, '-o', 'jsonpath={.spec.replicas}']), '3')
      await k.ok([
        'patch',
        'widget',
        'w1',
        '-n',
        NS,
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"replicas":3,"selector":"app=w1"}}',
      ])
      const scale = await json(['get', 'widget', 'w1', '-n', NS, '--subresource=scale'])
      assert.equal(scale.kind, 'Scale')
      assert.deepEqual(scale.spec, { replicas: 3 })
      assert.deepEqual(scale.status, { replicas: 3, selector: 'app=w1' })
      // Writes to the main resource leave status alone.
      await k.ok(['patch', 'widget', 'w1', '-n', NS, '--type=merge', '-p', '{"status":{"replicas":9}}'])
      assert.equal(await k.ok(['get', 'widget', 'w1', '-n', NS, '-o', 'jsonpath={.status.replicas}']), '3')
    })

    it('the other served version', async () => {
      const table = await k.ok(['get', 'widgets.v1beta1.example.com', '-n', NS])
      assert.match(table, /^NAME\s+AGE\n/)
      assert.match(table, /^w1\s+\d+s$/m)
      const old = await json(['get', 'widgets.v1beta1.example.com', 'w1', '-n', NS])
      assert.equal(old.apiVersion, 'example.com/v1beta1')
      assert.equal(old.spec.size, 'M')
      // Written through v1beta1, read through v1 (stored as v1, conversion None).
      await k.ok(['apply', '-f', file('w6.yaml', widget('w6', { size: 'L' }, 'v1beta1'))])
      const w6 = await json(['get', 'widgets.v1.example.com', 'w6', '-n', NS])
      assert.equal(w6.apiVersion, 'example.com/v1')
      assert.equal(w6.spec.size, 'L')
    })

    it('no strategic merge patch for custom resources: kubectl uses merge patches', async () => {
      // Client-side apply computes a JSON merge patch for a CR (its OpenAPI advertises no SMP).
      await k.ok(['apply', '-f', file('w7.yaml', widget('w7', { size: 'S', labels: { a: '1', b: '2' } }))])
      const applied = await k.ok(['apply', '-f', file('w7.yaml', widget('w7', { size: 'M', labels: { a: '1' } }))])
      assert.match(applied, /widget.example.com\/w7 configured/)
      const w7 = await json(['get', 'widget', 'w7', '-n', NS])
      assert.deepEqual(w7.spec, { size: 'M', replicas: 1, color: 'blue', labels: { a: '1' } })
      // A strategic merge patch is refused with 415, which kubectl reports as such.
      const smp = await k.run(['patch', 'widget', 'w7', '-n', NS, '-p', '{"spec":{"size":"L"}}'])
      assert.equal(smp.code, 1)
      assert.match(
        smp.stderr,
        /application\/strategic-merge-patch\+json is not supported by example\.com\/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/,
      )
      await k.ok(['patch', 'widget', 'w7', '-n', NS, '--type=merge', '-p', '{"spec":{"size":"L"}}'])
      // kubectl edit sends a merge patch for a kind it does not know.
      const editor = join(dir, 'editor.sh')
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/size: L/size: S/" "$1"\n')
      chmodSync(editor, 0o755)
      await k.ok(['edit', 'widget', 'w7', '-n', NS], { env: { KUBE_EDITOR: editor, EDITOR: editor } })
      assert.equal(await k.ok(['get', 'widget', 'w7', '-n', NS, '-o', 'jsonpath={.spec.size}']), 'S')
      // Server-side apply works on custom resources too.
      await k.ok(['apply', '--server-side', '-f', file('w8.yaml', widget('w8', { size: 'S' }))])
      assert.equal(await k.ok(['get', 'widget', 'w8', '-n', NS, '-o', 'jsonpath={.spec.color}']), 'blue')
    })

    it('deleting the CRD deletes its objects', async () => {
      assert.ok((await k.ok(['get', 'widgets', '-n', NS, '-o', 'name'])).trim().split('\n').length >= 4)
      await k.ok(['delete', 'crd', 'widgets.example.com'])
      const gone = await k.run(['get', 'widgets', '-n', NS])
      assert.notEqual(gone.code, 0)
      await k.ok(['apply', '-f', file('crd.yaml', WIDGET_CRD)])
      await s.settle()
      let out = ''
      for (let i = 0; i < 50; i++) {
        const r = await k.run(['get', 'widgets', '-A'])
        out = r.stdout + r.stderr
        if (r.code === 0) break
        await new Promise((res) => setTimeout(res, 100))
      }
      assert.match(out, /No resources found/)
    })
  })
}

// Karmada's policy API (policy.karmada.io/v1alpha1) as CRDs: Flotilla's own manifests install,
// Karmada's documented example shapes are accepted with their defaults, invalid ones refused.
const REPO = join(import.meta.dirname, '..', '..')
const KARMADA_CRDS = join(REPO, 'manifests', 'crds', 'karmada')
const KARMADA_FIXTURES = join(REPO, 'test', 'fixtures', 'karmada')

for (const bin of bins) {
  describe(`kubectl ${bin.version}: Karmada policy CRDs`, { concurrency: false }, () => {
    let s: TestServer
    let k: Kubectl

    before(async () => {
      s = await startTestServer()
      k = new Kubectl(bin, s.kubeconfig)
    })
    after(async () => {
      await s?.dispose()
    })

    it('install and are served', async () => {
      const out = await k.ok(['apply', '-f', KARMADA_CRDS])
      for (const plural of [
        'propagationpolicies',
        'clusterpropagationpolicies',
        'overridepolicies',
        'clusteroverridepolicies',
      ]) {
        assert.match(
          out,
          new RegExp(`customresourcedefinition.apiextensions.k8s.io/${plural}.policy.karmada.io created`),
        )
      }
      await k.ok(['wait', '--for=condition=Established', '--timeout=10s', 'crd', '--all'])
      const resources = await k.ok(['api-resources', '--api-group=policy.karmada.io'])
      assert.match(
        resources,
        /^clusteroverridepolicies\s+cop\s+policy\.karmada\.io\/v1alpha1\s+false\s+ClusterOverridePolicy$/m,
      )
      assert.match(
        resources,
        /^clusterpropagationpolicies\s+cpp\s+policy\.karmada\.io\/v1alpha1\s+false\s+ClusterPropagationPolicy$/m,
      )
      assert.match(resources, /^overridepolicies\s+op\s+policy\.karmada\.io\/v1alpha1\s+true\s+OverridePolicy$/m)
      assert.match(resources, /^propagationpolicies\s+pp\s+policy\.karmada\.io\/v1alpha1\s+true\s+PropagationPolicy$/m)
    })

    it('accept the documented example policies, with their defaults', async () => {
      const pp = await k.ok(['apply', '-f', join(KARMADA_FIXTURES, 'propagationpolicies.yaml')])
      assert.equal(pp.trim().split('\n').length, 10)
      assert.match(pp, /clusterpropagationpolicy.policy.karmada.io\/crd-propagation created/)
      const op = await k.ok(['apply', '-f', join(KARMADA_FIXTURES, 'overridepolicies.yaml')])
      assert.equal(op.trim().split('\n').length, 6)
      const nginx = JSON.parse(await k.ok(['get', 'pp', 'nginx-propagation', '-o', 'json']))
      assert.deepEqual(nginx.spec, {
        resourceSelectors: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx' }],
        placement: { clusterAffinity: { clusterNames: ['member1', 'member2'] } },
        conflictResolution: 'Abort',
        preemption: 'Never',
        priority: 0,
        schedulerName: 'default-scheduler',
      })
      const weights = JSON.parse(await k.ok(['get', 'pp', 'static-weights', '-o', 'json']))
      assert.deepEqual(
        weights.spec.placement.replicaScheduling.weightPreference.staticWeightList.map(
          (w: { weight: number }) => w.weight,
        ),
        [1, 2],
      )
      const table = await k.ok(['get', 'pp'])
      assert.match(table, /^NAME\s+CONFLICT-RESOLUTION\s+PRIORITY\s+AGE$/m)
      assert.match(table, /^failover-and-deps\s+Overwrite\s+10\s+/m)
      const plaintext = JSON.parse(await k.ok(['get', 'op', 'plaintext', '-o', 'json']))
      // Free-form override values are kept as written.
      assert.deepEqual(
        plaintext.spec.overrideRules[0].overriders.plaintext.map((p: { value?: unknown }) => p.value),
        [3, { foo: 'bar' }, undefined],
      )
      assert.match(await k.ok(['get', 'cop']), /cluster-wide-registry/)
      assert.match(await k.ok(['get', 'karmada-io']), /clusterpropagationpolicy.policy.karmada.io\/crd-propagation/)
      const explain = await k.ok(['explain', 'pp.spec.placement.replicaScheduling'])
      assert.match(explain, /replicaSchedulingType\t<string>/)
      assert.match(explain, /weightPreference\t<Object>/)
    })

    it('refuse invalid policies with useful messages', async () => {
      const cases: [string, string][] = [
        [
          'pp-missing-resourceselectors.yaml',
          'The PropagationPolicy "no-selectors" is invalid: spec.resourceSelectors: Required value\n',
        ],
        [
          'pp-empty-resourceselectors.yaml',
          'The PropagationPolicy "empty-selectors" is invalid: spec.resourceSelectors: Invalid value: 0: spec.resourceSelectors in body should have at least 1 items\n',
        ],
        [
          'pp-weight-zero.yaml',
          'The PropagationPolicy "weight-zero" is invalid: spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight: Invalid value: 0: spec.placement.replicaScheduling.weightPreference.staticWeightList[0].weight in body should be greater than or equal to 1\n',
        ],
        [
          'pp-unknown-scheduling-type.yaml',
          'The PropagationPolicy "split" is invalid: spec.placement.replicaScheduling.replicaSchedulingType: Unsupported value: "Split": supported values: "Duplicated", "Divided"\n',
        ],
        [
          'op-bad-operator.yaml',
          'The OverridePolicy "bad-operator" is invalid: \n' +
            '* spec.overrideRules[0].overriders.commandOverrider[0].containerName: Required value\n' +
            '* spec.overrideRules[0].overriders.labelsOverrider[0].operator: Unsupported value: "append": supported values: "add", "remove", "replace"\n',
        ],
      ]
      for (const [name, message] of cases) {
        const r = await k.run(['apply', '-f', join(KARMADA_FIXTURES, 'invalid', name)])
        assert.equal(r.code, 1, name)
        assert.equal(r.stderr, message, name)
      }
      // Unknown fields are refused under Strict (a typo in a policy is not silently dropped).
      const typo = join(mkdtempSync(join(tmpdir(), 'karmada-')), 'typo.yaml')
      writeFileSync(
        typo,
        stringify({
          apiVersion: 'policy.karmada.io/v1alpha1',
          kind: 'PropagationPolicy',
          metadata: { name: 'typo', namespace: 'default' },
          spec: {
            resourceSelectors: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
            placement: { clusterAfinity: { clusterNames: ['member1'] } },
          },
        }),
      )
      const r = await k.run(['create', '-f', typo])
      assert.match(
        r.stderr,
        /PropagationPolicy in version "v1alpha1" cannot be handled as a PropagationPolicy: strict decoding error: unknown field "spec\.placement\.clusterAfinity"/,
      )
    })
  })
}
