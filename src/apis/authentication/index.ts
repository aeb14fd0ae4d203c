// authentication.k8s.io/v1: SelfSubjectReview (kubectl auth whoami) and TokenReview (is this
// bearer token valid, and whose is it). Create-only, not stored.

import { defineKind, type KindDef } from '../../machinery/kinds.ts'

export const authenticationKinds: KindDef[] = [
  defineKind({
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'SelfSubjectReview',
    plural: 'selfsubjectreviews',
    scope: 'Cluster',
    verbs: ['create'],
    virtual: true,
  }),
  defineKind({
    group: 'authentication.k8s.io',
    version: 'v1',
    kind: 'TokenReview',
    plural: 'tokenreviews',
    scope: 'Cluster',
    verbs: ['create'],
    virtual: true,
  }),
]
