// core/v1 (k8s.io/api/core/v1/types.go). Every patchStrategy / patchMergeKey struct tag of the
// kinds we serve is declared here; the set was cross-checked against the tags compiled into
// kubectl 1.28 and 1.33 and each merge list is exercised by the SMP oracle corpus
// (src/machinery/patch/strategic/cases). Lists of Kubernetes' that carry no patch tag are left
// undeclared or declared atomic: SMP replaces them whole either way.

import { conditionList, kindSchema, LabelSelector, ObjectMeta } from './meta.ts'
import {
  atomicList,
  keyedAtomicList,
  mergeList,
  object,
  QUANTITY_MAP,
  type Schema,
  STRING,
  STRING_MAP,
  setList,
} from './types.ts'

// ---- Containers ----

const ContainerPort: Schema = object({})
const EnvVar: Schema = object({})
const VolumeMount: Schema = object({})
const VolumeDevice: Schema = object({})

export const ResourceRequirements: Schema = object({
  limits: QUANTITY_MAP,
  requests: QUANTITY_MAP,
  // +listType=map +listMapKey=name, but no patch tags: SMP replaces it.
  claims: keyedAtomicList(object({}), ['name']),
})

/** Fields shared by Container and EphemeralContainer (EphemeralContainerCommon). */
const containerFields: Record<string, Schema> = {
  command: atomicList(STRING),
  args: atomicList(STRING),
  // SMP merges by containerPort alone; SSA keys by (containerPort, protocol) — a known SMP limitation.
  ports: mergeList(ContainerPort, 'containerPort', { listMapKeys: ['containerPort', 'protocol'] }),
  envFrom: atomicList(object({})),
  env: mergeList(EnvVar, 'name'),
  resources: ResourceRequirements,
  resizePolicy: atomicList(object({})),
  volumeMounts: mergeList(VolumeMount, 'mountPath'),
  volumeDevices: mergeList(VolumeDevice, 'devicePath'),
  securityContext: object({
    capabilities: object({ add: atomicList(STRING), drop: atomicList(STRING) }),
  }),
}

export const Container: Schema = object(containerFields)
export const EphemeralContainer: Schema = object(containerFields)

// ---- Pods ----

/** PodSpec.volumes is `merge,retainKeys`: a patch switching a volume's source sends $retainKeys. */
const Volume: Schema = object({})

const Toleration: Schema = object({})

const TopologySpreadConstraint: Schema = object({
  labelSelector: LabelSelector,
  matchLabelKeys: atomicList(STRING),
})

export const PodSpec: Schema = object({
  volumes: mergeList(Volume, 'name', { retainKeys: true }),
  initContainers: mergeList(Container, 'name'),
  containers: mergeList(Container, 'name'),
  ephemeralContainers: mergeList(EphemeralContainer, 'name'),
  nodeSelector: STRING_MAP,
  imagePullSecrets: mergeList(object({}), 'name'),
  // Tolerations have no patch strategy in Kubernetes: a patch replaces the whole list.
  tolerations: atomicList(Toleration),
  hostAliases: mergeList(object({ hostnames: atomicList(STRING) }), 'ip'),
  dnsConfig: object({
    nameservers: atomicList(STRING),
    searches: atomicList(STRING),
    options: atomicList(object({})),
  }),
  securityContext: object({
    supplementalGroups: atomicList({ type: 'integer' }),
    sysctls: atomicList(object({})),
  }),
  readinessGates: atomicList(object({})),
  // SMP merges by topologyKey only; SSA keys by (topologyKey, whenUnsatisfiable).
  topologySpreadConstraints: mergeList(TopologySpreadConstraint, 'topologyKey', {
    listMapKeys: ['topologyKey', 'whenUnsatisfiable'],
  }),
  overhead: QUANTITY_MAP,
  schedulingGates: mergeList(object({}), 'name'),
  resourceClaims: mergeList(object({}), 'name', { retainKeys: true }),
  // Pod-level resources (1.32+).
  resources: ResourceRequirements,
})

const ContainerStatus: Schema = object({
  volumeMounts: mergeList(object({}), 'mountPath'),
  allocatedResourcesStatus: mergeList(object({ resources: atomicList(object({})) }), 'name'),
})

