// ClusterRole aggregation, as kube-controller-manager's clusterrole-aggregation controller: a
// ClusterRole with aggregationRule gets as its rules the union of the rules of every ClusterRole
// its selectors match. This is how admin/edit/view grow when CRDs ship aggregate-to-* roles.

import { Informer } from '../../client/informer.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { selectorFromLabelSelector } from '../../machinery/selectors/index.ts'
import type { ControllerDescriptor } from '../manager.ts'
import { WorkQueue } from '../util/work-queue.ts'

const clusterroles = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' }

interface AggregationRule {
  clusterRoleSelectors?: unknown[]
}

function aggregatedRules(role: KubeObject, all: KubeObject[]): unknown[] {
  const selectors = ((role.aggregationRule as AggregationRule | undefined)?.clusterRoleSelectors ?? []).map((s) =>
    selectorFromLabelSelector(s),
  )
  const rules: unknown[] = []
  const seen = new Set<string>()
  for (const other of [...all].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))) {
    if (other.metadata.name === role.metadata.name) continue
    if (!selectors.some((s) => s.matches(other.metadata.labels ?? {}))) continue
    for (const r of (other.rules as unknown[] | undefined) ?? []) {
      const key = JSON.stringify(r)
      if (seen.has(key)) continue
      seen.add(key)
      rules.push(r)
    }
  }
  return rules
}

export const clusterRoleAggregation: ControllerDescriptor = {
  name: 'clusterrole-aggregation-controller',
  async start({ client, log }) {
    const roles = new Informer({ client, resource: clusterroles, log })
    const queue = new WorkQueue(async (name) => {
      const role = roles.get(name)
      if (!role?.aggregationRule) return
      const rules = aggregatedRules(role, roles.list())
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) return
      await client.patch(
        clusterroles,
        '',
        name,
        'merge',
        { rules },
        { fieldManager: 'clusterrole-aggregation-controller' },
      )
    }, log)
    // Any change may affect any aggregated role: requeue every aggregating role (there are few).
    const requeue = () => {
      for (const r of roles.list()) if (r.aggregationRule) queue.add(r.metadata.name!)
    }
    roles.on({ add: requeue, update: requeue, delete: requeue })
    roles.start()
    await roles.synced
    return {
      stop: () => {
        roles.stop()
        queue.stop()
      },
      idle: () => queue.idle(),
    }
  },
}
