// core/v1 types of pods and pod templates (k8s.io/api/core/v1): containers, probes, volumes,
// scheduling and security settings, and pod status. The kinds built from them are in core.ts.

import { IntOrString, LabelSelector, ObjectMeta, Quantity, Time } from './meta.ts'
import {
  bool,
  embed,
  int32,
  int64,
  listOf,
  mapOf,
  mergeList,
  oneOfStr,
  ref,
  type Schema,
  type StructOptions,
  str,
  strList,
  strMap,
  struct,
} from './types.ts'

const C = 'io.k8s.api.core.v1'
export const core = (name: string, description: string, props: Record<string, Schema>, opts?: StructOptions) =>
  struct(`${C}.${name}`, description, props, opts)

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const
const FS_TYPE_DOC = 'Filesystem type to mount, such as ext4, xfs or ntfs; must be supported by the host.'
const EXT4_FS_TYPE_DOC = `${FS_TYPE_DOC} Defaults to ext4.`
const READ_ONLY_DOC = 'When true the volume is mounted read-only in every container; defaults to false.'
const MODE_DOC =
  'Permission bits for created files, as a decimal number between 0 and 511 (octal 0000 to 0777 in YAML).'

// ---- references and selectors ---------------------------------------------------------------

export const LocalObjectReference: Schema = core(
  'LocalObjectReference',
  'Names an object in the same namespace.',
  { name: str('Name of the referenced object; effectively required even though it may be empty.', { default: '' }) },
  { mapType: 'atomic' },
)

export const TypedLocalObjectReference: Schema = core(
  'TypedLocalObjectReference',
  'Names an object of a given kind in the same namespace.',
  {
    apiGroup: str('API group of the referenced kind; empty means the core group.'),
    kind: str('Kind of the referenced object.'),
    name: str('Name of the referenced object.'),
  },
  { required: ['kind', 'name'], mapType: 'atomic' },
)

export const TypedObjectReference: Schema = core(
  'TypedObjectReference',
  'Names an object of a given kind, possibly in another namespace.',
  {
    apiGroup: str('API group of the referenced kind; empty means the core group.'),
    kind: str('Kind of the referenced object.'),
    name: str('Name of the referenced object.'),
    namespace: str(
      'Namespace of the referenced object; a cross-namespace reference needs a ReferenceGrant in the target namespace.',
    ),
  },
  { required: ['kind', 'name'] },
)

export const ObjectFieldSelector: Schema = core(
  'ObjectFieldSelector',
  'Selects a field of the object by path, in a given API version.',
  {
    apiVersion: str('API version the fieldPath is written against; defaults to v1.'),
    fieldPath: str('Path of the selected field, such as metadata.name.'),
  },
  { required: ['fieldPath'], mapType: 'atomic' },
)

export const ResourceFieldSelector: Schema = core(
  'ResourceFieldSelector',
  "Selects a container's resource request or limit, scaled by a divisor.",
  {
    containerName: str('Container whose resources are read; required for volumes, optional for env vars.'),
    divisor: ref(Quantity, 'Unit the value is divided by before output; defaults to 1.'),
    resource: str('Resource to read, such as limits.cpu or requests.memory.'),
  },
  { required: ['resource'], mapType: 'atomic' },
)

export const ConfigMapKeySelector: Schema = core(
  'ConfigMapKeySelector',
  'Selects one key of a ConfigMap.',
  {
    key: str('Key to read.'),
    name: str('Name of the ConfigMap; effectively required.', { default: '' }),
    optional: bool('When true, a missing ConfigMap or key is not an error.'),
  },
  { required: ['key'], mapType: 'atomic' },
)

export const SecretKeySelector: Schema = core(
  'SecretKeySelector',
  'Selects one key of a Secret.',
  {
    key: str('Key to read; must be a valid secret key.'),
    name: str('Name of the Secret; effectively required.', { default: '' }),
    optional: bool('When true, a missing Secret or key is not an error.'),
  },
  { required: ['key'], mapType: 'atomic' },
)

export const FileKeySelector: Schema = core(
  'FileKeySelector',
  'Selects one key of an env file that a volume provides.',
  {
    key: str('Key to read from the env file.'),
    optional: bool('When true, a missing file or key leaves the variable unset instead of failing the pod.', {
      default: false,
    }),
    path: str('Relative path of the env file inside the volume.'),
    volumeName: str('Name of the volume mount that holds the env file.'),
  },
  { required: ['volumeName', 'path', 'key'], mapType: 'atomic' },
)

// ---- node selection and affinity -------------------------------------------------------------------

export const NodeSelectorRequirement: Schema = core(
  'NodeSelectorRequirement',
  'A key, an operator and values that a node label or field must satisfy.',
  {
    key: str('Label or field key the requirement applies to.'),
    operator: oneOfStr(
      ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
      'How the key relates to the values: In, NotIn, Exists, DoesNotExist, Gt or Lt.',
    ),
    values: strList('Values to compare; non-empty for In/NotIn, empty for Exists/DoesNotExist, one integer for Gt/Lt.'),
  },
  { required: ['key', 'operator'] },
)

export const NodeSelectorTerm: Schema = core(
  'NodeSelectorTerm',
  'Requirements on node labels and fields that must all hold; an empty term matches nothing.',
  {
    matchExpressions: listOf(NodeSelectorRequirement, 'Requirements on node labels.'),
    matchFields: listOf(NodeSelectorRequirement, 'Requirements on node fields.'),
  },
  { mapType: 'atomic' },
)

export const NodeSelector: Schema = core(
  'NodeSelector',
  'A set of node selector terms of which at least one must match.',
  { nodeSelectorTerms: listOf(NodeSelectorTerm, 'The terms, ORed together.') },
  { required: ['nodeSelectorTerms'], mapType: 'atomic' },
)

const PreferredSchedulingTerm: Schema = core(
  'PreferredSchedulingTerm',
  'A node selector term with a weight, for soft node affinity.',
  {
    preference: embed(NodeSelectorTerm, 'The node selector term the weight applies to.'),
    weight: int32('Weight of the term, from 1 to 100.'),
  },
  { required: ['weight', 'preference'] },
)

const NodeAffinity: Schema = core('NodeAffinity', 'Node affinity scheduling rules of a pod.', {
  preferredDuringSchedulingIgnoredDuringExecution: listOf(
    PreferredSchedulingTerm,
    'Soft rules: nodes matching more heavily weighted terms are preferred.',
  ),
  requiredDuringSchedulingIgnoredDuringExecution: ref(
    NodeSelector,
    'Hard rule: the pod is only scheduled onto nodes that match; not re-checked once it runs.',
  ),
})

const PodAffinityTerm: Schema = core(
  'PodAffinityTerm',
  'A set of pods, by label and namespace, that this pod should (or should not) share a topology domain with.',
  {
    labelSelector: ref(LabelSelector, 'Selects the pods the term refers to; null matches no pods.'),
    matchLabelKeys: strList(
      "Label keys whose values are taken from this pod's labels and added to labelSelector as key in (value).",
    ),
    mismatchLabelKeys: strList(
      "Label keys whose values are taken from this pod's labels and added to labelSelector as key notin (value).",
    ),
    namespaceSelector: ref(
      LabelSelector,
      "Selects the namespaces the term applies to, in addition to namespaces; empty selects all, null only this pod's namespace.",
    ),
    namespaces: strList(
      "Namespaces the term applies to; with a null namespaceSelector, empty means this pod's namespace.",
    ),
    topologyKey: str(
      'Node label whose value defines the topology domain (such as a zone or host) the pods are co-located in.',
    ),
  },
  { required: ['topologyKey'] },
)

const WeightedPodAffinityTerm: Schema = core(
  'WeightedPodAffinityTerm',
  'A pod affinity term with a weight, for soft affinity rules.',
  {
    podAffinityTerm: embed(PodAffinityTerm, 'The term the weight applies to.'),
    weight: int32('Weight of the term, from 1 to 100.'),
  },
  { required: ['weight', 'podAffinityTerm'] },
)

const PodAffinity: Schema = core('PodAffinity', 'Rules that attract a pod to nodes running certain other pods.', {
  preferredDuringSchedulingIgnoredDuringExecution: listOf(
    WeightedPodAffinityTerm,
    'Soft rules: nodes running more heavily weighted matching pods are preferred.',
  ),
  requiredDuringSchedulingIgnoredDuringExecution: listOf(
    PodAffinityTerm,
    'Hard rules, all of which must hold at scheduling time.',
  ),
})

const PodAntiAffinity: Schema = core(
  'PodAntiAffinity',
  'Rules that keep a pod away from nodes running certain other pods.',
  {
    preferredDuringSchedulingIgnoredDuringExecution: listOf(
      WeightedPodAffinityTerm,
      'Soft rules: nodes running more heavily weighted matching pods are avoided.',
    ),
    requiredDuringSchedulingIgnoredDuringExecution: listOf(
      PodAffinityTerm,
      'Hard rules, all of which must hold at scheduling time.',
    ),
  },
)

