// core/v1 kinds (k8s.io/api/core/v1): Pod, Service, Node, PersistentVolume(Claim), ... The pod
// types they build on are in core-pod.ts.

import {
  AWSElasticBlockStoreVolumeSource,
  AzureDiskVolumeSource,
  cephfsFields,
  core,
  FCVolumeSource,
  FlockerVolumeSource,
  flexFields,
  GCEPersistentDiskVolumeSource,
  HostPathVolumeSource,
  iscsiFields,
  LocalObjectReference,
  NFSVolumeSource,
  NodeSelector,
  PersistentVolumeClaimSpec,
  PhotonPersistentDiskVolumeSource,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  PortworxVolumeSource,
  PROTOCOLS,
  QuobyteVolumeSource,
  rbdFields,
  scaleIOFields,
  storageOSFields,
  VsphereVirtualDiskVolumeSource,
} from './core-pod.ts'
import { Condition, IntOrString, kind, MicroTime, Quantity, Time } from './meta.ts'
import {
  bool,
  embed,
  type GroupVersionKind,
  int32,
  int64,
  listOf,
  mapOf,
  mergeList,
  oneOfStr,
  ref,
  type Schema,
  str,
  strList,
  strMap,
} from './types.ts'

export { PersistentVolumeClaimTemplate, PodTemplateSpec } from './core-pod.ts'

const gvk = (k: string): GroupVersionKind => ({ group: '', version: 'v1', kind: k })
const coreKind = (k: string, description: string, fields: Record<string, Schema>, required?: string[]) =>
  kind(`io.k8s.api.core.v1.${k}`, gvk(k), description, fields, { required })

export const ObjectReference: Schema = core(
  'ObjectReference',
  'A reference to any object, optionally to a field inside it.',
  {
    apiVersion: str('API version of the referenced object.'),
    fieldPath: str('Path of a field inside the object, such as spec.containers{name}, when a part is meant.'),
    kind: str('Kind of the referenced object.'),
    name: str('Name of the referenced object.'),
    namespace: str('Namespace of the referenced object.'),
    resourceVersion: str('Resource version of the object the reference was made to.'),
    uid: str('UID of the referenced object.'),
  },
  { mapType: 'atomic' },
)

// ---- Pod ----------------------------------------------------------------------------------------

export const Pod: Schema = coreKind('Pod', 'A group of containers that run together on one node.', {
  spec: embed(PodSpec, 'Desired state of the pod.'),
  status: embed(PodStatus, 'Most recently observed state of the pod; written by the system.'),
})

export const PodTemplate: Schema = coreKind('PodTemplate', 'A stored template for creating pods.', {
  template: embed(PodTemplateSpec, 'The template pods are created from.'),
})

const ReplicationControllerCondition: Schema = core(
  'ReplicationControllerCondition',
  'One aspect of the state of a replication controller.',
  {
    lastTransitionTime: ref(Time, 'When the condition last changed status.'),
    message: str('Human-readable details about the last transition.'),
    reason: str('Reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition.'),
  },
  { required: ['type', 'status'] },
)

export const ReplicationController: Schema = coreKind(
  'ReplicationController',
  'Keeps a number of pod replicas running (superseded by ReplicaSet and Deployment).',
  {
    spec: embed(
      core('ReplicationControllerSpec', 'The desired state of a replication controller.', {
        minReadySeconds: int32('Seconds a new pod must be ready before it counts as available; defaults to 0.'),
        replicas: int32('Desired number of pods; defaults to 1.'),
        selector: strMap('Labels of the pods the controller manages; defaults to the template labels.', {
          'x-kubernetes-map-type': 'atomic',
        }),
        template: ref(PodTemplateSpec, 'Template of the pods created when too few exist.'),
      }),
      'Desired state of the replication controller.',
    ),
    status: embed(
      core(
        'ReplicationControllerStatus',
        'The observed state of a replication controller.',
        {
          availableReplicas: int32('Pods that have been ready for at least minReadySeconds.'),
          conditions: mergeList(ReplicationControllerCondition, 'type', 'Current conditions.'),
          fullyLabeledReplicas: int32('Pods whose labels match the template labels.'),
          observedGeneration: int64('Most recent generation observed by the controller.'),
          readyReplicas: int32('Pods that are ready.'),
          replicas: int32('Pods currently managed.'),
        },
        { required: ['replicas'] },
      ),
      'Most recently observed state.',
    ),
  },
)

// ---- Service, Endpoints -------------------------------------------------------------------------

