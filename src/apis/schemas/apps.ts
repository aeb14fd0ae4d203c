// apps/v1 kinds (k8s.io/api/apps/v1): Deployment, ReplicaSet, StatefulSet, DaemonSet,
// ControllerRevision.

import { PersistentVolumeClaim } from './core.ts'
import { PodTemplateSpec } from './core-pod.ts'
import { IntOrString, kind, LabelSelector, RawExtension, Time } from './meta.ts'
import {
  bool,
  embed,
  type GroupVersionKind,
  int32,
  int64,
  listOf,
  mergeList,
  oneOfStr,
  ref,
  type Schema,
  type StructOptions,
  str,
  struct,
} from './types.ts'

const apps = (name: string, description: string, props: Record<string, Schema>, opts?: StructOptions) =>
  struct(`io.k8s.api.apps.v1.${name}`, description, props, opts)
const gvk = (k: string): GroupVersionKind => ({ group: 'apps', version: 'v1', kind: k })
const appsKind = (k: string, description: string, fields: Record<string, Schema>, required?: string[]) =>
  kind(`io.k8s.api.apps.v1.${k}`, gvk(k), description, fields, { required })

/** The condition type of each workload's status (all keyed by type). */
function workloadCondition(name: string, what: string, extra: Record<string, Schema> = {}): Schema {
  return apps(
    name,
    `One aspect of the state of a ${what}.`,
    {
      lastTransitionTime: ref(Time, 'When the condition last changed status.'),
      message: str('Human-readable details about the last transition.'),
      reason: str('CamelCase reason for the last transition.'),
      status: str('Status of the condition: True, False or Unknown.'),
      type: str(`Type of the ${what} condition.`),
      ...extra,
    },
    { required: ['type', 'status'] },
  )
}

const TEMPLATE_DOC = 'Template of the pods to create; its restartPolicy must be Always.'
const SELECTOR_DOC = 'Label query over the pods this controller manages; must match the template labels.'

// ---- Deployment -----------------------------------------------------------------------------------

const RollingUpdateDeployment: Schema = apps('RollingUpdateDeployment', 'Parameters of a rolling update.', {
  maxSurge: ref(
    IntOrString,
    'How many pods (number or percentage, rounded up) may exist above the desired count during the update; defaults to 25%.',
  ),
  maxUnavailable: ref(
    IntOrString,
    'How many pods (number or percentage, rounded down) may be unavailable during the update; defaults to 25%.',
  ),
})

const DeploymentStrategy: Schema = apps('DeploymentStrategy', 'How old pods are replaced by new ones.', {
  rollingUpdate: ref(RollingUpdateDeployment, 'Rolling update parameters; only with type RollingUpdate.'),
  type: oneOfStr(['Recreate', 'RollingUpdate'], 'Recreate (kill all, then create) or RollingUpdate (the default).'),
})

export const Deployment: Schema = appsKind('Deployment', 'Declarative updates of pods through ReplicaSets.', {
  spec: embed(
    apps(
      'DeploymentSpec',
      'The desired state of a deployment.',
      {
        minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
        paused: bool('When true the deployment is paused and its template changes are not rolled out.'),
        progressDeadlineSeconds: int32(
          'Seconds the rollout may go without progress before it is reported as failed; defaults to 600.',
        ),
        replicas: int32('Desired number of pods; defaults to 1.'),
        revisionHistoryLimit: int32('Number of old ReplicaSets kept for rollback; defaults to 10.'),
        selector: ref(LabelSelector, SELECTOR_DOC),
        strategy: embed(DeploymentStrategy, 'How existing pods are replaced by new ones.', {
          'x-kubernetes-patch-strategy': 'retainKeys',
        }),
        template: embed(PodTemplateSpec, TEMPLATE_DOC),
      },
      { required: ['selector', 'template'] },
    ),
    'Desired state of the deployment.',
  ),
  status: embed(
    apps('DeploymentStatus', 'The observed state of a deployment.', {
      availableReplicas: int32('Non-terminating pods that have been ready for at least minReadySeconds.'),
      collisionCount: int32('Hash collisions seen when naming the newest ReplicaSet.'),
      conditions: mergeList(
        workloadCondition('DeploymentCondition', 'deployment', {
          lastUpdateTime: ref(Time, 'When the condition was last updated.'),
        }),
        'type',
        'Current conditions of the deployment.',
      ),
      observedGeneration: int64('Generation most recently observed by the controller.'),
      readyReplicas: int32('Non-terminating pods that are ready.'),
      replicas: int32('Non-terminating pods selected by the deployment.'),
      terminatingReplicas: int32('Pods that are terminating.'),
      unavailableReplicas: int32('Pods still needed for the deployment to be fully available.'),
      updatedReplicas: int32('Non-terminating pods created from the current template.'),
    }),
    'Most recently observed state of the deployment.',
  ),
})

