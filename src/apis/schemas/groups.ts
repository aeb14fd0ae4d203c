// The smaller API groups: networking.k8s.io, rbac.authorization.k8s.io, coordination.k8s.io,
// autoscaling/v2, policy, storage.k8s.io, events.k8s.io.

import { EventSource, ObjectReference } from './core.ts'
import { core, PROTOCOLS, TypedLocalObjectReference } from './core-pod.ts'
import { Condition, IntOrString, kind, LabelSelector, MicroTime, Quantity, Time } from './meta.ts'
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

const inGroup =
  (pkg: string) => (name: string, description: string, props: Record<string, Schema>, opts?: StructOptions) =>
    struct(`io.k8s.api.${pkg}.${name}`, description, props, opts)
const kindIn =
  (pkg: string, group: string, version: string) =>
  (k: string, description: string, fields: Record<string, Schema>, required?: string[]) =>
    kind(`io.k8s.api.${pkg}.${k}`, { group, version, kind: k }, description, fields, { required })

// ---- networking.k8s.io/v1 -----------------------------------------------------------------------

const net = inGroup('networking.v1')
const netKind = kindIn('networking.v1', 'networking.k8s.io', 'v1')

const ServiceBackendPort: Schema = net(
  'ServiceBackendPort',
  'A port of a service, by name or by number.',
  {
    name: str('Name of the service port; exclusive with number.'),
    number: int32('Number of the service port; exclusive with name.'),
  },
  { mapType: 'atomic' },
)

const IngressServiceBackend: Schema = net(
  'IngressServiceBackend',
  'A service that receives ingress traffic.',
  {
    name: str('Name of the service, in the namespace of the Ingress.'),
    port: ref(ServiceBackendPort, 'Port of the service to send traffic to.'),
  },
  { required: ['name'] },
)

const IngressBackend: Schema = net('IngressBackend', 'Where ingress traffic is sent: a service or another resource.', {
  resource: ref(TypedLocalObjectReference, 'An object in the same namespace; exclusive with service.'),
  service: ref(IngressServiceBackend, 'A service; exclusive with resource.'),
})

const HTTPIngressPath: Schema = net(
  'HTTPIngressPath',
  'A path and the backend its requests go to.',
  {
    backend: embed(IngressBackend, 'Backend the matching requests are sent to.'),
    path: str("Path matched against the request path; must start with '/'."),
    pathType: oneOfStr(
      ['Exact', 'ImplementationSpecific', 'Prefix'],
      'How path is matched: Exact, Prefix (by path element) or ImplementationSpecific.',
    ),
  },
  { required: ['pathType', 'backend'], noDefault: ['pathType'] },
)

const HTTPIngressRuleValue: Schema = net(
  'HTTPIngressRuleValue',
  'HTTP paths and their backends.',
  { paths: listOf(HTTPIngressPath, 'Paths and their backends.') },
  { required: ['paths'] },
)

const IngressRule: Schema = net('IngressRule', 'Routes requests for a host to backends.', {
  host: str(
    'Fully qualified host name the rule applies to, optionally with a leading wildcard; empty matches all hosts.',
  ),
  http: ref(HTTPIngressRuleValue, 'HTTP routing of the rule.'),
})

const IngressTLS: Schema = net('IngressTLS', 'TLS settings for a set of hosts.', {
  hosts: strList('Host names covered by the certificate; defaults to the wildcard host of the load balancer.'),
  secretName: str('Secret holding the TLS certificate and key.'),
})

const IngressPortStatus: Schema = net(
  'IngressPortStatus',
  'The state of one port of an ingress load balancer.',
  {
    error: str('Error of the port, as a CamelCase reason or a domain-prefixed name; empty when fine.'),
    port: int32('Port number.'),
    protocol: oneOfStr(PROTOCOLS, 'Protocol of the port: TCP, UDP or SCTP.'),
  },
  { required: ['port', 'protocol'] },
)

const IngressLoadBalancerIngress: Schema = net('IngressLoadBalancerIngress', 'An ingress point of a load balancer.', {
  hostname: str('DNS name of the ingress point.'),
  ip: str('IP address of the ingress point.'),
  ports: listOf(IngressPortStatus, 'State of each port.'),
})

