// Objects every Kubernetes API server has from its first start: the default namespaces.

import type { Registry } from '../../apiserver/registry/registry.ts'
import { StatusError } from '../../machinery/errors.ts'

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease']

export async function ensureDefaultNamespaces(registry: Registry): Promise<void> {
  const ns = registry.namespaces()
  for (const name of DEFAULT_NAMESPACES) {
    try {
      await ns.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
    } catch (e) {
      if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e
    }
  }
}

/** The "kubernetes" Service in "default", on the first address of the service range. */
export async function ensureKubernetesService(registry: Registry, clusterIP: string, port: number): Promise<void> {
  const svc = registry.lookup('', 'v1', 'services')
  if (!svc) return
  try {
    await svc.create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP,
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }],
        sessionAffinity: 'None',
      },
    })
  } catch (e) {
    if (!(e instanceof StatusError && e.reason === 'AlreadyExists')) throw e
  }
}
