// Writing kubeconfig files that kubectl and client libraries use as they are.

import { writeFileSync } from 'node:fs'
import { stringify } from 'yaml'

export interface KubeconfigSpec {
  name: string
  server: string
  token: string
  namespace?: string
  certificateAuthorityData?: string
}

export function renderKubeconfig(s: KubeconfigSpec): string {
  const cluster: Record<string, string> = { server: s.server }
  if (s.certificateAuthorityData) cluster['certificate-authority-data'] = s.certificateAuthorityData
  const context: Record<string, string> = { cluster: s.name, user: `${s.name}-admin` }
  if (s.namespace) context.namespace = s.namespace
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: s.name, cluster }],
    users: [{ name: `${s.name}-admin`, user: { token: s.token } }],
    contexts: [{ name: s.name, context }],
    'current-context': s.name,
    preferences: {},
  })
}

/** Writes a kubeconfig readable only by its owner: it holds a credential. */
export function writeKubeconfig(path: string, s: KubeconfigSpec): void {
  writeFileSync(path, renderKubeconfig(s), { mode: 0o600 })
}