const ServicePort: Schema = core(
  'ServicePort',
  'A port a service exposes and where it forwards traffic.',
  {
    appProtocol: str('Application protocol of the port, an IANA service name or a domain-prefixed name.'),
    name: str('Name of the port, a DNS_LABEL unique within the service; required with more than one port.'),
    nodePort: int32('Port opened on every node for NodePort and LoadBalancer services; allocated when unset.'),
    port: int32('Port the service listens on.'),
    protocol: oneOfStr(PROTOCOLS, 'Protocol of the port: TCP (default), UDP or SCTP.', { default: 'TCP' }),
    targetPort: ref(
      IntOrString,
      'Port number or named container port of the pods that traffic is sent to; defaults to port.',
    ),
  },
  { required: ['port'] },
)

const ClientIPConfig: Schema = core('ClientIPConfig', 'Settings of ClientIP session affinity.', {
  timeoutSeconds: int32('Seconds a client stays stuck to a backend; from 1 to 86400, defaults to 10800.'),
})

const SessionAffinityConfig: Schema = core('SessionAffinityConfig', 'Settings of session affinity.', {
  clientIP: ref(ClientIPConfig, 'Settings of ClientIP affinity.'),
})

const PortStatus: Schema = core(
  'PortStatus',
  'The state of one port of a load balancer.',
  {
    error: str('Error of the port, as a CamelCase reason or a domain-prefixed name; empty when fine.'),
    port: int32('Port number.'),
    protocol: oneOfStr(PROTOCOLS, 'Protocol of the port: TCP, UDP or SCTP.'),
  },
  { required: ['port', 'protocol'] },
)

const LoadBalancerIngress: Schema = core(
  'LoadBalancerIngress',
  'An address at which a load balancer receives traffic.',
  {
    hostname: str('DNS name of the ingress point.'),
    ip: str('IP address of the ingress point.'),
    ipMode: oneOfStr(
      ['Proxy', 'VIP'],
      'How traffic reaches the IP: VIP (delivered to it) or Proxy (load balancer proxies).',
    ),
    ports: listOf(PortStatus, 'State of each service port on this ingress point.'),
  },
)

const LoadBalancerStatus: Schema = core('LoadBalancerStatus', 'The state of a load balancer.', {
  ingress: listOf(LoadBalancerIngress, 'Ingress points of the load balancer.'),
})

export const Service: Schema = coreKind('Service', 'A named set of ports and a policy for reaching a group of pods.', {
  spec: embed(
    core('ServiceSpec', 'The desired state of a service.', {
      allocateLoadBalancerNodePorts: bool(
        'Whether node ports are allocated for a LoadBalancer service; defaults to true.',
      ),
      clusterIP: str('Cluster IP address of the service; allocated when empty, None for a headless service.'),
      clusterIPs: strList('Cluster IP addresses, one per IP family; the first equals clusterIP.'),
      externalIPs: strList('Extra IP addresses on which nodes accept traffic for the service.'),
      externalName: str('DNS name returned as a CNAME record for an ExternalName service.'),
      externalTrafficPolicy: oneOfStr(
        ['Cluster', 'Local'],
        'How externally arriving traffic is routed: Cluster (any endpoint) or Local (endpoints on the node only).',
      ),
      healthCheckNodePort: int32('Node port serving health checks of a Local LoadBalancer service.'),
      internalTrafficPolicy: oneOfStr(
        ['Cluster', 'Local'],
        'How traffic from inside the cluster is routed: Cluster (default) or Local.',
      ),
      ipFamilies: strList('IP families of the service, IPv4 and/or IPv6, in order.'),
      ipFamilyPolicy: oneOfStr(
        ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
        'Dual-stack behaviour: SingleStack (default), PreferDualStack or RequireDualStack.',
      ),
      loadBalancerClass: str('Load balancer implementation to use; empty means the default one.'),
      loadBalancerIP: str('Deprecated: requested load balancer IP.'),
      loadBalancerSourceRanges: strList('Client CIDRs allowed through the load balancer.'),
      ports: listOf(ServicePort, 'Ports the service exposes.', {
        type: 'map',
        keys: ['port', 'protocol'],
        mergeKey: 'port',
      }),
      publishNotReadyAddresses: bool('Publishes the addresses of pods that are not ready.'),
      selector: strMap(
        'Labels of the pods traffic is routed to; without a selector endpoints are managed externally.',
        {
          'x-kubernetes-map-type': 'atomic',
        },
      ),
      sessionAffinity: oneOfStr(['ClientIP', 'None'], 'Session affinity: None (default) or ClientIP.'),
      sessionAffinityConfig: ref(SessionAffinityConfig, 'Settings of the session affinity.'),
      trafficDistribution: str('Preference for how traffic is spread over endpoints, such as PreferClose.'),
      type: oneOfStr(
        ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
        'How the service is exposed: ClusterIP (default), NodePort, LoadBalancer or ExternalName.',
      ),
    }),
    'Desired state of the service.',
  ),
  status: embed(
    core('ServiceStatus', 'The observed state of a service.', {
      conditions: mergeList(Condition, 'type', 'Current conditions of the service.'),
      loadBalancer: embed(LoadBalancerStatus, 'State of the load balancer, if any.'),
    }),
    'Most recently observed state of the service.',
  ),
})

