// Answers the access-review kinds (authorization.k8s.io) and SelfSubjectReview
// (authentication.k8s.io) from the authorizer: `kubectl auth can-i` and `kubectl auth whoami`
// work against every Flotilla API server.

import { badRequest } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import { isPlainObject } from '../../machinery/object.ts'
import type { UserInfo } from '../authn.ts'
import type { Attributes, Authorizer } from './attributes.ts'
import type { PolicyRule } from './rules.ts'

/** Answers a create of a virtual (never stored) kind for the requesting user (TokenReview answers asynchronously). */
export type VirtualHandler = (obj: KubeObject, user: UserInfo, namespace: string) => KubeObject | Promise<KubeObject>

interface ResourceAttributes {
  namespace?: string
  verb?: string
  group?: string
  version?: string
  resource?: string
  subresource?: string
  name?: string
}

function attributesOf(spec: Record<string, unknown>, user: UserInfo): Attributes {
  const ra = spec.resourceAttributes as ResourceAttributes | undefined
  const nra = spec.nonResourceAttributes as { path?: string; verb?: string } | undefined
  if (ra && typeof ra === 'object' && !Array.isArray(ra)) {
    return {
      user,
      verb: ra.verb ?? '',
      isResourceRequest: true,
      path: '',
      apiGroup: ra.group ?? '',
      apiVersion: ra.version ?? '',
      resource: ra.resource ?? '',
      subresource: ra.subresource ?? '',
      namespace: ra.namespace ?? '',
      name: ra.name ?? '',
    }
  }
  if (nra && typeof nra === 'object' && !Array.isArray(nra)) {
    return {
      user,
      verb: nra.verb ?? '',
      isResourceRequest: false,
      path: nra.path ?? '',
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
    }
  }
  throw badRequest('spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified')
}

function answer(obj: KubeObject, a: Attributes, authz: Authorizer): KubeObject {
  const d = authz.authorize(a)
  return {
    ...obj,
    metadata: { ...obj.metadata, creationTimestamp: undefined },
    status: { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) },
  }
}

export interface RulesSource {
  rulesForUser(user: UserInfo, namespace: string): PolicyRule[]
}

export function reviewHandlers(authz: Authorizer, rulesSource: RulesSource): Map<string, VirtualHandler> {
  const spec = (o: KubeObject) => (isPlainObject(o.spec) ? o.spec : {}) as Record<string, unknown>
  return new Map<string, VirtualHandler>([
    ['authorization.k8s.io/selfsubjectaccessreviews', (o, user) => answer(o, attributesOf(spec(o), user), authz)],
    [
      'authorization.k8s.io/subjectaccessreviews',
      (o) => {
        const s = spec(o)
        const subject: UserInfo = {
          username: String(s.user ?? ''),
          groups: (s.groups as string[]) ?? [],
          uid: s.uid as string | undefined,
        }
        if (!subject.username && subject.groups.length === 0)
          throw badRequest('spec.user: Invalid value: at least one of user or group must be specified')
        return answer(o, attributesOf(s, subject), authz)
      },
    ],
    [
      'authorization.k8s.io/localsubjectaccessreviews',
      (o, _user, namespace) => {
        const s = spec(o)
        const ra = s.resourceAttributes as ResourceAttributes | undefined
        if (!ra || ra.namespace !== namespace)
          throw badRequest('spec.resourceAttributes.namespace: Invalid value: must match metadata.namespace')
        return answer(
          o,
          attributesOf(s, { username: String(s.user ?? ''), groups: (s.groups as string[]) ?? [] }),
          authz,
        )
      },
    ],
    [
      'authorization.k8s.io/selfsubjectrulesreviews',
      (o, user) => {
        const ns = String(spec(o).namespace ?? '')
        const rules = user.groups.includes('system:masters')
          ? [
              { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
              { verbs: ['*'], nonResourceURLs: ['*'] },
            ]
          : rulesSource.rulesForUser(user, ns)
        return {
          ...o,
          status: {
            resourceRules: rules
              .filter((r) => !r.nonResourceURLs)
              .map((r) => ({
                verbs: r.verbs ?? [],
                apiGroups: r.apiGroups ?? [],
                resources: r.resources ?? [],
                ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
              })),
            nonResourceRules: rules
              .filter((r) => r.nonResourceURLs)
              .map((r) => ({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] })),
            incomplete: false,
          },
        }
      },
    ],
    [
      'authentication.k8s.io/selfsubjectreviews',
      (o, user) => ({
        ...o,
        status: {
          userInfo: {
            username: user.username,
            ...(user.uid ? { uid: user.uid } : {}),
            groups: user.groups,
            ...(user.extra ? { extra: user.extra } : {}),
          },
        },
      }),
    ],
  ])
}
