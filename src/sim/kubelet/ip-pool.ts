// Pod IPs of one node, from its pod CIDR: the network address and the gateway (.1) are never
// handed out; released addresses are reused lowest first after the range wraps.

import { type Cidr, intToIp, ipToInt, parseCidr } from '../util/ip.ts'

export class IpPool {
  private readonly cidr: Cidr
  private readonly size: number
  private readonly used = new Set<number>()
  private next = 2

  constructor(cidr: string) {
    this.cidr = parseCidr(cidr)
    this.size = 2 ** (32 - this.cidr.bits)
  }

  /** Marks an address as used (pods found running at start). */
  claim(ip: string): boolean {
    let n: number
    try {
      n = ipToInt(ip) - this.cidr.base
    } catch {
      return false
    }
    if (n < 2 || n >= this.size - 1) return false
    this.used.add(n)
    return true
  }

  allocate(): string | undefined {
    const last = this.size - 1
    for (let i = 0; i < last; i++) {
      const n = this.next
      this.next = this.next + 1 >= last ? 2 : this.next + 1
      if (!this.used.has(n)) {
        this.used.add(n)
        return intToIp(this.cidr.base + n)
      }
    }
    return undefined
  }

  release(ip: string): void {
    try {
      this.used.delete(ipToInt(ip) - this.cidr.base)
    } catch {
      // not ours
    }
  }
}