const EndpointAddress: Schema = core(
  'EndpointAddress',
  'One address of an endpoint.',
  {
    hostname: str('Host name of the endpoint.'),
    ip: str('IP address of the endpoint.'),
    nodeName: str('Node hosting the endpoint.'),
    targetRef: ref(ObjectReference, 'Object (usually a pod) providing the endpoint.'),
  },
  { required: ['ip'], mapType: 'atomic' },
)

const EndpointPort: Schema = core(
  'EndpointPort',
  'A port of an endpoint.',
  {
    appProtocol: str('Application protocol of the port.'),
    name: str('Name of the port, matching the service port name.'),
    port: int32('Port number.'),
    protocol: oneOfStr(PROTOCOLS, 'Protocol of the port: TCP (default), UDP or SCTP.'),
  },
  { required: ['port'], mapType: 'atomic' },
)

const EndpointSubset: Schema = core('EndpointSubset', 'A group of addresses sharing the same ports.', {
  addresses: listOf(EndpointAddress, 'Addresses that are ready to receive traffic.'),
  notReadyAddresses: listOf(EndpointAddress, 'Addresses that are not ready yet.'),
  ports: listOf(EndpointPort, 'Ports available on every address of the subset.'),
})

export const Endpoints: Schema = coreKind('Endpoints', 'The network endpoints that implement a service.', {
  subsets: listOf(EndpointSubset, 'Groups of addresses and ports.'),
})

// ---- configuration ------------------------------------------------------------------------------

export const ConfigMap: Schema = coreKind('ConfigMap', 'Non-confidential configuration data as key/value pairs.', {
  binaryData: mapOf(
    { type: 'string', format: 'byte' },
    'Binary values, base64-encoded in JSON; keys must not clash with data.',
  ),
  data: strMap('UTF-8 values; keys must not clash with binaryData.'),
  immutable: bool('When true the data can no longer be changed, only the object deleted.'),
})

export const Secret: Schema = coreKind('Secret', 'Confidential data such as passwords, tokens or keys.', {
  data: mapOf({ type: 'string', format: 'byte' }, 'Secret values, base64-encoded in JSON.'),
  immutable: bool('When true the data can no longer be changed, only the object deleted.'),
  stringData: strMap('Write-only plain-text values merged into data on write; never returned.'),
  type: str('Type of the secret, which determines its expected keys, such as Opaque or kubernetes.io/tls.'),
})

export const ServiceAccount: Schema = coreKind('ServiceAccount', 'An identity for processes that run in pods.', {
  automountServiceAccountToken: bool('Whether pods using this account get a token mounted; pods may override it.'),
  imagePullSecrets: listOf(LocalObjectReference, 'Image pull secrets added to pods that use this account.'),
  secrets: mergeList(ObjectReference, 'name', 'Secrets pods of this account may use (legacy token secrets).'),
})

// ---- Node ---------------------------------------------------------------------------------------

const Taint: Schema = core(
  'Taint',
  'A mark on a node that repels pods which do not tolerate it.',
  {
    effect: oneOfStr(
      ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
      'Effect on pods that do not tolerate the taint: NoSchedule, PreferNoSchedule or NoExecute.',
    ),
    key: str('Taint key.'),
    timeAdded: ref(Time, 'When a NoExecute taint was added.'),
    value: str('Taint value.'),
  },
  { required: ['key', 'effect'] },
)

const ConfigMapNodeConfigSource: Schema = core(
  'ConfigMapNodeConfigSource',
  'A ConfigMap holding node configuration (deprecated dynamic kubelet config).',
  {
    kubeletConfigKey: str('Key of the ConfigMap holding the KubeletConfiguration.'),
    name: str('Name of the ConfigMap.'),
    namespace: str('Namespace of the ConfigMap.'),
    resourceVersion: str('Resource version of the ConfigMap, reported in status.'),
    uid: str('UID of the ConfigMap, reported in status.'),
  },
  { required: ['namespace', 'name', 'kubeletConfigKey'] },
)

