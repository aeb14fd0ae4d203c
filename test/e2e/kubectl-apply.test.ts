// Issue 3, "kubectl apply fidelity", proved end to end with real kubectl 1.28 and 1.33 against a
// real Flotilla API server: client-side apply (three-way strategic merge patches), kubectl diff,
// server-side apply (conflicts, force, shared ownership, the client-side → server-side migration,
// field release), field validation as kubectl users see it, and the defaults `kubectl get -o yaml`
// shows for the common kinds. Expected objects are what a real cluster stores for the same
// commands, less what only controllers write (status, the deployment revision annotation).

import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { stringify } from 'yaml'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

type Obj = Record<string, unknown> & {
  metadata: Record<string, unknown> & {
    labels?: Record<string, string>
    annotations?: Record<string, string>
    managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1: Record<string, unknown> }[]
  }
  spec: Record<string, unknown>
}

const bins = kubectlBinaries()
const NS = 'shop'
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

/** v1 of the web Deployment: two env vars, a sidecar, one port. */
function webV1(name = 'web'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.25',
              env: [
                { name: 'A', value: '1' },
                { name: 'B', value: '2' },
              ],
              ports: [{ containerPort: 80 }],
            },
            { name: 'sidecar', image: 'busybox', command: ['sleep', '3600'] },
          ],
        },
      },
    },
  }
}

/** v2: new image, env B and the sidecar gone, a port and a label added. */
function webV2(name = 'web'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels: { app: name, tier: 'frontend' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              env: [{ name: 'A', value: '1' }],
              ports: [{ containerPort: 80 }, { containerPort: 443, name: 'https' }],
            },
          ],
        },
      },
    },
  }
}

/** What kube-apiserver's defaulting adds to a container of these manifests. */
const CONTAINER_DEFAULTS = {
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
}

/** The pod template spec defaults (SetDefaults_PodSpec; no enableServiceLinks on templates). */
const POD_SPEC_DEFAULTS = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
}

/** The fields a manager owns, from --show-managed-fields output, as dotted paths. */
function ownedPaths(fields: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(fields)) {
    if (k === '.') continue
    const path = `${prefix}${k}`
    const children = Object.keys(v as object).filter((c) => c !== '.')
    if (children.length === 0) out.push(path)
    else out.push(...ownedPaths(v as Record<string, unknown>, `${path}/`))
  }
  return out
}

function manager(obj: Obj, name: string, operation?: string) {
  return obj.metadata.managedFields?.find((m) => m.manager === name && (!operation || m.operation === operation))
}

