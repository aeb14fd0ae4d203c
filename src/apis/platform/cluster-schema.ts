// The structural OpenAPI schema of Cluster (platform.flotilla.dev/v1alpha1). The store prunes and
// reports unknown fields against it (fieldValidation=Strict), the OpenAPI documents publish it so
// `kubectl explain cluster.spec` works, and server-side apply reads list types from it. Written
// inline (not as named definitions): the kind is served by the hub only and nothing else refers
// to its parts.

import type { Schema } from '../schemas/index.ts'

const obj = (description: string, properties: Record<string, Schema>, required?: string[]): Schema => ({
  type: 'object',
  description,
  properties,
  ...(required ? { required } : {}),
})
const str = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra })
const int = (description: string): Schema => ({ type: 'integer', format: 'int32', description })
const bool = (description: string): Schema => ({ type: 'boolean', description })
const time = (description: string): Schema => ({ type: 'string', format: 'date-time', description })

const resourceAmounts = (description: string): Schema =>
  obj(description, {
    cpu: str('CPU in cores, as a quantity (e.g. 24, 1500m).'),
    memory: str('Memory in bytes, as a quantity (e.g. 96Gi).'),
    pods: str('Number of pods, as a quantity.'),
  })

const condition: Schema = obj(
  'One aspect of the cluster’s state, as the hub last observed it.',
  {
    type: str('Type of condition: Ready (the member’s API server answers health checks) or VersionSupported.'),
    status: str('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
    reason: str('CamelCase reason for the condition’s last transition, e.g. Unreachable or Unauthorized.'),
    message: str('Human-readable details about the last transition.'),
    lastTransitionTime: time('When the condition last changed status.'),
    observedGeneration: { type: 'integer', format: 'int64', description: 'The generation the condition reflects.' },
  },
  ['type', 'status'],
)

export const clusterSchema: Schema = obj(
  'A member cluster managed by the hub: how the hub connects to it, where it runs, and its observed state.',
  {
    spec: obj(
      'How the hub connects to the cluster and what describes it.',
      {
        connection: obj(
          'How the hub reaches the cluster.',
          {
            mode: str(
              'Import: the hub dials the member’s API server with a kubeconfig kept in a Secret. Register: an agent in the member dials the hub over a reverse tunnel (docs/registration.md).',
              { enum: ['Import', 'Register'], default: 'Import' },
            ),
            kubeconfigSecretRef: obj(
              'The Secret in flotilla-system holding the kubeconfig the hub uses for an imported cluster (required for Import). The kubeconfig must embed its credentials and CA.',
              {
                namespace: str('Namespace of the Secret; must be flotilla-system (the default).', {
                  default: 'flotilla-system',
                }),
                name: str('Name of the Secret.'),
                key: str('Key in the Secret’s data holding the kubeconfig; defaults to "kubeconfig".', {
                  default: 'kubeconfig',
                }),
              },
              ['name'],
            ),
          },
          ['mode'],
        ),
        provider: str('Who runs the cluster, e.g. aws, alibaba, on-prem.'),
        region: str('Region the cluster runs in, e.g. eu-central-1.'),
        zones: {
          type: 'array',
          description: 'Availability zones the cluster’s nodes span.',
          items: { type: 'string' },
          'x-kubernetes-list-type': 'set',
        },
        deleteProtection: bool('When true the hub refuses to delete the Cluster; set it to false first.'),
        displayName: str('Name shown to people, e.g. in the console.'),
        description: str('Free text describing the cluster.'),
      },
      ['connection'],
    ),
    status: obj('State of the cluster as the hub last observed it (written by the hub).', {
      phase: str(
        'Pending, Running, Disconnected, AccessTimeout (a registered cluster no agent reached in time), Deleting or Failed.',
        { enum: ['Pending', 'Running', 'Disconnected', 'AccessTimeout', 'Deleting', 'Failed'] },
      ),
      agents: {
        type: 'array',
        description: 'Agents of a registered cluster with a live tunnel to the hub (at most 10).',
        items: obj('One connected agent.', {
          id: str('The agent instance (pod name).'),
          connectedAt: time('When its tunnel opened.'),
          remoteAddress: str('The address its tunnel came from.'),
        }),
      },
      conditions: {
        type: 'array',
        description: 'Observed conditions (Ready, VersionSupported). Entries are identified by type.',
        items: condition,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      },
      kubernetesVersion: str('Version the member’s API server reports (GET /version gitVersion).'),
      apiEndpoint: str('URL of the member’s API server the hub connects to.'),
      nodeSummary: obj('Counts of the member’s nodes.', {
        totalNum: int('Number of nodes.'),
        readyNum: int('Number of nodes whose Ready condition is True.'),
      }),
      resourceSummary: obj('Capacity and use of the member’s nodes.', {
        allocatable: resourceAmounts('Sum of the nodes’ allocatable resources.'),
        allocated: resourceAmounts(
          'Sum of the requests of pods bound to a node and not terminated (phase not Succeeded or Failed); pods counts them.',
        ),
      }),
      lastProbeTime: time(
        'When the hub last recorded a health check in this status. Refreshed when the status changes and at a coarse interval otherwise.',
      ),
    }),
  },
)
