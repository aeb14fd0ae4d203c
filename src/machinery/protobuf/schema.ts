// The protobuf schemas of the built-in kinds that kubectl's typed clients send, as compact
// tables: one string per message, fields in Go struct order (which is also the order the JSON
// encoding prints them), each written "number jsonName type".
//
// Field numbers, JSON names and Go field shapes follow k8s.io/api and k8s.io/apimachinery
// (generated.proto and the Go types' json/protobuf tags). Types:
//   s string · i32 int32 · i64 int64 · b bool · by bytes (JSON: base64)
//   Time · MicroTime · Duration · Quantity · IntOrString · RawExtension · FieldsV1 · StringList
//     (well-known messages with their own JSON forms; StringList is a message whose field 1
//     holds repeated strings and whose JSON is a plain array, like authentication's ExtraValue)
//   any other name: a message in this table
// Shapes (how a Go field prints when the wire omits it, or carries a zero value):
//   T      a non-pointer value with omitempty: zero scalars are left out; structs always print
//   T!     no omitempty: prints its zero value (or null for a nil slice/map/pointer) when absent
//   T*     a pointer: prints when present, even a zero value; left out when absent
//   T*!    a pointer without omitempty: null when absent
//   []T    repeated · {}T map<string, T> · '-' as the JSON name with ~T: an inlined struct
//     (Go's `json:",inline"`), whose fields print in the parent object