for (const bin of bins) {
  describe(`kubectl ${bin.version}: apply fidelity`, { concurrency: false }, () => {
    let s: TestServer
    let k: Kubectl
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-apply-'))
    const file = (name: string, docs: unknown[] | string): string => {
      const p = join(dir, name)
      writeFileSync(p, typeof docs === 'string' ? docs : docs.map((d) => stringify(d)).join('---\n'))
      return p
    }
    const getJson = async (what: string, extra: string[] = []): Promise<Obj> =>
      JSON.parse(await k.ok(['get', what, '-n', NS, '-o', 'json', ...extra])) as Obj

    before(async () => {
      s = await startTestServer()
      k = new Kubectl(bin, s.kubeconfig)
      await k.ok(['create', 'namespace', NS])
      await s.settle()
    })
    after(async () => {
      await s?.dispose()
    })

    it('apply v1 then v2 of a Deployment gives what a real cluster stores, keeping what others set', async () => {
      const v1 = file('web-v1.yaml', [webV1()])
      const v2 = file('web-v2.yaml', [webV2()])
      assert.match(await k.ok(['apply', '-f', v1]), /deployment.apps\/web created/)
      // Others change the object in between: an annotation, a label, a scale, a field the
      // manifest never mentions.
      await k.ok(['annotate', 'deploy/web', '-n', NS, 'owner=team-a'])
      await k.ok(['label', 'deploy/web', '-n', NS, 'team=a'])
      await k.ok(['scale', 'deploy/web', '-n', NS, '--replicas=5'])
      await k.ok(['patch', 'deploy/web', '-n', NS, '--type', 'merge', '-p', '{"spec":{"minReadySeconds":5}}'])
      assert.match(await k.ok(['apply', '-f', v2]), /deployment.apps\/web configured/)
      assert.match(await k.ok(['apply', '-f', v2]), /deployment.apps\/web unchanged/)

      const d = await getJson('deploy/web')
      const { [LAST_APPLIED]: lastApplied, ...annotations } = d.metadata.annotations ?? {}
      // The annotation added with kubectl annotate survives the re-apply.
      assert.deepEqual(annotations, { owner: 'team-a' })
      assert.deepEqual(JSON.parse(lastApplied), {
        ...webV2(),
        metadata: { ...(webV2().metadata as object), annotations: {} },
      })
      // The new label is added, the label set by others kept.
      assert.deepEqual(d.metadata.labels, { app: 'web', tier: 'frontend', team: 'a' })
      // create, scale, patch and the v2 apply changed the spec; annotate and label did not.
      assert.equal(d.metadata.generation, 4)
      assert.deepEqual(d.spec, {
        // The three-way patch takes changes from live to the manifest: the scaled replicas go back
        // to the manifest's 2 (why HPA users leave replicas out); fields the manifest never
        // mentions (minReadySeconds, the team label) are left alone.
        replicas: 2,
        minReadySeconds: 5,
        progressDeadlineSeconds: 600,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            // The sidecar is gone; env B is gone; the port is added after the kept one.
            containers: [
              {
                name: 'web',
                image: 'nginx:1.27',
                imagePullPolicy: 'IfNotPresent',
                env: [{ name: 'A', value: '1' }],
                ports: [
                  { containerPort: 80, protocol: 'TCP' },
                  { containerPort: 443, name: 'https', protocol: 'TCP' },
                ],
                ...CONTAINER_DEFAULTS,
              },
            ],
            ...POD_SPEC_DEFAULTS,
          },
        },
      })
      // Client-side apply is an Update by kubectl-client-side-apply in managedFields.
      const withFields = await getJson('deploy/web', ['--show-managed-fields'])
      const csa = manager(withFields, 'kubectl-client-side-apply', 'Update')
      assert.ok(csa, 'kubectl-client-side-apply owns fields')
      const owned = ownedPaths(csa.fieldsV1)
      assert.ok(owned.includes('f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/f:image'))
      assert.ok(!owned.some((p) => p.includes('sidecar')), 'the removed sidecar is owned by nobody')
      // The apply took spec.replicas back from the scaler, whose entry went with its only field.
      assert.equal(
        withFields.metadata.managedFields?.find((m) => m.subresource === 'scale'),
        undefined,
      )
      assert.ok(owned.includes('f:spec/f:replicas'))
    })

    it('kubectl diff exits 0 without changes, 1 with changes, >1 on errors', async () => {
      const v1 = file('web-v1.yaml', [webV1()])
      const v2 = file('web-v2.yaml', [webV2()])
      const same = await k.run(['diff', '-f', v2])
      assert.equal(same.code, 0, same.stderr)
      assert.equal(same.stdout, '')
      const changed = await k.run(['diff', '-f', v1])
      assert.equal(changed.code, 1, changed.stderr)
      assert.match(changed.stdout, /^-\s+image: nginx:1\.27$/m)
      assert.match(changed.stdout, /^\+\s+image: nginx:1\.25$/m)
      assert.match(changed.stdout, /^\+\s+- name: B$/m)
      assert.match(changed.stdout, /^\+\s+name: sidecar$/m)
      // A new object diffs against nothing.
      const fresh = await k.run(['diff', '-f', file('new.yaml', [webV1('fresh')])])
      assert.equal(fresh.code, 1, fresh.stderr)
      assert.match(fresh.stdout, /^\+\s+name: fresh$/m)
      // Server-side diff of the same manifest (dry-run apply) changes nothing.
      await k.ok(['apply', '--server-side', '-f', file('ssd.yaml', [webV1('ssd')])])
      const ssd = await k.run(['diff', '--server-side', '-f', file('ssd.yaml', [webV1('ssd')])])
      assert.equal(ssd.code, 0, ssd.stderr)
      const ssd2 = await k.run(['diff', '--server-side', '-f', file('ssd2.yaml', [webV2('ssd')])])
      assert.equal(ssd2.code, 1, ssd2.stderr)
      assert.match(ssd2.stdout, /^\+\s+image: nginx:1\.27$/m)
      // Errors: the server refuses the dry run (an invalid object), or kubectl cannot read the
      // manifest. (An unknown field is only a warning here: diff sends no fieldValidation.)
      const bad = webV1()
      ;(bad.spec as { replicas: number }).replicas = -1
      const refused = await k.run(['diff', '-f', file('bad.yaml', [bad])])
      assert.ok(refused.code > 1, `exit ${refused.code}: ${refused.stderr}`)
      assert.match(refused.stderr, /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/)
      const unreadable = await k.run(['diff', '-f', file('garbage.yaml', 'kind: [')])
      assert.ok(unreadable.code > 1, `exit ${unreadable.code}`)
      // Nothing was changed by any of it.
      assert.equal(
        await k.ok(['get', 'deploy/web', '-n', NS, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']),
        'nginx:1.27',
      )
      const missing = await k.run(['get', 'deploy/fresh', '-n', NS])
      assert.notEqual(missing.code, 0)
    })

    it('server-side apply: a conflict with the scaler, taken with --force-conflicts', async () => {
      const m = file('ssa.yaml', [webV1('ssa')])
      assert.match(await k.ok(['apply', '--server-side', '-f', m]), /deployment.apps\/ssa serverside-applied/)
      await k.ok(['scale', 'deploy/ssa', '-n', NS, '--replicas=5'])
      const conflict = await k.run(['apply', '--server-side', '-f', m])
      assert.equal(conflict.code, 1)
      // The scaler is an Update manager of the scale subresource, named after kubectl's user
      // agent (the binary's name).
      assert.match(
        conflict.stderr,
        /error: Apply failed with 1 conflict: conflict with "kubectl[^"]*" with subresource "scale" using apps\/v1: \.spec\.replicas\n/,
      )
      assert.match(conflict.stderr, /re-run the apply\s+command with the `--force-conflicts` flag/)
      assert.equal(await k.ok(['get', 'deploy/ssa', '-n', NS, '-o', 'jsonpath={.spec.replicas}']), '5')
      await k.ok(['apply', '--server-side', '--force-conflicts', '-f', m])
      const d = await getJson('deploy/ssa', ['--show-managed-fields'])
      assert.equal(d.spec.replicas, 2)
      assert.equal(manager(d, 'kubectl', 'Apply')?.operation, 'Apply')
      assert.ok(ownedPaths(manager(d, 'kubectl', 'Apply')?.fieldsV1 ?? {}).includes('f:spec/f:replicas'))
      assert.equal(
        d.metadata.managedFields?.find((e) => e.subresource === 'scale'),
        undefined,
        'the scaler lost its only field',
      )
    })

    it('server-side apply: two managers applying the same value share the field', async () => {
      const m = file('ssa.yaml', [webV1('ssa')])
      await k.ok(['apply', '--server-side', '--field-manager=ci', '-f', m])
      const d = await getJson('deploy/ssa', ['--show-managed-fields'])
      for (const name of ['kubectl', 'ci']) {
        const owned = ownedPaths(manager(d, name, 'Apply')?.fieldsV1 ?? {})
        assert.ok(owned.includes('f:spec/f:replicas'), `${name} owns replicas`)
        assert.ok(
          owned.includes('f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/f:image'),
          `${name} owns image`,
        )
      }
      const shown = await k.ok(['get', 'deploy/ssa', '-n', NS, '-o', 'yaml', '--show-managed-fields'])
      assert.match(shown, /manager: ci\n\s+operation: Apply/)
      assert.match(shown, /manager: kubectl\n\s+operation: Apply/)
      assert.doesNotMatch(await k.ok(['get', 'deploy/ssa', '-n', NS, '-o', 'yaml']), /managedFields/)
      // A different value from either of them conflicts with both, as appliers (no API version).
      const other = webV1('ssa')
      ;(other.spec as { replicas: number }).replicas = 7
      const r = await k.run(['apply', '--server-side', '--field-manager=third', '-f', file('third.yaml', [other])])
      assert.equal(r.code, 1)
      assert.match(
        r.stderr,
        /Apply failed with 2 conflicts: conflicts with "ci":\n- \.spec\.replicas\nconflicts with "kubectl":\n- \.spec\.replicas/,
      )
    })

    it('server-side apply: a field dropped from the manifest goes, unless another manager owns it', async () => {
      // ssa is applied by kubectl and ci with v1. kubectl moves to v2: the image ci co-owns is a
      // conflict (taken with --force-conflicts); the sidecar and env B kubectl drops stay, since
      // ci still applies them.
      const v2 = file('ssa-v2.yaml', [webV2('ssa')])
      const refused = await k.run(['apply', '--server-side', '-f', v2])
      assert.match(
        refused.stderr,
        /Apply failed with 1 conflict: conflict with "ci": \.spec\.template\.spec\.containers\[name="web"\]\.image/,
      )
      await k.ok(['apply', '--server-side', '--force-conflicts', '-f', v2])
      let d = await getJson('deploy/ssa')
      let c = (d.spec.template as { spec: { containers: { name: string; env?: unknown[]; image: string }[] } }).spec
        .containers
      assert.deepEqual(
        c.map((x) => x.name),
        ['web', 'sidecar'],
      )
      assert.ok(c[0].env?.some((e) => (e as { name: string }).name === 'B'))
      // ci lets go of everything but the selector and labels: now nobody owns the sidecar.
      const ciMin = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'ssa', namespace: NS },
        spec: { selector: { matchLabels: { app: 'ssa' } } },
      }
      await k.ok(['apply', '--server-side', '--field-manager=ci', '-f', file('ci-min.yaml', [ciMin])])
      d = await getJson('deploy/ssa', ['--show-managed-fields'])
      c = (d.spec.template as { spec: { containers: { name: string; env?: unknown[]; image: string }[] } }).spec
        .containers
      assert.deepEqual(
        c.map((x) => x.name),
        ['web'],
      )
      assert.deepEqual(c[0].env, [{ name: 'A', value: '1' }])
      assert.equal(c[0].image, 'nginx:1.27')
      assert.deepEqual(d.metadata.labels, { app: 'ssa', tier: 'frontend' })
      assert.equal((c[0] as Record<string, unknown>).imagePullPolicy, 'IfNotPresent')
      assert.deepEqual(ownedPaths(manager(d, 'ci', 'Apply')?.fieldsV1 ?? {}), ['f:spec/f:selector'])
    })

    it('client-side apply, then --server-side: kubectl migrates ownership with a JSON patch', async () => {
      const v1 = file('mig-v1.yaml', [webV1('mig')])
      await k.ok(['apply', '-f', v1])
      let d = await getJson('deploy/mig', ['--show-managed-fields'])
      assert.ok(manager(d, 'kubectl-client-side-apply', 'Update'))
      // Same manifest server-side: succeeds, then kubectl rewrites managedFields (csaupgrade).
      const out = await k.run(['apply', '--server-side', '-f', v1])
      assert.equal(out.code, 0, out.stderr)
      assert.doesNotMatch(out.stderr, /[Ww]arning/)
      d = await getJson('deploy/mig', ['--show-managed-fields'])
      assert.equal(manager(d, 'kubectl-client-side-apply'), undefined, 'no client-side owner left')
      const ssa = manager(d, 'kubectl', 'Apply')
      assert.ok(ssa)
      const owned = ownedPaths(ssa.fieldsV1)
      assert.ok(owned.includes('f:spec/f:template/f:spec/f:containers/k:{"name":"sidecar"}/f:image'))
      assert.ok(
        owned.includes(
          'f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/f:ports/k:{"containerPort":80,"protocol":"TCP"}/f:containerPort',
        ),
      )
      // Every owner is a sane entry and no field is owned by two Apply managers of kubectl's.
      for (const e of d.metadata.managedFields ?? []) {
        assert.ok(['Apply', 'Update'].includes(e.operation))
        assert.ok(Object.keys(e.fieldsV1).length > 0)
      }
      // Now server-side apply owns what client-side apply did: v2 removes the sidecar and env B
      // without conflicts.
      const v2 = await k.run(['apply', '--server-side', '-f', file('mig-v2.yaml', [webV2('mig')])])
      assert.equal(v2.code, 0, v2.stderr)
      d = await getJson('deploy/mig')
      const c = (d.spec.template as { spec: { containers: Record<string, unknown>[] } }).spec.containers
      assert.deepEqual(c, [
        {
          name: 'web',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          env: [{ name: 'A', value: '1' }],
          ports: [
            { containerPort: 80, protocol: 'TCP' },
            { containerPort: 443, name: 'https', protocol: 'TCP' },
          ],
          ...CONTAINER_DEFAULTS,
        },
      ])
      assert.deepEqual(d.metadata.labels, { app: 'mig', tier: 'frontend' })
    })

    it('field validation: unknown and duplicate fields as kubectl users see them', async () => {
      const bad = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bad', namespace: NS },
        spec: {
          foo: 1,
          selector: { matchLabels: { app: 'bad' } },
          template: {
            metadata: { labels: { app: 'bad' } },
            spec: { containers: [{ name: 'c', image: 'nginx', bogus: true }] },
          },
        },
      }
      const f = file('bad.yaml', [bad])
      const decode =
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bogus"'
      for (const cmd of ['apply', 'create']) {
        const r = await k.run([cmd, '-f', f])
        assert.equal(r.code, 1)
        assert.equal(r.stderr, `Error from server (BadRequest): error when creating "${f}": ${decode}\n`)
      }
      // Server-side apply fails converting the configuration to its typed form.
      const ssa = await k.run(['apply', '--server-side', '-f', f])
      assert.equal(ssa.code, 1)
      assert.equal(
        ssa.stderr,
        `Error from server (BadRequest): failed to create typed patch object (${NS}/bad; apps/v1, Kind=Deployment): errors:\n  .spec.foo: field not declared in schema\n  .spec.template.spec.containers[name="c"].bogus: field not declared in schema\n`,
      )
      // Client-side apply to an existing object: the strict error comes back on the patch.
      await k.ok(['apply', '-f', file('web-v2.yaml', [webV2()])])
      const patched = { ...webV2(), spec: { ...(webV2().spec as object), foo: 1 } }
      const p = await k.run(['apply', '-f', file('web-bad.yaml', [patched])])
      assert.equal(p.code, 1)
      assert.match(
        p.stderr,
        /^The request is invalid: patch: Invalid value: "map\[.*spec:map\[foo:1\]\]": strict decoding error: unknown field "spec\.foo"\n$/s,
      )
      // --validate=warn: the server drops the fields and says so.
      const warn = await k.run(['apply', '--validate=warn', '-f', f])
      assert.equal(warn.code, 0, warn.stderr)
      assert.match(warn.stderr, /^Warning: unknown field "spec\.foo"$/m)
      assert.match(warn.stderr, /^Warning: unknown field "spec\.template\.spec\.containers\[0\]\.bogus"$/m)
      assert.match(warn.stdout, /deployment.apps\/bad created/)
      await k.ok(['delete', 'deploy/bad', '-n', NS])
      // --validate=false: dropped silently.
      const quiet = await k.run(['apply', '--validate=false', '-f', f])
      assert.equal(quiet.code, 0, quiet.stderr)
      assert.equal(quiet.stderr, '')
      const stored = await getJson('deploy/bad')
      assert.equal(stored.spec.foo, undefined)
      assert.equal(
        (stored.spec.template as { spec: { containers: Record<string, unknown>[] } }).spec.containers[0].bogus,
        undefined,
      )
      // Duplicate fields: kubectl decodes the manifest itself (the last value wins) and sends
      // clean JSON, as against any cluster; a raw request carrying them is refused under Strict.
      const dup = join(dir, 'dup.json')
      writeFileSync(
        dup,
        `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","namespace":"${NS}"},"data":{"a":"1","a":"2"}}`,
      )
      await k.ok(['apply', '-f', dup])
      assert.equal(await k.ok(['get', 'cm/dup', '-n', NS, '-o', 'jsonpath={.data.a}']), '2')
      const raw = join(dir, 'dup-raw.json')
      writeFileSync(raw, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup2"},"data":{"a":"1","a":"2"}}')
      const strict = await k.run([
        'create',
        '--raw',
        `/api/v1/namespaces/${NS}/configmaps?fieldValidation=Strict`,
        '-f',
        raw,
      ])
      assert.notEqual(strict.code, 0)
      assert.match(strict.stderr, /strict decoding error: duplicate field "data\.a"/)
      // Without metadata (which the server then adds before its checks) the duplicate is still found.
      const bare = join(dir, 'dup-bare.json')
      writeFileSync(bare, '{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"1","a":"2"}}')
      const bareStrict = await k.run([
        'create',
        '--raw',
        `/api/v1/namespaces/${NS}/configmaps?fieldValidation=Strict`,
        '-f',
        bare,
      ])
      assert.match(bareStrict.stderr, /strict decoding error: duplicate field "data\.a"/)
      const warned = await k.run(['create', '--raw', `/api/v1/namespaces/${NS}/configmaps`, '-f', raw])
      assert.equal(warned.code, 0, warned.stderr)
      assert.match(warned.stderr, /Warning: duplicate field "data\.a"/)
    })

    it('invalid objects are refused with the field and the rule, not stored', async () => {
      const neg = webV1('neg')
      ;(neg.spec as { replicas: number }).replicas = -1
      const r = await k.run(['apply', '-f', file('neg.yaml', [neg])])
      assert.equal(r.code, 1)
      assert.equal(
        r.stderr,
        'The Deployment "neg" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n',
      )
      assert.notEqual((await k.run(['get', 'deploy/neg', '-n', NS])).code, 0)
    })

    it('defaults: a Pod, a Service, a Job and a CronJob read back as on a real cluster', async () => {
      const manifests = [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p1', namespace: NS },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'nginx',
                ports: [{ containerPort: 80 }],
                livenessProbe: { httpGet: { port: 80 } },
                env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                resources: { limits: { cpu: '500m', memory: '128Mi' } },
              },
            ],
            volumes: [{ name: 'cfg', configMap: { name: 'x' } }, { name: 'scratch' }],
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 's1', namespace: NS },
          spec: {
            selector: { app: 'web' },
            ports: [
              { name: 'http', port: 80 },
              { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
            ],
          },
        },
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'j1', namespace: NS },
          spec: {
            template: {
              spec: {
                restartPolicy: 'Never',
                containers: [{ name: 'c', image: 'busybox:1.36', command: ['echo', 'hi'] }],
              },
            },
          },
        },
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'cj1', namespace: NS },
          spec: {
            schedule: '*/5 * * * *',
            jobTemplate: {
              spec: {
                template: {
                  spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox:latest' }] },
                },
              },
            },
          },
        },
      ]
      await k.ok(['create', '-f', file('defaults.yaml', manifests)])

      const pod = await getJson('pod/p1')
      assert.deepEqual(pod.spec, {
        containers: [
          {
            name: 'c',
            image: 'nginx',
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            livenessProbe: {
              httpGet: { port: 80, path: '/', scheme: 'HTTP' },
              failureThreshold: 3,
              periodSeconds: 10,
              successThreshold: 1,
              timeoutSeconds: 1,
            },
            env: [{ name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
            // SetDefaults_Pod: requests default to limits.
            resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        volumes: [
          { name: 'cfg', configMap: { name: 'x', defaultMode: 420 } },
          { name: 'scratch', emptyDir: {} },
        ],
        ...POD_SPEC_DEFAULTS,
        enableServiceLinks: true,
      })
      assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' })

      const svc = await getJson('svc/s1')
      const ip = svc.spec.clusterIP as string
      assert.match(ip, /^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/, 'allocated from the default 10.96.0.0/12')
      assert.deepEqual(svc.spec, {
        clusterIP: ip,
        clusterIPs: [ip],
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
        ],
        selector: { app: 'web' },
        sessionAffinity: 'None',
        type: 'ClusterIP',
      })
      assert.deepEqual(svc.status, { loadBalancer: {} })

      const job = await getJson('job/j1')
      const uid = job.metadata.uid as string
      const selectorLabels = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': 'j1',
        'controller-uid': uid,
        'job-name': 'j1',
      }
      // A Job without labels takes its template's (with the generated selector labels).
      assert.deepEqual(job.metadata.labels, selectorLabels)
      assert.deepEqual(job.spec, {
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        completions: 1,
        manualSelector: false,
        parallelism: 1,
        podReplacementPolicy: 'TerminatingOrFailed',
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
        suspend: false,
        template: {
          metadata: { labels: selectorLabels },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'busybox:1.36',
                command: ['echo', 'hi'],
                imagePullPolicy: 'IfNotPresent',
                ...CONTAINER_DEFAULTS,
              },
            ],
            ...POD_SPEC_DEFAULTS,
            restartPolicy: 'Never',
          },
        },
      })

      const cj = await getJson('cj/cj1')
      assert.deepEqual(cj.spec, {
        concurrencyPolicy: 'Allow',
        failedJobsHistoryLimit: 1,
        schedule: '*/5 * * * *',
        successfulJobsHistoryLimit: 3,
        suspend: false,
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'c', image: 'busybox:latest', imagePullPolicy: 'Always', ...CONTAINER_DEFAULTS }],
                ...POD_SPEC_DEFAULTS,
                restartPolicy: 'OnFailure',
              },
            },
          },
        },
      })
      // kubectl get -o yaml prints the same.
      const yaml = await k.ok(['get', 'svc/s1', '-n', NS, '-o', 'yaml'])
      assert.match(yaml, /^ {2}sessionAffinity: None\n {2}type: ClusterIP\nstatus:\n {2}loadBalancer: \{\}\n$/m)
    })
  })
}