const IngressLoadBalancerStatus: Schema = net('IngressLoadBalancerStatus', 'The state of an ingress load balancer.', {
  ingress: listOf(IngressLoadBalancerIngress, 'Ingress points of the load balancer.'),
})

export const Ingress: Schema = netKind('Ingress', 'Rules routing external HTTP(S) traffic to services.', {
  spec: embed(
    net('IngressSpec', 'The desired state of an ingress.', {
      defaultBackend: ref(IngressBackend, 'Backend for requests that match no rule.'),
      ingressClassName: str('Name of the IngressClass that implements this ingress.'),
      rules: listOf(IngressRule, 'Host rules; unmatched traffic goes to the default backend.'),
      tls: listOf(IngressTLS, 'TLS configuration, per set of hosts.'),
    }),
    'Desired state of the ingress.',
  ),
  status: embed(
    net('IngressStatus', 'The observed state of an ingress.', {
      loadBalancer: embed(IngressLoadBalancerStatus, 'State of the load balancer.'),
    }),
    'Observed state of the ingress.',
  ),
})

const IPBlock: Schema = net(
  'IPBlock',
  'An IP range, minus some sub-ranges.',
  {
    cidr: str('The range, such as 192.168.1.0/24.'),
    except: strList('Sub-ranges excluded from the range.'),
  },
  { required: ['cidr'] },
)

const NetworkPolicyPeer: Schema = net('NetworkPolicyPeer', 'Peers that traffic may come from or go to.', {
  ipBlock: ref(IPBlock, 'An IP range; exclusive with the selectors.'),
  namespaceSelector: ref(
    LabelSelector,
    'Namespaces whose pods are peers; combined with podSelector when both are set.',
  ),
  podSelector: ref(LabelSelector, 'Pods that are peers, in the policy namespace unless namespaceSelector is set.'),
})

const NetworkPolicyPort: Schema = net('NetworkPolicyPort', 'A port or port range traffic may use.', {
  endPort: int32('Last port of a range starting at port; needs a numeric port.'),
  port: ref(IntOrString, 'Port number or name; all ports when unset.'),
  protocol: oneOfStr(PROTOCOLS, 'Protocol: TCP (default), UDP or SCTP.'),
})

export const NetworkPolicy: Schema = netKind('NetworkPolicy', 'Which network traffic is allowed for a set of pods.', {
  spec: embed(
    net('NetworkPolicySpec', 'The desired behaviour of a network policy.', {
      egress: listOf(
        net('NetworkPolicyEgressRule', 'Outgoing traffic allowed when it matches both ports and to.', {
          ports: listOf(NetworkPolicyPort, 'Destination ports allowed; all when empty.'),
          to: listOf(NetworkPolicyPeer, 'Destinations allowed; all when empty.'),
        }),
        'Outgoing traffic rules; no traffic is allowed when the list is empty and Egress is a policy type.',
      ),
      ingress: listOf(
        net('NetworkPolicyIngressRule', 'Incoming traffic allowed when it matches both ports and from.', {
          from: listOf(NetworkPolicyPeer, 'Sources allowed; all when empty.'),
          ports: listOf(NetworkPolicyPort, 'Ports allowed; all when empty.'),
        }),
        'Incoming traffic rules; no traffic is allowed when the list is empty.',
      ),
      podSelector: embed(LabelSelector, 'Pods the policy applies to; empty selects every pod of the namespace.'),
      policyTypes: strList('Directions the policy covers: Ingress, Egress or both.'),
    }),
    'Desired behaviour of the policy.',
  ),
})

// ---- rbac.authorization.k8s.io/v1 ---------------------------------------------------------------

const rbac = inGroup('rbac.v1')
const rbacKind = kindIn('rbac.v1', 'rbac.authorization.k8s.io', 'v1')

const PolicyRule: Schema = rbac(
  'PolicyRule',
  'Actions (verbs) allowed on resources or non-resource URLs.',
  {
    apiGroups: strList('API groups of the resources; "" is the core group and "*" all groups.'),
    nonResourceURLs: strList('Non-resource URL paths, such as /healthz; only in ClusterRoles.'),
    resourceNames: strList('Names of the resources the rule is limited to; all when empty.'),
    resources: strList('Resources the rule applies to; "*" means all.'),
    verbs: strList('Verbs allowed, such as get, list or create; "*" means all.'),
  },
  { required: ['verbs'] },
)

