// The autoscaling group, v2: HorizontalPodAutoscaler. Columns: printers.go
// horizontalPodAutoscalerColumnDefinitions / printHorizontalPodAutoscaler (formatHPAMetrics).

import { type FieldError, fieldInvalid, fieldRequired } from '../../machinery/errors.ts'
import { defineKind, type KindDef } from '../../machinery/kinds.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { DOC } from '../docs.ts'
import { arr, ensure, type Json, num, rec, setDefault, str } from '../json.ts'
import { ageColumn, column, quantity } from '../printing.ts'

/** resource.Quantity.String() of a *Quantity: "<nil>" when unset. */
const q = (v: unknown): string => (v === undefined || v === null ? '<nil>' : quantity(v))

const percent = (v: unknown): string => `${num(v)}%`

/** One spec/status pair as formatHPAMetrics prints it. */
function formatMetric(spec: Json, status: Json | undefined): string {
  const source = (m: Json | undefined, key: string): Json | null =>
    m && m[key] !== undefined && m[key] !== null ? rec(m[key]) : null
  switch (spec.type) {
    case 'External':
    case 'Object': {
      const key = spec.type === 'External' ? 'external' : 'object'
      const target = rec(rec(spec[key]).target)
      const current = source(status, key)
      if (target.averageValue != null) {
        const cur =
          current && rec(current.current).averageValue != null ? q(rec(current.current).averageValue) : '<unknown>'
        return `${cur}/${q(target.averageValue)} (avg)`
      }
      const cur = current ? q(rec(current.current).value) : '<unknown>'
      return `${cur}/${q(target.value)}`
    }
    case 'Pods': {
      const current = source(status, 'pods')
      const cur = current ? q(rec(current.current).averageValue) : '<unknown>'
      return `${cur}/${q(rec(rec(spec.pods).target).averageValue)}`
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = spec.type === 'Resource' ? 'resource' : 'containerResource'
      const src = rec(spec[key])
      const target = rec(src.target)
      const current = source(status, key)
      if (target.averageValue != null) {
        const cur = current ? q(rec(current.current).averageValue) : '<unknown>'
        return `${str(src.name)}: ${cur}/${q(target.averageValue)}`
      }
      const util = current ? rec(current.current).averageUtilization : undefined
      const cur = util != null ? percent(util) : '<unknown>'
      const tgt = target.averageUtilization != null ? percent(target.averageUtilization) : '<auto>'
      return `${str(src.name)}: ${cur}/${tgt}`
    }
  }
  return '<unknown type>'
}

/** formatHPAMetrics: at most 2 metrics joined with ", ", then " + N more...". */
export function formatHPAMetrics(hpa: KubeObject): string {
  const specs = arr(rec(hpa.spec).metrics).map(rec)
  if (specs.length === 0) return '<none>'
  const statuses = arr(rec(hpa.status).currentMetrics).map(rec)
  const list = specs.map((s, i) => formatMetric(s, statuses[i]))
  const max = 2
  if (list.length <= max) return list.join(', ')
  return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`
}

/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2): minReplicas 1, CPU at 80%. */
function defaults(hpa: KubeObject): void {
  const spec = ensure(hpa, 'spec')
  setDefault(spec, 'minReplicas', 1)
  if (arr(spec.metrics).length === 0) {
    spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]
  }
}

/** validateHorizontalPodAutoscalerSpec's first checks. */
function validate(hpa: KubeObject): FieldError[] {
  const errs: FieldError[] = []
  const spec = rec(hpa.spec)
  const min = spec.minReplicas
  const max = num(spec.maxReplicas)
  if (typeof min === 'number' && min < 1) {
    errs.push(fieldInvalid('spec.minReplicas', min, 'must be greater than or equal to 1'))
  }
  if (max < 1) errs.push(fieldInvalid('spec.maxReplicas', max, 'must be greater than 0'))
  if (typeof min === 'number' && max < min) {
    errs.push(fieldInvalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'))
  }
  const ref = rec(spec.scaleTargetRef)
  if (str(ref.kind) === '') errs.push(fieldRequired('spec.scaleTargetRef.kind'))
  if (str(ref.name) === '') errs.push(fieldRequired('spec.scaleTargetRef.name'))
  return errs
}

export const horizontalPodAutoscaler: KindDef = defineKind({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  scope: 'Namespaced',
  shortNames: ['hpa'],
  categories: ['all'],
  // The HPA strategy does not set metadata.generation.
  subresources: { status: true },
  columns: [
    column('Reference', DOC.hpaSpecScaleTargetRef, (o) => {
      const ref = rec(rec(o.spec).scaleTargetRef)
      return `${str(ref.kind)}/${str(ref.name)}`
    }),
    column('Targets', DOC.hpaSpecMetrics, formatHPAMetrics),
    column('MinPods', DOC.hpaSpecMinReplicas, (o) => {
      const min = rec(o.spec).minReplicas
      return typeof min === 'number' ? String(min) : '<unset>'
    }),
    column('MaxPods', DOC.hpaSpecMaxReplicas, (o) => num(rec(o.spec).maxReplicas)),
    column('Replicas', DOC.hpaStatusCurrentReplicas, (o) => num(rec(o.status).currentReplicas)),
    ageColumn(),
  ],
  prepareForCreate: defaults,
  prepareForUpdate: defaults,
  validate,
})

export const autoscalingKinds: KindDef[] = [horizontalPodAutoscaler]
