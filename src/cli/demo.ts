// Demo content for `flotilla server --demo` (what `npm start` shows a new user). Simulated
// member clusters join the demo once the simulator and cluster import exist; until then it
// seeds a namespace with a few ordinary objects to look at with kubectl.

import type { Registry } from '../apiserver/registry/registry.ts'
import { StatusError } from '../machinery/errors.ts'
import type { KubeObject } from '../machinery/object.ts'

const DEMO: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: { 'flotilla.dev/demo': 'true' } } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'welcome', namespace: 'demo' },
    data: { message: 'Welcome to Flotilla. Try: kubectl get all -n demo' },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'demo', labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'demo' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
  },
]

export async function seedDemo(registry: Registry): Promise<string> {
  let created = 0
  for (const obj of DEMO) {
    const store = registry.byKind(obj.apiVersion!, obj.kind!)
    if (!store) continue
    try {
      await store.create(obj.metadata.namespace ?? '', structuredClone(obj))
      created++
    } catch (e) {
      if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e
    }
  }
  return `Demo: namespace "demo" ready (${created} objects created). Simulated member clusters join the demo in a later release.`
}
