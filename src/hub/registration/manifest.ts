// What a member applies to register (docs/registration.md "The manifest"), and the FLOTILLA_*
// variables the agent reads (the same values `flotilla agent` takes outside a cluster).
//
// The agent's own rights in the member are the least that lets the hub work through it: read
// the health and discovery endpoints, nodes and pods (status summaries), impersonate (so every
// proxied request runs as the hub user's mapped identity and the member's RBAC decides), and its
// one credential Secret. Hub administrators get cluster-admin through `flotilla:hub-admins`
// here, because the agent cannot create that binding itself.

import { stringify } from 'yaml'
import pkg from '../../../package.json' with { type: 'json' }
import { HUB_ADMIN_GROUPS, HUB_ADMINS_BINDING } from '../identity/admin-binding.ts'
import { HUB_IDENTITY_PREFIX } from '../identity/member-identity.ts'

export const AGENT_NAMESPACE = 'flotilla-system'
export const AGENT_NAME = 'flotilla-agent'
export const AGENT_CLUSTER_ROLE = 'flotilla:agent'
export const AGENT_CREDENTIAL_SECRET = 'flotilla-agent-credential'
export const AGENT_BOOTSTRAP_SECRET = 'flotilla-agent-bootstrap'
export const AGENT_IMAGE_REPOSITORY = 'ghcr.io/flotilla-dev/flotilla'

export interface AgentEnvInput {
  hubURL: string
  caPEM: string
  cluster: string
  bootstrapToken: string
}

/** The agent's configuration (docs/registration.md "Agent configuration"). */
export function agentEnv(i: AgentEnvInput): Record<string, string> {
  return {
    FLOTILLA_HUB_URL: i.hubURL,
    FLOTILLA_HUB_CA_DATA: Buffer.from(i.caPEM, 'utf8').toString('base64'),
    FLOTILLA_CLUSTER: i.cluster,
    FLOTILLA_BOOTSTRAP_TOKEN: i.bootstrapToken,
    FLOTILLA_AGENT_NAMESPACE: AGENT_NAMESPACE,
  }
}

/** `export K='V'` lines for a POSIX shell (values single-quoted). */
export function envLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replaceAll("'", `'\\''`)}'`)
    .join('\n')
}

const RBAC = 'rbac.authorization.k8s.io'
const labels = { 'app.kubernetes.io/name': AGENT_NAME, 'app.kubernetes.io/managed-by': 'flotilla' }

/** The multi-document YAML to `kubectl apply` in the member. */
export function renderManifest(opts: {
  env: Record<string, string>
  /** false when the Cluster opts out of hub-admin access (annotation hub-admin-access=false). */
  hubAdminAccess: boolean
  image?: string
}): string {
  const ns = AGENT_NAMESPACE
  const docs: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: AGENT_NAME, namespace: ns, labels } },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name: AGENT_CLUSTER_ROLE, labels },
      rules: [
        { apiGroups: [''], resources: ['users', 'groups', 'serviceaccounts'], verbs: ['impersonate'] },
        { apiGroups: ['authentication.k8s.io'], resources: ['uids', 'userextras/*'], verbs: ['impersonate'] },
        { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/readyz', '/healthz', '/version', '/api', '/apis'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: AGENT_CLUSTER_ROLE, labels },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: AGENT_CLUSTER_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: AGENT_NAME, namespace: ns }],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'Role',
      metadata: { name: AGENT_NAME, namespace: ns, labels },
      rules: [
        // create cannot be limited to a name (the object does not exist yet); the rest can.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: [AGENT_CREDENTIAL_SECRET],
          verbs: ['get', 'update', 'patch', 'watch'],
        },
      ],
    },
    {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: AGENT_NAME, namespace: ns, labels },
      roleRef: { apiGroup: RBAC, kind: 'Role', name: AGENT_NAME },
      subjects: [{ kind: 'ServiceAccount', name: AGENT_NAME, namespace: ns }],
    },
  ]
  if (opts.hubAdminAccess) {
    docs.push({
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: HUB_ADMINS_BINDING, labels: { 'app.kubernetes.io/managed-by': 'flotilla' } },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: HUB_ADMIN_GROUPS.map((g) => ({ apiGroup: RBAC, kind: 'Group', name: `${HUB_IDENTITY_PREFIX}${g}` })),
    })
  }
  docs.push(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: AGENT_BOOTSTRAP_SECRET, namespace: ns, labels },
      type: 'Opaque',
      stringData: opts.env,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: AGENT_NAME, namespace: ns, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': AGENT_NAME } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: AGENT_NAME,
            containers: [
              {
                name: 'agent',
                image: opts.image ?? `${AGENT_IMAGE_REPOSITORY}:${pkg.version}`,
                args: ['agent'],
                envFrom: [{ secretRef: { name: AGENT_BOOTSTRAP_SECRET } }],
                env: [{ name: 'FLOTILLA_AGENT_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      },
    },
  )
  return docs.map((d) => stringify(d)).join('---\n')
}