const NodeConfigSource: Schema = core('NodeConfigSource', 'Where node configuration comes from (deprecated).', {
  configMap: ref(ConfigMapNodeConfigSource, 'ConfigMap holding the configuration.'),
})

const NodeAddress: Schema = core(
  'NodeAddress',
  'An address of a node.',
  {
    address: str('The address.'),
    type: str('Type of the address: Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.'),
  },
  { required: ['type', 'address'] },
)

const NodeCondition: Schema = core(
  'NodeCondition',
  'One aspect of the state of a node, such as Ready or MemoryPressure.',
  {
    lastHeartbeatTime: ref(Time, 'When the condition was last reported.'),
    lastTransitionTime: ref(Time, 'When the condition last changed status.'),
    message: str('Human-readable details about the last transition.'),
    reason: str('Reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition.'),
  },
  { required: ['type', 'status'] },
)

const DaemonEndpoint: Schema = core(
  'DaemonEndpoint',
  'A port a node daemon listens on.',
  { Port: int32('Port number.') },
  { required: ['Port'] },
)

const NodeDaemonEndpoints: Schema = core('NodeDaemonEndpoints', 'Ports of the daemons running on a node.', {
  kubeletEndpoint: embed(DaemonEndpoint, 'Port the kubelet listens on.'),
})

const NodeSwapStatus: Schema = core('NodeSwapStatus', 'Swap memory of a node.', {
  capacity: int64('Total swap memory in bytes.'),
})

const NodeSystemInfo: Schema = core(
  'NodeSystemInfo',
  'Identifiers and versions reported by a node.',
  {
    architecture: str('CPU architecture.'),
    bootID: str('ID of the current boot.'),
    containerRuntimeVersion: str('Container runtime name and version, as <runtime>://<version>.'),
    kernelVersion: str('Kernel version (uname -r).'),
    kubeProxyVersion: str('Deprecated: version of kube-proxy.'),
    kubeletVersion: str('Version of the kubelet.'),
    machineID: str('Machine ID of the node.'),
    operatingSystem: str('Operating system, such as linux.'),
    osImage: str('Operating system image, from /etc/os-release.'),
    swap: ref(NodeSwapStatus, 'Swap memory of the node.'),
    systemUUID: str('System UUID of the node.'),
  },
  {
    required: [
      'machineID',
      'systemUUID',
      'bootID',
      'kernelVersion',
      'osImage',
      'containerRuntimeVersion',
      'kubeletVersion',
      'kubeProxyVersion',
      'operatingSystem',
      'architecture',
    ],
  },
)

const ContainerImage: Schema = core('ContainerImage', 'An image present on a node.', {
  names: strList('Names of the image, such as registry/name:tag and digests.'),
  sizeBytes: int64('Size of the image in bytes.'),
})

const AttachedVolume: Schema = core(
  'AttachedVolume',
  'A volume attached to a node.',
  {
    devicePath: str('Device path where the volume is available.'),
    name: str('Name of the attached volume.'),
  },
  { required: ['name', 'devicePath'] },
)

const NodeConfigStatus: Schema = core('NodeConfigStatus', 'Status of node configuration (deprecated).', {
  active: ref(NodeConfigSource, 'Configuration the node is using.'),
  assigned: ref(NodeConfigSource, 'Configuration the node will try to use.'),
  error: str('Problem reconciling the configuration.'),
  lastKnownGood: ref(NodeConfigSource, 'Fallback configuration.'),
})

const NodeRuntimeHandlerFeatures: Schema = core('NodeRuntimeHandlerFeatures', 'Features a runtime handler supports.', {
  recursiveReadOnlyMounts: bool('Supports recursive read-only mounts.'),
  userNamespaces: bool('Supports user namespaces, including for volumes.'),
})

const NodeRuntimeHandler: Schema = core('NodeRuntimeHandler', 'A runtime handler of a node.', {
  features: ref(NodeRuntimeHandlerFeatures, 'Features of the handler.'),
  name: str('Name of the handler; empty for the default one.'),
})

const NodeFeatures: Schema = core('NodeFeatures', 'Features a node supports.', {
  supplementalGroupsPolicy: bool('Supports the supplementalGroupsPolicy pod setting.'),
})

