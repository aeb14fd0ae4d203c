// authorization.k8s.io/v1: access reviews. They are create-only and never stored: the server
// answers each with the authorizer's decision (kubectl auth can-i, controllers' checks).

import { defineKind, type KindDef } from '../../machinery/kinds.ts'

const review = (kind: string, plural: string, scope: 'Cluster' | 'Namespaced' = 'Cluster'): KindDef =>
  defineKind({
    group: 'authorization.k8s.io',
    version: 'v1',
    kind,
    plural,
    scope,
    verbs: ['create'],
    virtual: true,
  })

export const authorizationKinds: KindDef[] = [
  review('LocalSubjectAccessReview', 'localsubjectaccessreviews', 'Namespaced'),
  review('SelfSubjectAccessReview', 'selfsubjectaccessreviews'),
  review('SelfSubjectRulesReview', 'selfsubjectrulesreviews'),
  review('SubjectAccessReview', 'subjectaccessreviews'),
]
