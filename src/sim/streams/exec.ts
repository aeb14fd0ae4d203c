// …/pods/NAME/exec: the API server's checks (pod, container, node), then the kubelet's answer
// over whichever transport the client upgraded to: WebSocket (kubectl 1.30+) or SPDY/3.1.
// Requests must arrive through ApiServer's upgrade path, which hands the raw socket over as
// ctx.req.socket with a ServerResponse bound to it for answers before the upgrade.

import type { RequestContext } from '../../apiserver/handlers/context.ts'
import type { Registry } from '../../apiserver/registry/registry.ts'
import type { Connector } from '../../apiserver/server.ts'
import { badRequest } from '../../machinery/errors.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { Clock } from '../../util/clock.ts'
import { buildContainer, type ContainerSettings, type ObjectLookup } from './container.ts'
import { ExecSession, internalErrorStatus, parseExecRequest } from './exec-session.ts'
import { isRunning, noHost, type Pod, resolveContainer } from './pod.ts'
import type { WrittenFiles } from './shell.ts'
import { negotiateProtocol, rejectProtocol, SPDY_PROTOCOLS, serveSpdy } from './spdy-exec.ts'
import { serveWebSocket } from './websocket.ts'

export interface ExecSessionInfo {
  transport: 'websocket' | 'spdy'
  protocol: string
  namespace: string
  pod: string
  container: string
  command: string[]
}

export interface ExecConnectorOptions {
  clock: Clock
  container: ContainerSettings
  /** Called when a session starts (tests check which transport kubectl used). */
  onSession?: (info: ExecSessionInfo) => void
}

/** Containers whose files earlier execs wrote, at most this many (oldest forgotten first). */
const MAX_CONTAINERS_WITH_WRITES = 1000
/** Bytes one container may hold in written files; further writes are dropped. */
const MAX_WRITTEN_BYTES = 1024 * 1024

function registryLookup(registry: Registry): ObjectLookup {
  return {
    async get(resource, namespace, name) {
      try {
        return await registry.lookup('', 'v1', resource)?.get(namespace, name)
      } catch {
        return undefined
      }
    },
    async list(resource, namespace) {
      const store = registry.lookup('', 'v1', resource)
      if (!store) return []
      const r = await store.storage.list(store.prefix(namespace))
      return r.items.map((kv) => JSON.parse(store.present(kv).value) as KubeObject)
    },
  }
}

/** A per-container file map that refuses to grow past MAX_WRITTEN_BYTES. */
class BoundedFiles extends Map<string, string> {
  override set(key: string, value: string): this {
    let total = value.length
    for (const [k, v] of this) if (k !== key) total += v.length
    if (total > MAX_WRITTEN_BYTES) return this
    return super.set(key, value)
  }
}

export function execConnector(opts: ExecConnectorOptions): Connector {
  const writes = new Map<string, WrittenFiles>()
  const writtenFor = (pod: Pod, container: string): WrittenFiles => {
    const key = `${pod.metadata.uid}/${container}`
    let w = writes.get(key)
    if (!w) {
      w = new BoundedFiles()
      writes.set(key, w)
      if (writes.size > MAX_CONTAINERS_WITH_WRITES) writes.delete(writes.keys().next().value as string)
    }
    return w
  }

  return async (ctx: RequestContext) => {
    const { req, res, info } = ctx
    const pod = (await ctx.store.get(info.namespace, info.name)) as Pod
    const request = parseExecRequest(ctx.query)
    const spec = resolveContainer(pod, request.container)
    if (!pod.spec?.nodeName) throw noHost(info.name)
    if (request.command.length === 0) throw badRequest('you must specify at least one command for the container')
    if (!request.stdin && !request.stdout && !request.stderr) {
      throw badRequest('you must specify at least 1 of stdin, stdout, stderr')
    }
    const upgrade = (req.headers.upgrade ?? '').toLowerCase()
    if (!upgrade) throw badRequest('Upgrade request required')
    const running = isRunning(pod, spec.name)
    const notFound = `container not found ("${spec.name}")`
    const session = (transport: ExecSessionInfo['transport']) => (protocol: string) =>
      opts.onSession?.({
        transport,
        protocol,
        namespace: info.namespace,
        pod: info.name,
        container: spec.name,
        command: request.command,
      })
    const container = running
      ? await buildContainer(pod, spec, registryLookup(ctx.registry), opts.container, {
          tty: request.tty,
          written: writtenFor(pod, spec.name),
        })
      : undefined
    const start = (output: { stdout(d: Buffer): void; stderr(d: Buffer): void }) =>
      new ExecSession({
        request,
        container: container!,
        written: writtenFor(pod, spec.name),
        now: () => opts.clock.now(),
        output,
      })

    if (upgrade === 'websocket') {
      // The API server upgrades first and reports a kubelet failure on the error channel.
      res.statusCode = 101
      serveWebSocket(req, req.socket, {
        stdout: request.stdout,
        stderr: request.stderr,
        failure: running ? undefined : internalErrorStatus(`unable to upgrade connection: ${notFound}`),
        start,
        onSession: session('websocket'),
      })
      return
    }
    if (upgrade.startsWith('spdy/')) {
      if (!running) {
        // The kubelet's plain-text 500, passed through: kubectl prints
        // "error: unable to upgrade connection: container not found ("web")".
        res.statusCode = 500
        res.setHeader('Content-Type', 'text/plain; charset=utf-8')
        res.end(notFound)
        return
      }
      const protocol = negotiateProtocol(req, SPDY_PROTOCOLS)
      if (protocol === undefined) return rejectProtocol(req, res, SPDY_PROTOCOLS)
      res.statusCode = 101
      serveSpdy(req.socket, { request, protocol, start, onSession: session('spdy') })
      return
    }
    throw badRequest(`unable to upgrade: unsupported upgrade protocol ${JSON.stringify(req.headers.upgrade)}`)
  }
}
