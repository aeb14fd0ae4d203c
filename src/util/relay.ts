// Relaying an upstream HTTP answer's body to a caller, shared by the hub's proxy and the agent's
// forwarder (both sit between a client and a member's API server).

import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * How much of an upstream answer may wait for the caller before the upstream is paused. Pausing
 * at the socket's 16 KB mark turned a 7 MB LIST into hundreds of pause/resume round trips; 1 MB
 * per request keeps memory bounded and lets the relay keep up with the member.
 */
const RELAY_BUFFER_BYTES = 1024 * 1024

/**
 * Copies an upstream answer's body (a member's, relayed by the hub's proxy or an agent) to the
 * caller with backpressure, as pipeline() would but without its per-request cost (an
 * AbortController, end-of-stream watchers on both ends, an AbortError with a stack trace when it
 * finishes: ≈ 20 µs of a proxied GET). Chunks that arrive in one turn (a socket read holds up to
 * four 16 KB TLS records) leave in one write to the caller. An upstream that breaks off destroys
 * the caller's response, so a chunked answer is truncated and the client sees an error, not a
 * short answer; the caller going away is the caller's to handle. Call it right after writeHead.
 */
export function relayBody(ures: IncomingMessage, res: ServerResponse, done: () => void = () => {}): void {
  // A streamed answer (a watch, logs -f) may stay silent for minutes after its head: send the
  // caller's head (already written with writeHead) now, as upstream did. Node otherwise holds it
  // until the first body byte, and a client waiting for the head before it can cancel (client-go's
  // reflector stopping right after it opened a watch: `kubectl rollout status` hanging after
  // success) waits too. A sized answer's head goes out with its body, in one write.
  if (ures.headers['content-length'] === undefined) res.flushHeaders()
  let corked = false
  const uncork = () => {
    if (!corked) return // the 'end' handler got there first
    corked = false
    if (!res.writableEnded) res.uncork()
  }
  ures.on('data', (chunk: Buffer) => {
    if (!corked) {
      corked = true
      res.cork()
      process.nextTick(uncork)
    }
    res.write(chunk)
    if (res.writableLength > RELAY_BUFFER_BYTES) ures.pause()
  })
  res.on('drain', () => ures.resume())
  ures.once('end', () => {
    // Uncork before end(): once the head has been flushed, end() of a chunked response sends its
    // terminating chunk straight away, ahead of corked body chunks (seen: "0\r\n\r\n" before the data).
    if (corked) {
      corked = false
      res.uncork()
    }
    res.end()
    done()
  })
  const broken = (err?: Error) => {
    if (ures.complete) return
    res.destroy(err)
    done()
  }
  ures.on('error', broken)
  ures.once('close', () => broken())
}