export const Node: Schema = coreKind('Node', 'A worker machine of the cluster.', {
  spec: embed(
    core('NodeSpec', 'The desired state of a node.', {
      configSource: ref(NodeConfigSource, 'Deprecated: source of dynamic kubelet configuration.'),
      externalID: str('Deprecated and unused.'),
      podCIDR: str('Pod IP range assigned to the node.'),
      podCIDRs: strList('Pod IP ranges assigned to the node, one per IP family.', { type: 'set', strategy: 'merge' }),
      providerID: str('ID of the node at the cloud provider, as <provider>://<id>.'),
      taints: listOf(Taint, 'Taints of the node.'),
      unschedulable: bool('When true no new pods are scheduled onto the node (cordoned).'),
    }),
    'Desired state of the node.',
  ),
  status: embed(
    core('NodeStatus', 'The observed state of a node.', {
      addresses: mergeList(NodeAddress, 'type', 'Addresses of the node.'),
      allocatable: mapOf(Quantity, 'Resources available to pods; defaults to capacity.'),
      capacity: mapOf(Quantity, 'Total resources of the node.'),
      conditions: mergeList(NodeCondition, 'type', 'Current conditions of the node.'),
      config: ref(NodeConfigStatus, 'Deprecated: status of dynamic kubelet configuration.'),
      daemonEndpoints: embed(NodeDaemonEndpoints, 'Ports of the daemons on the node.'),
      features: ref(NodeFeatures, 'Features the node supports.'),
      images: listOf(ContainerImage, 'Images present on the node.'),
      nodeInfo: embed(NodeSystemInfo, 'Identifiers and versions of the node.'),
      phase: oneOfStr(['Pending', 'Running', 'Terminated'], 'Deprecated: lifecycle phase of the node.'),
      runtimeHandlers: listOf(NodeRuntimeHandler, 'Runtime handlers available on the node.'),
      volumesAttached: listOf(AttachedVolume, 'Volumes attached to the node.'),
      volumesInUse: strList('Attachable volumes in use by the node.'),
    }),
    'Most recently observed state of the node.',
  ),
})

// ---- Namespace ----------------------------------------------------------------------------------

const NamespaceCondition: Schema = core(
  'NamespaceCondition',
  'One aspect of the state of a namespace.',
  {
    lastTransitionTime: ref(Time, 'When the condition last changed status.'),
    message: str('Human-readable details about the last transition.'),
    reason: str('Reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition.'),
  },
  { required: ['type', 'status'] },
)

export const Namespace: Schema = coreKind('Namespace', 'A scope for names and a unit of isolation.', {
  spec: embed(
    core('NamespaceSpec', 'The desired state of a namespace.', {
      finalizers: strList('Finalizers that must finish before the namespace is removed.'),
    }),
    'Desired state of the namespace.',
  ),
  status: embed(
    core('NamespaceStatus', 'The observed state of a namespace.', {
      conditions: mergeList(NamespaceCondition, 'type', 'Current conditions of the namespace.'),
      phase: oneOfStr(['Active', 'Terminating'], 'Lifecycle phase: Active or Terminating.'),
    }),
    'Observed state of the namespace.',
  ),
})

// ---- Event --------------------------------------------------------------------------------------

export const EventSource: Schema = core('EventSource', 'The component that reported an event.', {
  component: str('Component that reported the event.'),
  host: str('Node name on which the event was generated.'),
})

const EventSeries: Schema = core('EventSeries', 'Information about a series of repeated events.', {
  count: int32('Number of occurrences so far.'),
  lastObservedTime: ref(MicroTime, 'When the last occurrence was observed.'),
})

export const Event: Schema = coreKind(
  'Event',
  'A report of something that happened to an object.',
  {
    action: str('What action was taken or failed on the regarding object.'),
    count: int32('How many times the event has occurred.'),
    eventTime: ref(MicroTime, 'When the event was first observed.'),
    firstTimestamp: ref(Time, 'When the event was first recorded.'),
    involvedObject: embed(ObjectReference, 'The object the event is about.'),
    lastTimestamp: ref(Time, 'When the event last occurred.'),
    message: str('Human-readable description of the event.'),
    reason: str('Short CamelCase reason for the event.'),
    related: ref(ObjectReference, 'A second object involved in the event.'),
    reportingComponent: str('Controller that emitted the event, such as kubernetes.io/kubelet.'),
    reportingInstance: str('Instance of the controller that emitted the event.'),
    series: ref(EventSeries, 'Series data when the event is repeated.'),
    source: embed(EventSource, 'Component reporting the event.'),
    type: str('Type of the event: Normal or Warning.'),
  },
  ['metadata', 'involvedObject'],
)

// ---- ResourceQuota, LimitRange ------------------------------------------------------------------