const Subject: Schema = rbac(
  'Subject',
  'A user, group or service account a binding grants a role to.',
  {
    apiGroup: str('API group of the subject: empty for ServiceAccount, rbac.authorization.k8s.io for User and Group.'),
    kind: str('Kind of subject: User, Group or ServiceAccount.'),
    name: str('Name of the subject.'),
    namespace: str('Namespace of a ServiceAccount subject.'),
  },
  { required: ['kind', 'name'], mapType: 'atomic' },
)

const RoleRef: Schema = rbac(
  'RoleRef',
  'The role a binding grants.',
  {
    apiGroup: str('API group of the role.'),
    kind: str('Kind of the role: Role or ClusterRole.'),
    name: str('Name of the role.'),
  },
  { required: ['apiGroup', 'kind', 'name'], mapType: 'atomic' },
)

const RULES_DOC = 'The permissions granted.'

export const Role: Schema = rbacKind('Role', 'A set of permissions within a namespace.', {
  rules: listOf(PolicyRule, RULES_DOC),
})

export const ClusterRole: Schema = rbacKind(
  'ClusterRole',
  'A set of permissions across the cluster or in any namespace.',
  {
    aggregationRule: ref(
      rbac('AggregationRule', 'How a ClusterRole aggregates the rules of other ClusterRoles.', {
        clusterRoleSelectors: listOf(LabelSelector, 'Selects the ClusterRoles whose rules are aggregated.'),
      }),
      'When set, the rules are computed from the selected ClusterRoles and managed by the controller.',
    ),
    rules: listOf(PolicyRule, RULES_DOC),
  },
)

export const RoleBinding: Schema = rbacKind(
  'RoleBinding',
  'Grants a Role or ClusterRole to subjects within a namespace.',
  {
    roleRef: embed(RoleRef, 'The role granted; cannot be changed.'),
    subjects: listOf(Subject, 'Who the role is granted to.'),
  },
  ['roleRef'],
)

export const ClusterRoleBinding: Schema = rbacKind(
  'ClusterRoleBinding',
  'Grants a ClusterRole to subjects across the cluster.',
  {
    roleRef: embed(RoleRef, 'The ClusterRole granted; cannot be changed.'),
    subjects: listOf(Subject, 'Who the role is granted to.'),
  },
  ['roleRef'],
)

// ---- coordination.k8s.io/v1 ---------------------------------------------------------------------

export const Lease: Schema = kindIn('coordination.v1', 'coordination.k8s.io', 'v1')(
  'Lease',
  'A lock held by one holder for a while, used for leader election and heartbeats.',
  {
    spec: embed(
      inGroup('coordination.v1')('LeaseSpec', 'The holder and timing of a lease.', {
        acquireTime: ref(MicroTime, 'When the current holder acquired the lease.'),
        holderIdentity: str('Identity of the current holder.'),
        leaseDurationSeconds: int32('Seconds candidates wait after the last renewal before taking the lease over.'),
        leaseTransitions: int32('Number of times the lease changed holder.'),
        preferredHolder: str('Holder the lease should pass to; the current holder should release it.'),
        renewTime: ref(MicroTime, 'When the holder last renewed the lease.'),
        strategy: str('Leader election strategy of coordinated leader election, such as OldestEmulationVersion.'),
      }),
      'Holder and timing of the lease.',
    ),
  },
)

// ---- autoscaling/v2 -----------------------------------------------------------------------------

const as = inGroup('autoscaling.v2')

const CrossVersionObjectReference: Schema = as(
  'CrossVersionObjectReference',
  'Names an object of a kind in a given API version.',
  {
    apiVersion: str('API version of the object.'),
    kind: str('Kind of the object.'),
    name: str('Name of the object.'),
  },
  { required: ['kind', 'name'] },
)

const MetricIdentifier: Schema = as(
  'MetricIdentifier',
  'Names a metric, optionally narrowed by labels.',
  {
    name: str('Name of the metric.'),
    selector: ref(LabelSelector, 'Label selector narrowing the metric; passed to the metrics server.'),
  },
  { required: ['name'] },
)

const MetricTarget: Schema = as(
  'MetricTarget',
  'The target value of a metric.',
  {
    averageUtilization: int32('Target average across pods, as a percentage of the requested resource.'),
    averageValue: ref(Quantity, 'Target average across pods, as a quantity.'),
    type: str('Kind of target: Utilization, Value or AverageValue.'),
    value: ref(Quantity, 'Target value, as a quantity.'),
  },
  { required: ['type'] },
)

