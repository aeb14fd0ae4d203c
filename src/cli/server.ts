// `flotilla server`: runs the hub's API server on a data directory and writes
// DATA_DIR/admin.kubeconfig. It serves HTTPS with a certificate from the data dir's own CA and
// authenticates the admin by bearer token; until RBAC arrives there is only that one identity,
// so it refuses to listen anywhere but loopback.

import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { StaticTokenAuthenticator } from '../apiserver/authn.ts'
import { startApiServer } from '../apiserver/start.ts'
import { createLogger, type Level } from '../log/logger.ts'
import { defaultSANs, ensureServingCertificate } from '../security/pki.ts'
import { startDemo } from './demo.ts'
import { writeKubeconfig } from './kubeconfig.ts'
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

  const token = adminToken(dataDir)
  const authenticator = new StaticTokenAuthenticator()
  authenticator.add(token, { username: 'flotilla-admin', groups: ['system:masters', 'system:authenticated'] })

  const pki = ensureServingCertificate(dataDir, defaultSANs(host))
  const running = await startApiServer({
    dataDir,
    host,
    port,
    authenticator,
    log,
    sync: v['storage-sync'] as 'full' | 'normal',
    tls: { cert: pki.cert, key: pki.key, ca: pki.caCert },
  })
  const kubeconfig = join(dataDir, 'admin.kubeconfig')
  writeKubeconfig(kubeconfig, {
    name: 'flotilla',
    server: running.url,
    token,
    certificateAuthorityData: Buffer.from(pki.caCert).toString('base64'),
  })
  log.info('Serving', { url: running.url, dataDir, kubeconfig })
  process.stdout.write(`Flotilla API server listening on ${running.url}\n`)
  process.stdout.write(`Use it with: kubectl --kubeconfig ${kubeconfig} get namespaces\n`)
  const demo = v.demo ? await startDemo(dataDir, log) : undefined
  if (demo) process.stdout.write(`${demo.summary}\n`)

  await serveUntilSignal(async () => {
    await demo?.close()
    await running.close()
  }, log)
  return 0
}

/** The admin bearer token, created on first start and kept in the data dir (mode 0600). */
function adminToken(dataDir: string): string {
  const path = join(dataDir, 'admin.token')
  if (existsSync(path)) return readFileSync(path, 'utf8').trim()
  const token = randomBytes(32).toString('base64url')
  writeFileSync(path, `${token}\n`, { mode: 0o600 })
  return token
}