export const PodStatus: Schema = object({
  conditions: conditionList(),
  podIPs: mergeList(object({}), 'ip'),
  hostIPs: mergeList(object({}), 'ip', { listType: 'atomic' }),
  // The container status lists carry no patch tags: each status update replaces them whole.
  initContainerStatuses: atomicList(ContainerStatus),
  containerStatuses: atomicList(ContainerStatus),
  ephemeralContainerStatuses: atomicList(ContainerStatus),
  resourceClaimStatuses: mergeList(object({}), 'name', { retainKeys: true }),
})

export const PodTemplateSpec: Schema = object({ metadata: ObjectMeta, spec: PodSpec })

export const Pod: Schema = kindSchema({ spec: PodSpec, status: PodStatus })

export const PodTemplate: Schema = kindSchema({ template: PodTemplateSpec })

export const ReplicationController: Schema = kindSchema({
  spec: object({ selector: STRING_MAP, template: PodTemplateSpec }),
  status: object({ conditions: conditionList() }),
})

// ---- Services, Endpoints ----

export const Service: Schema = kindSchema({
  spec: object({
    // SMP merges ports by port; SSA keys by (port, protocol).
    ports: mergeList(object({}), 'port', { listMapKeys: ['port', 'protocol'] }),
    selector: STRING_MAP,
    clusterIPs: atomicList(STRING),
    externalIPs: atomicList(STRING),
    ipFamilies: atomicList(STRING),
    loadBalancerSourceRanges: atomicList(STRING),
  }),
  status: object({
    loadBalancer: object({ ingress: atomicList(object({})) }),
    conditions: conditionList(),
  }),
})

export const Endpoints: Schema = kindSchema({
  subsets: atomicList(object({ addresses: atomicList(object({})), ports: atomicList(object({})) })),
})

// ---- Config ----

export const ConfigMap: Schema = kindSchema({ data: STRING_MAP, binaryData: STRING_MAP })

export const Secret: Schema = kindSchema({ data: STRING_MAP, stringData: STRING_MAP })

export const ServiceAccount: Schema = kindSchema({
  secrets: mergeList(object({}), 'name'),
  // Unlike PodSpec.imagePullSecrets, ServiceAccount.imagePullSecrets has no patch tags.
  imagePullSecrets: atomicList(object({})),
})

// ---- Cluster ----

export const Node: Schema = kindSchema({
  spec: object({
    podCIDRs: setList(STRING),
    // Taints carry no patch strategy: a patch replaces the list.
    taints: atomicList(object({})),
  }),
  status: object({
    capacity: QUANTITY_MAP,
    allocatable: QUANTITY_MAP,
    conditions: conditionList(),
    addresses: mergeList(object({}), 'type'),
    images: atomicList(object({ names: atomicList(STRING) })),
    volumesInUse: atomicList(STRING),
    volumesAttached: atomicList(object({})),
  }),
})

export const Namespace: Schema = kindSchema({
  spec: object({ finalizers: atomicList(STRING) }),
  status: object({ conditions: conditionList() }),
})

export const Event: Schema = kindSchema({})

export const ResourceQuota: Schema = kindSchema({
  spec: object({ hard: QUANTITY_MAP, scopes: atomicList(STRING) }),
  status: object({ hard: QUANTITY_MAP, used: QUANTITY_MAP }),
})

export const LimitRange: Schema = kindSchema({
  spec: object({ limits: atomicList(object({})) }),
})

// ---- Storage ----

const PersistentVolumeClaimSpec: Schema = object({
  accessModes: atomicList(STRING),
  selector: LabelSelector,
  resources: object({ limits: QUANTITY_MAP, requests: QUANTITY_MAP }),
})

export const PersistentVolumeClaimTemplate: Schema = object({
  metadata: ObjectMeta,
  spec: PersistentVolumeClaimSpec,
})

export const PersistentVolumeClaim: Schema = kindSchema({
  spec: PersistentVolumeClaimSpec,
  status: object({
    accessModes: atomicList(STRING),
    capacity: QUANTITY_MAP,
    conditions: conditionList(),
    allocatedResources: QUANTITY_MAP,
    allocatedResourceStatuses: STRING_MAP,
  }),
})

export const PersistentVolume: Schema = kindSchema({
  spec: object({
    capacity: QUANTITY_MAP,
    accessModes: atomicList(STRING),
    mountOptions: atomicList(STRING),
  }),
})
