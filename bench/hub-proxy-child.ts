// One side of the hub proxy benchmark, in its own process so the hub, the member and the
// measuring client never share an event loop. Started by hub-proxy.bench.ts with fork():
//   node bench/hub-proxy-child.ts sim DATA_DIR OBJECTS   a simulated member holding OBJECTS ConfigMaps
//   node bench/hub-proxy-child.ts hub DATA_DIR KUBECONFIG the hub, with that member imported as "bench"
//   node bench/hub-proxy-child.ts relay DATA_DIR KUBECONFIG a bare Node HTTPS relay to that member (the floor:
//                                                        TLS both ways, keep-alive, no authn/authz/audit)
//   node bench/hub-proxy-child.ts pipe DATA_DIR KUBECONFIG  a raw TLS byte pipe to that member: each client
//                                                        connection gets its own member connection, no HTTP
//                                                        parsed (what an extra hop costs below HTTP)
// Reports {type:'ready', ...} over IPC; {type:'profile-start'} / {type:'profile-stop', path}
// take a V8 CPU profile; {type:'shutdown'} stops it.

import { readFileSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https'
import { Session } from 'node:inspector/promises'
import type { AddressInfo } from 'node:net'
import { resources } from '../src/client/client.ts'
import { LocalClient } from '../src/client/local-client.ts'
import { authHeadersFor, httpsAgentFor, restConfigFromKubeconfig } from '../src/client/rest-config.ts'
import { startHub } from '../src/hub/start.ts'
import { createLogger } from '../src/log/logger.ts'
import { defaultSANs, ensureServingCertificate } from '../src/security/pki.ts'
import { startSim } from '../src/sim/start.ts'
import { startTlsPipe } from './tls-pipe.ts'

const [role, dataDir, arg] = process.argv.slice(2)
if (!process.send || !dataDir || !['sim', 'hub', 'relay', 'pipe'].includes(role)) {
  process.stderr.write('usage: fork("bench/hub-proxy-child.ts", ["sim"|"hub"|"relay"|"pipe", DATA_DIR, ARG])\n')
  process.exit(2)
}
const send = (msg: unknown) => process.send!(msg)
const log = createLogger({ level: 'warn' })

let close: () => Promise<void>
if (role === 'sim') {
  const sim = await startSim({ name: 'bench', dataDir, nodes: 1, workloads: false, log })
  const client = sim.client
  await client.create(resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } })
  const count = Number(arg)
  let next = 0
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const i = next++
        await client.create(resources.configmaps, 'bench', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `cm-${i}`, labels: { app: 'bench', shard: String(i % 10) } },
          data: { index: String(i), payload: 'x'.repeat(200) },
        })
      }
    }),
  )
  close = () => sim.close()
  send({ type: 'ready', url: sim.url, token: sim.token, ca: sim.caCert, kubeconfig: sim.kubeconfig })
} else if (role === 'relay') {
  // What any Node HTTPS reverse proxy costs: one more TLS+HTTP hop with a pooled keep-alive
  // connection to the member, headers copied, bodies piped. The hub's proxy does this plus
  // authentication, authorization, audit and the identity mapping.
  const member = restConfigFromKubeconfig(readFileSync(arg, 'utf8'))
  const pki = ensureServingCertificate(dataDir, defaultSANs('127.0.0.1'))
  const agent = httpsAgentFor(member)
  const u = new URL(member.server)
  const auth = authHeadersFor(member)
  const server = createHttpsServer({ cert: pki.cert, key: pki.key, keepAlive: true }, (req, res) => {
    const headers: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const n = req.rawHeaders[i].toLowerCase()
      if (n !== 'host' && n !== 'connection') headers.push(req.rawHeaders[i], req.rawHeaders[i + 1])
    }
    headers.push('Host', u.host)
    for (const [k, v] of Object.entries(auth)) headers.push(k, v)
    const upstream = httpsRequest(
      { hostname: u.hostname, port: u.port, method: req.method, path: req.url, agent, headers },
      (ures) => {
        const out = ures.rawHeaders.filter((_, i, a) => !/^(connection|keep-alive|transfer-encoding)$/i.test(a[i & ~1]))
        res.writeHead(ures.statusCode ?? 502, out)
        ures.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  close = async () => {
    server.closeAllConnections()
    server.close()
    agent.destroy()
  }
  send({ type: 'ready', url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: pki.caCert })
} else if (role === 'pipe') {
  const pipe = await startTlsPipe(restConfigFromKubeconfig(readFileSync(arg, 'utf8')), dataDir)
  close = async () => pipe.close()
  send({ type: 'ready', url: pipe.url, ca: pipe.ca })
} else {
  const hub = await startHub({ dataDir, host: '127.0.0.1', port: 0, log, sync: 'normal' })
  const client = new LocalClient(hub.api.registry, 'bench')
  const kubeconfig = readFileSync(arg, 'utf8')
  await client.create(resources.secrets, 'flotilla-system', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bench-kubeconfig', namespace: 'flotilla-system' },
    data: { kubeconfig: Buffer.from(kubeconfig).toString('base64') },
  })
  await client.create({ group: 'platform.flotilla.dev', version: 'v1alpha1', resource: 'clusters' }, '', {
    apiVersion: 'platform.flotilla.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'bench' },
    spec: { connection: { mode: 'Import', kubeconfigSecretRef: { name: 'bench-kubeconfig' } } },
  })
  const deadline = Date.now() + 30_000
  while (!hub.members.get('bench')) {
    if (Date.now() > deadline) throw new Error('the member was not connected within 30 s')
    await new Promise((r) => setTimeout(r, 50))
  }
  // The same ConfigMap as the member's, for the hub-answers-itself comparison.
  await client.create(resources.configmaps, 'flotilla-system', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'bench-sample', labels: { app: 'bench', shard: '2' } },
    data: { index: '4242', payload: 'x'.repeat(200) },
  })
  close = () => hub.close()
  send({ type: 'ready', url: hub.url, ca: hub.caCert, kubeconfig: hub.adminKubeconfig })
}

let session: Session | undefined
process.on('message', async (msg: { type: string; path?: string }) => {
  if (msg.type === 'profile-start') {
    session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    // 100 µs rather than V8's default 1 ms: a proxied GET costs the hub a few hundred µs.
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
    await session.post('Profiler.start')
    send({ type: 'profiling' })
  } else if (msg.type === 'profile-stop' && session) {
    const { profile } = await session.post('Profiler.stop')
    session.disconnect()
    writeFileSync(msg.path!, JSON.stringify(profile))
    send({ type: 'profiled', path: msg.path })
  } else if (msg.type === 'shutdown') {
    await close()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