export const SCHEMAS: Record<string, string> = {
  // ---- meta/v1 -----------------------------------------------------------------------------------
  ObjectMeta:
    '1 name s; 2 generateName s; 3 namespace s; 4 selfLink s; 5 uid s; 6 resourceVersion s; 7 generation i64; 8 creationTimestamp Time; 9 deletionTimestamp Time*; 10 deletionGracePeriodSeconds i64*; 11 labels {}s; 12 annotations {}s; 13 ownerReferences []OwnerReference; 14 finalizers []s; 17 managedFields []ManagedFieldsEntry',
  OwnerReference: '5 apiVersion s!; 1 kind s!; 3 name s!; 4 uid s!; 6 controller b*; 7 blockOwnerDeletion b*',
  LabelSelector: '1 matchLabels {}s; 2 matchExpressions []LabelSelectorRequirement',
  LabelSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  FieldSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  ManagedFieldsEntry:
    '1 manager s; 2 operation s; 3 apiVersion s; 4 time Time*; 6 fieldsType s; 7 fieldsV1 FieldsV1*; 8 subresource s',
  DeleteOptions:
    '1 gracePeriodSeconds i64*; 2 preconditions Preconditions*; 3 orphanDependents b*; 4 propagationPolicy s*; 5 dryRun []s; 6 ignoreStoreReadErrorWithClusterBreakingPotential b*',
  Preconditions: '1 uid s*; 2 resourceVersion s*',
  Condition: '1 type s!; 2 status s!; 3 observedGeneration i64; 4 lastTransitionTime Time; 5 reason s!; 6 message s!',
  // ---- core/v1 -----------------------------------------------------------------------------------
  Volume: '1 name s!; 2 - ~VolumeSource',
  VolumeSource:
    '1 hostPath HostPathVolumeSource*; 2 emptyDir EmptyDirVolumeSource*; 3 gcePersistentDisk GCEPersistentDiskVolumeSource*; 4 awsElasticBlockStore AWSElasticBlockStoreVolumeSource*; 5 gitRepo GitRepoVolumeSource*; 6 secret SecretVolumeSource*; 7 nfs NFSVolumeSource*; 8 iscsi ISCSIVolumeSource*; 9 glusterfs GlusterfsVolumeSource*; 10 persistentVolumeClaim PersistentVolumeClaimVolumeSource*; 11 rbd RBDVolumeSource*; 12 flexVolume FlexVolumeSource*; 13 cinder CinderVolumeSource*; 14 cephfs CephFSVolumeSource*; 15 flocker FlockerVolumeSource*; 16 downwardAPI DownwardAPIVolumeSource*; 17 fc FCVolumeSource*; 18 azureFile AzureFileVolumeSource*; 19 configMap ConfigMapVolumeSource*; 20 vsphereVolume VsphereVirtualDiskVolumeSource*; 21 quobyte QuobyteVolumeSource*; 22 azureDisk AzureDiskVolumeSource*; 23 photonPersistentDisk PhotonPersistentDiskVolumeSource*; 26 projected ProjectedVolumeSource*; 24 portworxVolume PortworxVolumeSource*; 25 scaleIO ScaleIOVolumeSource*; 27 storageos StorageOSVolumeSource*; 28 csi CSIVolumeSource*; 29 ephemeral EphemeralVolumeSource*; 30 image ImageVolumeSource*',
  PersistentVolumeClaimVolumeSource: '1 claimName s!; 2 readOnly b',
  PersistentVolumeClaim:
    '1 metadata ObjectMeta; 2 spec PersistentVolumeClaimSpec; 3 status PersistentVolumeClaimStatus',
  PersistentVolumeClaimSpec:
    '1 accessModes []s; 4 selector LabelSelector*; 2 resources VolumeResourceRequirements; 3 volumeName s; 5 storageClassName s*; 6 volumeMode s*; 7 dataSource TypedLocalObjectReference*; 8 dataSourceRef TypedObjectReference*; 9 volumeAttributesClassName s*',
  TypedObjectReference: '1 apiGroup s*!; 2 kind s!; 3 name s!; 4 namespace s*',
  ModifyVolumeStatus: '1 targetVolumeAttributesClassName s; 2 status s!',
  PersistentVolumeClaimCondition:
    '1 type s!; 2 status s!; 3 lastProbeTime Time; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  PersistentVolumeClaimStatus:
    '1 phase s; 2 accessModes []s; 3 capacity {}Quantity; 4 conditions []PersistentVolumeClaimCondition; 5 allocatedResources {}Quantity; 7 allocatedResourceStatuses {}s; 8 currentVolumeAttributesClassName s*; 9 modifyVolumeStatus ModifyVolumeStatus*',
  HostPathVolumeSource: '1 path s!; 2 type s*',
  EmptyDirVolumeSource: '1 medium s; 2 sizeLimit Quantity*',
  GlusterfsVolumeSource: '1 endpoints s!; 2 path s!; 3 readOnly b',
  RBDVolumeSource:
    '1 monitors []s!; 2 image s!; 3 fsType s; 4 pool s; 5 user s; 6 keyring s; 7 secretRef LocalObjectReference*; 8 readOnly b',
  CinderVolumeSource: '1 volumeID s!; 2 fsType s; 3 readOnly b; 4 secretRef LocalObjectReference*',
  CephFSVolumeSource:
    '1 monitors []s!; 2 path s; 3 user s; 4 secretFile s; 5 secretRef LocalObjectReference*; 6 readOnly b',
  SecretReference: '1 name s; 2 namespace s',
  FlockerVolumeSource: '1 datasetName s; 2 datasetUUID s',
  GCEPersistentDiskVolumeSource: '1 pdName s!; 2 fsType s; 3 partition i32; 4 readOnly b',
  QuobyteVolumeSource: '1 registry s!; 2 volume s!; 3 readOnly b; 4 user s; 5 group s; 6 tenant s',
  FlexVolumeSource: '1 driver s!; 2 fsType s; 3 secretRef LocalObjectReference*; 4 readOnly b; 5 options {}s',
  AWSElasticBlockStoreVolumeSource: '1 volumeID s!; 2 fsType s; 3 partition i32; 4 readOnly b',
  GitRepoVolumeSource: '1 repository s!; 2 revision s; 3 directory s',
  SecretVolumeSource: '1 secretName s; 2 items []KeyToPath; 3 defaultMode i32*; 4 optional b*',
  SecretProjection: '1 - ~LocalObjectReference; 2 items []KeyToPath; 4 optional b*',
  NFSVolumeSource: '1 server s!; 2 path s!; 3 readOnly b',
  ISCSIVolumeSource:
    '1 targetPortal s!; 2 iqn s!; 3 lun i32!; 4 iscsiInterface s; 5 fsType s; 6 readOnly b; 7 portals []s; 8 chapAuthDiscovery b; 11 chapAuthSession b; 10 secretRef LocalObjectReference*; 12 initiatorName s*',
  FCVolumeSource: '1 targetWWNs []s; 2 lun i32*; 3 fsType s; 4 readOnly b; 5 wwids []s',
  AzureFileVolumeSource: '1 secretName s!; 2 shareName s!; 3 readOnly b',
  VsphereVirtualDiskVolumeSource: '1 volumePath s!; 2 fsType s; 3 storagePolicyName s; 4 storagePolicyID s',
  PhotonPersistentDiskVolumeSource: '1 pdID s!; 2 fsType s',
  AzureDiskVolumeSource: '1 diskName s!; 2 diskURI s!; 3 cachingMode s*; 4 fsType s*; 5 readOnly b*; 6 kind s*',
  PortworxVolumeSource: '1 volumeID s!; 2 fsType s; 3 readOnly b',
  ScaleIOVolumeSource:
    '1 gateway s!; 2 system s!; 3 secretRef LocalObjectReference*!; 4 sslEnabled b; 5 protectionDomain s; 6 storagePool s; 7 storageMode s; 8 volumeName s; 9 fsType s; 10 readOnly b',
  StorageOSVolumeSource:
    '1 volumeName s; 2 volumeNamespace s; 3 fsType s; 4 readOnly b; 5 secretRef LocalObjectReference*',
  ConfigMapVolumeSource: '1 - ~LocalObjectReference; 2 items []KeyToPath; 3 defaultMode i32*; 4 optional b*',
  ConfigMapProjection: '1 - ~LocalObjectReference; 2 items []KeyToPath; 4 optional b*',
  ServiceAccountTokenProjection: '1 audience s; 2 expirationSeconds i64*; 3 path s!',
  ClusterTrustBundleProjection: '1 name s*; 2 signerName s*; 3 labelSelector LabelSelector*; 5 optional b*; 4 path s!',
  PodCertificateProjection:
    '1 signerName s; 2 keyType s; 3 maxExpirationSeconds i32*; 4 credentialBundlePath s; 5 keyPath s; 6 certificateChainPath s; 7 userAnnotations {}s',
  ProjectedVolumeSource: '1 sources []VolumeProjection!; 2 defaultMode i32*',
  VolumeProjection:
    '1 secret SecretProjection*; 2 downwardAPI DownwardAPIProjection*; 3 configMap ConfigMapProjection*; 4 serviceAccountToken ServiceAccountTokenProjection*; 5 clusterTrustBundle ClusterTrustBundleProjection*; 6 podCertificate PodCertificateProjection*',
  KeyToPath: '1 key s!; 2 path s!; 3 mode i32*',
  CSIVolumeSource:
    '1 driver s!; 2 readOnly b*; 3 fsType s*; 4 volumeAttributes {}s; 5 nodePublishSecretRef LocalObjectReference*',
  EphemeralVolumeSource: '1 volumeClaimTemplate PersistentVolumeClaimTemplate*',
  PersistentVolumeClaimTemplate: '1 metadata ObjectMeta; 2 spec PersistentVolumeClaimSpec',
  ContainerPort: '1 name s; 2 hostPort i32; 3 containerPort i32!; 4 protocol s; 5 hostIP s',
  VolumeMount:
    '1 name s!; 2 readOnly b; 7 recursiveReadOnly s*; 3 mountPath s!; 4 subPath s; 5 mountPropagation s*; 6 subPathExpr s',
  VolumeDevice: '1 name s!; 2 devicePath s!',
  EnvVar: '1 name s!; 2 value s; 3 valueFrom EnvVarSource*',
  EnvVarSource:
    '1 fieldRef ObjectFieldSelector*; 2 resourceFieldRef ResourceFieldSelector*; 3 configMapKeyRef ConfigMapKeySelector*; 4 secretKeyRef SecretKeySelector*; 5 fileKeyRef FileKeySelector*',
  FileKeySelector: '1 volumeName s!; 2 path s!; 3 key s!; 4 optional b*',
  ObjectFieldSelector: '1 apiVersion s; 2 fieldPath s!',
  ResourceFieldSelector: '1 containerName s; 2 resource s!; 3 divisor Quantity',
  ConfigMapKeySelector: '1 - ~LocalObjectReference; 2 key s!; 3 optional b*',
  SecretKeySelector: '1 - ~LocalObjectReference; 2 key s!; 3 optional b*',
  EnvFromSource: '1 prefix s; 2 configMapRef ConfigMapEnvSource*; 3 secretRef SecretEnvSource*',
  ConfigMapEnvSource: '1 - ~LocalObjectReference; 2 optional b*',
  SecretEnvSource: '1 - ~LocalObjectReference; 2 optional b*',
  HTTPHeader: '1 name s!; 2 value s!',
  HTTPGetAction: '1 path s; 2 port IntOrString; 3 host s; 4 scheme s; 5 httpHeaders []HTTPHeader',
  TCPSocketAction: '1 port IntOrString; 2 host s',
  GRPCAction: '1 port i32!; 2 service s*!',
  ExecAction: '1 command []s',
  SleepAction: '1 seconds i64!',
  Probe:
    '1 - ~ProbeHandler; 2 initialDelaySeconds i32; 3 timeoutSeconds i32; 4 periodSeconds i32; 5 successThreshold i32; 6 failureThreshold i32; 7 terminationGracePeriodSeconds i64*',
  ContainerResizePolicy: '1 resourceName s!; 2 restartPolicy s!',
  Capabilities: '1 add []s; 2 drop []s',
  ResourceRequirements: '1 limits {}Quantity; 2 requests {}Quantity; 3 claims []ResourceClaim',
  VolumeResourceRequirements: '1 limits {}Quantity; 2 requests {}Quantity',
  ResourceClaim: '1 name s!; 2 request s',
  Container:
    '1 name s!; 2 image s; 3 command []s; 4 args []s; 5 workingDir s; 6 ports []ContainerPort; 19 envFrom []EnvFromSource; 7 env []EnvVar; 8 resources ResourceRequirements; 23 resizePolicy []ContainerResizePolicy; 24 restartPolicy s*; 25 restartPolicyRules []ContainerRestartRule; 9 volumeMounts []VolumeMount; 21 volumeDevices []VolumeDevice; 10 livenessProbe Probe*; 11 readinessProbe Probe*; 22 startupProbe Probe*; 12 lifecycle Lifecycle*; 13 terminationMessagePath s; 20 terminationMessagePolicy s; 14 imagePullPolicy s; 15 securityContext SecurityContext*; 16 stdin b; 17 stdinOnce b; 18 tty b',
  ProbeHandler: '1 exec ExecAction*; 2 httpGet HTTPGetAction*; 3 tcpSocket TCPSocketAction*; 4 grpc GRPCAction*',
  LifecycleHandler: '1 exec ExecAction*; 2 httpGet HTTPGetAction*; 3 tcpSocket TCPSocketAction*; 4 sleep SleepAction*',
  Lifecycle: '1 postStart LifecycleHandler*; 2 preStop LifecycleHandler*; 3 stopSignal s*',
  ContainerStateWaiting: '1 reason s; 2 message s',
  ContainerStateRunning: '1 startedAt Time',
  ContainerStateTerminated:
    '1 exitCode i32!; 2 signal i32; 3 reason s; 4 message s; 5 startedAt Time; 6 finishedAt Time; 7 containerID s',
  ContainerState:
    '1 waiting ContainerStateWaiting*; 2 running ContainerStateRunning*; 3 terminated ContainerStateTerminated*',
  ContainerStatus:
    '1 name s!; 2 state ContainerState; 3 lastState ContainerState; 4 ready b!; 5 restartCount i32!; 6 image s!; 7 imageID s!; 8 containerID s; 9 started b*; 10 allocatedResources {}Quantity; 11 resources ResourceRequirements*; 12 volumeMounts []VolumeMountStatus; 13 user ContainerUser*; 14 allocatedResourcesStatus []ResourceStatus; 15 stopSignal s*',
  ResourceStatus: '1 name s!; 2 resources []ResourceHealth',
  ResourceHealth: '1 resourceID s!; 2 health s',
  ContainerUser: '1 linux LinuxContainerUser*',
  LinuxContainerUser: '1 uid i64!; 2 gid i64!; 3 supplementalGroups []i64',
  PodCondition:
    '1 type s!; 7 observedGeneration i64; 2 status s!; 3 lastProbeTime Time; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  VolumeMountStatus: '1 name s!; 2 mountPath s!; 3 readOnly b; 4 recursiveReadOnly s*; 5 volumeStatus VolumeStatus',
  VolumeStatus: '1 image ImageVolumeStatus*',
  ImageVolumeStatus: '1 imageRef s',
  ContainerRestartRule: '1 action s; 2 exitCodes ContainerRestartRuleOnExitCodes*',
  ContainerRestartRuleOnExitCodes: '1 operator s; 2 values []i32',
  NodeSelector: '1 nodeSelectorTerms []NodeSelectorTerm!',
  NodeSelectorTerm: '1 matchExpressions []NodeSelectorRequirement; 2 matchFields []NodeSelectorRequirement',
  NodeSelectorRequirement: '1 key s!; 2 operator s!; 3 values []s',
  TopologySelectorTerm: '1 matchLabelExpressions []TopologySelectorLabelRequirement',
  TopologySelectorLabelRequirement: '1 key s!; 2 values []s!',
  Affinity: '1 nodeAffinity NodeAffinity*; 2 podAffinity PodAffinity*; 3 podAntiAffinity PodAntiAffinity*',
  PodAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAntiAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  WeightedPodAffinityTerm: '1 weight i32!; 2 podAffinityTerm PodAffinityTerm',
  PodAffinityTerm:
    '1 labelSelector LabelSelector*; 2 namespaces []s; 3 topologyKey s!; 4 namespaceSelector LabelSelector*; 5 matchLabelKeys []s; 6 mismatchLabelKeys []s',
  NodeAffinity:
    '1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector*; 2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  PreferredSchedulingTerm: '1 weight i32!; 2 preference NodeSelectorTerm',
  Taint: '1 key s!; 2 value s; 3 effect s!; 4 timeAdded Time*',
  Toleration: '1 key s; 2 operator s; 3 value s; 4 effect s; 5 tolerationSeconds i64*',
  PodReadinessGate: '1 conditionType s!',
  PodSpec:
    '1 volumes []Volume; 20 initContainers []Container; 2 containers []Container!; 34 ephemeralContainers []EphemeralContainer; 3 restartPolicy s; 4 terminationGracePeriodSeconds i64*; 5 activeDeadlineSeconds i64*; 6 dnsPolicy s; 7 nodeSelector {}s; 8 serviceAccountName s; 9 serviceAccount s; 21 automountServiceAccountToken b*; 10 nodeName s; 11 hostNetwork b; 12 hostPID b; 13 hostIPC b; 27 shareProcessNamespace b*; 14 securityContext PodSecurityContext*; 15 imagePullSecrets []LocalObjectReference; 16 hostname s; 17 subdomain s; 18 affinity Affinity*; 19 schedulerName s; 22 tolerations []Toleration; 23 hostAliases []HostAlias; 24 priorityClassName s; 25 priority i32*; 26 dnsConfig PodDNSConfig*; 28 readinessGates []PodReadinessGate; 29 runtimeClassName s*; 30 enableServiceLinks b*; 31 preemptionPolicy s*; 32 overhead {}Quantity; 33 topologySpreadConstraints []TopologySpreadConstraint; 35 setHostnameAsFQDN b*; 36 os PodOS*; 37 hostUsers b*; 38 schedulingGates []PodSchedulingGate; 39 resourceClaims []PodResourceClaim; 40 resources ResourceRequirements*; 41 hostnameOverride s*; 42 workloadRef WorkloadReference*',
  PodResourceClaim: '1 name s!; 3 resourceClaimName s*; 4 resourceClaimTemplateName s*',
  PodResourceClaimStatus: '1 name s!; 2 resourceClaimName s*',
  PodExtendedResourceClaimStatus: '1 requestMappings []ContainerExtendedResourceRequest!; 2 resourceClaimName s!',
  ContainerExtendedResourceRequest: '1 containerName s!; 2 resourceName s!; 3 requestName s!',
  PodOS: '1 name s!',
  PodSchedulingGate: '1 name s!',
  WorkloadReference: '1 name s!; 2 podGroup s!; 3 podGroupReplicaKey s',
  TopologySpreadConstraint:
    '1 maxSkew i32!; 2 topologyKey s!; 3 whenUnsatisfiable s!; 4 labelSelector LabelSelector*; 5 minDomains i32*; 6 nodeAffinityPolicy s*; 7 nodeTaintsPolicy s*; 8 matchLabelKeys []s',
  HostAlias: '1 ip s!; 2 hostnames []s',
  PodSecurityContext:
    '1 seLinuxOptions SELinuxOptions*; 8 windowsOptions WindowsSecurityContextOptions*; 2 runAsUser i64*; 6 runAsGroup i64*; 3 runAsNonRoot b*; 4 supplementalGroups []i64; 12 supplementalGroupsPolicy s*; 5 fsGroup i64*; 7 sysctls []Sysctl; 9 fsGroupChangePolicy s*; 10 seccompProfile SeccompProfile*; 11 appArmorProfile AppArmorProfile*; 13 seLinuxChangePolicy s*',
  SeccompProfile: '1 type s!; 2 localhostProfile s*',
  AppArmorProfile: '1 type s!; 2 localhostProfile s*',
  PodDNSConfig: '1 nameservers []s; 2 searches []s; 3 options []PodDNSConfigOption',
  PodDNSConfigOption: '1 name s; 2 value s*',
  PodIP: '1 ip s!',
  HostIP: '1 ip s!',
  EphemeralContainerCommon:
    '1 name s!; 2 image s; 3 command []s; 4 args []s; 5 workingDir s; 6 ports []ContainerPort; 19 envFrom []EnvFromSource; 7 env []EnvVar; 8 resources ResourceRequirements; 23 resizePolicy []ContainerResizePolicy; 24 restartPolicy s*; 25 restartPolicyRules []ContainerRestartRule; 9 volumeMounts []VolumeMount; 21 volumeDevices []VolumeDevice; 10 livenessProbe Probe*; 11 readinessProbe Probe*; 22 startupProbe Probe*; 12 lifecycle Lifecycle*; 13 terminationMessagePath s; 20 terminationMessagePolicy s; 14 imagePullPolicy s; 15 securityContext SecurityContext*; 16 stdin b; 17 stdinOnce b; 18 tty b',
  EphemeralContainer: '1 - ~EphemeralContainerCommon; 2 targetContainerName s',
  PodStatus:
    '17 observedGeneration i64; 1 phase s; 2 conditions []PodCondition; 3 message s; 4 reason s; 11 nominatedNodeName s; 5 hostIP s; 16 hostIPs []HostIP; 6 podIP s; 12 podIPs []PodIP; 7 startTime Time*; 10 initContainerStatuses []ContainerStatus; 8 containerStatuses []ContainerStatus; 9 qosClass s; 13 ephemeralContainerStatuses []ContainerStatus; 14 resize s; 15 resourceClaimStatuses []PodResourceClaimStatus; 18 extendedResourceClaimStatus PodExtendedResourceClaimStatus*; 19 allocatedResources {}Quantity; 20 resources ResourceRequirements*',
  Pod: '1 metadata ObjectMeta; 2 spec PodSpec; 3 status PodStatus',
  PodTemplateSpec: '1 metadata ObjectMeta; 2 spec PodSpec',
  PodTemplate: '1 metadata ObjectMeta; 2 template PodTemplateSpec',
  ReplicationControllerSpec: '1 replicas i32*; 4 minReadySeconds i32; 2 selector {}s; 3 template PodTemplateSpec*',
  ReplicationControllerStatus:
    '1 replicas i32!; 2 fullyLabeledReplicas i32; 4 readyReplicas i32; 5 availableReplicas i32; 3 observedGeneration i64; 6 conditions []ReplicationControllerCondition',
  ReplicationControllerCondition: '1 type s!; 2 status s!; 3 lastTransitionTime Time; 4 reason s; 5 message s',
  ReplicationController:
    '1 metadata ObjectMeta; 2 spec ReplicationControllerSpec; 3 status ReplicationControllerStatus',
  SessionAffinityConfig: '1 clientIP ClientIPConfig*',
  ClientIPConfig: '1 timeoutSeconds i32*',
  ServiceStatus: '1 loadBalancer LoadBalancerStatus; 2 conditions []Condition',
  LoadBalancerStatus: '1 ingress []LoadBalancerIngress',
  LoadBalancerIngress: '1 ip s; 2 hostname s; 3 ipMode s*; 4 ports []PortStatus',
  ServiceSpec:
    '1 ports []ServicePort; 2 selector {}s; 3 clusterIP s; 18 clusterIPs []s; 4 type s; 5 externalIPs []s; 7 sessionAffinity s; 8 loadBalancerIP s; 9 loadBalancerSourceRanges []s; 10 externalName s; 11 externalTrafficPolicy s; 12 healthCheckNodePort i32; 13 publishNotReadyAddresses b; 14 sessionAffinityConfig SessionAffinityConfig*; 19 ipFamilies []s; 17 ipFamilyPolicy s*; 20 allocateLoadBalancerNodePorts b*; 21 loadBalancerClass s*; 22 internalTrafficPolicy s*; 23 trafficDistribution s*',
  ServicePort: '1 name s; 2 protocol s; 6 appProtocol s*; 3 port i32!; 4 targetPort IntOrString; 5 nodePort i32',
  Service: '1 metadata ObjectMeta; 2 spec ServiceSpec; 3 status ServiceStatus',
  ServiceAccount:
    '1 metadata ObjectMeta; 2 secrets []ObjectReference; 3 imagePullSecrets []LocalObjectReference; 4 automountServiceAccountToken b*',
  Endpoints: '1 metadata ObjectMeta; 2 subsets []EndpointSubset',
  EndpointSubset: '1 addresses []EndpointAddress; 2 notReadyAddresses []EndpointAddress; 3 ports []EndpointPort',
  EndpointAddress: '1 ip s!; 3 hostname s; 4 nodeName s*; 2 targetRef ObjectReference*',
  EndpointPort: '1 name s; 2 port i32!; 3 protocol s; 4 appProtocol s*',
  NamespaceSpec: '1 finalizers []s',
  NamespaceStatus: '1 phase s; 2 conditions []NamespaceCondition',
  NamespaceCondition: '1 type s!; 2 status s!; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  Namespace: '1 metadata ObjectMeta; 2 spec NamespaceSpec; 3 status NamespaceStatus',
  Binding: '1 metadata ObjectMeta; 2 target ObjectReference',
  ObjectReference: '1 kind s; 2 namespace s; 3 name s; 4 uid s; 5 apiVersion s; 6 resourceVersion s; 7 fieldPath s',
  LocalObjectReference: '1 name s',
  TypedLocalObjectReference: '1 apiGroup s*!; 2 kind s!; 3 name s!',
  EventSource: '1 component s; 2 host s',
  Event:
    '1 metadata ObjectMeta; 2 involvedObject ObjectReference; 3 reason s; 4 message s; 5 source EventSource; 6 firstTimestamp Time; 7 lastTimestamp Time; 8 count i32; 9 type s; 10 eventTime MicroTime; 11 series EventSeries*; 12 action s; 13 related ObjectReference*; 14 reportingComponent s!; 15 reportingInstance s!',
  EventSeries: '1 count i32; 2 lastObservedTime MicroTime',
  LimitRangeItem:
    '1 type s!; 2 max {}Quantity; 3 min {}Quantity; 4 default {}Quantity; 5 defaultRequest {}Quantity; 6 maxLimitRequestRatio {}Quantity',
  LimitRangeSpec: '1 limits []LimitRangeItem!',
  LimitRange: '1 metadata ObjectMeta; 2 spec LimitRangeSpec',
  ResourceQuotaSpec: '1 hard {}Quantity; 2 scopes []s; 3 scopeSelector ScopeSelector*',
  ScopeSelector: '1 matchExpressions []ScopedResourceSelectorRequirement',
  ScopedResourceSelectorRequirement: '1 scopeName s!; 2 operator s!; 3 values []s',
  ResourceQuotaStatus: '1 hard {}Quantity; 2 used {}Quantity',
  ResourceQuota: '1 metadata ObjectMeta; 2 spec ResourceQuotaSpec; 3 status ResourceQuotaStatus',
  Secret: '1 metadata ObjectMeta; 5 immutable b*; 2 data {}by; 4 stringData {}s; 3 type s',
  ConfigMap: '1 metadata ObjectMeta; 4 immutable b*; 2 data {}s; 3 binaryData {}by',
  DownwardAPIVolumeSource: '1 items []DownwardAPIVolumeFile; 2 defaultMode i32*',
  DownwardAPIVolumeFile:
    '1 path s!; 2 fieldRef ObjectFieldSelector*; 3 resourceFieldRef ResourceFieldSelector*; 4 mode i32*',
  DownwardAPIProjection: '1 items []DownwardAPIVolumeFile',
  SecurityContext:
    '1 capabilities Capabilities*; 2 privileged b*; 3 seLinuxOptions SELinuxOptions*; 10 windowsOptions WindowsSecurityContextOptions*; 4 runAsUser i64*; 8 runAsGroup i64*; 5 runAsNonRoot b*; 6 readOnlyRootFilesystem b*; 7 allowPrivilegeEscalation b*; 9 procMount s*; 11 seccompProfile SeccompProfile*; 12 appArmorProfile AppArmorProfile*',
  SELinuxOptions: '1 user s; 2 role s; 3 type s; 4 level s',
  WindowsSecurityContextOptions:
    '1 gmsaCredentialSpecName s*; 2 gmsaCredentialSpec s*; 3 runAsUserName s*; 4 hostProcess b*',
  Sysctl: '1 name s!; 2 value s!',
  PortStatus: '1 port i32!; 2 protocol s!; 3 error s*',
  ImageVolumeSource: '1 reference s; 2 pullPolicy s',
  // ---- apps/v1 -----------------------------------------------------------------------------------
  StatefulSet: '1 metadata ObjectMeta; 2 spec StatefulSetSpec; 3 status StatefulSetStatus',
  StatefulSetUpdateStrategy: '1 type s; 2 rollingUpdate RollingUpdateStatefulSetStrategy*',
  RollingUpdateStatefulSetStrategy: '1 partition i32*; 2 maxUnavailable IntOrString*',
  StatefulSetPersistentVolumeClaimRetentionPolicy: '1 whenDeleted s; 2 whenScaled s',
  StatefulSetOrdinals: '1 start i32!',
  StatefulSetSpec:
    '1 replicas i32*; 2 selector LabelSelector*!; 3 template PodTemplateSpec; 4 volumeClaimTemplates []PersistentVolumeClaim; 5 serviceName s!; 6 podManagementPolicy s; 7 updateStrategy StatefulSetUpdateStrategy; 8 revisionHistoryLimit i32*; 9 minReadySeconds i32; 10 persistentVolumeClaimRetentionPolicy StatefulSetPersistentVolumeClaimRetentionPolicy*; 11 ordinals StatefulSetOrdinals*',
  StatefulSetStatus:
    '1 observedGeneration i64; 2 replicas i32!; 3 readyReplicas i32; 4 currentReplicas i32; 5 updatedReplicas i32; 6 currentRevision s; 7 updateRevision s; 9 collisionCount i32*; 10 conditions []StatefulSetCondition; 11 availableReplicas i32!',
  StatefulSetCondition: '1 type s!; 2 status s!; 3 lastTransitionTime Time; 4 reason s; 5 message s',
  Deployment: '1 metadata ObjectMeta; 2 spec DeploymentSpec; 3 status DeploymentStatus',
  DeploymentSpec:
    '1 replicas i32*; 2 selector LabelSelector*!; 3 template PodTemplateSpec; 4 strategy DeploymentStrategy; 5 minReadySeconds i32; 6 revisionHistoryLimit i32*; 7 paused b; 9 progressDeadlineSeconds i32*',
  DeploymentStrategy: '1 type s; 2 rollingUpdate RollingUpdateDeployment*',
  RollingUpdateDeployment: '1 maxUnavailable IntOrString*; 2 maxSurge IntOrString*',
  DeploymentStatus:
    '1 observedGeneration i64; 2 replicas i32; 3 updatedReplicas i32; 7 readyReplicas i32; 4 availableReplicas i32; 5 unavailableReplicas i32; 9 terminatingReplicas i32*; 6 conditions []DeploymentCondition; 8 collisionCount i32*',
  DeploymentCondition:
    '1 type s!; 2 status s!; 6 lastUpdateTime Time; 7 lastTransitionTime Time; 4 reason s; 5 message s',
  DaemonSetUpdateStrategy: '1 type s; 2 rollingUpdate RollingUpdateDaemonSet*',
  RollingUpdateDaemonSet: '1 maxUnavailable IntOrString*; 2 maxSurge IntOrString*',
  DaemonSetSpec:
    '1 selector LabelSelector*!; 2 template PodTemplateSpec; 3 updateStrategy DaemonSetUpdateStrategy; 4 minReadySeconds i32; 6 revisionHistoryLimit i32*',
  DaemonSetStatus:
    '1 currentNumberScheduled i32!; 2 numberMisscheduled i32!; 3 desiredNumberScheduled i32!; 4 numberReady i32!; 5 observedGeneration i64; 6 updatedNumberScheduled i32; 7 numberAvailable i32; 8 numberUnavailable i32; 9 collisionCount i32*; 10 conditions []DaemonSetCondition',
  DaemonSetCondition: '1 type s!; 2 status s!; 3 lastTransitionTime Time; 4 reason s; 5 message s',
  DaemonSet: '1 metadata ObjectMeta; 2 spec DaemonSetSpec; 3 status DaemonSetStatus',
  ReplicaSet: '1 metadata ObjectMeta; 2 spec ReplicaSetSpec; 3 status ReplicaSetStatus',
  ReplicaSetSpec: '1 replicas i32*; 4 minReadySeconds i32; 2 selector LabelSelector*!; 3 template PodTemplateSpec',
  ReplicaSetStatus:
    '1 replicas i32!; 2 fullyLabeledReplicas i32; 4 readyReplicas i32; 5 availableReplicas i32; 7 terminatingReplicas i32*; 3 observedGeneration i64; 6 conditions []ReplicaSetCondition',
  ReplicaSetCondition: '1 type s!; 2 status s!; 3 lastTransitionTime Time; 4 reason s; 5 message s',
  ControllerRevision: '1 metadata ObjectMeta; 2 data RawExtension; 3 revision i64!',
  // ---- batch/v1 ----------------------------------------------------------------------------------
  Job: '1 metadata ObjectMeta; 2 spec JobSpec; 3 status JobStatus',
  PodFailurePolicyOnExitCodesRequirement: '1 containerName s*!; 2 operator s!; 3 values []i32!',
  PodFailurePolicyOnPodConditionsPattern: '1 type s!; 2 status s!',
  PodFailurePolicyRule:
    '1 action s!; 2 onExitCodes PodFailurePolicyOnExitCodesRequirement*!; 3 onPodConditions []PodFailurePolicyOnPodConditionsPattern!',
  PodFailurePolicy: '1 rules []PodFailurePolicyRule!',
  SuccessPolicy: '1 rules []SuccessPolicyRule!',
  SuccessPolicyRule: '1 succeededIndexes s*; 2 succeededCount i32*',
  JobSpec:
    '1 parallelism i32*; 2 completions i32*; 3 activeDeadlineSeconds i64*; 11 podFailurePolicy PodFailurePolicy*; 16 successPolicy SuccessPolicy*; 7 backoffLimit i32*; 12 backoffLimitPerIndex i32*; 13 maxFailedIndexes i32*; 4 selector LabelSelector*; 5 manualSelector b*; 6 template PodTemplateSpec; 8 ttlSecondsAfterFinished i32*; 9 completionMode s*; 10 suspend b*; 14 podReplacementPolicy s*; 15 managedBy s*',
  JobStatus:
    '1 conditions []JobCondition; 2 startTime Time*; 3 completionTime Time*; 4 active i32; 5 succeeded i32; 6 failed i32; 11 terminating i32*; 7 completedIndexes s; 10 failedIndexes s*; 8 uncountedTerminatedPods UncountedTerminatedPods*; 9 ready i32*',
  UncountedTerminatedPods: '1 succeeded []s; 2 failed []s',
  JobCondition: '1 type s!; 2 status s!; 3 lastProbeTime Time; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  JobTemplateSpec: '1 metadata ObjectMeta; 2 spec JobSpec',
  CronJob: '1 metadata ObjectMeta; 2 spec CronJobSpec; 3 status CronJobStatus',
  CronJobSpec:
    '1 schedule s!; 8 timeZone s*; 2 startingDeadlineSeconds i64*; 3 concurrencyPolicy s; 4 suspend b*; 5 jobTemplate JobTemplateSpec; 6 successfulJobsHistoryLimit i32*; 7 failedJobsHistoryLimit i32*',
  CronJobStatus: '1 active []ObjectReference; 4 lastScheduleTime Time*; 5 lastSuccessfulTime Time*',
  // ---- networking.k8s.io/v1 ----------------------------------------------------------------------
  NetworkPolicy: '1 metadata ObjectMeta; 2 spec NetworkPolicySpec',
  NetworkPolicySpec:
    '1 podSelector LabelSelector; 2 ingress []NetworkPolicyIngressRule; 3 egress []NetworkPolicyEgressRule; 4 policyTypes []s',
  NetworkPolicyIngressRule: '1 ports []NetworkPolicyPort; 2 from []NetworkPolicyPeer',
  NetworkPolicyEgressRule: '1 ports []NetworkPolicyPort; 2 to []NetworkPolicyPeer',
  NetworkPolicyPort: '1 protocol s*; 2 port IntOrString*; 3 endPort i32*',
  IPBlock: '1 cidr s!; 2 except []s',
  NetworkPolicyPeer: '1 podSelector LabelSelector*; 2 namespaceSelector LabelSelector*; 3 ipBlock IPBlock*',
  Ingress: '1 metadata ObjectMeta; 2 spec IngressSpec; 3 status IngressStatus',
  IngressSpec: '4 ingressClassName s*; 1 defaultBackend IngressBackend*; 2 tls []IngressTLS; 3 rules []IngressRule',
  IngressTLS: '1 hosts []s; 2 secretName s',
  IngressStatus: '1 loadBalancer IngressLoadBalancerStatus',
  IngressLoadBalancerStatus: '1 ingress []IngressLoadBalancerIngress',
  IngressLoadBalancerIngress: '1 ip s; 2 hostname s; 4 ports []IngressPortStatus',
  IngressPortStatus: '1 port i32!; 2 protocol s!; 3 error s*',
  IngressRule: '1 host s; 2 - ~IngressRuleValue',
  IngressRuleValue: '1 http HTTPIngressRuleValue*',
  HTTPIngressRuleValue: '1 paths []HTTPIngressPath!',
  HTTPIngressPath: '1 path s; 3 pathType s*!; 2 backend IngressBackend',
  IngressBackend: '4 service IngressServiceBackend*; 3 resource TypedLocalObjectReference*',
  IngressServiceBackend: '1 name s!; 2 port ServiceBackendPort',
  ServiceBackendPort: '1 name s; 2 number i32',
  IngressClass: '1 metadata ObjectMeta; 2 spec IngressClassSpec',
  IngressClassSpec: '1 controller s; 2 parameters IngressClassParametersReference*',
  IngressClassParametersReference: '1 apiGroup s*; 2 kind s!; 3 name s!; 4 scope s*!; 5 namespace s*',
  // ---- rbac.authorization.k8s.io/v1 --------------------------------------------------------------
  PolicyRule: '1 verbs []s!; 2 apiGroups []s; 3 resources []s; 4 resourceNames []s; 5 nonResourceURLs []s',
  Subject: '1 kind s!; 2 apiGroup s; 3 name s!; 4 namespace s',
  RoleRef: '1 apiGroup s!; 2 kind s!; 3 name s!',
  Role: '1 metadata ObjectMeta; 2 rules []PolicyRule!',
  RoleBinding: '1 metadata ObjectMeta; 2 subjects []Subject; 3 roleRef RoleRef',
  ClusterRole: '1 metadata ObjectMeta; 2 rules []PolicyRule!; 3 aggregationRule AggregationRule*',
  AggregationRule: '1 clusterRoleSelectors []LabelSelector',
  ClusterRoleBinding: '1 metadata ObjectMeta; 2 subjects []Subject; 3 roleRef RoleRef',
  // ---- policy/v1 ---------------------------------------------------------------------------------
  PodDisruptionBudgetSpec:
    '1 minAvailable IntOrString*; 2 selector LabelSelector*; 3 maxUnavailable IntOrString*; 4 unhealthyPodEvictionPolicy s*',
  PodDisruptionBudgetStatus:
    '1 observedGeneration i64; 2 disruptedPods {}Time; 3 disruptionsAllowed i32!; 4 currentHealthy i32!; 5 desiredHealthy i32!; 6 expectedPods i32!; 7 conditions []Condition',
  PodDisruptionBudget: '1 metadata ObjectMeta; 2 spec PodDisruptionBudgetSpec; 3 status PodDisruptionBudgetStatus',
  Eviction: '1 metadata ObjectMeta; 2 deleteOptions DeleteOptions*',
  // ---- scheduling.k8s.io/v1 ----------------------------------------------------------------------
  PriorityClass: '1 metadata ObjectMeta; 2 value i32!; 3 globalDefault b; 4 description s; 5 preemptionPolicy s*',
  // ---- authentication.k8s.io/v1 ------------------------------------------------------------------
  TokenReview: '1 metadata ObjectMeta; 2 spec TokenReviewSpec; 3 status TokenReviewStatus',
  TokenReviewSpec: '1 token s; 2 audiences []s',
  TokenReviewStatus: '1 authenticated b; 2 user UserInfo; 4 audiences []s; 3 error s',
  UserInfo: '1 username s; 2 uid s; 3 groups []s; 4 extra {}StringList',
  TokenRequest: '1 metadata ObjectMeta; 2 spec TokenRequestSpec; 3 status TokenRequestStatus',
  TokenRequestSpec: '1 audiences []s!; 4 expirationSeconds i64*!; 3 boundObjectRef BoundObjectReference*!',
  TokenRequestStatus: '1 token s!; 2 expirationTimestamp Time',
  BoundObjectReference: '1 kind s; 2 apiVersion s; 3 name s; 4 uid s',
  SelfSubjectReview: '1 metadata ObjectMeta; 2 status SelfSubjectReviewStatus',
  SelfSubjectReviewStatus: '1 userInfo UserInfo',
  // ---- authorization.k8s.io/v1 -------------------------------------------------------------------
  SubjectAccessReview: '1 metadata ObjectMeta; 2 spec SubjectAccessReviewSpec; 3 status SubjectAccessReviewStatus',
  SelfSubjectAccessReview:
    '1 metadata ObjectMeta; 2 spec SelfSubjectAccessReviewSpec; 3 status SubjectAccessReviewStatus',
  LocalSubjectAccessReview: '1 metadata ObjectMeta; 2 spec SubjectAccessReviewSpec; 3 status SubjectAccessReviewStatus',
  ResourceAttributes:
    '1 namespace s; 2 verb s; 3 group s; 4 version s; 5 resource s; 6 subresource s; 7 name s; 8 fieldSelector FieldSelectorAttributes*; 9 labelSelector LabelSelectorAttributes*',
  LabelSelectorAttributes: '1 rawSelector s; 2 requirements []LabelSelectorRequirement',
  FieldSelectorAttributes: '1 rawSelector s; 2 requirements []FieldSelectorRequirement',
  NonResourceAttributes: '1 path s; 2 verb s',
  SubjectAccessReviewSpec:
    '1 resourceAttributes ResourceAttributes*; 2 nonResourceAttributes NonResourceAttributes*; 3 user s; 4 groups []s; 5 extra {}StringList; 6 uid s',
  SelfSubjectAccessReviewSpec:
    '1 resourceAttributes ResourceAttributes*; 2 nonResourceAttributes NonResourceAttributes*',
  SubjectAccessReviewStatus: '1 allowed b!; 4 denied b; 2 reason s; 3 evaluationError s',
  SelfSubjectRulesReview: '1 metadata ObjectMeta; 2 spec SelfSubjectRulesReviewSpec; 3 status SubjectRulesReviewStatus',
  SelfSubjectRulesReviewSpec: '1 namespace s',
  SubjectRulesReviewStatus:
    '1 resourceRules []ResourceRule!; 2 nonResourceRules []NonResourceRule!; 3 incomplete b!; 4 evaluationError s',
  ResourceRule: '1 verbs []s!; 2 apiGroups []s; 3 resources []s; 4 resourceNames []s',
  NonResourceRule: '1 verbs []s!; 2 nonResourceURLs []s',
  // ---- autoscaling/v2 ----------------------------------------------------------------------------
  HorizontalPodAutoscaler:
    '1 metadata ObjectMeta; 2 spec HorizontalPodAutoscalerSpec; 3 status HorizontalPodAutoscalerStatus',
  HorizontalPodAutoscalerSpec:
    '1 scaleTargetRef CrossVersionObjectReference; 2 minReplicas i32*; 3 maxReplicas i32!; 4 metrics []MetricSpec; 5 behavior HorizontalPodAutoscalerBehavior*',
  CrossVersionObjectReference: '1 kind s!; 2 name s!; 3 apiVersion s',
  MetricSpec:
    '1 type s!; 2 object ObjectMetricSource*; 3 pods PodsMetricSource*; 4 resource ResourceMetricSource*; 7 containerResource ContainerResourceMetricSource*; 5 external ExternalMetricSource*',
  HorizontalPodAutoscalerBehavior: '1 scaleUp HPAScalingRules*; 2 scaleDown HPAScalingRules*',
  HPAScalingRules:
    '3 stabilizationWindowSeconds i32*; 1 selectPolicy s*; 2 policies []HPAScalingPolicy; 4 tolerance Quantity*',
  HPAScalingPolicy: '1 type s!; 2 value i32!; 3 periodSeconds i32!',
  ObjectMetricSource: '1 describedObject CrossVersionObjectReference; 2 target MetricTarget; 3 metric MetricIdentifier',
  PodsMetricSource: '1 metric MetricIdentifier; 2 target MetricTarget',
  ResourceMetricSource: '1 name s!; 2 target MetricTarget',
  ContainerResourceMetricSource: '1 name s!; 2 target MetricTarget; 3 container s!',
  ExternalMetricSource: '1 metric MetricIdentifier; 2 target MetricTarget',
  MetricIdentifier: '1 name s!; 2 selector LabelSelector*',
  MetricTarget: '1 type s!; 2 value Quantity*; 3 averageValue Quantity*; 4 averageUtilization i32*',
  HorizontalPodAutoscalerStatus:
    '1 observedGeneration i64*; 2 lastScaleTime Time*; 3 currentReplicas i32; 4 desiredReplicas i32!; 5 currentMetrics []MetricStatus!; 6 conditions []HorizontalPodAutoscalerCondition',
  HorizontalPodAutoscalerCondition: '1 type s!; 2 status s!; 3 lastTransitionTime Time; 4 reason s; 5 message s',
  MetricStatus:
    '1 type s!; 2 object ObjectMetricStatus*; 3 pods PodsMetricStatus*; 4 resource ResourceMetricStatus*; 7 containerResource ContainerResourceMetricStatus*; 5 external ExternalMetricStatus*',
  ObjectMetricStatus:
    '1 metric MetricIdentifier; 2 current MetricValueStatus; 3 describedObject CrossVersionObjectReference',
  PodsMetricStatus: '1 metric MetricIdentifier; 2 current MetricValueStatus',
  ResourceMetricStatus: '1 name s!; 2 current MetricValueStatus',
  ContainerResourceMetricStatus: '1 name s!; 2 current MetricValueStatus; 3 container s!',
  ExternalMetricStatus: '1 metric MetricIdentifier; 2 current MetricValueStatus',
  MetricValueStatus: '1 value Quantity*; 2 averageValue Quantity*; 3 averageUtilization i32*',
  // ---- autoscaling/v1 ----------------------------------------------------------------------------
  HorizontalPodAutoscalerV1:
    '1 metadata ObjectMeta; 2 spec HorizontalPodAutoscalerSpecV1; 3 status HorizontalPodAutoscalerStatusV1',
  HorizontalPodAutoscalerSpecV1:
    '1 scaleTargetRef CrossVersionObjectReference; 2 minReplicas i32*; 3 maxReplicas i32!; 4 targetCPUUtilizationPercentage i32*',
  HorizontalPodAutoscalerStatusV1:
    '1 observedGeneration i64*; 2 lastScaleTime Time*; 3 currentReplicas i32!; 4 desiredReplicas i32!; 5 currentCPUUtilizationPercentage i32*',
  Scale: '1 metadata ObjectMeta; 2 spec ScaleSpec; 3 status ScaleStatus',
  ScaleSpec: '1 replicas i32',
  ScaleStatus: '1 replicas i32!; 2 selector s',
}

