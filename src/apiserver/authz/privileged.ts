// The authorization chain kube-apiserver runs: members of system:masters are always allowed
// (so an administrator is never locked out, even before RBAC data is loaded), then any extra
// authorizers (the first that allows decides), then RBAC.

import type { Attributes, Authorizer, Decision } from './attributes.ts'

export class AuthorizerChain implements Authorizer {
  private readonly next: Authorizer
  private readonly before: Authorizer[]

  constructor(next: Authorizer, before: Authorizer[] = []) {
    this.next = next
    this.before = before
  }

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes('system:masters')) return { allowed: true, reason: 'system:masters' }
    for (const z of this.before) {
      const d = z.authorize(a)
      if (d.allowed) return d
    }
    return this.next.authorize(a)
  }
}