export const Affinity: Schema = core('Affinity', 'Scheduling constraints of a pod based on nodes and other pods.', {
  nodeAffinity: ref(NodeAffinity, 'Node affinity rules of the pod.'),
  podAffinity: ref(PodAffinity, 'Rules placing the pod near other pods (same node, zone...).'),
  podAntiAffinity: ref(PodAntiAffinity, 'Rules placing the pod away from other pods.'),
})

export const Toleration: Schema = core(
  'Toleration',
  'Lets a pod be scheduled onto (or stay on) nodes with a matching taint.',
  {
    effect: oneOfStr(
      ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
      'Taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all effects.',
    ),
    key: str('Taint key to match; empty with operator Exists matches every taint.'),
    operator: str('How the key relates to the value: Equal (default) or Exists, or Lt/Gt for numeric values.'),
    tolerationSeconds: int64(
      'For NoExecute taints, how long the pod stays bound after the taint appears; unset means forever.',
    ),
    value: str('Taint value to match; empty when the operator is Exists.'),
  },
)

export const TopologySpreadConstraint: Schema = core(
  'TopologySpreadConstraint',
  'How matching pods should be spread across the domains of a topology key.',
  {
    labelSelector: ref(LabelSelector, 'Selects the pods counted in each topology domain.'),
    matchLabelKeys: strList("Label keys whose values are taken from this pod's labels and ANDed with labelSelector."),
    maxSkew: int32('Largest allowed difference in matching pod count between any two domains; at least 1.'),
    minDomains: int32(
      'Minimum number of eligible domains; with fewer, the global minimum is taken as 0. Needs DoNotSchedule.',
    ),
    nodeAffinityPolicy: oneOfStr(
      ['Honor', 'Ignore'],
      "Whether the pod's node affinity and node selector limit the nodes counted: Honor (default) or Ignore.",
    ),
    nodeTaintsPolicy: oneOfStr(
      ['Honor', 'Ignore'],
      'Whether node taints limit the nodes counted: Honor or Ignore (default).',
    ),
    topologyKey: str('Node label whose values define the topology domains, such as topology.kubernetes.io/zone.'),
    whenUnsatisfiable: oneOfStr(
      ['DoNotSchedule', 'ScheduleAnyway'],
      'What to do when the constraint cannot be met: DoNotSchedule (default) or ScheduleAnyway.',
    ),
  },
  { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
)

// ---- containers -----------------------------------------------------------------------------------

export const ContainerPort: Schema = core(
  'ContainerPort',
  'A network port exposed by a container.',
  {
    containerPort: int32("Port number on the pod's IP address, from 1 to 65535."),
    hostIP: str('Host IP address to bind the host port to.'),
    hostPort: int32(
      'Port number to expose on the host, from 1 to 65535; with hostNetwork it must equal containerPort.',
    ),
    name: str('IANA_SVC_NAME of the port, unique within the pod, by which services can refer to it.'),
    protocol: oneOfStr(PROTOCOLS, 'Protocol of the port: TCP (default), UDP or SCTP.', { default: 'TCP' }),
  },
  { required: ['containerPort'] },
)

const ConfigMapEnvSource: Schema = core(
  'ConfigMapEnvSource',
  'A ConfigMap whose data entries all become environment variables.',
  {
    name: str('Name of the ConfigMap; effectively required.', { default: '' }),
    optional: bool('When true, a missing ConfigMap is not an error.'),
  },
)

const SecretEnvSource: Schema = core(
  'SecretEnvSource',
  'A Secret whose data entries all become environment variables.',
  {
    name: str('Name of the Secret; effectively required.', { default: '' }),
    optional: bool('When true, a missing Secret is not an error.'),
  },
)

const EnvFromSource: Schema = core('EnvFromSource', 'A ConfigMap or Secret to import environment variables from.', {
  configMapRef: ref(ConfigMapEnvSource, 'The ConfigMap to import.'),
  prefix: str("Text prepended to every imported variable name; any printable ASCII characters except '='."),
  secretRef: ref(SecretEnvSource, 'The Secret to import.'),
})

const EnvVarSource: Schema = core('EnvVarSource', 'Where the value of an environment variable comes from.', {
  configMapKeyRef: ref(ConfigMapKeySelector, 'A key of a ConfigMap.'),
  fieldRef: ref(
    ObjectFieldSelector,
    'A field of the pod, such as metadata.name, metadata.labels[...], spec.nodeName or status.podIP.',
  ),
  fileKeyRef: ref(FileKeySelector, 'A key of an env file in a volume.'),
  resourceFieldRef: ref(ResourceFieldSelector, 'A resource limit or request of the container.'),
  secretKeyRef: ref(SecretKeySelector, "A key of a Secret in the pod's namespace."),
})

export const EnvVar: Schema = core(
  'EnvVar',
  'An environment variable of a container.',
  {
    name: str("Name of the variable; any printable ASCII characters except '='."),
    value: str(
      'Literal value; $(VAR) references to earlier variables are expanded and $$ escapes a $. Defaults to empty.',
    ),
    valueFrom: ref(EnvVarSource, 'Source of the value, when value is empty.'),
  },
  { required: ['name'] },
)

const ResourceClaim: Schema = core(
  'ResourceClaim',
  'Makes one entry of the pod resourceClaims available to a container.',
  {
    name: str('Name of the entry in spec.resourceClaims.'),
    request: str('Name of one request in the claim; empty makes the whole claim available.'),
  },
  { required: ['name'] },
)

export const ResourceRequirements: Schema = core('ResourceRequirements', 'Compute resources requested and limited.', {
  claims: listOf(ResourceClaim, 'Dynamically allocated resources (from spec.resourceClaims) this container uses.', {
    type: 'map',
    keys: ['name'],
  }),
  limits: mapOf(Quantity, 'Maximum amount of each resource that may be used.'),
  requests: mapOf(
    Quantity,
    'Minimum amount of each resource required; defaults to the limits when only those are given.',
  ),
})

const ContainerResizePolicy: Schema = core(
  'ContainerResizePolicy',
  'How a container reacts when one of its resources is resized in place.',
  {
    resourceName: str('Resource the policy applies to: cpu or memory.'),
    restartPolicy: oneOfStr(
      ['NotRequired', 'RestartContainer'],
      'Whether resizing the resource restarts the container: NotRequired (default) or RestartContainer.',
    ),
  },
  { required: ['resourceName', 'restartPolicy'] },
)

const ContainerRestartRuleOnExitCodes: Schema = core(
  'ContainerRestartRuleOnExitCodes',
  'Matches a container exit against a set of exit codes.',
  {
    operator: oneOfStr(['In', 'NotIn'], 'In matches when the exit code is listed; NotIn when it is not.'),
    values: listOf({ type: 'integer', format: 'int32' }, 'Exit codes to compare against; at most 255.', {
      type: 'set',
    }),
  },
  { required: ['operator'] },
)

const ContainerRestartRule: Schema = core(
  'ContainerRestartRule',
  'A rule deciding whether an exited container is restarted.',
  {
    action: str('Action taken when the rule matches; the only value is Restart.'),
    exitCodes: ref(ContainerRestartRuleOnExitCodes, 'Exit codes the rule matches.'),
  },
  { required: ['action'] },
)

export const VolumeMount: Schema = core(
  'VolumeMount',
  'Mounts a pod volume into a container.',
  {
    mountPath: str("Path inside the container where the volume is mounted; must not contain ':'."),
    mountPropagation: oneOfStr(
      ['Bidirectional', 'HostToContainer', 'None'],
      'How mounts propagate between host and container: None (default), HostToContainer or Bidirectional.',
    ),
    name: str('Name of the pod volume to mount.'),
    readOnly: bool('Mounts the volume read-only when true; defaults to false.'),
    recursiveReadOnly: str(
      'Whether a read-only mount is also read-only for sub-mounts: Disabled (default), IfPossible or Enabled.',
    ),
    subPath: str('Path inside the volume to mount instead of its root; defaults to the root.'),
    subPathExpr: str('Like subPath, with $(VAR) references expanded from the container environment.'),
  },
  { required: ['name', 'mountPath'] },
)

export const VolumeDevice: Schema = core(
  'VolumeDevice',
  'Maps a raw block volume to a device path inside a container.',
  {
    devicePath: str('Path inside the container the device is mapped to.'),
    name: str('Name of the persistentVolumeClaim volume in the pod.'),
  },
  { required: ['name', 'devicePath'] },
)

const ExecAction: Schema = core('ExecAction', 'Runs a command inside the container.', {
  command: strList('Command line to execute in / of the container, without a shell; exit status 0 means success.'),
})

const HTTPHeader: Schema = core(
  'HTTPHeader',
  'A header sent with an HTTP probe.',
  {
    name: str('Header name; case variants are treated as the same header.'),
    value: str('Header value.'),
  },
  { required: ['name', 'value'] },
)

const HTTPGetAction: Schema = core(
  'HTTPGetAction',
  'Performs an HTTP GET request against the container.',
  {
    host: str('Host to connect to; defaults to the pod IP (set a Host header to vary the virtual host).'),
    httpHeaders: listOf(HTTPHeader, 'Custom headers to send; headers may repeat.'),
    path: str('Path to request.'),
    port: ref(IntOrString, 'Port number (1 to 65535) or IANA_SVC_NAME of the container port to connect to.'),
    scheme: oneOfStr(['HTTP', 'HTTPS'], 'Scheme to connect with: HTTP (default) or HTTPS.'),
  },
  { required: ['port'] },
)

const TCPSocketAction: Schema = core(
  'TCPSocketAction',
  'Opens a TCP connection to the container.',
  {
    host: str('Host to connect to; defaults to the pod IP.'),
    port: ref(IntOrString, 'Port number (1 to 65535) or IANA_SVC_NAME of the container port to connect to.'),
  },
  { required: ['port'] },
)

const GRPCAction: Schema = core(
  'GRPCAction',
  'Calls the standard gRPC health checking service of the container.',
  {
    port: int32('Port of the gRPC service, from 1 to 65535.'),
    service: str('Service name to put in the HealthCheckRequest; empty uses the gRPC default behaviour.', {
      default: '',
    }),
  },
  { required: ['port'] },
)

const SleepAction: Schema = core(
  'SleepAction',
  'Pauses for a number of seconds.',
  { seconds: int64('Number of seconds to sleep.') },
  { required: ['seconds'] },
)

export const Probe: Schema = core('Probe', 'A periodic health check of a container.', {
  exec: ref(ExecAction, 'Runs a command in the container.'),
  failureThreshold: int32('Consecutive failures after a success before the probe counts as failed; defaults to 3.'),
  grpc: ref(GRPCAction, 'Calls a gRPC health check.'),
  httpGet: ref(HTTPGetAction, 'Performs an HTTP GET request.'),
  initialDelaySeconds: int32('Seconds after the container starts before the first probe.'),
  periodSeconds: int32('Seconds between probes; defaults to 10, minimum 1.'),
  successThreshold: int32(
    'Consecutive successes after a failure before the probe counts as successful; defaults to 1 and must be 1 for liveness and startup probes.',
  ),
  tcpSocket: ref(TCPSocketAction, 'Opens a TCP connection.'),
  terminationGracePeriodSeconds: int64(
    "Grace period used when this probe's failure kills the container, overriding the pod's terminationGracePeriodSeconds.",
  ),
  timeoutSeconds: int32('Seconds after which a probe attempt times out; defaults to 1.'),
})

const LifecycleHandler: Schema = core(
  'LifecycleHandler',
  'An action run by a lifecycle hook; set exactly one of exec, httpGet or sleep.',
  {
    exec: ref(ExecAction, 'Runs a command in the container.'),
    httpGet: ref(HTTPGetAction, 'Performs an HTTP GET request.'),
    sleep: ref(SleepAction, 'Sleeps for a while.'),
    tcpSocket: ref(TCPSocketAction, 'Deprecated and not supported in lifecycle hooks; kept for compatibility.'),
  },
)

const Lifecycle: Schema = core('Lifecycle', 'Hooks run by the kubelet when a container starts and stops.', {
  postStart: ref(
    LifecycleHandler,
    'Runs right after the container is created; if it fails the container is killed and restarted per policy.',
  ),
  preStop: ref(
    LifecycleHandler,
    'Runs before the container is stopped by an API request or management event, within the grace period.',
  ),
  stopSignal: str('Signal sent to stop the container; defaults to the runtime default. Needs spec.os.name.'),
})

export const Capabilities: Schema = core('Capabilities', 'POSIX capabilities to add to or drop from a container.', {
  add: strList('Capabilities to add.'),
  drop: strList('Capabilities to drop.'),
})

export const SELinuxOptions: Schema = core('SELinuxOptions', 'SELinux labels applied to a container.', {
  level: str('SELinux level label.'),
  role: str('SELinux role label.'),
  type: str('SELinux type label.'),
  user: str('SELinux user label.'),
})

export const WindowsSecurityContextOptions: Schema = core(
  'WindowsSecurityContextOptions',
  'Windows-specific security settings.',
  {
    gmsaCredentialSpec: str('Contents of the GMSA credential spec, usually filled in by the GMSA admission webhook.'),
    gmsaCredentialSpecName: str('Name of the GMSA credential spec to use.'),
    hostProcess: bool('Runs the container as a Windows host process; all containers of the pod must agree.'),
    runAsUserName: str('Windows user name that runs the container entrypoint.'),
  },
)

const PROFILE_TYPES = ['Localhost', 'RuntimeDefault', 'Unconfined'] as const
const LOCALHOST_UNION = [
  { discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } },
]

