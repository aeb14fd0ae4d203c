// The SPDY/3.1 transport of remote command streams (kubectl ≤1.29, and 1.30+ when the WebSocket
// upgrade fails): `POST …/exec` with `Upgrade: SPDY/3.1` and X-Stream-Protocol-Version v4 (…v1).
// After the 101 the client opens one stream per channel, each with a `streamType` header
// (error, stdin, stdout, stderr, resize); the command starts once all expected streams exist.
// At the end the status goes on the error stream and our side of every stream is closed.
// Sources: kubelet pkg/kubelet/cri/streaming/remotecommand/httpstream.go, apimachinery
// util/httpstream (Handshake), client-go tools/remotecommand (v4 protocol).

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { type ExecRequest, type ExecSession, type ExecStatus, encodeStatus } from './exec-session.ts'
import { GoAwayStatus } from './spdy/frames.ts'
import { SpdyServerSession, type SpdyStream } from './spdy/session.ts'

/** Remote command protocols we speak over SPDY, in the order we prefer none: the client's wins. */
export const SPDY_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
]

/** How long the client has to open its streams (kubelet default streamCreationTimeout). */
const STREAM_CREATION_TIMEOUT_MS = 30_000
/** How long we wait for the client to hang up after the status before closing ourselves. */
const LINGER_MS = 10_000

/**
 * httpstream.Handshake: the first protocol the client offers that we accept; "" when the client
 * offers none (legacy v1). Undefined when nothing matches (the caller answers 403).
 */
export function negotiateProtocol(req: IncomingMessage, supported: string[]): string | undefined {
  const offered = (req.headersDistinct['x-stream-protocol-version'] ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
  if (offered.length === 0) return ''
  return offered.find((p) => supported.includes(p))
}

/** 403 for a failed negotiation, worded as apimachinery's Handshake. */
export function rejectProtocol(req: IncomingMessage, res: ServerResponse, supported: string[]): void {
  const offered = req.headersDistinct['x-stream-protocol-version'] ?? []
  const body = `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]\n`
  res.statusCode = 403
  res.setHeader('X-Accepted-Stream-Protocol-Versions', supported)
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.end(body)
}

export interface SpdyExec {
  request: ExecRequest
  protocol: string
  start(output: { stdout(d: Buffer): void; stderr(d: Buffer): void }): ExecSession
  onSession?: (protocol: string) => void
}

/** Writes the 101 and serves the exec over SPDY on `socket`. */
export function serveSpdy(socket: Duplex, exec: SpdyExec): void {
  const { request, protocol } = exec
  const lines = ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1']
  if (protocol) lines.push(`X-Stream-Protocol-Version: ${protocol}`)
  lines.push(`Date: ${new Date().toUTCString()}`)
  socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  exec.onSession?.(protocol || 'channel.k8s.io')

  // Which streams the kubelet waits for (v3+ adds resize for a TTY; v1/v2 have no resize).
  const expected = new Set<string>(['error'])
  if (request.stdin) expected.add('stdin')
  if (request.stdout) expected.add('stdout')
  if (request.stderr) expected.add('stderr')
  const hasResize = request.tty && !['v2.channel.k8s.io', 'channel.k8s.io', ''].includes(protocol)
  if (hasResize) expected.add('resize')

  const streams = new Map<string, SpdyStream>()
  let session: ExecSession | undefined
  let finished = false
  let linger: NodeJS.Timeout | undefined
  let creation: NodeJS.Timeout | undefined

  const spdy = new SpdyServerSession(socket, {
    onStream(stream) {
      const type = (stream.header('streamtype') ?? '').toLowerCase()
      if (!expected.has(type) || streams.has(type) || session) {
        stream.reset()
        return
      }
      streams.set(type, stream)
      if (streams.size === expected.size) begin()
    },
    onGoAway() {
      // The client is done (it sends GOAWAY when it closes): close our side too.
      if (finished) spdy.end()
    },
    onClose() {
      clearTimeout(creation)
      clearTimeout(linger)
      session?.close()
    },
  })

  creation = setTimeout(() => {
    // kubelet: "timed out waiting for client to create streams"; the client sees the session end.
    if (!session) {
      spdy.goAway(GoAwayStatus.OK)
      spdy.destroy()
    }
  }, STREAM_CREATION_TIMEOUT_MS)
  creation.unref()

  const finish = (status: ExecStatus) => {
    if (finished) return
    finished = true
    const body = encodeStatus(protocol || 'channel.k8s.io', status)
    const error = streams.get('error')
    if (error && body.length > 0) error.write(body)
    for (const s of streams.values()) s.end()
    spdy.goAway(GoAwayStatus.OK)
    // The client reads everything, then closes; closing first could cut off what it has not
    // read yet, so only close if it lingers.
    linger = setTimeout(() => spdy.end(), LINGER_MS)
    linger.unref()
  }

  function begin(): void {
    clearTimeout(creation)
    const out = (type: string) => (d: Buffer) => streams.get(type)?.write(d)
    const s = exec.start({ stdout: out('stdout'), stderr: out('stderr') })
    session = s
    const stdin = streams.get('stdin')
    if (stdin) {
      stdin.onData = (d) => s.input(d)
      stdin.onEnd = () => s.inputEnd()
    }
    const resize = streams.get('resize')
    if (resize) {
      let pending = ''
      resize.onData = (d) => {
        pending += d.toString()
        let nl = pending.indexOf('\n')
        while (nl >= 0) {
          try {
            const size = JSON.parse(pending.slice(0, nl)) as { Width?: number; Height?: number }
            s.resize(Number(size.Width), Number(size.Height))
          } catch {
            // ignored, as the kubelet's decoder loop would give up on this stream only
          }
          pending = pending.slice(nl + 1)
          nl = pending.indexOf('\n')
        }
      }
    }
    s.run().then(finish, () => {
      finish({
        metadata: {},
        status: 'Failure',
        message: 'Internal error occurred: exec failed',
        reason: 'InternalError',
        code: 500,
      })
    })
  }
}
