// authorization.k8s.io/v1 access reviews and authentication.k8s.io/v1 SelfSubjectReview: the
// create-only kinds behind `kubectl auth can-i` and `kubectl auth whoami`.

import { kind } from './meta.ts'
import { bool, embed, listOf, mapOf, type Schema, str, strList, struct } from './types.ts'

const authz = (name: string, description: string, props: Record<string, Schema>) =>
  struct(`io.k8s.api.authorization.v1.${name}`, description, props)

const ResourceAttributes = authz('ResourceAttributes', 'A request for access to a resource.', {
  namespace: str('Namespace of the action; empty for cluster-scoped resources or all namespaces.'),
  verb: str('Kubernetes verb, such as get, list, create or "*" for all.'),
  group: str('API group of the resource; "*" for all.'),
  version: str('API version of the resource; "*" for all.'),
  resource: str('Resource type, such as pods; "*" for all.'),
  subresource: str('Subresource, such as log or status.'),
  name: str('Name of the resource; empty for all.'),
})

const NonResourceAttributes = authz('NonResourceAttributes', 'A request for access to a URL path.', {
  path: str('URL path of the request.'),
  verb: str('HTTP verb in lower case.'),
})

const SubjectAccessReviewStatus = authz('SubjectAccessReviewStatus', 'The answer to an access review.', {
  allowed: bool('Whether the action is allowed.'),
  denied: bool('Whether the action is explicitly denied.'),
  reason: str('Why the action is allowed or denied.'),
  evaluationError: str('An error that occurred while checking, if any.'),
})

const attributes = {
  resourceAttributes: embed(ResourceAttributes, 'The resource action to check; exclusive with nonResourceAttributes.'),
  nonResourceAttributes: embed(NonResourceAttributes, 'The path action to check; exclusive with resourceAttributes.'),
}

const subject = {
  user: str('User to check for.'),
  groups: strList('Groups to check for.'),
  uid: str('UID of the user.'),
  extra: mapOf({ type: 'array', items: { type: 'string' } }, 'Extra attributes of the user.'),
}

const accessReview = (name: string, description: string, spec: Record<string, Schema>) =>
  kind(
    `io.k8s.api.authorization.v1.${name}`,
    { group: 'authorization.k8s.io', version: 'v1', kind: name },
    description,
    {
      spec: embed(authz(`${name}Spec`, `What ${name} asks about.`, spec), 'What to check.'),
      status: embed(SubjectAccessReviewStatus, 'The answer, filled in by the server.'),
    },
  )

export const SelfSubjectAccessReview = accessReview(
  'SelfSubjectAccessReview',
  'Asks whether the requesting user may perform an action.',
  attributes,
)
export const SubjectAccessReview = accessReview(
  'SubjectAccessReview',
  'Asks whether a given user may perform an action.',
  { ...attributes, ...subject },
)
export const LocalSubjectAccessReview = accessReview(
  'LocalSubjectAccessReview',
  'Asks whether a given user may perform an action in one namespace.',
  { ...attributes, ...subject },
)

const ResourceRule = authz('ResourceRule', 'Actions allowed on resources.', {
  verbs: strList('Allowed verbs.'),
  apiGroups: strList('API groups the rule covers.'),
  resources: strList('Resources the rule covers.'),
  resourceNames: strList('Names the rule is limited to; empty for all.'),
})
const NonResourceRule = authz('NonResourceRule', 'Actions allowed on URL paths.', {
  verbs: strList('Allowed verbs.'),
  nonResourceURLs: strList('Paths the rule covers; a trailing * matches any suffix.'),
})

export const SelfSubjectRulesReview = kind(
  'io.k8s.api.authorization.v1.SelfSubjectRulesReview',
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview' },
  'Lists the actions the requesting user may perform in a namespace.',
  {
    spec: embed(
      authz('SelfSubjectRulesReviewSpec', 'Where to list the rules.', { namespace: str('Namespace to evaluate.') }),
      'Where to list the rules.',
    ),
    status: embed(
      authz('SubjectRulesReviewStatus', 'The rules that apply.', {
        resourceRules: listOf(ResourceRule, 'Allowed resource actions.'),
        nonResourceRules: listOf(NonResourceRule, 'Allowed path actions.'),
        incomplete: bool('True when the list may be missing rules.'),
        evaluationError: str('An error that occurred while listing, if any.'),
      }),
      'The answer, filled in by the server.',
    ),
  },
)

const UserInfo = struct('io.k8s.api.authentication.v1.UserInfo', 'An authenticated user.', {
  username: str('Name of the user.'),
  uid: str('Unique identifier of the user.'),
  groups: strList('Groups the user belongs to.'),
  extra: mapOf({ type: 'array', items: { type: 'string' } }, 'Extra attributes from the authenticator.'),
})

export const SelfSubjectReview = kind(
  'io.k8s.api.authentication.v1.SelfSubjectReview',
  { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview' },
  'Reports who the requesting user is to the server.',
  {
    status: embed(
      struct('io.k8s.api.authentication.v1.SelfSubjectReviewStatus', 'The user, filled in by the server.', {
        userInfo: embed(UserInfo, 'The user the server saw.'),
      }),
      'The answer, filled in by the server.',
    ),
  },
)

export const TokenReview = kind(
  'io.k8s.api.authentication.v1.TokenReview',
  { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenReview' },
  'Asks the server whether a token is valid and whom it authenticates.',
  {
    spec: embed(
      struct('io.k8s.api.authentication.v1.TokenReviewSpec', 'The token to check.', {
        token: str('The opaque bearer token.'),
        audiences: strList('Identifiers the token must be valid for (any one of them); the API audiences when empty.'),
      }),
      'The token to check.',
    ),
    status: embed(
      struct('io.k8s.api.authentication.v1.TokenReviewStatus', 'The answer, filled in by the server.', {
        authenticated: bool('Whether the token is valid.'),
        user: embed(UserInfo, 'The user the token stands for.'),
        audiences: strList('The requested audiences the token is valid for.'),
        error: str('Why the token is not valid.'),
      }),
      'The answer, filled in by the server.',
    ),
  },
)