export const SeccompProfile: Schema = core(
  'SeccompProfile',
  'The seccomp profile of a pod or container.',
  {
    localhostProfile: str(
      "Path of a profile file relative to the kubelet's seccomp directory; set only when type is Localhost.",
    ),
    type: oneOfStr(PROFILE_TYPES, 'Kind of profile: Localhost, RuntimeDefault or Unconfined.'),
  },
  { required: ['type'], unions: LOCALHOST_UNION },
)

export const AppArmorProfile: Schema = core(
  'AppArmorProfile',
  'The AppArmor profile of a pod or container.',
  {
    localhostProfile: str('Name of a profile loaded on the node; set only when type is Localhost.'),
    type: oneOfStr(PROFILE_TYPES, 'Kind of profile: Localhost, RuntimeDefault or Unconfined.'),
  },
  { required: ['type'], unions: LOCALHOST_UNION },
)

const Ulimit: Schema = core(
  'Ulimit',
  'A Linux resource limit (ulimit) applied to a container.',
  {
    hard: int64('Hard limit: the ceiling for the soft limit.'),
    name: str('Name of the limit, such as nofile, memlock or core.'),
    soft: int64('Soft limit enforced by the kernel.'),
  },
  { required: ['name', 'hard', 'soft'] },
)

const SecurityContext: Schema = core(
  'SecurityContext',
  'Security settings of a container; they override the matching pod-level settings.',
  {
    allowPrivilegeEscalation: bool(
      'Whether a process may gain more privileges than its parent (no_new_privs); always true when privileged or with CAP_SYS_ADMIN.',
    ),
    appArmorProfile: ref(AppArmorProfile, "AppArmor profile of the container, overriding the pod's."),
    capabilities: ref(Capabilities, 'Capabilities to add or drop; defaults to the runtime set.'),
    privileged: bool('Runs the container privileged, roughly equivalent to root on the host; defaults to false.'),
    procMount: oneOfStr(
      ['Default', 'Unmasked'],
      'Kind of /proc mount: Default keeps the runtime masking, Unmasked removes it.',
    ),
    readOnlyRootFilesystem: bool("Mounts the container's root filesystem read-only; defaults to false."),
    runAsGroup: int64('GID the entrypoint runs as; defaults to the runtime choice.'),
    runAsNonRoot: bool('When true the kubelet refuses to start the container if it would run as UID 0.'),
    runAsUser: int64('UID the entrypoint runs as; defaults to the image user.'),
    seLinuxOptions: ref(SELinuxOptions, 'SELinux context of the container; random when unset.'),
    seccompProfile: ref(SeccompProfile, "Seccomp profile of the container, overriding the pod's."),
    ulimits: listOf(Ulimit, 'Resource limits of the container; unset uses the runtime defaults.', {
      type: 'map',
      keys: ['name'],
    }),
    windowsOptions: ref(WindowsSecurityContextOptions, 'Windows-specific settings.'),
  },
)

