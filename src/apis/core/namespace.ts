// core/v1 Namespace. Columns: printers.go namespaceColumnDefinitions / printNamespace.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { arr, ensure, rec, str } from '../json.ts'
import { ageColumn, column } from '../printing.ts'

/** SetDefaults_Namespace: the immutable kubernetes.io/metadata.name label. */
function defaultNameLabel(ns: KubeObject): void {
  const name = ns.metadata.name
  if (!name) return
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name }
}

/** namespaceStrategy.PrepareForCreate: phase Active and the "kubernetes" finalizer. */
function prepareForCreate(ns: KubeObject): void {
  defaultNameLabel(ns)
  ns.status = { phase: 'Active' }
  const spec = ensure(ns, 'spec')
  const finalizers = arr(spec.finalizers)
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes']
}

export const namespace: KindDef = defineKind({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  scope: 'Cluster',
  shortNames: ['ns'],
  // Namespaces have no deletecollection (discovery api/v1).
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  nameValidation: 'dns1123-label',
  subresources: { status: true },
  columns: [column('Status', 'The status of the namespace', (o) => str(rec(o.status).phase)), ageColumn()],
  fieldSelectors: { 'status.phase': (o) => str(rec(o.status).phase) },
  prepareForCreate,
  prepareForUpdate: defaultNameLabel,
  // Deletion waits for spec.finalizers (the namespace controller empties the namespace, then
  // removes "kubernetes" through /finalize); meanwhile the namespace is Terminating.
  pendingFinalization: (ns) => arr(rec(ns.spec).finalizers).length > 0,
  prepareForDelete: (ns) => {
    ns.status = { ...rec(ns.status), phase: 'Terminating' }
  },
})
