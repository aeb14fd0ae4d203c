// `flotilla sim`: runs one simulated member cluster — an API server with nodes, a scheduler,
// kubelets and the workload controllers — on a data directory, and writes DATA_DIR/kubeconfig.

import { resolve } from 'node:path'
import { createLogger, type Level } from '../log/logger.ts'
import { parseLabels, parseTaints } from '../sim/options.ts'
import { startSim } from '../sim/start.ts'
import { checkServingFlags, parseFlags, serveUntilSignal, UsageError } from './usage.ts'

const USAGE = `Usage: flotilla sim --name NAME [flags]

Runs a simulated Kubernetes cluster: a Kubernetes-compatible API server (HTTPS, with a CA made in
the data dir on first start) whose nodes, scheduler, kubelets and workload controllers are
simulated, so pods and Deployments behave as on a real cluster. Pod annotations under
sim.flotilla.dev/ make pods fail or change their timing (see docs/simulator.md).

Flags:
  --name NAME                cluster name: node names, kubeconfig context (required)
  --nodes N                  worker nodes (default 3)
  --control-plane-nodes N    control-plane nodes, tainted NoSchedule (default 0)
  --data-dir DIR             data and kubeconfig (default ./.flotilla-sim/NAME)
  --listen HOST:PORT         address to serve on (default 127.0.0.1:0, a free port)
  --node-cpu Q               cpu per node (default 8)
  --node-memory Q            memory per node (default 32Gi)
  --node-pods N              pods per node (default 110)
  --node-labels K=V,...      extra labels on every node
  --node-taints K=V:EFFECT,...  taints on every node (NoSchedule, PreferNoSchedule, NoExecute)
  --zones A,B,...            spread nodes across these zones (topology.kubernetes.io/zone)
  --region R                 topology.kubernetes.io/region of every node
  --instance-type T          node.kubernetes.io/instance-type of every node
  --kubernetes-version V     version the API server and kubelets report (default v1.31.4)
  --storage-sync MODE        normal (default) or full
  --log-level LEVEL          debug, info (default), warn or error`

function positiveInt(name: string, v: string, min = 0): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`)
  return Number(v)
}

export async function runSim(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      name: { type: 'string' },
      nodes: { type: 'string', default: '3' },
      'control-plane-nodes': { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:0' },
      'node-cpu': { type: 'string', default: '8' },
      'node-memory': { type: 'string', default: '32Gi' },
      'node-pods': { type: 'string', default: '110' },
      'node-labels': { type: 'string', default: '' },
      'node-taints': { type: 'string', default: '' },
      zones: { type: 'string', default: '' },
      region: { type: 'string' },
      'instance-type': { type: 'string' },
      'kubernetes-version': { type: 'string' },
      'storage-sync': { type: 'string', default: 'normal' },
      'log-level': { type: 'string', default: 'info' },
    },
    USAGE,
  )
  if (!parsed) return 0
  const v = parsed.values
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"\n\n${USAGE}`)
  if (!v.name) throw new UsageError(`--name is required\n\n${USAGE}`)
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v.name) || v.name.length > 40) {
    throw new UsageError(`--name must be lowercase letters, digits and "-" (at most 40), got "${v.name}"`)
  }
  const { host, port } = checkServingFlags(v)
  const version = v['kubernetes-version']
  if (version !== undefined && !/^v?\d+\.\d+\.\d+([-+].*)?$/.test(version)) {
    throw new UsageError(`--kubernetes-version must look like v1.31.4, got "${version}"`)
  }
  let labels: Record<string, string>
  let taints: ReturnType<typeof parseTaints>
  try {
    labels = parseLabels(v['node-labels'])
    taints = parseTaints(v['node-taints'])
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  const nodes = positiveInt('nodes', v.nodes)
  const controlPlaneNodes = positiveInt('control-plane-nodes', v['control-plane-nodes'])
  const pods = positiveInt('node-pods', v['node-pods'], 1)
  const quantity = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE]\d+)?$/
  if (!quantity.test(v['node-cpu']))
    throw new UsageError(`--node-cpu must be a quantity (8, 500m), got "${v['node-cpu']}"`)
  if (!quantity.test(v['node-memory'])) {
    throw new UsageError(`--node-memory must be a quantity (32Gi), got "${v['node-memory']}"`)
  }
  const zones = v.zones
    .split(',')
    .map((z) => z.trim())
    .filter(Boolean)

  const log = createLogger({ level: v['log-level'] as Level })
  const dataDir = resolve(v['data-dir'] ?? `./.flotilla-sim/${v.name}`)
  process.stdout.write(`Starting simulated cluster ${v.name} with ${nodes + controlPlaneNodes} nodes in ${dataDir}\n`)
  const sim = await startSim({
    name: v.name,
    dataDir,
    host,
    port,
    log,
    sync: v['storage-sync'] as 'full' | 'normal',
    kubernetesVersion: version,
    nodes,
    controlPlaneNodes,
    node: {
      cpu: v['node-cpu'],
      memory: v['node-memory'],
      pods,
      labels,
      taints,
      zones,
      region: v.region,
      instanceType: v['instance-type'],
    },
  })
  log.info('Serving', { url: sim.url, dataDir, kubeconfig: sim.kubeconfig })
  process.stdout.write(`Simulated cluster ${sim.name} (Kubernetes ${sim.kubernetesVersion}) listening on ${sim.url}\n`)
  process.stdout.write(`Use it with: kubectl --kubeconfig ${sim.kubeconfig} get nodes\n`)

  const failed = !(await serveUntilSignal(() => sim.close(), log))
  process.stdout.write(`Simulated cluster ${sim.name} stopped\n`)
  return failed ? 1 : 0
}