/** Fields shared by Container and EphemeralContainer. */
function containerFields(ephemeral: boolean): Record<string, Schema> {
  const notAllowed = (what: string) => `${what} are not allowed for ephemeral containers.`
  return {
    args: strList(
      "Arguments to the entrypoint, replacing the image's CMD; $(VAR) references are expanded. Cannot be updated.",
    ),
    command: strList(
      "Entrypoint, replacing the image's ENTRYPOINT; not run in a shell, $(VAR) references are expanded. Cannot be updated.",
    ),
    env: mergeList(EnvVar, 'name', 'Environment variables to set in the container. Cannot be updated.'),
    envFrom: listOf(
      EnvFromSource,
      'Sources whose keys all become environment variables; env entries win over these. Cannot be updated.',
    ),
    image: str(
      ephemeral
        ? 'Container image name.'
        : 'Container image name; optional so that controllers and config tools can fill it in.',
    ),
    imagePullPolicy: oneOfStr(
      PULL_POLICIES,
      'When to pull the image: Always, IfNotPresent or Never; defaults to Always for :latest, else IfNotPresent.',
    ),
    lifecycle: ref(
      Lifecycle,
      ephemeral
        ? 'Lifecycle hooks are not allowed for ephemeral containers.'
        : 'Hooks run at container start and stop.',
    ),
    livenessProbe: ref(
      Probe,
      ephemeral ? notAllowed('Probes') : 'Probe of container liveness; the container is restarted when it fails.',
    ),
    name: str(
      ephemeral
        ? 'Name of the ephemeral container, a DNS_LABEL unique among all containers of the pod.'
        : 'Name of the container, a DNS_LABEL unique within the pod. Cannot be updated.',
    ),
    ports: listOf(
      ContainerPort,
      ephemeral
        ? notAllowed('Ports')
        : 'Ports the container exposes, for information; ports not listed are still reachable.',
      { type: 'map', keys: ['containerPort', 'protocol'], mergeKey: 'containerPort' },
    ),
    readinessProbe: ref(
      Probe,
      ephemeral ? notAllowed('Probes') : 'Probe of readiness; the pod leaves service endpoints while it fails.',
    ),
    resizePolicy: listOf(ContainerResizePolicy, 'How each resource may be resized in place.'),
    resources: embed(
      ResourceRequirements,
      ephemeral
        ? 'Resources are not allowed for ephemeral containers, which use spare pod resources.'
        : 'Compute resources requested and limited for the container.',
    ),
    restartPolicy: str(
      ephemeral
        ? 'Restart policies are not allowed for ephemeral containers.'
        : "Restart behaviour of this container, overriding the pod's; Always on an init container makes it a sidecar.",
    ),
    restartPolicyRules: listOf(
      ContainerRestartRule,
      ephemeral
        ? 'Restart rules are not allowed for ephemeral containers.'
        : 'Rules evaluated in order on exit to decide whether the container restarts.',
    ),
    securityContext: ref(SecurityContext, 'Security settings of the container, overriding the pod-level ones.'),
    startupProbe: ref(
      Probe,
      ephemeral
        ? notAllowed('Probes')
        : 'Probe that must succeed before the other probes run; failing it restarts the container.',
    ),
    stdin: bool('Allocates a stdin buffer for the container; otherwise reads get EOF. Defaults to false.'),
    stdinOnce: bool('Closes stdin after the first attach session ends; defaults to false.'),
    terminationMessagePath: str(
      'File in the container whose contents become the termination message; defaults to /dev/termination-log.',
    ),
    terminationMessagePolicy: oneOfStr(
      ['FallbackToLogsOnError', 'File'],
      'File (default) reads the message file; FallbackToLogsOnError uses the log tail when it is empty after an error.',
    ),
    tty: bool('Allocates a TTY for the container; needs stdin. Defaults to false.'),
    volumeDevices: mergeList(VolumeDevice, 'devicePath', 'Raw block volumes mapped into the container.'),
    volumeMounts: mergeList(
      VolumeMount,
      'mountPath',
      ephemeral
        ? 'Pod volumes to mount; subPath mounts are not allowed. Cannot be updated.'
        : 'Pod volumes to mount into the container. Cannot be updated.',
    ),
    workingDir: str('Working directory of the entrypoint; defaults to the image setting.'),
  }
}

export const Container: Schema = core('Container', 'An application container of a pod.', containerFields(false), {
  required: ['name'],
})

export const EphemeralContainer: Schema = core(
  'EphemeralContainer',
  'A temporary container added to a running pod, for example to debug it; it is never restarted.',
  {
    ...containerFields(true),
    targetContainerName: str('Name of a pod container whose namespaces (PID, IPC...) the ephemeral container joins.'),
  },
  { required: ['name'] },
)

// ---- volumes ------------------------------------------------------------------------------------

const KeyToPath: Schema = core(
  'KeyToPath',
  'Maps a key of a ConfigMap or Secret to a file path in a volume.',
  {
    key: str('Key to project.'),
    mode: int32(`${MODE_DOC} Defaults to the volume defaultMode.`),
    path: str("Relative path of the file; may not be absolute, contain '..' or start with '..'."),
  },
  { required: ['key', 'path'] },
)

const itemsDoc = (what: string) =>
  `Which keys of the ${what} to project and where; when empty every key becomes a file named after it.`

const HostPathVolumeSource: Schema = core(
  'HostPathVolumeSource',
  'A file or directory of the host mapped into the pod.',
  {
    path: str('Path on the host; symlinks are followed.'),
    type: oneOfStr(
      ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
      'Expected kind of the path, checked before mounting; empty (default) checks nothing.',
    ),
  },
  { required: ['path'] },
)

const EmptyDirVolumeSource: Schema = core(
  'EmptyDirVolumeSource',
  'A scratch directory that lives as long as the pod.',
  {
    medium: str('Storage medium: empty for the node default, or Memory for tmpfs.'),
    sizeLimit: ref(Quantity, 'Maximum amount of local storage the directory may use; unlimited when unset.'),
  },
)

const GCEPersistentDiskVolumeSource: Schema = core(
  'GCEPersistentDiskVolumeSource',
  'A Google Compute Engine persistent disk.',
  {
    fsType: str(EXT4_FS_TYPE_DOC),
    partition: int32('Partition to mount; empty mounts the whole disk.'),
    pdName: str('Name of the disk in GCE.'),
    readOnly: bool(READ_ONLY_DOC),
  },
  { required: ['pdName'] },
)

const AWSElasticBlockStoreVolumeSource: Schema = core(
  'AWSElasticBlockStoreVolumeSource',
  'An AWS EBS volume, which must be in the same zone as the node.',
  {
    fsType: str(EXT4_FS_TYPE_DOC),
    partition: int32('Partition to mount; empty mounts the whole volume.'),
    readOnly: bool(READ_ONLY_DOC),
    volumeID: str('ID of the EBS volume.'),
  },
  { required: ['volumeID'] },
)

const GitRepoVolumeSource: Schema = core(
  'GitRepoVolumeSource',
  'Deprecated: a directory populated with a clone of a git repository.',
  {
    directory: str("Target directory; '.' puts the repository at the volume root."),
    repository: str('URL of the repository.'),
    revision: str('Commit to check out.'),
  },
  { required: ['repository'] },
)

const SecretVolumeSource: Schema = core('SecretVolumeSource', 'A Secret presented as files.', {
  defaultMode: int32(`${MODE_DOC} Defaults to 0644.`),
  items: listOf(KeyToPath, itemsDoc('Secret')),
  optional: bool('When true, a missing Secret or key is not an error.'),
  secretName: str("Name of the Secret in the pod's namespace."),
})

export const NFSVolumeSource: Schema = core(
  'NFSVolumeSource',
  'An NFS export mounted into the pod.',
  {
    path: str('Path exported by the server.'),
    readOnly: bool('Mounts the export read-only; defaults to false.'),
    server: str('Host name or IP address of the NFS server.'),
  },
  { required: ['server', 'path'] },
)

const iscsiFields = (secretRef: Schema): Record<string, Schema> => ({
  chapAuthDiscovery: bool('Enables iSCSI discovery CHAP authentication.'),
  chapAuthSession: bool('Enables iSCSI session CHAP authentication.'),
  fsType: str(EXT4_FS_TYPE_DOC),
  initiatorName: str('Custom iSCSI initiator name; with iscsiInterface a new interface is created.'),
  iqn: str('iSCSI Qualified Name of the target.'),
  iscsiInterface: str("iSCSI interface name using an iSCSI transport; defaults to 'default' (tcp).", {
    default: 'default',
  }),
  lun: int32('LUN number of the target.'),
  portals: strList('Additional target portals, as IP or ip:port.'),
  readOnly: bool(READ_ONLY_DOC),
  secretRef,
  targetPortal: str('Target portal, as IP or ip:port when the port is not the default (860 or 3260).'),
})

const ISCSIVolumeSource: Schema = core(
  'ISCSIVolumeSource',
  'An iSCSI disk, mountable read/write by one consumer only.',
  iscsiFields(ref(LocalObjectReference, 'Secret holding the CHAP credentials.')),
  { required: ['targetPortal', 'iqn', 'lun'] },
)

const GlusterfsVolumeSource: Schema = core(
  'GlusterfsVolumeSource',
  'A Glusterfs volume mounted into the pod.',
  {
    endpoints: str('Name of the Endpoints object describing the Glusterfs cluster.'),
    path: str('Glusterfs volume path.'),
    readOnly: bool('Mounts the volume read-only; defaults to false.'),
  },
  { required: ['endpoints', 'path'] },
)

const PersistentVolumeClaimVolumeSource: Schema = core(
  'PersistentVolumeClaimVolumeSource',
  "Uses the volume bound to a PersistentVolumeClaim in the pod's namespace.",
  {
    claimName: str("Name of the PersistentVolumeClaim in the pod's namespace."),
    readOnly: bool('Forces read-only mounts; defaults to false.'),
  },
  { required: ['claimName'] },
)

const rbdFields = (secretRef: Schema): Record<string, Schema> => ({
  fsType: str(EXT4_FS_TYPE_DOC),
  image: str('Name of the RADOS image.'),
  keyring: str('Path of the keyring for the user; defaults to /etc/ceph/keyring.', { default: '/etc/ceph/keyring' }),
  monitors: strList('Ceph monitors to contact.'),
  pool: str('RADOS pool name; defaults to rbd.', { default: 'rbd' }),
  readOnly: bool(READ_ONLY_DOC),
  secretRef,
  user: str('RADOS user name; defaults to admin.', { default: 'admin' }),
})

