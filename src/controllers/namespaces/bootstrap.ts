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
