// TokenReview (authentication.k8s.io/v1, create-only, never stored): other components (webhooks,
// aggregated servers, the hub checking a member's tokens) ask this server whether a bearer token
// is valid and who it stands for. ServiceAccount tokens of this server are checked against the
// requested audiences; any other token goes through the server's token authenticators.

import { IncomingMessage } from 'node:http'
import { Socket } from 'node:net'
import { badRequest } from '../../machinery/errors.ts'
import { isPlainObject, type KubeObject } from '../../machinery/object.ts'
import type { Authenticator, UserInfo } from '../authn.ts'
import type { VirtualHandler } from '../authz/reviews.ts'
import type { ServiceAccountTokens } from './serviceaccount-tokens.ts'

export function tokenReviewHandler(tokens: ServiceAccountTokens, others: Authenticator): VirtualHandler {
  return async (obj: KubeObject) => {
    const spec = isPlainObject(obj.spec) ? obj.spec : {}
    const token = spec.token
    if (typeof token !== 'string' || token === '') {
      throw badRequest('token is required for TokenReview in authentication.k8s.io')
    }
    const requested =
      Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : undefined
    let status: Record<string, unknown>
    if (tokens.isOurs(token)) {
      const v = await tokens.verify(token, requested)
      status = v.ok
        ? { authenticated: true, user: userInfo(v.user), audiences: v.audiences }
        : { authenticated: false, user: {}, error: v.error }
    } else {
      // The other authenticators know no audiences: a token they accept is good for the API.
      const user = await authenticateToken(others, token)
      status = user
        ? { authenticated: true, user: userInfo(user), audiences: requested ?? tokens.apiAudiences }
        : { authenticated: false, user: {}, error: 'invalid bearer token' }
    }
    return { ...obj, metadata: { ...obj.metadata, creationTimestamp: undefined }, status }
  }
}

function userInfo(u: UserInfo): Record<string, unknown> {
  return {
    username: u.username,
    ...(u.uid ? { uid: u.uid } : {}),
    groups: u.groups,
    ...(u.extra && Object.keys(u.extra).length > 0 ? { extra: u.extra } : {}),
  }
}

/**
 * Runs request-shaped authenticators on a bare token: a request with only the Authorization
 * header, on an unconnected plain socket so certificate authenticators find no peer and pass.
 */
async function authenticateToken(auth: Authenticator, token: string): Promise<UserInfo | undefined> {
  const req = new IncomingMessage(new Socket())
  req.headers = { authorization: `Bearer ${token}` }
  try {
    return await auth.authenticate(req)
  } catch {
    return undefined
  } finally {
    req.socket.destroy()
  }
}
