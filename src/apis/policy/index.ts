// The policy group, v1: PodDisruptionBudget. Columns: printers.go
// podDisruptionBudgetColumnDefinitions / printPodDisruptionBudget.

import { type FieldError, fieldInvalid } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { num, rec } from '../json.ts'
import { ageColumn, column, intOrString } from '../printing.ts'

const orNA = (v: unknown): string => (v === undefined || v === null ? 'N/A' : intOrString(v))

/** ValidatePodDisruptionBudgetSpec's first check. */
function validate(pdb: KubeObject): FieldError[] {
  const spec = rec(pdb.spec)
  if (spec.minAvailable != null && spec.maxUnavailable != null) {
    return [fieldInvalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set')]
  }
  return []
}

export const podDisruptionBudget: KindDef = defineKind({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  scope: 'Namespaced',
  shortNames: ['pdb'],
  generation: 'spec',
  subresources: { status: true },
  columns: [
    column('Min Available', 'The minimum number of pods that must be available.', (o) =>
      orNA(rec(o.spec).minAvailable),
    ),
    column('Max Unavailable', 'The maximum number of pods that may be unavailable.', (o) =>
      orNA(rec(o.spec).maxUnavailable),
    ),
    column(
      'Allowed Disruptions',
      'Calculated number of pods that may be disrupted at this time.',
      (o) => num(rec(o.status).disruptionsAllowed),
      { type: 'integer' },
    ),
    ageColumn(),
  ],
  validate,
})

export const policyKinds: KindDef[] = [podDisruptionBudget]