const ScopedResourceSelectorRequirement: Schema = core(
  'ScopedResourceSelectorRequirement',
  'A requirement on a quota scope.',
  {
    operator: oneOfStr(['DoesNotExist', 'Exists', 'In', 'NotIn'], 'How the scope relates to the values.'),
    scopeName: oneOfStr(
      [
        'BestEffort',
        'CrossNamespacePodAffinity',
        'NotBestEffort',
        'NotTerminating',
        'PriorityClass',
        'Terminating',
        'VolumeAttributesClass',
      ],
      'Name of the scope.',
    ),
    values: strList('Values to compare; non-empty for In and NotIn, empty for Exists and DoesNotExist.'),
  },
  { required: ['scopeName', 'operator'] },
)

const ScopeSelector: Schema = core(
  'ScopeSelector',
  'Requirements on quota scopes, all of which must hold.',
  { matchExpressions: listOf(ScopedResourceSelectorRequirement, 'The requirements.') },
  { mapType: 'atomic' },
)

export const ResourceQuota: Schema = coreKind('ResourceQuota', 'Limits on aggregate resource use in a namespace.', {
  spec: embed(
    core('ResourceQuotaSpec', 'The limits a quota enforces.', {
      hard: mapOf(Quantity, 'Hard limit for each named resource.'),
      scopeSelector: ref(ScopeSelector, 'Scope requirements the tracked objects must match.'),
      scopes: strList('Scopes the tracked objects must all match.'),
    }),
    'Desired quota.',
  ),
  status: embed(
    core('ResourceQuotaStatus', 'The enforced limits and current usage.', {
      hard: mapOf(Quantity, 'Enforced hard limits.'),
      used: mapOf(Quantity, 'Current usage of each resource.'),
    }),
    'Actual enforced quota and usage.',
  ),
})

const LimitRangeItem: Schema = core(
  'LimitRangeItem',
  'Resource limits for one kind of object.',
  {
    default: mapOf(Quantity, 'Default limits applied when none are given.'),
    defaultRequest: mapOf(Quantity, 'Default requests applied when none are given.'),
    max: mapOf(Quantity, 'Maximum allowed usage.'),
    maxLimitRequestRatio: mapOf(Quantity, 'Maximum ratio of limit to request.'),
    min: mapOf(Quantity, 'Minimum allowed usage.'),
    type: oneOfStr(['Container', 'PersistentVolumeClaim', 'Pod'], 'Kind of object the limits apply to.'),
  },
  { required: ['type'] },
)

export const LimitRange: Schema = coreKind('LimitRange', 'Per-object resource limits in a namespace.', {
  spec: embed(
    core(
      'LimitRangeSpec',
      'The limits of a LimitRange.',
      { limits: listOf(LimitRangeItem, 'The limits, per kind of object.') },
      { required: ['limits'] },
    ),
    'Limits enforced.',
  ),
})

// ---- PersistentVolume(Claim) --------------------------------------------------------------------

export const SecretReference: Schema = core(
  'SecretReference',
  'Names a Secret in any namespace.',
  {
    name: str('Name of the Secret.'),
    namespace: str('Namespace of the Secret.'),
  },
  { mapType: 'atomic' },
)

const CSIPersistentVolumeSource: Schema = core(
  'CSIPersistentVolumeSource',
  'A persistent volume managed by a CSI driver.',
  {
    controllerExpandSecretRef: ref(SecretReference, 'Secret passed to ControllerExpandVolume calls.'),
    controllerPublishSecretRef: ref(SecretReference, 'Secret passed to ControllerPublishVolume calls.'),
    driver: str('Name of the CSI driver.'),
    fsType: str('Filesystem type to mount, such as ext4.'),
    nodeExpandSecretRef: ref(SecretReference, 'Secret passed to NodeExpandVolume calls.'),
    nodePublishSecretRef: ref(SecretReference, 'Secret passed to NodePublishVolume calls.'),
    nodeStageSecretRef: ref(SecretReference, 'Secret passed to NodeStageVolume calls.'),
    readOnly: bool('Whether the volume is published read-only; defaults to false.'),
    volumeAttributes: strMap('Driver-specific attributes of the volume.'),
    volumeHandle: str('ID the driver uses to identify the volume.'),
  },
  { required: ['driver', 'volumeHandle'] },
)

const LocalVolumeSource: Schema = core(
  'LocalVolumeSource',
  'A local disk, partition or directory of a node.',
  {
    fsType: str('Filesystem type of a block device; detected automatically when unset.'),
    path: str('Full path of the volume on the node.'),
  },
  { required: ['path'] },
)

