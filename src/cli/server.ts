// `flotilla server`: runs the hub's API server on a data directory and writes
// DATA_DIR/admin.kubeconfig. It serves HTTPS with a certificate from the data dir's own CA and
// authenticates the admin by bearer token; until RBAC arrives there is only that one identity,
// so it refuses to listen anywhere but loopback.

import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { startHub } from '../hub/start.ts'
import { createLogger, type Level } from '../log/logger.ts'
import { startDemo } from './demo.ts'
import { checkServingFlags, parseFlags, serveUntilSignal, UsageError } from './usage.ts'

const USAGE = `Usage: flotilla server [flags]

Runs the Flotilla hub: a Kubernetes-compatible API server (HTTPS, with a CA made in the data
dir on first start) on embedded storage.

Flags:
  --data-dir DIR        where data and admin.kubeconfig live (default ./.flotilla)
  --listen HOST:PORT    address to serve on (default 127.0.0.1:6443; loopback only for now)
  --demo                start three simulated member clusters with a demo application
  --storage-sync MODE   full (default; durable across power loss) or normal (across crashes)
  --log-level LEVEL     debug, info (default), warn or error`

export async function runServer(args: string[]): Promise<number> {
  const parsed = parseFlags(
    args,
    {
      'data-dir': { type: 'string', default: './.flotilla' },
      listen: { type: 'string', default: '127.0.0.1:6443' },
      demo: { type: 'boolean', default: false },
      'storage-sync': { type: 'string', default: 'full' },
      'log-level': { type: 'string', default: 'info' },
    },
    USAGE,
  )
  if (!parsed) return 0
  const v = parsed.values
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"\n\n${USAGE}`)
  const { host, port } = checkServingFlags(v)
  const log = createLogger({ level: v['log-level'] as Level })
  const dataDir = resolve(v['data-dir'])
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })

  const hub = await startHub({
    dataDir,
    host,
    port,
    log,
    sync: v['storage-sync'] as 'full' | 'normal',
  })
  const kubeconfig = hub.adminKubeconfig
  const running = hub.api
  log.info('Serving', { url: running.url, dataDir, kubeconfig })
  process.stdout.write(`Flotilla API server listening on ${running.url}\n`)
  process.stdout.write(`Use it with: kubectl --kubeconfig ${kubeconfig} get namespaces\n`)
  const demo = v.demo ? await startDemo(dataDir, log) : undefined
  if (demo) process.stdout.write(`${demo.summary}\n`)

  await serveUntilSignal(async () => {
    await demo?.close()
    await hub.close()
  }, log)
  return 0
}
