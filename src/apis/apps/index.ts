// The apps group, v1, in discovery order.

import type { KindDef } from '../../machinery/kinds.ts'
import { controllerRevision } from './controllerrevision.ts'
import { daemonSet } from './daemonset.ts'
import { deployment } from './deployment.ts'
import { replicaSet } from './replicaset.ts'
import { statefulSet } from './statefulset.ts'

export { controllerRevision, daemonSet, deployment, replicaSet, statefulSet }

export const appsKinds: KindDef[] = [controllerRevision, daemonSet, deployment, replicaSet, statefulSet]
