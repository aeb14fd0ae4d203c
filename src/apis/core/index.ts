// The core ("") group, v1, in discovery order (sorted by resource name, as api/v1 lists them).

import type { KindDef } from '../../machinery/kinds.ts'
import { configMap, secret, serviceAccount } from './config.ts'
import { endpoints } from './endpoints.ts'
import { event } from './event.ts'
import { namespace } from './namespace.ts'
import { node } from './node.ts'
import { pod } from './pod.ts'
import { limitRange, resourceQuota } from './quota.ts'
import { service } from './service.ts'
import { persistentVolume, persistentVolumeClaim } from './volume.ts'

export {
  configMap,
  endpoints,
  event,
  limitRange,
  namespace,
  node,
  persistentVolume,
  persistentVolumeClaim,
  pod,
  resourceQuota,
  secret,
  service,
  serviceAccount,
}

export const coreKinds: KindDef[] = [
  configMap,
  endpoints,
  event,
  limitRange,
  namespace,
  node,
  persistentVolumeClaim,
  persistentVolume,
  pod,
  resourceQuota,
  secret,
  serviceAccount,
  service,
]