// ---- ReplicaSet ---------------------------------------------------------------------------------

export const ReplicaSet: Schema = appsKind('ReplicaSet', 'Keeps a given number of identical pods running.', {
  spec: embed(
    apps(
      'ReplicaSetSpec',
      'The desired state of a replica set.',
      {
        minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
        replicas: int32('Desired number of pods; defaults to 1.'),
        selector: ref(LabelSelector, SELECTOR_DOC),
        template: embed(PodTemplateSpec, 'Template of the pods created when too few exist.'),
      },
      { required: ['selector'] },
    ),
    'Desired state of the replica set.',
  ),
  status: embed(
    apps(
      'ReplicaSetStatus',
      'The observed state of a replica set.',
      {
        availableReplicas: int32('Non-terminating pods that have been ready for at least minReadySeconds.'),
        conditions: mergeList(
          workloadCondition('ReplicaSetCondition', 'replica set'),
          'type',
          'Current conditions of the replica set.',
        ),
        fullyLabeledReplicas: int32('Non-terminating pods whose labels match the template labels.'),
        observedGeneration: int64('Generation most recently observed by the controller.'),
        readyReplicas: int32('Non-terminating pods that are ready.'),
        replicas: int32('Non-terminating pods currently managed.'),
        terminatingReplicas: int32('Pods that are terminating.'),
      },
      { required: ['replicas'] },
    ),
    'Most recently observed state of the replica set.',
  ),
})

// ---- StatefulSet --------------------------------------------------------------------------------

const RollingUpdateStatefulSetStrategy: Schema = apps(
  'RollingUpdateStatefulSetStrategy',
  'Parameters of a StatefulSet rolling update.',
  {
    maxUnavailable: ref(
      IntOrString,
      'How many pods (number or percentage) may be unavailable during the update; defaults to 1.',
    ),
    partition: int32('Ordinal at or above which pods are updated; lower ordinals keep the old revision.'),
  },
)

const StatefulSetUpdateStrategy: Schema = apps('StatefulSetUpdateStrategy', 'How a StatefulSet updates its pods.', {
  rollingUpdate: ref(RollingUpdateStatefulSetStrategy, 'Rolling update parameters; only with type RollingUpdate.'),
  type: oneOfStr(
    ['OnDelete', 'RollingUpdate'],
    'RollingUpdate (default) or OnDelete (update pods when they are deleted).',
  ),
})

const StatefulSetPersistentVolumeClaimRetentionPolicy: Schema = apps(
  'StatefulSetPersistentVolumeClaimRetentionPolicy',
  'What happens to the claims created from volumeClaimTemplates.',
  {
    whenDeleted: str('Retain (default) or Delete the claims when the StatefulSet is deleted.'),
    whenScaled: str('Retain (default) or Delete the claims of pods removed by a scale-down.'),
  },
)

const StatefulSetOrdinals: Schema = apps('StatefulSetOrdinals', 'How replica ordinals are numbered.', {
  start: int32('Index of the first replica; replicas are numbered from start to start+replicas-1.', { default: 0 }),
})

