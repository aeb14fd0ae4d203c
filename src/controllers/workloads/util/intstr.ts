// intstr.GetScaledValueFromIntOrPercent: an int, or "N%" of total rounded up or down.

export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v)
    if (m) {
      const x = (Number(m[1]) * total) / 100
      return roundUp ? Math.ceil(x) : Math.floor(x)
    }
    const n = Number(v)
    if (v !== '' && Number.isInteger(n)) return n
  }
  throw new Error(`invalid value for IntOrString: ${JSON.stringify(v)}`)
}