const VolumeNodeAffinity: Schema = core('VolumeNodeAffinity', 'Nodes from which a volume can be accessed.', {
  required: ref(NodeSelector, 'Nodes the volume is accessible from.'),
})

const PersistentVolumeSpec: Schema = core('PersistentVolumeSpec', 'The characteristics of a persistent volume.', {
  accessModes: strList('Ways the volume can be mounted, such as ReadWriteOnce.'),
  awsElasticBlockStore: ref(AWSElasticBlockStoreVolumeSource, 'Deprecated: an AWS EBS volume.'),
  azureDisk: ref(AzureDiskVolumeSource, 'Deprecated: an Azure data disk.'),
  azureFile: ref(
    core(
      'AzureFilePersistentVolumeSource',
      'An Azure File share.',
      {
        readOnly: bool('Mounts the share read-only; defaults to false.'),
        secretName: str('Secret holding the Azure storage account name and key.'),
        secretNamespace: str('Namespace of the secret; defaults to the pod namespace.'),
        shareName: str('Name of the share.'),
      },
      { required: ['secretName', 'shareName'] },
    ),
    'Deprecated: an Azure File share.',
  ),
  capacity: mapOf(Quantity, 'Capacity of the volume.'),
  cephfs: ref(
    core(
      'CephFSPersistentVolumeSource',
      'A CephFS mount.',
      cephfsFields(ref(SecretReference, 'Secret with the authentication key of the user.')),
      { required: ['monitors'] },
    ),
    'Deprecated: a CephFS mount.',
  ),
  cinder: ref(
    core(
      'CinderPersistentVolumeSource',
      'An OpenStack Cinder volume.',
      {
        fsType: str('Filesystem type to mount; defaults to ext4.'),
        readOnly: bool('Mounts the volume read-only; defaults to false.'),
        secretRef: ref(SecretReference, 'Secret with the OpenStack connection parameters.'),
        volumeID: str('ID of the Cinder volume.'),
      },
      { required: ['volumeID'] },
    ),
    'Deprecated: an OpenStack Cinder volume.',
  ),
  claimRef: ref(ObjectReference, 'The claim the volume is bound to.', { 'x-kubernetes-map-type': 'granular' }),
  csi: ref(CSIPersistentVolumeSource, 'A volume managed by a CSI driver.'),
  fc: ref(FCVolumeSource, 'A Fibre Channel volume.'),
  flexVolume: ref(
    core(
      'FlexPersistentVolumeSource',
      'A volume provided by a FlexVolume driver.',
      flexFields(ref(SecretReference, 'Secret with sensitive data passed to the driver.')),
      { required: ['driver'] },
    ),
    'Deprecated: a volume from a FlexVolume driver.',
  ),
  flocker: ref(FlockerVolumeSource, 'Deprecated: a Flocker dataset.'),
  gcePersistentDisk: ref(GCEPersistentDiskVolumeSource, 'Deprecated: a GCE persistent disk.'),
  glusterfs: ref(
    core(
      'GlusterfsPersistentVolumeSource',
      'A Glusterfs volume.',
      {
        endpoints: str('Name of the Endpoints object describing the Glusterfs cluster.'),
        endpointsNamespace: str('Namespace of the Endpoints object; defaults to the claim namespace.'),
        path: str('Glusterfs volume path.'),
        readOnly: bool('Mounts the volume read-only; defaults to false.'),
      },
      { required: ['endpoints', 'path'] },
    ),
    'Deprecated: a Glusterfs volume.',
  ),
  hostPath: ref(HostPathVolumeSource, 'A directory on the host, for single-node testing only.'),
  iscsi: ref(
    core(
      'ISCSIPersistentVolumeSource',
      'An iSCSI disk.',
      iscsiFields(ref(SecretReference, 'Secret holding the CHAP credentials.')),
      { required: ['targetPortal', 'iqn', 'lun'] },
    ),
    'An iSCSI disk.',
  ),
  local: ref(LocalVolumeSource, 'Local storage of a node.'),
  mountOptions: strList('Mount options used when mounting the volume; not validated.'),
  nfs: ref(NFSVolumeSource, 'An NFS export.'),
  nodeAffinity: ref(VolumeNodeAffinity, 'Nodes the volume can be accessed from.'),
  persistentVolumeReclaimPolicy: oneOfStr(
    ['Delete', 'Recycle', 'Retain'],
    'What happens to the volume when its claim is released: Retain, Delete or (deprecated) Recycle.',
  ),
  photonPersistentDisk: ref(PhotonPersistentDiskVolumeSource, 'Deprecated: a Photon Controller disk.'),
  portworxVolume: ref(PortworxVolumeSource, 'Deprecated: a Portworx volume.'),
  quobyte: ref(QuobyteVolumeSource, 'Deprecated: a Quobyte volume.'),
  rbd: ref(
    core(
      'RBDPersistentVolumeSource',
      'A Ceph RADOS block device.',
      rbdFields(ref(SecretReference, 'Secret with the authentication key; overrides keyring.')),
      { required: ['monitors', 'image'] },
    ),
    'Deprecated: a Ceph RADOS block device.',
  ),
  scaleIO: ref(
    core(
      'ScaleIOPersistentVolumeSource',
      'A ScaleIO volume.',
      scaleIOFields(ref(SecretReference, 'Secret with the ScaleIO user credentials.')),
      { required: ['gateway', 'system', 'secretRef'] },
    ),
    'Deprecated: a ScaleIO volume.',
  ),
  storageClassName: str('Name of the StorageClass the volume belongs to; empty means no class.'),
  storageos: ref(
    core(
      'StorageOSPersistentVolumeSource',
      'A StorageOS volume.',
      storageOSFields(ref(ObjectReference, 'Secret with the StorageOS API credentials.')),
    ),
    'Deprecated: a StorageOS volume.',
  ),
  volumeAttributesClassName: str('VolumeAttributesClass the volume belongs to.'),
  volumeMode: oneOfStr(['Block', 'Filesystem'], 'Block or Filesystem (the default).'),
  vsphereVolume: ref(VsphereVirtualDiskVolumeSource, 'Deprecated: a vSphere virtual disk.'),
})

