// Pieces shared by the apps/v1 workload kinds: scale paths, defaults and validation.

import type { FieldError } from '../../machinery/errors.ts'
import type { Column, KindHooks, ScaleDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { defaultTemplate } from '../defaults.ts'
import { ensure, type Json, rec, setDefault } from '../json.ts'
import { column, containerColumns, formatLabelSelector, templateSpec } from '../printing.ts'
import { validateWorkloadSpec } from '../validation.ts'

/** The autoscaling/v1 Scale subresource of Deployment, ReplicaSet and StatefulSet. */
export const replicasScale: ScaleDef = {
  specReplicasPath: 'spec.replicas',
  statusReplicasPath: 'status.replicas',
  labelSelectorPath: 'spec.selector',
}

/** Hooks for a workload: defaults (template + `extra`) on create and update, and validation. */
export function workloadHooks(kindWord: string, extra: (spec: Json) => void): KindHooks {
  const defaults = (obj: KubeObject): void => {
    const spec = ensure(obj, 'spec')
    extra(spec)
    defaultTemplate(spec)
  }
  return {
    prepareForCreate: defaults,
    prepareForUpdate: defaults,
    validate: (obj): FieldError[] => validateWorkloadSpec(rec(obj.spec), 'spec', kindWord),
  }
}

/** SetDefaults_ReplicaSet & co.: replicas defaults to 1. */
export function defaultReplicas(spec: Json): void {
  setDefault(spec, 'replicas', 1)
}

/** The wide CONTAINERS, IMAGES and SELECTOR columns (FormatLabelSelector of spec.selector). */
export function wideColumns(selectorDescription: string): Column[] {
  return [
    ...containerColumns(templateSpec),
    column('Selector', selectorDescription, (o) => formatLabelSelector(rec(o.spec).selector), { priority: 1 }),
  ]
}
