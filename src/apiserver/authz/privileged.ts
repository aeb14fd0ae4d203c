// The authorization chain kube-apiserver runs: members of system:masters are always allowed
// (so an administrator is never locked out, even before RBAC data is loaded), then RBAC.

import type { Attributes, Authorizer, Decision } from './attributes.ts'

export class AuthorizerChain implements Authorizer {
  private readonly next: Authorizer

  constructor(next: Authorizer) {
    this.next = next
  }

  authorize(a: Attributes): Decision {
    if (a.user.groups.includes('system:masters')) return { allowed: true, reason: 'system:masters' }
    return this.next.authorize(a)
  }
}
