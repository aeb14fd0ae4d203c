// resource.Quantity parsing, enough to compare and add quantities (pod QoS class). Printers
// show quantities exactly as given and never go through this.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 }
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
}
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/

/** The value of a quantity ("100m" → 0.1, "1Gi" → 1073741824), or null when malformed. */
export function parseQuantity(q: unknown): number | null {
  if (typeof q === 'number') return Number.isFinite(q) ? q : null
  if (typeof q !== 'string') return null
  const m = QUANTITY.exec(q.trim())
  if (!m) return null
  const base = Number(m[1])
  if (m[2]) return base * 10 ** Number(m[2].slice(1))
  const suffix = m[3] ?? ''
  return base * (BINARY[suffix] ?? DECIMAL[suffix])
}
