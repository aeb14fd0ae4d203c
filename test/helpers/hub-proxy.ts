// Members for hub proxy tests: registers a simulated cluster with a hub (the Cluster object and
// its kubeconfig Secret through the hub's API, then the member directory entry the import
// controller makes of them) and writes kubeconfigs that reach a member through the hub's proxy.

import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { writeKubeconfig } from '../../src/cli/kubeconfig.ts'
import { restConfigFromKubeconfig } from '../../src/client/rest-config.ts'
import type { TestHub } from './hub.ts'
import { eventually, type TestSim } from './sim.ts'

const CLUSTERS = '/apis/platform.flotilla.dev/v1alpha1/clusters'

export function proxyPath(cluster: string): string {
  return `${CLUSTERS}/${cluster}/proxy`
}

async function createOk(hub: TestHub, path: string, body: unknown): Promise<void> {
  const r = await hub.request(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })
  assert.ok(r.status === 201 || r.status === 409, `${path}: ${r.status} ${await r.text()}`)
}

export interface ImportOptions {
  /** The kubeconfig the Secret holds (default: the sim's); null leaves the Secret out. */
  kubeconfig?: string | null
  /** Annotations of the Cluster object. */
  annotations?: Record<string, string>
}

/**
 * Creates the Cluster (Import) and its kubeconfig Secret on the hub and waits until the hub's
 * cluster controller has put the member in its directory (unless there is no usable kubeconfig).
 */
export async function importSim(
  hub: TestHub,
  sim: TestSim | undefined,
  name: string,
  opts: ImportOptions = {},
): Promise<void> {
  const kubeconfig = opts.kubeconfig === undefined ? readFileSync(sim!.kubeconfig, 'utf8') : opts.kubeconfig
  if (kubeconfig !== null) {
    await createOk(hub, '/api/v1/namespaces/flotilla-system/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-kubeconfig`, namespace: 'flotilla-system' },
      data: { kubeconfig: Buffer.from(kubeconfig).toString('base64') },
    })
  }
  await createOk(hub, CLUSTERS, {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: `${name}-kubeconfig` } } },
  })
  if (kubeconfig !== null) await eventually(() => hub.members.get(name), { what: `member ${name} connected` })
}

/** A kubeconfig like `text` whose server is `server`. */
export function withServer(text: string, server: string): string {
  const doc = parse(text) as { clusters: { cluster: { server: string } }[] }
  for (const c of doc.clusters) c.cluster.server = server
  return stringify(doc)
}

/** Credentials for a proxy kubeconfig: the hub admin's (default) or a bearer token. */
export interface ProxyCredential {
  token?: string
}

/** Writes a kubeconfig whose server is the hub's proxy to `cluster`; returns its path. */
export function proxyKubeconfig(hub: TestHub, cluster: string, cred: ProxyCredential = {}): string {
  const admin = restConfigFromKubeconfig(readFileSync(hub.adminKubeconfig, 'utf8'))
  const path = join(mkdtempSync(join(tmpdir(), 'flotilla-proxy-kc-')), 'kubeconfig')
  const b64 = (s: string | undefined) => (s ? Buffer.from(s).toString('base64') : undefined)
  writeKubeconfig(path, {
    name: cluster,
    server: hub.url + proxyPath(cluster),
    certificateAuthorityData: b64(hub.caCert),
    ...(cred.token
      ? { token: cred.token, user: 'proxy-user' }
      : admin.cert
        ? { clientCertificateData: b64(admin.cert), clientKeyData: b64(admin.key) }
        : { token: admin.token }),
  })
  return path
}