export const PersistentVolume: Schema = coreKind('PersistentVolume', 'A piece of storage provisioned in the cluster.', {
  spec: embed(PersistentVolumeSpec, 'Characteristics of the volume.'),
  status: embed(
    core('PersistentVolumeStatus', 'The observed state of a persistent volume.', {
      lastPhaseTransitionTime: ref(Time, 'When the volume last changed phase.'),
      message: str('Human-readable reason for the phase.'),
      phase: oneOfStr(
        ['Available', 'Bound', 'Failed', 'Pending', 'Released'],
        'Phase of the volume: Pending, Available, Bound, Released or Failed.',
      ),
      reason: str('Short CamelCase reason for a failure.'),
    }),
    'Observed state of the volume.',
  ),
})

const PersistentVolumeClaimCondition: Schema = core(
  'PersistentVolumeClaimCondition',
  'One aspect of the state of a claim, such as Resizing.',
  {
    lastProbeTime: ref(Time, 'When the condition was last probed.'),
    lastTransitionTime: ref(Time, 'When the condition last changed status.'),
    message: str('Human-readable details about the last transition.'),
    reason: str('Short machine-readable reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition.'),
  },
  { required: ['type', 'status'] },
)

const ModifyVolumeStatus: Schema = core(
  'ModifyVolumeStatus',
  'The progress of a volume attributes change.',
  {
    status: oneOfStr(
      ['InProgress', 'Infeasible', 'Pending'],
      'State of the change: Pending, InProgress or Infeasible.',
    ),
    targetVolumeAttributesClassName: str('VolumeAttributesClass being applied.'),
  },
  { required: ['status'] },
)

export const PersistentVolumeClaim: Schema = coreKind('PersistentVolumeClaim', "A user's request for storage.", {
  spec: embed(PersistentVolumeClaimSpec, 'The storage requested.'),
  status: embed(
    core('PersistentVolumeClaimStatus', 'The observed state of a claim.', {
      accessModes: strList('Access modes of the bound volume.'),
      allocatedResourceStatuses: strMap('State of ongoing resize operations, per resource.', {
        'x-kubernetes-map-type': 'granular',
      }),
      allocatedResources: mapOf(Quantity, 'Resources allocated to the claim, including pending expansions.'),
      capacity: mapOf(Quantity, 'Actual resources of the bound volume.'),
      conditions: mergeList(PersistentVolumeClaimCondition, 'type', 'Current conditions of the claim.'),
      currentVolumeAttributesClassName: str('VolumeAttributesClass currently applied to the volume.'),
      modifyVolumeStatus: ref(ModifyVolumeStatus, 'Progress of a volume attributes change, if any.'),
      phase: oneOfStr(['Bound', 'Lost', 'Pending'], 'Phase of the claim: Pending, Bound or Lost.'),
    }),
    'Observed state of the claim.',
  ),
})
