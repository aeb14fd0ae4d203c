// Every built-in API type, in the order discovery lists them: the core group, then the named
// groups in kube-apiserver's group order (api/discovery/apis.json: apps, events.k8s.io,
// autoscaling, batch, networking.k8s.io, policy, rbac.authorization.k8s.io, storage.k8s.io,
// apiextensions.k8s.io, coordination.k8s.io), each group's resources sorted by name.

import type { KindDef } from '../machinery/kinds.ts'
import { apiextensionsKinds } from './apiextensions/index.ts'
import { appsKinds } from './apps/index.ts'
import { authenticationKinds } from './authentication/index.ts'
import { authorizationKinds } from './authorization/index.ts'
import { autoscalingKinds } from './autoscaling/index.ts'
import { batchKinds } from './batch/index.ts'
import { coordinationKinds } from './coordination/index.ts'
import { coreKinds } from './core/index.ts'
import { discoveryKinds } from './discovery/index.ts'
import { eventsKinds } from './events/index.ts'
import { networkingKinds } from './networking/index.ts'
import { policyKinds } from './policy/index.ts'
import { rbacKinds } from './rbac/index.ts'
import { storageKinds } from './storage/index.ts'

export const builtinKinds: KindDef[] = [
  ...coreKinds,
  ...appsKinds,
  ...eventsKinds,
  ...authenticationKinds,
  ...authorizationKinds,
  ...autoscalingKinds,
  ...batchKinds,
  ...networkingKinds,
  ...policyKinds,
  ...rbacKinds,
  ...storageKinds,
  ...apiextensionsKinds,
  ...coordinationKinds,
  ...discoveryKinds,
]
