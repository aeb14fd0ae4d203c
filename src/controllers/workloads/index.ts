// The built-in workload controllers (kube-controller-manager's): ReplicaSet, Deployment,
// StatefulSet, DaemonSet, Job (and TTL after finished), CronJob, Endpoints and EndpointSlices,
// and PersistentVolume provisioning/binding.

import type { ControllerDescriptor } from '../manager.ts'
import { cronJobController } from './cronjob/controller.ts'
import { daemonSetController } from './daemonset/controller.ts'
import { deploymentController } from './deployment/controller.ts'
import { jobController } from './job/controller.ts'
import { ttlAfterFinishedController } from './job/ttl-after-finished.ts'
import { replicaSetController } from './replicaset.ts'
import { endpointsController } from './service/endpoints.ts'
import { endpointSliceController } from './service/endpointslice.ts'
import { statefulSetController } from './statefulset/controller.ts'
import { defaultStorageClass, persistentVolumeController, SIM_PROVISIONER } from './volume/controller.ts'

export {
  cronJobController,
  daemonSetController,
  defaultStorageClass,
  deploymentController,
  endpointSliceController,
  endpointsController,
  jobController,
  persistentVolumeController,
  replicaSetController,
  SIM_PROVISIONER,
  statefulSetController,
  ttlAfterFinishedController,
}

export const workloadControllers: ControllerDescriptor[] = [
  replicaSetController,
  deploymentController,
  statefulSetController,
  daemonSetController,
  jobController,
  ttlAfterFinishedController,
  cronJobController,
  endpointsController,
  endpointSliceController,
  persistentVolumeController,
]
