// Helpers for tests of the hub's clusters: run the real `flotilla` CLI as a child process, read
// Clusters through the hub's API, and wait for a phase or condition.

import { join, resolve } from 'node:path'
import { type ExecResult, execCollect } from './exec.ts'
import type { TestHub } from './hub.ts'
import { eventually } from './sim.ts'

const REPO = resolve(import.meta.dirname, '..', '..')
const BIN = join(REPO, 'bin', 'flotilla.ts')

export const CLUSTERS_PATH = '/apis/platform.flotilla.dev/v1alpha1/clusters'

export type CliResult = ExecResult

/** Runs `flotilla ARGS` with this process's Node (24) and collects its output. */
export function runFlotilla(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return execCollect(process.execPath, ['--disable-warning=ExperimentalWarning', BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, ...opts.env },
    timeout: opts.timeoutMs ?? 60_000,
  })
}

/** Loosely shaped API objects, as tests read them. */
export type Obj = any

export async function getCluster(hub: TestHub, name: string): Promise<Obj | undefined> {
  const r = await hub.request(`${CLUSTERS_PATH}/${name}`)
  if (r.status === 404) return undefined
  if (r.status !== 200) throw new Error(`GET cluster ${name}: ${r.status} ${await r.text()}`)
  return r.json()
}

export function readyOf(c: Obj): Obj | undefined {
  return (c?.status?.conditions ?? []).find((x: Obj) => x.type === 'Ready')
}

/** Waits until the Cluster satisfies `pred`; returns it. */
export function waitForCluster(
  hub: TestHub,
  name: string,
  pred: (c: Obj) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<Obj> {
  return eventually(
    async () => {
      const c = await getCluster(hub, name)
      return c && pred(c) ? c : undefined
    },
    { timeoutMs, intervalMs: 50, what: `cluster ${name}: ${what}` },
  )
}

export function waitForPhase(hub: TestHub, name: string, phase: string, timeoutMs?: number): Promise<Obj> {
  return waitForCluster(hub, name, (c) => c.status?.phase === phase, `phase ${phase}`, timeoutMs)
}

export async function postJson(hub: TestHub, path: string, body: unknown, method = 'POST'): Promise<Response> {
  return hub.request(path, {
    method,
    headers: { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    body: JSON.stringify(body),
  })
}

/** Creates the kubeconfig Secret (stringData) and the Cluster referencing it, through the hub's API. */
export async function importViaApi(
  hub: TestHub,
  name: string,
  kubeconfig: string,
  spec: Record<string, unknown> = {},
): Promise<void> {
  const secret = await postJson(hub, '/api/v1/namespaces/flotilla-system/secrets', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${name}-kubeconfig` },
    stringData: { kubeconfig },
  })
  if (secret.status !== 201) throw new Error(`create secret: ${secret.status} ${await secret.text()}`)
  const cluster = await postJson(hub, CLUSTERS_PATH, {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name },
    spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: `${name}-kubeconfig` } }, ...spec },
  })
  if (cluster.status !== 201) throw new Error(`create cluster: ${cluster.status} ${await cluster.text()}`)
}

/** Events recorded about a Cluster (cluster-scoped objects' events live in "default"). */
export async function clusterEvents(hub: TestHub, name: string): Promise<Obj[]> {
  const q = new URLSearchParams({ fieldSelector: `involvedObject.kind=Cluster,involvedObject.name=${name}` })
  const r = await hub.request(`/api/v1/namespaces/default/events?${q}`)
  return ((await r.json()) as Obj).items
}