const RBDVolumeSource: Schema = core(
  'RBDVolumeSource',
  'A Ceph RADOS block device.',
  rbdFields(ref(LocalObjectReference, 'Secret with the authentication key; overrides keyring.')),
  { required: ['monitors', 'image'] },
)

const flexFields = (secretRef: Schema): Record<string, Schema> => ({
  driver: str('Name of the FlexVolume driver.'),
  fsType: str('Filesystem type to mount; the default depends on the driver.'),
  options: strMap('Extra options passed to the driver.'),
  readOnly: bool(READ_ONLY_DOC),
  secretRef,
})

const FlexVolumeSource: Schema = core(
  'FlexVolumeSource',
  'A volume provided by an exec-based FlexVolume driver.',
  flexFields(ref(LocalObjectReference, 'Secret with sensitive data passed to the driver scripts.')),
  { required: ['driver'] },
)

const CinderVolumeSource: Schema = core(
  'CinderVolumeSource',
  'An OpenStack Cinder volume in the same region as the node.',
  {
    fsType: str(EXT4_FS_TYPE_DOC),
    readOnly: bool(READ_ONLY_DOC),
    secretRef: ref(LocalObjectReference, 'Secret with the OpenStack connection parameters.'),
    volumeID: str('ID of the Cinder volume.'),
  },
  { required: ['volumeID'] },
)

const cephfsFields = (secretRef: Schema): Record<string, Schema> => ({
  monitors: strList('Ceph monitors to contact.'),
  path: str('Path inside the Ceph tree to mount instead of /.'),
  readOnly: bool(READ_ONLY_DOC),
  secretFile: str('Path of the key ring for the user; defaults to /etc/ceph/user.secret.'),
  secretRef,
  user: str('RADOS user name; defaults to admin.'),
})

const CephFSVolumeSource: Schema = core(
  'CephFSVolumeSource',
  'A CephFS mount that lives as long as the pod.',
  cephfsFields(ref(LocalObjectReference, 'Secret with the authentication key of the user.')),
  { required: ['monitors'] },
)

export const FlockerVolumeSource: Schema = core(
  'FlockerVolumeSource',
  'A Flocker dataset; set exactly one of datasetName and datasetUUID.',
  {
    datasetName: str('Name of the Flocker dataset (deprecated).'),
    datasetUUID: str('UUID of the Flocker dataset.'),
  },
)

const DownwardAPIVolumeFile: Schema = core(
  'DownwardAPIVolumeFile',
  'A file holding a pod field or container resource value.',
  {
    fieldRef: ref(ObjectFieldSelector, 'Pod field to write: annotations, labels, name, namespace or uid.'),
    mode: int32(`${MODE_DOC} Defaults to the volume defaultMode.`),
    path: str("Relative path of the file; may not be absolute or contain '..'."),
    resourceFieldRef: ref(ResourceFieldSelector, 'Container resource limit or request to write.'),
  },
  { required: ['path'] },
)

const DownwardAPIVolumeSource: Schema = core(
  'DownwardAPIVolumeSource',
  'Pod metadata and resource values presented as files.',
  {
    defaultMode: int32(`${MODE_DOC} Defaults to 0644.`),
    items: listOf(DownwardAPIVolumeFile, 'Files to create.'),
  },
)

export const FCVolumeSource: Schema = core('FCVolumeSource', 'A Fibre Channel volume, mountable read/write once.', {
  fsType: str(EXT4_FS_TYPE_DOC),
  lun: int32('Target LUN number.'),
  readOnly: bool(READ_ONLY_DOC),
  targetWWNs: strList('Target world wide names.'),
  wwids: strList('World wide identifiers of the volume; set either these or targetWWNs with lun.'),
})

const AzureFileVolumeSource: Schema = core(
  'AzureFileVolumeSource',
  'An Azure File share mounted into the pod.',
  {
    readOnly: bool(READ_ONLY_DOC),
    secretName: str('Secret holding the Azure storage account name and key.'),
    shareName: str('Name of the share.'),
  },
  { required: ['secretName', 'shareName'] },
)

const ConfigMapVolumeSource: Schema = core('ConfigMapVolumeSource', 'A ConfigMap presented as files.', {
  defaultMode: int32(`${MODE_DOC} Defaults to 0644.`),
  items: listOf(KeyToPath, itemsDoc('ConfigMap')),
  name: str('Name of the ConfigMap; effectively required.', { default: '' }),
  optional: bool('When true, a missing ConfigMap or key is not an error.'),
})

export const VsphereVirtualDiskVolumeSource: Schema = core(
  'VsphereVirtualDiskVolumeSource',
  'A vSphere virtual disk.',
  {
    fsType: str(EXT4_FS_TYPE_DOC),
    storagePolicyID: str('ID of the storage policy (SPBM profile) matching storagePolicyName.'),
    storagePolicyName: str('Name of the storage policy (SPBM profile).'),
    volumePath: str('Path of the vmdk that backs the volume.'),
  },
  { required: ['volumePath'] },
)

export const QuobyteVolumeSource: Schema = core(
  'QuobyteVolumeSource',
  'A Quobyte volume mounted into the pod.',
  {
    group: str('Group to map volume access to; none by default.'),
    readOnly: bool('Mounts the volume read-only; defaults to false.'),
    registry: str('One or more Quobyte registry services as host:port, separated by commas.'),
    tenant: str('Tenant owning the volume in the backend.'),
    user: str('User to map volume access to; defaults to the service account user.'),
    volume: str('Name of an existing Quobyte volume.'),
  },
  { required: ['registry', 'volume'] },
)

export const AzureDiskVolumeSource: Schema = core(
  'AzureDiskVolumeSource',
  'An Azure data disk mounted into the pod.',
  {
    cachingMode: oneOfStr(['None', 'ReadOnly', 'ReadWrite'], 'Host caching mode: None, ReadOnly or ReadWrite.', {
      default: 'ReadWrite',
    }),
    diskName: str('Name of the data disk in blob storage.'),
    diskURI: str('URI of the data disk in blob storage.'),
    fsType: str(EXT4_FS_TYPE_DOC, { default: 'ext4' }),
    kind: oneOfStr(
      ['Dedicated', 'Managed', 'Shared'],
      'Shared (several disks per storage account, default), Dedicated (one disk per account) or Managed.',
      { default: 'Shared' },
    ),
    readOnly: bool(READ_ONLY_DOC, { default: false }),
  },
  { required: ['diskName', 'diskURI'] },
)

export const PhotonPersistentDiskVolumeSource: Schema = core(
  'PhotonPersistentDiskVolumeSource',
  'A Photon Controller persistent disk.',
  { fsType: str(EXT4_FS_TYPE_DOC), pdID: str('ID of the persistent disk.') },
  { required: ['pdID'] },
)

const ServiceAccountTokenProjection: Schema = core(
  'ServiceAccountTokenProjection',
  'A service account token written into a projected volume and rotated by the kubelet.',
  {
    audience: str('Intended audience of the token; defaults to the API server identifier.'),
    expirationSeconds: int64('Requested validity of the token; defaults to one hour, at least ten minutes.'),
    path: str('Path of the token file relative to the mount point.'),
  },
  { required: ['path'] },
)

const SecretProjection: Schema = core('SecretProjection', 'A Secret projected into a volume.', {
  items: listOf(KeyToPath, itemsDoc('Secret')),
  name: str('Name of the Secret; effectively required.', { default: '' }),
  optional: bool('When true, a missing Secret or key is not an error.'),
})

const ConfigMapProjection: Schema = core('ConfigMapProjection', 'A ConfigMap projected into a volume.', {
  items: listOf(KeyToPath, itemsDoc('ConfigMap')),
  name: str('Name of the ConfigMap; effectively required.', { default: '' }),
  optional: bool('When true, a missing ConfigMap or key is not an error.'),
})

const DownwardAPIProjection: Schema = core('DownwardAPIProjection', 'Downward API files projected into a volume.', {
  items: listOf(DownwardAPIVolumeFile, 'Files to create.'),
})

const ClusterTrustBundleProjection: Schema = core(
  'ClusterTrustBundleProjection',
  'ClusterTrustBundle certificates written into a projected volume.',
  {
    labelSelector: ref(LabelSelector, 'Selects bundles of signerName by label; unset matches none, empty matches all.'),
    name: str('Selects a single bundle by name; exclusive with signerName and labelSelector.'),
    optional: bool("When true, missing bundles don't block pod startup."),
    path: str('Path of the file relative to the volume root.'),
    signerName: str('Selects every bundle of this signer; their certificates are merged.'),
  },
  { required: ['path'] },
)

const PodCertificateProjection: Schema = core(
  'PodCertificateProjection',
  'A private key and an X.509 certificate chain issued to the pod and written into a projected volume.',
  {
    certificateChainPath: str('Where to write the certificate chain.'),
    credentialBundlePath: str('Where to write the key and the chain together as one PEM file.'),
    keyPath: str('Where to write the private key.'),
    keyType: str('Kind of key pair to generate: RSA3072, RSA4096, ECDSAP256, ECDSAP384, ECDSAP521 or ED25519.'),
    maxExpirationSeconds: int32('Longest certificate lifetime the pod accepts; defaults to one day.'),
    signerName: str('Signer the certificate requests are addressed to.'),
    userAnnotations: strMap('Extra information passed to the signer, copied into the certificate requests.'),
  },
  { required: ['signerName', 'keyType'] },
)

