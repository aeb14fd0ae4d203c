// Parsed label selectors, memoised per selector object (informer objects are immutable
// snapshots, so the parse of one object's selector never changes).

import { rec } from '../../../apis/json.ts'
import type { KubeObject } from '../../../machinery/object.ts'
import { type LabelSelector, nothing, selectorFromLabelSelector } from '../../../machinery/selectors/index.ts'

const cache = new WeakMap<object, LabelSelector>()

/** The selector of spec.selector; an invalid selector selects nothing. */
export function specSelector(obj: KubeObject): LabelSelector {
  const raw = rec(obj.spec).selector
  if (raw === null || typeof raw !== 'object') return nothing()
  let s = cache.get(raw)
  if (!s) {
    try {
      s = selectorFromLabelSelector(raw)
    } catch {
      s = nothing()
    }
    cache.set(raw, s)
  }
  return s
}

/** Like specSelector, but an empty selector (which would select everything) selects nothing. */
export function nonEmptySelector(obj: KubeObject): LabelSelector {
  const s = specSelector(obj)
  return s.empty ? nothing() : s
}
