// How a hub identity appears inside a member cluster. Requests the hub proxies run in the member
// as an impersonated user whose name and groups carry the `flotilla:hub:` prefix, so no hub
// identity can ever be taken for one of the member's own: the hub's ServiceAccount
// `system:serviceaccount:default:foo` becomes the plain user
// `flotilla:hub:system:serviceaccount:default:foo` (never the member's SA of that name), and the
// hub's `system:masters` becomes the group `flotilla:hub:system:masters` (never the member's
// superuser group). Only `system:authenticated` is added unprefixed, so the member's discovery
// and self-review roles apply. docs/hub-identities.md is the policy this implements.

import type { UserInfo } from '../../apiserver/authn.ts'
import { forbidden } from '../../machinery/errors.ts'

/** Prefix of every hub user and group name inside members. */
export const HUB_IDENTITY_PREFIX = 'flotilla:hub:'
/** Impersonated extra naming the hub user the request came from, unprefixed. */
export const HUB_USER_EXTRA = 'platform.flotilla.dev/hub-user'

export interface MemberIdentity {
  username: string
  uid?: string
  groups: string[]
  extra: Record<string, string[]>
}

/** The identity a hub user has inside members. */
export function memberIdentity(hubUser: UserInfo): MemberIdentity {
  const groups: string[] = []
  for (const g of hubUser.groups) {
    const mapped = HUB_IDENTITY_PREFIX + g
    if (!groups.includes(mapped)) groups.push(mapped)
  }
  groups.push('system:authenticated')
  return {
    username: HUB_IDENTITY_PREFIX + hubUser.username,
    // The hub's uid is not a member uid, but Kubernetes keeps uids opaque: audit and webhooks
    // see it next to the prefixed name, which is what ties the two together.
    ...(hubUser.uid ? { uid: hubUser.uid } : {}),
    groups,
    extra: { [HUB_USER_EXTRA]: [hubUser.username] },
  }
}

/** Header values must be visible ASCII or spaces: a name that is not cannot be impersonated. */
const HEADER_SAFE = /^[\x20-\x7e]*$/

/**
 * The Impersonate-* request headers for `id`, as a flat [name, value, ...] list (the format of
 * IncomingMessage.rawHeaders). Extra keys are percent-encoded in the header name, as
 * kube-apiserver expects (`/` is not allowed in header names).
 */
export function impersonationHeaders(id: MemberIdentity): string[] {
  const out = ['Impersonate-User', safe(id.username)]
  for (const g of id.groups) out.push('Impersonate-Group', safe(g))
  if (id.uid) out.push('Impersonate-Uid', safe(id.uid))
  for (const [key, values] of Object.entries(id.extra)) {
    const name = `Impersonate-Extra-${encodeURIComponent(key)}`
    for (const v of values) out.push(name, safe(v))
  }
  return out
}

function safe(value: string): string {
  if (!HEADER_SAFE.test(value)) {
    throw forbidden(`the hub identity ${JSON.stringify(value)} cannot be passed to a member cluster`)
  }
  return value
}
