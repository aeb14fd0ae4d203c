// IPv4 arithmetic for the simulator's address plans (node IPs, per-node pod CIDRs).

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`invalid IPv4 address "${ip}"`)
  }
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

export interface Cidr {
  base: number
  bits: number
}

export function parseCidr(cidr: string): Cidr {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr.trim())
  if (!m) throw new Error(`invalid IPv4 CIDR "${cidr}"`)
  const bits = Number(m[2])
  if (bits < 0 || bits > 32) throw new Error(`invalid IPv4 CIDR "${cidr}"`)
  const size = 2 ** (32 - bits)
  const base = ipToInt(m[1])
  return { base: base - (base % size), bits }
}

export function formatCidr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.bits}`
}

/** The i-th block of prefix length `bits` inside `range` (throws when it does not fit). */
export function subnet(range: Cidr, bits: number, i: number): Cidr {
  const size = 2 ** (32 - bits)
  const base = range.base + i * size
  if (bits < range.bits || base + size > range.base + 2 ** (32 - range.bits)) {
    throw new Error(`${formatCidr(range)} has no room for subnet ${i} of /${bits}`)
  }
  return { base, bits }
}