const MetricValueStatus: Schema = as('MetricValueStatus', 'The current value of a metric.', {
  averageUtilization: int32('Current average across pods, as a percentage of the requested resource.'),
  averageValue: ref(Quantity, 'Current average across pods.'),
  value: ref(Quantity, 'Current value.'),
})

const MetricSpec: Schema = as(
  'MetricSpec',
  'A metric to scale on; set the field matching type.',
  {
    containerResource: ref(
      as(
        'ContainerResourceMetricSource',
        'A resource metric of one container of the pods.',
        {
          container: str('Name of the container.'),
          name: str('Name of the resource.'),
          target: embed(MetricTarget, 'Target value.'),
        },
        { required: ['name', 'target', 'container'] },
      ),
      'A resource metric of one container of each pod.',
    ),
    external: ref(
      as(
        'ExternalMetricSource',
        'A metric not associated with any Kubernetes object.',
        { metric: embed(MetricIdentifier, 'The metric.'), target: embed(MetricTarget, 'Target value.') },
        { required: ['metric', 'target'] },
      ),
      'A metric from outside the cluster.',
    ),
    object: ref(
      as(
        'ObjectMetricSource',
        'A metric describing a single Kubernetes object.',
        {
          describedObject: embed(CrossVersionObjectReference, 'The object the metric describes.'),
          metric: embed(MetricIdentifier, 'The metric.'),
          target: embed(MetricTarget, 'Target value.'),
        },
        { required: ['describedObject', 'target', 'metric'] },
      ),
      'A metric of a single object, such as an Ingress.',
    ),
    pods: ref(
      as(
        'PodsMetricSource',
        'A metric averaged over the pods of the target.',
        { metric: embed(MetricIdentifier, 'The metric.'), target: embed(MetricTarget, 'Target value.') },
        { required: ['metric', 'target'] },
      ),
      'A metric of each pod, averaged.',
    ),
    resource: ref(
      as(
        'ResourceMetricSource',
        'A resource metric (such as cpu) of the pods.',
        { name: str('Name of the resource.'), target: embed(MetricTarget, 'Target value.') },
        { required: ['name', 'target'] },
      ),
      'A resource metric of the pods, such as cpu or memory.',
    ),
    type: str('Kind of metric: ContainerResource, External, Object, Pods or Resource.'),
  },
  { required: ['type'] },
)

const MetricStatus: Schema = as(
  'MetricStatus',
  'The current value of a metric the autoscaler uses.',
  {
    containerResource: ref(
      as(
        'ContainerResourceMetricStatus',
        'Current value of a container resource metric.',
        {
          container: str('Name of the container.'),
          current: embed(MetricValueStatus, 'Current value.'),
          name: str('Name of the resource.'),
        },
        { required: ['name', 'current', 'container'] },
      ),
      'A container resource metric.',
    ),
    external: ref(
      as(
        'ExternalMetricStatus',
        'Current value of an external metric.',
        { current: embed(MetricValueStatus, 'Current value.'), metric: embed(MetricIdentifier, 'The metric.') },
        { required: ['metric', 'current'] },
      ),
      'An external metric.',
    ),
    object: ref(
      as(
        'ObjectMetricStatus',
        'Current value of an object metric.',
        {
          current: embed(MetricValueStatus, 'Current value.'),
          describedObject: embed(CrossVersionObjectReference, 'The object the metric describes.'),
          metric: embed(MetricIdentifier, 'The metric.'),
        },
        { required: ['metric', 'current', 'describedObject'] },
      ),
      'An object metric.',
    ),
    pods: ref(
      as(
        'PodsMetricStatus',
        'Current value of a pods metric.',
        { current: embed(MetricValueStatus, 'Current value.'), metric: embed(MetricIdentifier, 'The metric.') },
        { required: ['metric', 'current'] },
      ),
      'A pods metric.',
    ),
    resource: ref(
      as(
        'ResourceMetricStatus',
        'Current value of a resource metric.',
        { current: embed(MetricValueStatus, 'Current value.'), name: str('Name of the resource.') },
        { required: ['name', 'current'] },
      ),
      'A resource metric.',
    ),
    type: str('Kind of metric: ContainerResource, External, Object, Pods or Resource.'),
  },
  { required: ['type'] },
)

