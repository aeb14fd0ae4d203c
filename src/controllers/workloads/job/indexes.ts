// Completion indexes of Indexed Jobs (pkg/controller/job/indexed_job_utils.go): the index
// annotation/label, and the "1,3-5" interval strings of status.completedIndexes.

import { rec, str } from '../../../apis/json.ts'
import type { KubeObject } from '../../../machinery/object.ts'

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index'

/** The pod's completion index, or -1. */
export function completionIndex(pod: KubeObject): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX]
  if (v === undefined || !/^\d+$/.test(v)) return -1
  return Number(v)
}

/** Parses "1,3-5" (ignoring anything at or above `completions`). */
export function parseIndexes(s: unknown, completions: number): Set<number> {
  const out = new Set<number>()
  for (const part of str(s).split(',')) {
    if (!part) continue
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!m) continue
    const a = Number(m[1])
    const b = m[2] === undefined ? a : Number(m[2])
    for (let i = a; i <= b && i < completions; i++) out.add(i)
  }
  return out
}

/** Formats a set of indexes as ordered intervals: "0,2-4". */
export function formatIndexes(set: Set<number>): string {
  const sorted = [...set].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`)
    i = j + 1
  }
  return parts.join(',')
}

/** addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the annotation, in every container. */
export function addIndexEnv(podSpec: Record<string, unknown>): void {
  for (const field of ['initContainers', 'containers']) {
    const list = podSpec[field]
    if (!Array.isArray(list)) continue
    for (const c of list) {
      const container = rec(c)
      const env = Array.isArray(container.env) ? container.env : []
      if (env.some((e) => rec(e).name === 'JOB_COMPLETION_INDEX')) continue
      container.env = [
        ...env,
        {
          name: 'JOB_COMPLETION_INDEX',
          valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } },
        },
      ]
    }
  }
}
