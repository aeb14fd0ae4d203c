// The WebSocket transport of remote command streams (kubectl 1.30+: `GET …/exec` with
// `Upgrade: websocket` and subprotocol v5.channel.k8s.io). Every binary message starts with a
// channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (the final Status), 4 resize (JSON
// {"Width","Height"}); v5 adds 255 = "close channel N" so the client can signal stdin EOF.
// Sources: client-go tools/remotecommand/websocket.go, apiserver util/proxy/streamtranslator.go.

import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { type WebSocket, WebSocketServer } from 'ws'
import { type ExecSession, type ExecStatus, encodeStatus } from './exec-session.ts'

export const WS_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
]

const STDIN = 0
const STDOUT = 1
const STDERR = 2
const ERROR = 3
const RESIZE = 4
const CLOSE = 255

const server = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
  // The client's preference order wins, as in apimachinery wsstream.
  handleProtocols: (offered) => [...offered].find((p) => WS_PROTOCOLS.includes(p)) ?? false,
})

export interface WebSocketExec {
  /** Builds the session once the upgrade is done; `output` writes to the stdout/stderr channels. */
  start(output: { stdout(d: Buffer): void; stderr(d: Buffer): void }): ExecSession
  /** When set, no process runs: this status is written at once (the API server's translator
   * reports a kubelet failure this way, after the WebSocket upgrade succeeded). */
  failure?: ExecStatus
  /** Which streams the request asked for (for the first, empty, "connected" message). */
  stdout: boolean
  stderr: boolean
  onSession?: (protocol: string) => void
}

/** How long the simulated process takes to start after the upgrade. */
const EXEC_START_MS = 30

/** Accepts the upgrade on `socket` and runs the exec over it. */
export function serveWebSocket(req: IncomingMessage, socket: Duplex, exec: WebSocketExec): void {
  server.handleUpgrade(req, socket, Buffer.alloc(0), (ws: WebSocket) => {
    const protocol = ws.protocol
    exec.onSession?.(protocol)
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true })
    }
    const finish = (status: ExecStatus) => {
      const body = encodeStatus(protocol, status)
      if (body.length > 0) send(ERROR, body)
      if (ws.readyState === ws.OPEN) ws.close(1000)
    }
    // An empty message on the lowest writable channel tells the client the streams are ready.
    send(exec.stdout ? STDOUT : exec.stderr ? STDERR : ERROR, Buffer.alloc(0))
    if (exec.failure) return finish(exec.failure)
    // A real exec starts a process in the container first; starting output at once races the
    // client registering its streams (kubectl then discards it: "Unknown stream id"). Messages
    // that arrive meanwhile are held and replayed in order.
    let session: ReturnType<typeof exec.start> | undefined
    const early: [Buffer, boolean][] = []
    let closed = false
    const onMessage = (data: Buffer, isBinary: boolean) => {
      if (!session) {
        early.push([data, isBinary])
        return
      }
      if (!isBinary || data.length === 0) return
      const channel = data[0]
      const payload = data.subarray(1)
      if (channel === STDIN) session.input(payload)
      else if (channel === RESIZE) {
        try {
          const size = JSON.parse(payload.toString()) as { Width?: number; Height?: number }
          session.resize(Number(size.Width), Number(size.Height))
        } catch {
          // A malformed resize message is ignored, as the kubelet does.
        }
      } else if (channel === CLOSE && protocol === 'v5.channel.k8s.io' && payload[0] === STDIN) session.inputEnd()
    }
    ws.on('message', (raw, isBinary) => {
      onMessage(Buffer.isBuffer(raw) ? raw : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]), isBinary)
    })
    ws.on('close', () => {
      closed = true
      session?.close()
    })
    ws.on('error', () => {
      closed = true
      session?.close()
    })
    setTimeout(() => {
      if (closed) return
      session = exec.start({ stdout: (d) => send(STDOUT, d), stderr: (d) => send(STDERR, d) })
      for (const [data, isBinary] of early.splice(0)) onMessage(data, isBinary)
      session.run().then(
        (status) => finish(status),
        () => {
          if (ws.readyState === ws.OPEN) ws.close(1011)
        },
      )
    }, EXEC_START_MS)
  })
}