const VolumeProjection: Schema = core('VolumeProjection', 'One source of a projected volume; set exactly one field.', {
  clusterTrustBundle: ref(ClusterTrustBundleProjection, 'ClusterTrustBundle certificates.'),
  configMap: ref(ConfigMapProjection, 'Data of a ConfigMap.'),
  downwardAPI: ref(DownwardAPIProjection, 'Downward API data.'),
  podCertificate: ref(PodCertificateProjection, 'A key and certificate issued to the pod.'),
  secret: ref(SecretProjection, 'Data of a Secret.'),
  serviceAccountToken: ref(ServiceAccountTokenProjection, 'A service account token.'),
})

const ProjectedVolumeSource: Schema = core(
  'ProjectedVolumeSource',
  'Several sources (secrets, config maps, downward API, tokens) combined into one volume.',
  {
    defaultMode: int32(MODE_DOC),
    sources: listOf(VolumeProjection, 'The sources to project.'),
  },
)

export const PortworxVolumeSource: Schema = core(
  'PortworxVolumeSource',
  'A Portworx volume.',
  {
    fsType: str(EXT4_FS_TYPE_DOC),
    readOnly: bool(READ_ONLY_DOC),
    volumeID: str('ID of the Portworx volume.'),
  },
  { required: ['volumeID'] },
)

const scaleIOFields = (secretRef: Schema): Record<string, Schema> => ({
  fsType: str(`${FS_TYPE_DOC} Defaults to xfs.`, { default: 'xfs' }),
  gateway: str('Address of the ScaleIO API gateway.'),
  protectionDomain: str('ScaleIO protection domain of the storage.'),
  readOnly: bool(READ_ONLY_DOC),
  secretRef,
  sslEnabled: bool('Uses SSL to talk to the gateway; defaults to false.'),
  storageMode: str('ThickProvisioned or ThinProvisioned (default).', { default: 'ThinProvisioned' }),
  storagePool: str('ScaleIO storage pool of the protection domain.'),
  system: str('Name of the ScaleIO storage system.'),
  volumeName: str('Name of an existing ScaleIO volume.'),
})

const ScaleIOVolumeSource: Schema = core(
  'ScaleIOVolumeSource',
  'A ScaleIO volume.',
  scaleIOFields(ref(LocalObjectReference, 'Secret with the ScaleIO user credentials; required to log in.')),
  { required: ['gateway', 'system', 'secretRef'] },
)

const storageOSFields = (secretRef: Schema): Record<string, Schema> => ({
  fsType: str(EXT4_FS_TYPE_DOC),
  readOnly: bool(READ_ONLY_DOC),
  secretRef,
  volumeName: str('Name of the StorageOS volume, unique within its StorageOS namespace.'),
  volumeNamespace: str("StorageOS namespace of the volume; defaults to the pod's namespace."),
})

const StorageOSVolumeSource: Schema = core(
  'StorageOSVolumeSource',
  'A StorageOS volume.',
  storageOSFields(ref(LocalObjectReference, 'Secret with the StorageOS API credentials.')),
)

const CSIVolumeSource: Schema = core(
  'CSIVolumeSource',
  'An ephemeral volume provided by a CSI driver.',
  {
    driver: str('Name of the CSI driver.'),
    fsType: str('Filesystem type to mount; left to the driver when empty.'),
    nodePublishSecretRef: ref(
      LocalObjectReference,
      'Secret with sensitive data passed to the driver on NodePublishVolume and NodeUnpublishVolume.',
    ),
    readOnly: bool('Requests a read-only volume; defaults to false.'),
    volumeAttributes: strMap('Driver-specific properties.'),
  },
  { required: ['driver'] },
)

// PersistentVolumeClaimSpec and friends are shared with PersistentVolumeClaim (core.ts).

export const VolumeResourceRequirements: Schema = core(
  'VolumeResourceRequirements',
  'Storage resources requested and limited for a volume.',
  {
    limits: mapOf(Quantity, 'Maximum amount of each resource.'),
    requests: mapOf(Quantity, 'Minimum amount of each resource; defaults to the limits.'),
  },
)

export const PersistentVolumeClaimSpec: Schema = core('PersistentVolumeClaimSpec', 'The storage a claim asks for.', {
  accessModes: strList('Access modes the volume must support, such as ReadWriteOnce.'),
  dataSource: ref(
    TypedLocalObjectReference,
    'Existing VolumeSnapshot or PersistentVolumeClaim to pre-populate the volume from.',
  ),
  dataSourceRef: ref(
    TypedObjectReference,
    'Object a volume populator fills the new volume from; may be any non-core object or a claim, possibly in another namespace.',
  ),
  resources: embed(VolumeResourceRequirements, 'Minimum resources (usually storage) the volume must have.'),
  selector: ref(LabelSelector, 'Label query over the volumes that may be bound.'),
  storageClassName: str('Name of the StorageClass the claim needs.'),
  volumeAttributesClassName: str('VolumeAttributesClass the CSI driver applies to the volume; may change later.'),
  volumeMode: oneOfStr(['Block', 'Filesystem'], 'Block or Filesystem (the default).'),
  volumeName: str('Name of the PersistentVolume the claim is bound to.'),
})

export const PersistentVolumeClaimTemplate: Schema = core(
  'PersistentVolumeClaimTemplate',
  'A template from which a PersistentVolumeClaim is created for an ephemeral volume.',
  {
    metadata: embed(ObjectMeta, 'Labels and annotations copied to the claim; nothing else is allowed.'),
    spec: embed(PersistentVolumeClaimSpec, 'The claim spec, copied unchanged into the created claim.'),
  },
  { required: ['spec'] },
)

const EphemeralVolumeSource: Schema = core(
  'EphemeralVolumeSource',
  'A volume provisioned through a claim that is created and deleted with the pod.',
  {
    volumeClaimTemplate: ref(
      PersistentVolumeClaimTemplate,
      'Template of the claim, named <pod>-<volume> and owned by the pod; required.',
    ),
  },
)

const ImageVolumeSource: Schema = core('ImageVolumeSource', 'An OCI image or artifact mounted read-only.', {
  pullPolicy: oneOfStr(
    PULL_POLICIES,
    'When to pull: Always, Never or IfNotPresent; defaults to Always for :latest, else IfNotPresent.',
  ),
  reference: str('Image or artifact reference, as in a container image field.'),
})

export const Volume: Schema = core(
  'Volume',
  'A named volume of a pod that its containers can mount; set exactly one source.',
  {
    awsElasticBlockStore: ref(AWSElasticBlockStoreVolumeSource, 'Deprecated: an AWS EBS volume.'),
    azureDisk: ref(AzureDiskVolumeSource, 'Deprecated: an Azure data disk.'),
    azureFile: ref(AzureFileVolumeSource, 'Deprecated: an Azure File share.'),
    cephfs: ref(CephFSVolumeSource, 'Deprecated: a CephFS mount.'),
    cinder: ref(CinderVolumeSource, 'Deprecated: an OpenStack Cinder volume.'),
    configMap: ref(ConfigMapVolumeSource, 'A ConfigMap presented as files.'),
    csi: ref(CSIVolumeSource, 'An ephemeral volume from a CSI driver.'),
    downwardAPI: ref(DownwardAPIVolumeSource, 'Pod information presented as files.'),
    emptyDir: ref(EmptyDirVolumeSource, 'A scratch directory that lives as long as the pod.'),
    ephemeral: ref(
      EphemeralVolumeSource,
      'A volume from a storage driver whose claim is created and deleted with the pod.',
    ),
    fc: ref(FCVolumeSource, 'A Fibre Channel volume.'),
    flexVolume: ref(FlexVolumeSource, 'Deprecated: a volume from a FlexVolume driver.'),
    flocker: ref(FlockerVolumeSource, 'Deprecated: a Flocker dataset.'),
    gcePersistentDisk: ref(GCEPersistentDiskVolumeSource, 'Deprecated: a GCE persistent disk.'),
    gitRepo: ref(GitRepoVolumeSource, 'Deprecated: a clone of a git repository.'),
    glusterfs: ref(GlusterfsVolumeSource, 'Deprecated: a Glusterfs volume.'),
    hostPath: ref(HostPathVolumeSource, 'A file or directory of the host; for privileged system workloads.'),
    image: ref(ImageVolumeSource, 'An OCI image or artifact mounted read-only.'),
    iscsi: ref(ISCSIVolumeSource, 'An iSCSI disk.'),
    name: str('Name of the volume, a DNS_LABEL unique within the pod.'),
    nfs: ref(NFSVolumeSource, 'An NFS export.'),
    persistentVolumeClaim: ref(
      PersistentVolumeClaimVolumeSource,
      "The volume bound to a claim in the pod's namespace.",
    ),
    photonPersistentDisk: ref(PhotonPersistentDiskVolumeSource, 'Deprecated: a Photon Controller disk.'),
    portworxVolume: ref(PortworxVolumeSource, 'Deprecated: a Portworx volume.'),
    projected: ref(ProjectedVolumeSource, 'Secrets, config maps, downward API data and tokens in one volume.'),
    quobyte: ref(QuobyteVolumeSource, 'Deprecated: a Quobyte volume.'),
    rbd: ref(RBDVolumeSource, 'Deprecated: a Ceph RADOS block device.'),
    scaleIO: ref(ScaleIOVolumeSource, 'Deprecated: a ScaleIO volume.'),
    secret: ref(SecretVolumeSource, 'A Secret presented as files.'),
    storageos: ref(StorageOSVolumeSource, 'Deprecated: a StorageOS volume.'),
    vsphereVolume: ref(VsphereVirtualDiskVolumeSource, 'Deprecated: a vSphere virtual disk.'),
  },
  { required: ['name'] },
)

