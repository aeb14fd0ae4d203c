// Writing kubeconfig files that kubectl and client libraries use as they are.

import { chmodSync, writeFileSync } from 'node:fs'
import { stringify } from 'yaml'

export interface KubeconfigSpec {
  name: string
  server: string
  /** The credential: a bearer token, or a client certificate and key (base64 of the PEM). */
  token?: string
  clientCertificateData?: string
  clientKeyData?: string
  namespace?: string
  certificateAuthorityData?: string
  /** Name of the kubeconfig's user entry (default `<name>-admin`). */
  user?: string
}

export function renderKubeconfig(s: KubeconfigSpec): string {
  const cluster: Record<string, string> = { server: s.server }
  if (s.certificateAuthorityData) cluster['certificate-authority-data'] = s.certificateAuthorityData
  const user = s.user ?? `${s.name}-admin`
  const context: Record<string, string> = { cluster: s.name, user }
  if (s.namespace) context.namespace = s.namespace
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: s.name, cluster }],
    users: [{ name: user, user: credential(s) }],
    contexts: [{ name: s.name, context }],
    'current-context': s.name,
    preferences: {},
  })
}

function credential(s: KubeconfigSpec): Record<string, string> {
  if (s.clientCertificateData && s.clientKeyData) {
    return { 'client-certificate-data': s.clientCertificateData, 'client-key-data': s.clientKeyData }
  }
  if (s.token) return { token: s.token }
  throw new Error('a kubeconfig needs a token or a client certificate and key')
}

/** Writes a kubeconfig readable only by its owner: it holds a credential. */
export function writeKubeconfig(path: string, s: KubeconfigSpec): void {
  writeFileSync(path, renderKubeconfig(s), { mode: 0o600 })
  // The mode above applies only to a new file; an older one may have been more open.
  chmodSync(path, 0o600)
}