const HPAScalingPolicy: Schema = as(
  'HPAScalingPolicy',
  'A limit on how much the replica count may change within a period.',
  {
    periodSeconds: int32('Length of the window in seconds, from 1 to 1800.'),
    type: str('Pods (absolute) or Percent (of current replicas).'),
    value: int32('Amount of change allowed within the period; greater than zero.'),
  },
  { required: ['type', 'value', 'periodSeconds'] },
)

const HPAScalingRules: Schema = as('HPAScalingRules', 'Scaling behaviour in one direction.', {
  policies: listOf(HPAScalingPolicy, 'Policies limiting the change; at least one must allow it.'),
  selectPolicy: str('Which policy applies: Max (default), Min or Disabled.'),
  stabilizationWindowSeconds: int32('Seconds of past recommendations considered to avoid flapping.'),
  tolerance: ref(Quantity, 'Relative metric deviation below which no scaling happens, such as 0.1.'),
})

const HorizontalPodAutoscalerCondition: Schema = as(
  'HorizontalPodAutoscalerCondition',
  'One aspect of the state of an autoscaler.',
  {
    lastTransitionTime: ref(Time, 'When the condition last changed status.'),
    message: str('Human-readable details about the last transition.'),
    reason: str('Reason for the last transition.'),
    status: str('Status of the condition: True, False or Unknown.'),
    type: str('Type of the condition, such as AbleToScale or ScalingActive.'),
  },
  { required: ['type', 'status'] },
)

export const HorizontalPodAutoscaler: Schema = kindIn('autoscaling.v2', 'autoscaling', 'v2')(
  'HorizontalPodAutoscaler',
  'Scales a workload automatically from observed metrics.',
  {
    spec: embed(
      as(
        'HorizontalPodAutoscalerSpec',
        'The desired behaviour of an autoscaler.',
        {
          behavior: ref(
            as('HorizontalPodAutoscalerBehavior', 'How fast the autoscaler scales up and down.', {
              scaleDown: ref(HPAScalingRules, 'Scale-down behaviour; by default any amount after 300 s of stability.'),
              scaleUp: ref(HPAScalingRules, 'Scale-up behaviour; by default fast, without stabilization.'),
            }),
            'Scaling behaviour in each direction; defaults apply when unset.',
          ),
          maxReplicas: int32('Upper limit of replicas; at least minReplicas.'),
          metrics: listOf(
            MetricSpec,
            'Metrics to scale on; the largest resulting replica count wins. Defaults to 80% CPU.',
          ),
          minReplicas: int32('Lower limit of replicas; defaults to 1.'),
          scaleTargetRef: embed(CrossVersionObjectReference, 'The workload to scale.'),
        },
        { required: ['scaleTargetRef', 'maxReplicas'] },
      ),
      'Desired behaviour of the autoscaler.',
    ),
    status: embed(
      as(
        'HorizontalPodAutoscalerStatus',
        'The observed state of an autoscaler.',
        {
          conditions: mergeList(HorizontalPodAutoscalerCondition, 'type', 'Current conditions of the autoscaler.'),
          currentMetrics: listOf(MetricStatus, 'Last read values of the metrics.'),
          currentReplicas: int32('Replicas of the target as last seen.'),
          desiredReplicas: int32('Replicas the autoscaler last computed.'),
          lastScaleTime: ref(Time, 'When the autoscaler last scaled the target.'),
          observedGeneration: int64('Generation most recently observed by the autoscaler.'),
        },
        { required: ['desiredReplicas'] },
      ),
      'Current state of the autoscaler.',
    ),
  },
)

// ---- policy/v1 ----------------------------------------------------------------------------------

const pol = inGroup('policy.v1')