// Sources shared with PersistentVolumeSpec.
export {
  AWSElasticBlockStoreVolumeSource,
  cephfsFields,
  flexFields,
  GCEPersistentDiskVolumeSource,
  HostPathVolumeSource,
  iscsiFields,
  rbdFields,
  scaleIOFields,
  storageOSFields,
}

// ---- pod spec -----------------------------------------------------------------------------------

const PodDNSConfigOption: Schema = core('PodDNSConfigOption', 'A DNS resolver option.', {
  name: str('Name of the option; required.'),
  value: str('Value of the option.'),
})

const PodDNSConfig: Schema = core('PodDNSConfig', 'DNS settings of a pod on top of those the DNS policy produces.', {
  nameservers: strList('Name server IP addresses appended to the generated ones, duplicates removed.'),
  options: listOf(PodDNSConfigOption, 'Resolver options merged into the generated ones, overriding them.'),
  searches: strList('Search domains appended to the generated ones, duplicates removed.'),
})

const HostAlias: Schema = core(
  'HostAlias',
  "An entry added to the pod's hosts file.",
  {
    hostnames: strList('Host names for the IP address.'),
    ip: str('IP address of the entry.'),
  },
  { required: ['ip'] },
)

const Sysctl: Schema = core(
  'Sysctl',
  'A namespaced kernel parameter.',
  { name: str('Name of the parameter.'), value: str('Value of the parameter.') },
  { required: ['name', 'value'] },
)

const PodSecurityContext: Schema = core(
  'PodSecurityContext',
  'Security settings for the whole pod; container settings take precedence where both exist.',
  {
    appArmorProfile: ref(AppArmorProfile, 'AppArmor profile of the containers; not for Windows pods.'),
    fsGroup: int64(
      'Supplemental group of every container that also owns supporting volumes (setgid, group read/write); not for Windows pods.',
    ),
    fsGroupChangePolicy: oneOfStr(
      ['Always', 'OnRootMismatch'],
      'When volume ownership is changed to fsGroup: Always (default) or OnRootMismatch.',
    ),
    runAsGroup: int64('GID the entrypoints run as; defaults to the runtime choice. Not for Windows pods.'),
    runAsNonRoot: bool('When true the kubelet refuses to start containers that would run as UID 0.'),
    runAsUser: int64('UID the entrypoints run as; defaults to the image user. Not for Windows pods.'),
    seLinuxChangePolicy: str(
      'How the SELinux label is applied to volumes: MountOption (mount option) or Recursive (relabel every file).',
    ),
    seLinuxOptions: ref(SELinuxOptions, 'SELinux context of all containers; random per container when unset.'),
    seccompProfile: ref(SeccompProfile, 'Seccomp profile of the containers; not for Windows pods.'),
    supplementalGroups: listOf(
      { type: 'integer', format: 'int64' },
      'Extra groups of the first process in each container, in addition to its primary GID and fsGroup.',
    ),
    supplementalGroupsPolicy: oneOfStr(
      ['Merge', 'Strict'],
      'Merge (default) adds the groups from the image; Strict uses only the listed ones.',
    ),
    sysctls: listOf(Sysctl, 'Namespaced kernel parameters of the pod; not for Windows pods.'),
    windowsOptions: ref(WindowsSecurityContextOptions, 'Windows-specific settings of all containers.'),
  },
)

const PodReadinessGate: Schema = core(
  'PodReadinessGate',
  'An extra pod condition that must be True for the pod to be ready.',
  { conditionType: str('Type of the condition in the pod status.') },
  { required: ['conditionType'] },
)

const PodOS: Schema = core(
  'PodOS',
  'The operating system the pod runs on.',
  { name: str('Name of the operating system: linux or windows.') },
  { required: ['name'] },
)

const PodSchedulingGate: Schema = core(
  'PodSchedulingGate',
  'A gate that keeps a pod from being scheduled until removed.',
  { name: str('Name of the gate, unique within the pod.') },
  { required: ['name'] },
)

const PodResourceClaim: Schema = core(
  'PodResourceClaim',
  'A ResourceClaim the pod uses, named for reference from containers.',
  {
    name: str('Name of the entry, a DNS_LABEL unique within the pod.'),
    resourceClaimName: str('Name of an existing ResourceClaim in the pod namespace.'),
    resourceClaimTemplateName: str('Name of a ResourceClaimTemplate from which a claim is created for the pod.'),
  },
  { required: ['name'] },
)

const WorkloadReference: Schema = core(
  'WorkloadReference',
  'The Workload and pod group a pod belongs to, for group scheduling.',
  {
    name: str('Name of the Workload in the pod namespace.'),
    podGroup: str('Name of the pod group within the Workload.'),
    podGroupReplicaKey: str('Replica of the pod group the pod belongs to.'),
  },
  { required: ['name', 'podGroup'] },
)

export const PodSpec: Schema = core(
  'PodSpec',
  'The desired state of a pod: its containers, volumes and scheduling constraints.',
  {
    activeDeadlineSeconds: int64('Seconds the pod may be active after it starts before it is failed.'),
    affinity: ref(Affinity, 'Scheduling constraints of the pod.'),
    automountServiceAccountToken: bool('Whether a service account token is mounted automatically.'),
    containers: mergeList(Container, 'name', 'The containers of the pod; at least one. Cannot be updated.'),
    dnsConfig: ref(PodDNSConfig, 'DNS settings merged with those from dnsPolicy.'),
    dnsPolicy: oneOfStr(
      ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
      'DNS policy: ClusterFirst (default), ClusterFirstWithHostNet, Default or None.',
    ),
    enableServiceLinks: bool('Injects variables about services into the environment; defaults to true.'),
    ephemeralContainers: mergeList(
      EphemeralContainer,
      'name',
      'Ephemeral containers added to the running pod through the ephemeralcontainers subresource.',
    ),
    hostAliases: mergeList(HostAlias, 'ip', "Entries added to the pod's hosts file."),
    hostIPC: bool("Uses the host's IPC namespace; defaults to false."),
    hostNetwork: bool("Uses the host's network namespace; defaults to false."),
    hostPID: bool("Uses the host's PID namespace; defaults to false."),
    hostUsers: bool('Uses the host user namespace (default true); false creates a new user namespace for the pod.'),
    hostname: str('Host name of the pod; defaults to a system-defined value.'),
    hostnameOverride: str('Explicit host name of the pod, taking precedence over hostname and subdomain.'),
    imagePullSecrets: mergeList(
      LocalObjectReference,
      'name',
      'Secrets in the namespace with credentials for pulling the images.',
    ),
    initContainers: mergeList(
      Container,
      'name',
      'Containers run in order to completion before the app containers start. Cannot be updated.',
    ),
    nodeName: str('Node the pod is bound to; set by the scheduler, or directly to bypass it.'),
    nodeSelector: strMap('Labels a node must have for the pod to be scheduled onto it.', {
      'x-kubernetes-map-type': 'atomic',
    }),
    os: ref(PodOS, 'Operating system of the pod, which restricts some fields.'),
    overhead: mapOf(Quantity, 'Resource overhead of the runtime class, filled in at admission.'),
    preemptionPolicy: oneOfStr(
      ['Never', 'PreemptLowerPriority'],
      'Whether the pod may preempt lower-priority pods: PreemptLowerPriority (default) or Never.',
    ),
    priority: int32('Priority value, filled in from priorityClassName at admission.'),
    priorityClassName: str('Name of the PriorityClass of the pod.'),
    readinessGates: listOf(PodReadinessGate, 'Extra conditions that must be True for the pod to be ready.'),
    resourceClaims: listOf(PodResourceClaim, 'ResourceClaims allocated to the pod before it starts. Immutable.', {
      type: 'map',
      keys: ['name'],
      mergeKey: 'name',
      strategy: 'merge,retainKeys',
    }),
    resources: ref(ResourceRequirements, 'Total CPU and memory of the pod shared by all containers.'),
    restartPolicy: oneOfStr(
      ['Always', 'Never', 'OnFailure'],
      'Restart policy of the containers: Always (default), OnFailure or Never.',
    ),
    runtimeClassName: str('RuntimeClass used to run the pod.'),
    schedulerName: str('Scheduler that places the pod; defaults to the default scheduler.'),
    schedulingGates: mergeList(
      PodSchedulingGate,
      'name',
      'Gates that keep the pod unscheduled; may only be removed after creation.',
    ),
    securityContext: ref(PodSecurityContext, 'Pod-level security settings.'),
    serviceAccount: str('Deprecated alias of serviceAccountName.'),
    serviceAccountName: str('Service account the pod runs as.'),
    setHostnameAsFQDN: bool('Sets the host name to the fully qualified domain name; defaults to false.'),
    shareProcessNamespace: bool('Puts all containers in one PID namespace; defaults to false.'),
    subdomain: str('Subdomain of the pod: its FQDN becomes <hostname>.<subdomain>.<namespace>.svc.<cluster domain>.'),
    terminationGracePeriodSeconds: int64('Seconds between the termination signal and the kill signal; defaults to 30.'),
    tolerations: listOf(Toleration, 'Taints the pod tolerates.'),
    topologySpreadConstraints: listOf(TopologySpreadConstraint, 'How the pod spreads across topology domains.', {
      type: 'map',
      keys: ['topologyKey', 'whenUnsatisfiable'],
      mergeKey: 'topologyKey',
    }),
    volumes: listOf(Volume, 'Volumes the containers may mount.', {
      type: 'map',
      keys: ['name'],
      mergeKey: 'name',
      strategy: 'merge,retainKeys',
    }),
    workloadRef: ref(WorkloadReference, 'Workload and pod group the pod belongs to.'),
  },
  { required: ['containers'] },
)

