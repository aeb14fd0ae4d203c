// The issue-2 kubectl scenario suite: real kubectl binaries (1.28 and 1.33 where the machine
// has Google's builds) against a real Flotilla API server on loopback.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Kubectl, kubectlBinaries } from '../helpers/kubectl.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
  labels: {tier: backend}
data:
  color: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: frontend}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
`

const bins = kubectlBinaries()

for (const bin of bins) {
  describe(`kubectl ${bin.version}`, { concurrency: false }, () => {
    let s: TestServer
    let k: Kubectl
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-scenario-'))
    const manifest = join(dir, 'app.yaml')
    writeFileSync(manifest, MANIFESTS)

    before(async () => {
      s = await startTestServer({ settings: { bookmarkIntervalMs: 1000 } })
      k = new Kubectl(bin, s.kubeconfig)
    })
    after(async () => {
      await s?.dispose()
    })

    it('version and api-resources', async () => {
      const v = await k.ok(['version', '-o', 'json'])
      assert.equal(JSON.parse(v).serverVersion.major, '1')
      const res = await k.ok(['api-resources'])
      assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m)
      assert.match(res, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m)
    })

    it('create a multi-document YAML, then apply it client-side', async () => {
      const out = await k.ok(['create', '-f', manifest])
      assert.match(out, /namespace\/shop created/)
      assert.match(out, /deployment.apps\/web created/)
      await s.settle()
      const applied = await k.ok(['apply', '-f', manifest])
      assert.match(applied, /configmap\/settings (configured|unchanged)/)
      const again = await k.ok(['apply', '-f', manifest])
      assert.match(again, /deployment.apps\/web unchanged/)
    })

    it('get in every output format', async () => {
      const table = await k.ok(['get', 'deploy', '-n', 'shop'])
      assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m)
      const wide = await k.ok(['get', 'deploy', '-n', 'shop', '-o', 'wide'])
      assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/)
      assert.match(wide, /nginx:1\.27/)
      const y = await k.ok(['get', 'cm', 'settings', '-n', 'shop', '-o', 'yaml'])
      assert.match(y, /color: blue/)
      const j = JSON.parse(await k.ok(['get', 'cm', 'settings', '-n', 'shop', '-o', 'json']))
      assert.equal(j.data.color, 'blue')
      const jp = await k.ok(['get', 'deploy', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}'])
      assert.equal(jp, '2')
      const all = await k.ok(['get', 'cm', '-A'])
      assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/m)
      assert.match(all, /^shop\s+settings\s+1\s+/m)
      const sel = await k.ok(['get', 'deploy,cm', '-n', 'shop', '-l', 'tier=frontend', '-o', 'name'])
      assert.equal(sel.trim(), 'deployment.apps/web')
      const labels = await k.ok(['get', 'cm', 'settings', '-n', 'shop', '--show-labels'])
      assert.match(labels, /tier=backend/)
    })

    it('label, annotate, patch (json and merge) and scale', async () => {
      await k.ok(['label', 'cm', 'settings', '-n', 'shop', 'env=prod'])
      const clash = await k.run(['label', 'cm', 'settings', '-n', 'shop', 'env=dev'])
      assert.notEqual(clash.code, 0)
      await k.ok(['label', 'cm', 'settings', '-n', 'shop', 'env=dev', '--overwrite'])
      await k.ok(['annotate', 'cm', 'settings', '-n', 'shop', 'owner=team-a'])
      await k.ok(['annotate', 'cm', 'settings', '-n', 'shop', 'owner=team-b', '--overwrite'])
      await k.ok(['patch', 'cm', 'settings', '-n', 'shop', '--type', 'merge', '-p', '{"data":{"size":"L"}}'])
      await k.ok([
        'patch',
        'cm',
        'settings',
        '-n',
        'shop',
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/data/color","value":"red"}]',
      ])
      const cm = JSON.parse(await k.ok(['get', 'cm', 'settings', '-n', 'shop', '-o', 'json']))
      assert.equal(cm.metadata.labels.env, 'dev')
      assert.equal(cm.metadata.annotations.owner, 'team-b')
      assert.deepEqual(cm.data, { color: 'red', size: 'L' })
      await k.ok(['scale', 'deploy/web', '-n', 'shop', '--replicas=4'])
      assert.equal(await k.ok(['get', 'deploy', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}']), '4')
    })

    it('edit through KUBE_EDITOR', async () => {
      const editor = join(dir, 'editor.sh')
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/color: red/color: green/" "$1"\n')
      chmodSync(editor, 0o755)
      await k.ok(['edit', 'cm', 'settings', '-n', 'shop'], { env: { KUBE_EDITOR: editor, EDITOR: editor } })
      assert.equal(await k.ok(['get', 'cm', 'settings', '-n', 'shop', '-o', 'jsonpath={.data.color}']), 'green')
    })

    it('dry-run=server changes nothing', async () => {
      const out = await k.ok(['create', 'configmap', 'ghost', '-n', 'shop', '--from-literal=a=b', '--dry-run=server'])
      assert.match(out, /configmap\/ghost created \(server dry run\)/)
      const missing = await k.run(['get', 'cm', 'ghost', '-n', 'shop'])
      assert.notEqual(missing.code, 0)
      assert.match(missing.stderr, /NotFound/)
    })

    it('chunked lists with --chunk-size', async () => {
      await k.ok(['create', 'namespace', 'many'])
      await s.settle()
      for (let i = 0; i < 12; i++) await k.ok(['create', 'configmap', `c${i}`, '-n', 'many', '--from-literal=i=' + i])
      const out = await k.ok(['get', 'cm', '-n', 'many', '--chunk-size=5', '-o', 'name'])
      assert.equal(
        out
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('configmap/c')).length,
        12,
      )
    })

    it('get -w sees ADDED, MODIFIED and DELETED', async () => {
      const child = spawn(
        bin.path,
        ['--kubeconfig', s.kubeconfig, 'get', 'cm', '-n', 'many', '-w', '--output-watch-events'],
        {
          env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECACHEDIR: join(dir, 'cache-w') },
        },
      )
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      const waitFor = async (re: RegExp) => {
        for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50))
        assert.match(out, re)
      }
      await waitFor(/c11/)
      await k.ok(['create', 'configmap', 'watched', '-n', 'many'])
      await waitFor(/ADDED\s+watched\s/)
      await k.ok(['label', 'cm', 'watched', '-n', 'many', 'x=y'])
      await waitFor(/MODIFIED\s+watched\s/)
      await k.ok(['delete', 'cm', 'watched', '-n', 'many'])
      await waitFor(/DELETED\s+watched\s/)
      child.kill()
    })

    it('delete with each --cascade, and wait --for=delete', async () => {
      for (const cascade of ['background', 'foreground', 'orphan']) {
        const owner = `own-${cascade}`
        await k.ok(['create', 'configmap', owner, '-n', 'many'])
        const uid = await k.ok(['get', 'cm', owner, '-n', 'many', '-o', 'jsonpath={.metadata.uid}'])
        const dep = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `${owner}-dep`,
            namespace: 'many',
            ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid, blockOwnerDeletion: true }],
          },
        }
        await k.ok(['create', '-f', '-'], { input: JSON.stringify(dep) })
        await k.ok(['delete', 'cm', owner, '-n', 'many', `--cascade=${cascade}`, '--timeout=30s'])
        await s.settle()
        const depLeft = await k.run(['get', 'cm', `${owner}-dep`, '-n', 'many', '-o', 'json'])
        if (cascade === 'orphan') {
          assert.equal(depLeft.code, 0)
          assert.equal(JSON.parse(depLeft.stdout).metadata.ownerReferences, undefined)
        } else {
          await k.ok(['wait', '--for=delete', `cm/${owner}-dep`, '-n', 'many', '--timeout=30s'])
        }
      }
    })

    it('deleting a namespace removes its contents', async () => {
      await k.ok(['delete', 'namespace', 'shop', '--timeout=60s'])
      const gone = await k.run(['get', 'ns', 'shop'])
      assert.notEqual(gone.code, 0)
      const left = await k.ok(['get', 'cm,deploy', '-A', '-o', 'name'])
      assert.doesNotMatch(left, /settings|deployment.apps\/web/)
    })
  })
}

if (bins.length === 0) {
  it('kubectl scenarios', { skip: 'no kubectl binary on this machine' }, () => {})
}