export const PodDisruptionBudget: Schema = kindIn('policy.v1', 'policy', 'v1')(
  'PodDisruptionBudget',
  'Limits how many pods of a set may be down at once because of voluntary disruptions.',
  {
    spec: embed(
      pol('PodDisruptionBudgetSpec', 'The desired budget.', {
        maxUnavailable: ref(IntOrString, 'Pods (number or percentage) that may be unavailable after an eviction.'),
        minAvailable: ref(IntOrString, 'Pods (number or percentage) that must remain available after an eviction.'),
        selector: ref(LabelSelector, 'Pods the budget covers; an empty selector selects every pod of the namespace.', {
          'x-kubernetes-patch-strategy': 'replace',
        }),
        unhealthyPodEvictionPolicy: oneOfStr(
          ['AlwaysAllow', 'IfHealthyBudget'],
          'When running but unready pods may be evicted: IfHealthyBudget (default) or AlwaysAllow.',
        ),
      }),
      'Desired budget.',
    ),
    status: embed(
      pol(
        'PodDisruptionBudgetStatus',
        'The observed state of a budget.',
        {
          conditions: mergeList(Condition, 'type', 'Current conditions, such as DisruptionAllowed.'),
          currentHealthy: int32('Pods currently healthy.'),
          desiredHealthy: int32('Minimum number of healthy pods required.'),
          disruptedPods: mapOf(Time, 'Pods being evicted, with the time of the eviction request.'),
          disruptionsAllowed: int32('Number of further disruptions currently allowed.'),
          expectedPods: int32('Total number of pods counted by the budget.'),
          observedGeneration: int64('Generation most recently observed when updating the status.'),
        },
        { required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] },
      ),
      'Most recently observed state of the budget.',
    ),
  },
)

// ---- storage.k8s.io/v1 --------------------------------------------------------------------------

const TopologySelectorLabelRequirement: Schema = core(
  'TopologySelectorLabelRequirement',
  'A topology label and the values it may take.',
  {
    key: str('Label key.'),
    values: strList('Allowed values; any one must match.'),
  },
  { required: ['key', 'values'] },
)

const TopologySelectorTerm: Schema = core(
  'TopologySelectorTerm',
  'A topology domain described by label requirements, all of which must hold.',
  { matchLabelExpressions: listOf(TopologySelectorLabelRequirement, 'Label requirements.') },
  { mapType: 'atomic' },
)

export const StorageClass: Schema = kindIn('storage.v1', 'storage.k8s.io', 'v1')(
  'StorageClass',
  'A class of storage from which persistent volumes are provisioned dynamically.',
  {
    allowVolumeExpansion: bool('Whether claims of this class may be expanded.'),
    allowedTopologies: listOf(
      TopologySelectorTerm,
      'Topology domains where volumes may be provisioned; anywhere when empty.',
    ),
    mountOptions: strList('Mount options of the provisioned volumes; not validated.'),
    parameters: strMap('Provisioner-specific parameters.'),
    provisioner: str('Name of the volume provisioner.'),
    reclaimPolicy: oneOfStr(
      ['Delete', 'Recycle', 'Retain'],
      'Reclaim policy of provisioned volumes: Delete (default) or Retain.',
    ),
    volumeBindingMode: oneOfStr(
      ['Immediate', 'WaitForFirstConsumer'],
      'When claims are provisioned and bound: Immediate (default) or WaitForFirstConsumer.',
    ),
  },
  ['provisioner'],
)

// ---- events.k8s.io/v1 ---------------------------------------------------------------------------

const ev = inGroup('events.v1')

export const EventsV1Event: Schema = kindIn('events.v1', 'events.k8s.io', 'v1')(
  'Event',
  'A report of something that happened to an object.',
  {
    action: str('What the reporting controller did or failed to do, in CamelCase.'),
    deprecatedCount: int32('Deprecated count field kept for compatibility with core/v1 Event.'),
    deprecatedFirstTimestamp: ref(Time, 'Deprecated first timestamp kept for compatibility with core/v1 Event.'),
    deprecatedLastTimestamp: ref(Time, 'Deprecated last timestamp kept for compatibility with core/v1 Event.'),
    deprecatedSource: embed(EventSource, 'Deprecated source kept for compatibility with core/v1 Event.'),
    eventTime: ref(MicroTime, 'When the event was first observed.'),
    note: str('Human-readable description of the event, at most 1 kB.'),
    reason: str('Short CamelCase reason for the action.'),
    regarding: embed(ObjectReference, 'The object the event is about.'),
    related: ref(ObjectReference, 'A second object involved in the event.'),
    reportingController: str('Controller that emitted the event, such as kubernetes.io/kubelet.'),
    reportingInstance: str('Instance of the controller that emitted the event.'),
    series: ref(
      ev(
        'EventSeries',
        'Information about a series of repeated events.',
        {
          count: int32('Number of occurrences so far.'),
          lastObservedTime: ref(MicroTime, 'When the last occurrence was observed.'),
        },
        { required: ['count', 'lastObservedTime'] },
      ),
      'Series data when the event is repeated.',
    ),
    type: str('Type of the event: Normal or Warning.'),
  },
  ['eventTime'],
)

