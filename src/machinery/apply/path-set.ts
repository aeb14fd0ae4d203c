// Sets of field paths, the currency of server-side apply: who owns which fields. The shape
// mirrors managedFields' FieldsV1 JSON: each node maps path elements ("f:spec",
// 'k:{"name":"web"}', 'v:"a"', "i:0") to child nodes, and "." marks that the element itself
// is in the set (not just some of its children).

export class PathSet {
  /** True when the path leading to this node is itself a member. */
  self = false
  readonly children = new Map<string, PathSet>()

  child(element: string): PathSet {
    let c = this.children.get(element)
    if (!c) {
      c = new PathSet()
      this.children.set(element, c)
    }
    return c
  }

  get empty(): boolean {
    if (this.self) return false
    for (const c of this.children.values()) if (!c.empty) return false
    return true
  }

  /** Every member path, as element arrays. */
  *members(prefix: string[] = []): Generator<string[]> {
    for (const [el, node] of this.children) {
      const path = [...prefix, el]
      if (node.self) yield path
      yield* node.members(path)
    }
  }

  has(path: readonly string[]): boolean {
    let node: PathSet | undefined = this
    for (const el of path) {
      node = node.children.get(el)
      if (!node) return false
    }
    return node.self
  }

  add(path: readonly string[]): void {
    let node: PathSet = this
    for (const el of path) node = node.child(el)
    node.self = true
  }

  clone(): PathSet {
    const out = new PathSet()
    out.self = this.self
    for (const [el, c] of this.children) out.children.set(el, c.clone())
    return out
  }

  union(other: PathSet): PathSet {
    const out = this.clone()
    mergeInto(out, other)
    return out
  }

  /** Members of this set that are not members of `other` (structure pruned). */
  difference(other: PathSet): PathSet {
    const out = new PathSet()
    out.self = this.self && !other.self
    for (const [el, c] of this.children) {
      const o = other.children.get(el)
      const d = o ? c.difference(o) : c.clone()
      if (!d.empty) out.children.set(el, d)
    }
    return out
  }

  intersection(other: PathSet): PathSet {
    const out = new PathSet()
    out.self = this.self && other.self
    for (const [el, c] of this.children) {
      const o = other.children.get(el)
      if (!o) continue
      const i = c.intersection(o)
      if (!i.empty) out.children.set(el, i)
    }
    return out
  }

  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    if (this.self && this.children.size > 0) out['.'] = {}
    for (const [el, c] of [...this.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (c.empty) continue
      out[el] = c.toFieldsV1()
    }
    return out
  }

  static fromFieldsV1(v: unknown): PathSet {
    const root = new PathSet()
    fill(root, v)
    return root
  }
}

function mergeInto(into: PathSet, from: PathSet): void {
  if (from.self) into.self = true
  for (const [el, c] of from.children) mergeInto(into.child(el), c)
}

function fill(node: PathSet, v: unknown): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return
  const entries = Object.entries(v as Record<string, unknown>)
  for (const [el, child] of entries) {
    if (el === '.') {
      node.self = true
      continue
    }
    const c = node.child(el)
    const isLeaf = typeof child === 'object' && child !== null && Object.keys(child).length === 0
    if (isLeaf) c.self = true
    else fill(c, child)
  }
}

/** Renders a path as Kubernetes prints it in conflict messages: .spec.containers[name="web"].image */
export function formatPath(path: readonly string[]): string {
  let out = ''
  for (const el of path) {
    const kind = el.slice(0, 2)
    const rest = el.slice(2)
    if (kind === 'f:') out += `.${rest}`
    else if (kind === 'k:') {
      const key = JSON.parse(rest) as Record<string, unknown>
      out += `[${Object.entries(key)
        .map(([k, val]) => `${k}=${JSON.stringify(val)}`)
        .join(',')}]`
    } else if (kind === 'v:') out += `[=${rest}]`
    else if (kind === 'i:') out += `[${rest}]`
  }
  return out
}
