// Lets every user see and revoke their own kubeconfig tokens without any RBAC grant on
// accesstokens (which would expose everyone's). Consulted before RBAC; when it does not allow
// a request, RBAC decides (administrators list and revoke all tokens through ordinary roles).
//
//  - list/watch accesstokens: allowed when the field selector pins spec.user.username to the
//    requester (`spec.user.username=<me>`), so the answer can only contain their own tokens;
//  - get/delete accesstokens/<id>: allowed when the index says the token is the requester's.
//
// Nothing else (update, deletecollection, status) is granted here.

import { accessToken } from '../../apis/platform/access-token.ts'
import type { Attributes, Authorizer, Decision } from '../../apiserver/authz/attributes.ts'
import { parseFieldSelector } from '../../machinery/selectors/index.ts'
import type { TokenIndex } from './token-index.ts'

const NO: Decision = { allowed: false, reason: '' }

export class OwnTokensAuthorizer implements Authorizer {
  private readonly index: TokenIndex

  constructor(index: TokenIndex) {
    this.index = index
  }

  authorize(a: Attributes): Decision {
    if (!a.isResourceRequest || a.apiGroup !== accessToken.group || a.resource !== accessToken.plural) return NO
    if (a.subresource || a.namespace || !a.user.username) return NO
    if ((a.verb === 'list' || a.verb === 'watch') && !a.name) {
      return pinsUser(a.fieldSelector, a.user.username) ? { allowed: true, reason: 'listing own access tokens' } : NO
    }
    if ((a.verb === 'get' || a.verb === 'delete') && a.name) {
      const e = this.index.get(a.name)
      return e && e.user.username === a.user.username ? { allowed: true, reason: 'own access token' } : NO
    }
    return NO
  }
}

/** Whether the selector requires spec.user.username to equal username (other terms only narrow it). */
function pinsUser(selector: string | undefined, username: string): boolean {
  if (!selector) return false
  try {
    return parseFieldSelector(selector).requiresExactMatch('spec.user.username') === username
  } catch {
    return false
  }
}