export const PodTemplateSpec: Schema = core('PodTemplateSpec', 'A template from which pods are created.', {
  metadata: embed(ObjectMeta, 'Metadata given to the pods created from the template.'),
  spec: embed(PodSpec, 'Spec of the pods created from the template.'),
})

// ---- pod status ---------------------------------------------------------------------------------

const PodCondition: Schema = core(
  'PodCondition',
  'One aspect of the state of a pod, such as Ready or PodScheduled.',
  {
    lastProbeTime: ref(Time, 'When the condition was last probed.'),
    lastTransitionTime: ref(Time, 'When the condition last changed status.'),
    message: str('Human-readable details about the last transition.'),
    observedGeneration: int64('The pod metadata.generation the condition reflects.'),
    reason: str('CamelCase reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition, such as Ready, PodScheduled or ContainersReady.'),
  },
  { required: ['type', 'status'] },
)

const PodIP: Schema = core(
  'PodIP',
  'An IP address allocated to a pod.',
  { ip: str('The IP address.') },
  { required: ['ip'] },
)
const HostIP: Schema = core(
  'HostIP',
  'An IP address of the host a pod runs on.',
  { ip: str('The IP address.') },
  {
    required: ['ip'],
  },
)

const ContainerStateWaiting: Schema = core('ContainerStateWaiting', 'A container that has not started yet.', {
  message: str('Why the container is not running yet.'),
  reason: str('Short reason, such as ContainerCreating or ImagePullBackOff.'),
})

const ContainerStateRunning: Schema = core('ContainerStateRunning', 'A running container.', {
  startedAt: ref(Time, 'When the container last started.'),
})

const ContainerStateTerminated: Schema = core(
  'ContainerStateTerminated',
  'A container that has exited.',
  {
    containerID: str('Runtime ID of the container, as <type>://<id>.'),
    exitCode: int32('Exit status of the last run.'),
    finishedAt: ref(Time, 'When the container last exited.'),
    message: str('Details about the exit.'),
    reason: str('Short reason for the exit, such as Completed or OOMKilled.'),
    signal: int32('Signal that ended the container, if any.'),
    startedAt: ref(Time, 'When the last run started.'),
  },
  { required: ['exitCode'] },
)

const ContainerState: Schema = core('ContainerState', 'The state of a container; exactly one field is set.', {
  running: ref(ContainerStateRunning, 'Details of a running container.'),
  terminated: ref(ContainerStateTerminated, 'Details of an exited container.'),
  waiting: ref(ContainerStateWaiting, 'Details of a container that has not started.'),
})

const ResourceHealth: Schema = core(
  'ResourceHealth',
  'Health of one device allocated to a container.',
  {
    health: str('Healthy, Unhealthy or Unknown.'),
    message: str('Details about the health.'),
    resourceID: str('ID of the device.'),
  },
  { required: ['resourceID'] },
)

const ResourceStatus: Schema = core(
  'ResourceStatus',
  'Health of the devices behind one resource of a container.',
  {
    name: str('Name of the resource, as in the container resources or claims.'),
    resources: listOf(ResourceHealth, 'Health of each device.', { type: 'map', keys: ['resourceID'] }),
  },
  { required: ['name'] },
)

const VolumeMountStatus: Schema = core(
  'VolumeMountStatus',
  'The state of a volume mount of a container.',
  {
    mountPath: str('Path the volume is mounted at.'),
    name: str('Name of the volume.'),
    readOnly: bool('Whether the mount is read-only.'),
    recursiveReadOnly: str('Effective recursive read-only setting: Disabled or Enabled.'),
  },
  { required: ['name', 'mountPath'] },
)

const LinuxContainerUser: Schema = core(
  'LinuxContainerUser',
  'The Linux identity of the first process of a container.',
  {
    gid: int64('Primary GID.'),
    supplementalGroups: listOf({ type: 'integer', format: 'int64' }, 'Supplemental GIDs.'),
    uid: int64('UID.'),
  },
  { required: ['uid', 'gid'] },
)

const ContainerUser: Schema = core('ContainerUser', 'The identity the first process of a container runs as.', {
  linux: ref(LinuxContainerUser, 'Linux user and groups.'),
})

const ContainerStatus: Schema = core(
  'ContainerStatus',
  'The observed state of one container of a pod.',
  {
    allocatedResources: mapOf(Quantity, 'Resources the node allocated to the container.'),
    allocatedResourcesStatus: listOf(ResourceStatus, 'Health of the devices allocated to the container.', {
      type: 'map',
      keys: ['name'],
      mergeKey: 'name',
    }),
    containerID: str('Runtime ID of the container, as <type>://<id>.'),
    image: str('Image the container runs.'),
    imageID: str('ID of the image the container runs.'),
    lastState: embed(ContainerState, 'State of the previous run, if any.'),
    name: str('Name of the container.'),
    ready: bool('Whether the container passes its readiness probe.'),
    resources: ref(ResourceRequirements, 'Resources actually applied to the running container.'),
    restartCount: int32('Number of times the container has been restarted.'),
    started: bool('Whether the container has started and passed its startup probe.'),
    state: embed(ContainerState, 'Current state of the container.'),
    stopSignal: str('Signal that will be sent to stop the container.'),
    user: ref(ContainerUser, 'Identity of the first process of the container.'),
    volumeMounts: mergeList(VolumeMountStatus, 'mountPath', 'State of the volume mounts.'),
  },
  { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
)

const PodResourceClaimStatus: Schema = core(
  'PodResourceClaimStatus',
  'The ResourceClaim created for a pod resource claim entry.',
  {
    name: str('Name of the entry in spec.resourceClaims.'),
    resourceClaimName: str('Name of the ResourceClaim created for the entry, if any.'),
  },
  { required: ['name'] },
)

export const PodStatus: Schema = core('PodStatus', 'The observed state of a pod.', {
  conditions: mergeList(PodCondition, 'type', 'Current conditions of the pod.'),
  containerStatuses: listOf(ContainerStatus, 'State of each app container.'),
  ephemeralContainerStatuses: listOf(ContainerStatus, 'State of each ephemeral container.'),
  hostIP: str('Primary IP address of the node running the pod.'),
  hostIPs: listOf(HostIP, 'IP addresses of the node running the pod.', {
    type: 'atomic',
    mergeKey: 'ip',
  }),
  initContainerStatuses: listOf(ContainerStatus, 'State of each init container.'),
  message: str('Human-readable details about the pod state.'),
  nominatedNodeName: str('Node the pod is expected to run on once preemption completes.'),
  observedGeneration: int64('The pod metadata.generation this status reflects.'),
  phase: oneOfStr(
    ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
    'High-level lifecycle phase: Pending, Running, Succeeded, Failed or Unknown.',
  ),
  podIP: str('Primary IP address of the pod.'),
  podIPs: mergeList(PodIP, 'ip', 'IP addresses of the pod, the first equal to podIP.'),
  qosClass: oneOfStr(
    ['BestEffort', 'Burstable', 'Guaranteed'],
    'Quality of service class derived from the resource requests and limits.',
  ),
  reason: str('Short reason for the current state, such as Evicted.'),
  resize: str('Deprecated: state of an in-place resize.'),
  resourceClaimStatuses: listOf(PodResourceClaimStatus, 'ResourceClaims created for the pod.', {
    type: 'map',
    keys: ['name'],
    mergeKey: 'name',
    strategy: 'merge,retainKeys',
  }),
  startTime: ref(Time, 'When the kubelet acknowledged the pod, before pulling images.'),
})