/** apiVersion + ' ' + kind → the message of that kind's object. */
export const KIND_MESSAGES: Record<string, string> = {
  'v1 Namespace': 'Namespace',
  'v1 ConfigMap': 'ConfigMap',
  'v1 Secret': 'Secret',
  'v1 ServiceAccount': 'ServiceAccount',
  'v1 Service': 'Service',
  'v1 Pod': 'Pod',
  'v1 PodTemplate': 'PodTemplate',
  'v1 ReplicationController': 'ReplicationController',
  'v1 ResourceQuota': 'ResourceQuota',
  'v1 LimitRange': 'LimitRange',
  'v1 Endpoints': 'Endpoints',
  'v1 PersistentVolumeClaim': 'PersistentVolumeClaim',
  'v1 Event': 'Event',
  'v1 Binding': 'Binding',
  'apps/v1 Deployment': 'Deployment',
  'apps/v1 StatefulSet': 'StatefulSet',
  'apps/v1 DaemonSet': 'DaemonSet',
  'apps/v1 ReplicaSet': 'ReplicaSet',
  'apps/v1 ControllerRevision': 'ControllerRevision',
  'batch/v1 Job': 'Job',
  'batch/v1 CronJob': 'CronJob',
  'networking.k8s.io/v1 Ingress': 'Ingress',
  'networking.k8s.io/v1 IngressClass': 'IngressClass',
  'networking.k8s.io/v1 NetworkPolicy': 'NetworkPolicy',
  'rbac.authorization.k8s.io/v1 Role': 'Role',
  'rbac.authorization.k8s.io/v1 ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1 RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': 'ClusterRoleBinding',
  'policy/v1 PodDisruptionBudget': 'PodDisruptionBudget',
  'policy/v1 Eviction': 'Eviction',
  'policy/v1beta1 Eviction': 'Eviction',
  'scheduling.k8s.io/v1 PriorityClass': 'PriorityClass',
  'authentication.k8s.io/v1 TokenRequest': 'TokenRequest',
  'authentication.k8s.io/v1 TokenReview': 'TokenReview',
  'authentication.k8s.io/v1 SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1beta1 SelfSubjectReview': 'SelfSubjectReview',
  'authentication.k8s.io/v1alpha1 SelfSubjectReview': 'SelfSubjectReview',
  'authorization.k8s.io/v1 SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1 SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1 LocalSubjectAccessReview': 'LocalSubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'autoscaling/v2 HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  'autoscaling/v1 HorizontalPodAutoscaler': 'HorizontalPodAutoscalerV1',
  'autoscaling/v1 Scale': 'Scale',
}

/**
 * Kinds whose message is the same in every group version: the option types that
 * apimachinery registers alongside each group's kinds (typed clients send DeleteOptions with
 * the target's apiVersion, e.g. "v1" or "apps/v1").
 */
export const ANY_VERSION_KIND_MESSAGES: Record<string, string> = {
  DeleteOptions: 'DeleteOptions',
}
