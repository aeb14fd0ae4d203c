// A small evaluator for the JSONPath expressions Kubernetes uses in CRD printer columns and
// scale paths (".spec.replicas", ".status.conditions[?(@.type==\"Ready\")].status",
// ".spec.containers[*].image", ".items[0].name"). Returns every match, in order.

import { isPlainObject } from './object.ts'

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: unknown }

const cache = new Map<string, Step[]>()

export function compileJsonPath(expr: string): Step[] {
  const hit = cache.get(expr)
  if (hit) return hit
  let s = expr.trim()
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1)
  if (s.startsWith('$')) s = s.slice(1)
  const steps: Step[] = []
  let i = 0
  while (i < s.length) {
    const c = s[i]
    if (c === '.') {
      i++
      let j = i
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++
      if (j > i) steps.push({ kind: 'field', name: s.slice(i, j) })
      i = j
    } else if (c === '[') {
      const end = findClose(s, i)
      const inner = s.slice(i + 1, end).trim()
      i = end + 1
      if (inner === '*') steps.push({ kind: 'all' })
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) })
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) })
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1), expr))
      else throw new Error(`unsupported JSONPath segment [${inner}] in ${expr}`)
    } else {
      let j = i
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++
      steps.push({ kind: 'field', name: s.slice(i, j) })
      i = j
    }
  }
  cache.set(expr, steps)
  return steps
}

function findClose(s: string, open: number): number {
  let depth = 0
  let quote = ''
  for (let i = open; i < s.length; i++) {
    const c = s[i]
    if (quote) {
      if (c === quote) quote = ''
    } else if (c === '"' || c === "'") quote = c
    else if (c === '[') depth++
    else if (c === ']' && --depth === 0) return i
  }
  throw new Error(`unclosed [ in JSONPath ${s}`)
}

function parseFilter(body: string, expr: string): Step {
  const m = /^@((?:\.[A-Za-z0-9_-]+)+)\s*(==|!=)\s*(.+)$/.exec(body.trim())
  if (!m) throw new Error(`unsupported JSONPath filter ${body} in ${expr}`)
  let raw = m[3].trim()
  if (raw.startsWith("'") && raw.endsWith("'")) raw = JSON.stringify(raw.slice(1, -1))
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    value = raw
  }
  return { kind: 'filter', path: m[1].split('.').filter(Boolean), op: m[2] as '==' | '!=', value }
}

export function evaluateJsonPath(obj: unknown, expr: string): unknown[] {
  let cur: unknown[] = [obj]
  for (const step of compileJsonPath(expr)) {
    const next: unknown[] = []
    for (const v of cur) {
      if (step.kind === 'field') {
        if (isPlainObject(v) && v[step.name] !== undefined) next.push(v[step.name])
      } else if (step.kind === 'index') {
        if (Array.isArray(v)) {
          const item = v[step.index < 0 ? v.length + step.index : step.index]
          if (item !== undefined) next.push(item)
        }
      } else if (step.kind === 'all') {
        if (Array.isArray(v)) next.push(...v)
        else if (isPlainObject(v)) next.push(...Object.values(v))
      } else if (Array.isArray(v)) {
        for (const item of v) {
          let x: unknown = item
          for (const p of step.path) x = isPlainObject(x) ? x[p] : undefined
          const eq = x === step.value || (typeof x !== 'object' && String(x) === String(step.value))
          if ((step.op === '==') === eq) next.push(item)
        }
      }
    }
    cur = next
  }
  return cur
}