export const StatefulSet: Schema = appsKind(
  'StatefulSet',
  'Pods with stable identities: a stable network name and stable storage per replica.',
  {
    spec: embed(
      apps(
        'StatefulSetSpec',
        'The desired state of a stateful set.',
        {
          minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
          ordinals: ref(StatefulSetOrdinals, 'Numbering of the replicas; starts at 0 by default.'),
          persistentVolumeClaimRetentionPolicy: ref(
            StatefulSetPersistentVolumeClaimRetentionPolicy,
            'Lifecycle of the claims created from volumeClaimTemplates; kept by default.',
          ),
          podManagementPolicy: oneOfStr(
            ['OrderedReady', 'Parallel'],
            'OrderedReady (default) creates and removes pods one at a time in order; Parallel does all at once.',
          ),
          replicas: int32('Desired number of replicas; defaults to 1.'),
          revisionHistoryLimit: int32('Number of old revisions kept in history; defaults to 10.'),
          selector: ref(LabelSelector, SELECTOR_DOC),
          serviceName: str('Headless service that gives the pods their DNS names.', { default: '' }),
          template: embed(PodTemplateSpec, 'Template of the pods; each pod is named <statefulset>-<ordinal>.'),
          updateStrategy: embed(StatefulSetUpdateStrategy, 'How pods are updated when the template changes.'),
          volumeClaimTemplates: listOf(
            PersistentVolumeClaim,
            'Claims created for each pod; every one needs a matching volumeMount in the template.',
          ),
        },
        { required: ['selector', 'template'] },
      ),
      'Desired identities of the pods.',
    ),
    status: embed(
      apps(
        'StatefulSetStatus',
        'The observed state of a stateful set.',
        {
          availableReplicas: int32('Pods that have been ready for at least minReadySeconds.', { default: 0 }),
          collisionCount: int32('Hash collisions seen when naming the newest ControllerRevision.'),
          conditions: mergeList(
            workloadCondition('StatefulSetCondition', 'stateful set'),
            'type',
            'Current conditions of the stateful set.',
          ),
          currentReplicas: int32('Pods created from the currentRevision.'),
          currentRevision: str('Revision used for the pods with ordinals below currentReplicas.'),
          observedGeneration: int64('Generation most recently observed by the controller.'),
          readyReplicas: int32('Pods that are ready.'),
          replicas: int32('Pods created by the controller.'),
          updateRevision: str('Revision used for the newest pods.'),
          updatedReplicas: int32('Pods created from the updateRevision.'),
        },
        { required: ['replicas'] },
      ),
      'Current state of the pods; may lag behind.',
    ),
  },
)

// ---- DaemonSet ----------------------------------------------------------------------------------

const RollingUpdateDaemonSet: Schema = apps('RollingUpdateDaemonSet', 'Parameters of a DaemonSet rolling update.', {
  maxSurge: ref(
    IntOrString,
    'How many nodes (number or percentage) may run an updated pod next to the old one during the update; defaults to 0.',
  ),
  maxUnavailable: ref(
    IntOrString,
    'How many pods (number or percentage) may be unavailable during the update; defaults to 1.',
  ),
})

const DaemonSetUpdateStrategy: Schema = apps('DaemonSetUpdateStrategy', 'How a DaemonSet updates its pods.', {
  rollingUpdate: ref(RollingUpdateDaemonSet, 'Rolling update parameters; only with type RollingUpdate.'),
  type: oneOfStr(['OnDelete', 'RollingUpdate'], 'RollingUpdate (default) or OnDelete.'),
})

export const DaemonSet: Schema = appsKind('DaemonSet', 'Runs a copy of a pod on every eligible node.', {
  spec: embed(
    apps(
      'DaemonSetSpec',
      'The desired state of a daemon set.',
      {
        minReadySeconds: int32('Seconds a new pod must be ready, without crashing, before it counts as available.'),
        revisionHistoryLimit: int32('Number of old revisions kept for rollback; defaults to 10.'),
        selector: ref(LabelSelector, SELECTOR_DOC),
        template: embed(
          PodTemplateSpec,
          'Template of the pod run on each matching node; restartPolicy must be Always.',
        ),
        updateStrategy: embed(DaemonSetUpdateStrategy, 'How pods are replaced when the template changes.'),
      },
      { required: ['selector', 'template'] },
    ),
    'Desired state of the daemon set.',
  ),
  status: embed(
    apps(
      'DaemonSetStatus',
      'The observed state of a daemon set.',
      {
        collisionCount: int32('Hash collisions seen when naming the newest ControllerRevision.'),
        conditions: mergeList(
          workloadCondition('DaemonSetCondition', 'daemon set'),
          'type',
          'Current conditions of the daemon set.',
        ),
        currentNumberScheduled: int32('Nodes running at least one daemon pod that should run it.'),
        desiredNumberScheduled: int32('Nodes that should run the daemon pod.'),
        numberAvailable: int32('Nodes running an available daemon pod.'),
        numberMisscheduled: int32('Nodes running the daemon pod that should not.'),
        numberReady: int32('Nodes running a ready daemon pod.'),
        numberUnavailable: int32('Nodes that should run the daemon pod but have none available.'),
        observedGeneration: int64('Generation most recently observed by the controller.'),
        updatedNumberScheduled: int32('Nodes running the updated daemon pod.'),
      },
      { required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] },
    ),
    'Most recently observed state of the daemon set.',
  ),
})

// ---- ControllerRevision -------------------------------------------------------------------------

export const ControllerRevision: Schema = appsKind(
  'ControllerRevision',
  'An immutable snapshot of state kept by a controller (StatefulSet, DaemonSet) for history and rollback.',
  {
    data: ref(RawExtension, 'The serialized state.'),
    revision: int64('Revision number of the state.'),
  },
  ['revision'],
)