// ---- autoscaling/v1 Scale (the /scale subresource) ---------------------------------------------

const as1 = inGroup('autoscaling.v1')

export const Scale: Schema = kindIn('autoscaling.v1', 'autoscaling', 'v1')(
  'Scale',
  'The replica count of a scalable resource, read and written through its scale subresource.',
  {
    spec: embed(
      as1('ScaleSpec', 'The desired scale.', { replicas: int32('Desired number of replicas.', { default: 0 }) }),
      'Desired scale.',
    ),
    status: embed(
      as1(
        'ScaleStatus',
        'The observed scale.',
        {
          replicas: int32('Observed number of replicas.'),
          selector: str('Label selector of the pods counted, in the query-parameter string form.'),
        },
        { required: ['replicas'] },
      ),
      'Observed scale; read-only.',
    ),
  },
)

// ---- discovery.k8s.io/v1 ------------------------------------------------------------------------

const disc = inGroup('discovery.v1')

const EndpointConditions: Schema = disc('EndpointConditions', 'The state of an endpoint.', {
  ready: bool('Whether the endpoint is ready for traffic; unknown when unset, which consumers treat as ready.'),
  serving: bool('Whether the endpoint can serve, regardless of terminating; unknown when unset.'),
  terminating: bool('Whether the endpoint is terminating; unknown when unset, which means not terminating.'),
})

const ForZone: Schema = disc(
  'ForZone',
  'A zone that should consume an endpoint.',
  { name: str('Name of the zone.') },
  {
    required: ['name'],
  },
)

const ForNode: Schema = disc(
  'ForNode',
  'A node that should consume an endpoint.',
  { name: str('Name of the node.') },
  {
    required: ['name'],
  },
)

const EndpointHints: Schema = disc('EndpointHints', 'Hints about which consumers should use an endpoint.', {
  forNodes: listOf(ForNode, 'Nodes that should consume the endpoint.'),
  forZones: listOf(ForZone, 'Zones that should consume the endpoint, for topology-aware routing.'),
})

const DiscoveryEndpoint: Schema = disc(
  'Endpoint',
  'One backend of a service.',
  {
    addresses: strList('Addresses of the endpoint, of the slice address type; consumers use the first.', {
      type: 'set',
    }),
    conditions: embed(EndpointConditions, 'Current state of the endpoint.'),
    deprecatedTopology: strMap('Deprecated topology labels of the endpoint; use zone and nodeName.'),
    hints: ref(EndpointHints, 'Hints for consumers of the endpoint.'),
    hostname: str('Host name of the endpoint, a DNS label.'),
    nodeName: str('Node hosting the endpoint.'),
    targetRef: ref(ObjectReference, 'Object (usually a pod) providing the endpoint.'),
    zone: str('Zone the endpoint is in.'),
  },
  { required: ['addresses'] },
)

const DiscoveryEndpointPort: Schema = disc(
  'EndpointPort',
  'A port of the endpoints of a slice.',
  {
    appProtocol: str('Application protocol of the port.'),
    name: str('Name of the port, matching the service port name; may be empty.'),
    port: int32('Port number; unset means all ports.'),
    protocol: oneOfStr(PROTOCOLS, 'Protocol of the port: TCP (default), UDP or SCTP.'),
  },
  { mapType: 'atomic' },
)

export const EndpointSlice: Schema = kindIn('discovery.v1', 'discovery.k8s.io', 'v1')(
  'EndpointSlice',
  'A subset of the endpoints of a service.',
  {
    addressType: oneOfStr(['FQDN', 'IPv4', 'IPv6'], 'Type of address the slice carries: IPv4, IPv6 or FQDN.'),
    endpoints: listOf(DiscoveryEndpoint, 'The endpoints of the slice; at most 1000.'),
    ports: listOf(DiscoveryEndpointPort, 'Ports every endpoint of the slice exposes; empty means no ports.'),
  },
  ['addressType', 'endpoints'],
)
