// The server side of a SPDY/3.1 connection, as much as Kubernetes' streaming protocols need:
// the client (docker/moby spdystream in client-go) opens every stream with SYN_STREAM and waits
// for our SYN_REPLY; both sides send DATA and half-close with FIN; PINGs are echoed; GOAWAY ends
// the session. We never open streams or push. Receive windows are kept open with WINDOW_UPDATE.

import type { Duplex } from 'node:stream'
import {
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSynReply,
  encodeWindowUpdate,
  FLAG_FIN,
  type Frame,
  FrameParser,
  GoAwayStatus,
  RstStatus,
  SpdyProtocolError,
} from './frames.ts'
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  HeaderBlockError,
  HeaderCompressor,
  HeaderDecompressor,
  type HeaderList,
} from './headers.ts'

export class SpdyStream {
  readonly id: number
  readonly headers: HeaderList
  /** Called with each DATA payload the client sends. */
  onData: (data: Buffer) => void = () => {}
  /** Called once when the client half-closes (FIN) or resets the stream, or the session ends. */
  onEnd: () => void = () => {}
  private readonly session: SpdyServerSession
  private remoteDone = false
  private localDone = false

  constructor(session: SpdyServerSession, id: number, headers: HeaderList) {
    this.session = session
    this.id = id
    this.headers = headers
  }

  /** The first value of a header (names are lower-case on the wire). */
  header(name: string): string | undefined {
    const n = name.toLowerCase()
    return this.headers.find(([k]) => k === n)?.[1]
  }

  get closed(): boolean {
    return this.localDone
  }

  write(data: Buffer): void {
    if (this.localDone || data.length === 0) return
    this.session.send(encodeData(this.id, data))
  }

  /** Half-closes our side (DATA with FIN). */
  end(data: Buffer = Buffer.alloc(0)): void {
    if (this.localDone) return
    this.localDone = true
    this.session.send(encodeData(this.id, data, true))
    this.session.forgetIfDone(this)
  }

  reset(status: number = RstStatus.CANCEL): void {
    if (this.localDone && this.remoteDone) return
    this.localDone = true
    this.remoteEnded()
    this.session.send(encodeRstStream(this.id, status))
  }

  /** @internal */
  receive(data: Buffer, fin: boolean): void {
    if (this.remoteDone) return
    if (data.length > 0) this.onData(data)
    if (fin) this.remoteEnded()
  }

  /** @internal */
  remoteEnded(): void {
    if (this.remoteDone) return
    this.remoteDone = true
    this.onEnd()
    this.session.forgetIfDone(this)
  }

  /** @internal The client reset the stream: nothing more in either direction. */
  cancelled(): void {
    this.localDone = true
    this.remoteEnded()
  }

  /** @internal */
  get done(): boolean {
    return this.localDone && this.remoteDone
  }
}

export interface SpdySessionHandlers {
  /** A stream the client opened (already answered with SYN_REPLY). */
  onStream(stream: SpdyStream): void
  /** The client sent GOAWAY: it opens no more streams and is finishing. */
  onGoAway?(): void
  /** The connection is gone. */
  onClose?(): void
  /** A protocol error (or a handler's exception) ended the session. */
  onError?(err: unknown): void
}

/** Receive window we grant; SPDY/3.1 starts every window at 64 KiB. */
const WINDOW = 64 * 1024

export class SpdyServerSession {
  private readonly socket: Duplex
  private readonly handlers: SpdySessionHandlers
  private readonly parser = new FrameParser()
  private readonly inflater = new HeaderDecompressor()
  private readonly deflater = new HeaderCompressor()
  private readonly streams = new Map<number, SpdyStream>()
  private lastStreamId = 0
  private sessionUnacked = 0
  private closed = false
  goneAway = false

  constructor(socket: Duplex, handlers: SpdySessionHandlers) {
    this.socket = socket
    this.handlers = handlers
    socket.on('data', (chunk: Buffer) => this.onBytes(chunk))
    socket.on('end', () => this.teardown())
    socket.on('close', () => this.teardown())
    socket.on('error', () => this.teardown())
    socket.resume()
  }

  /** @internal */
  send(frame: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(frame)
  }

  /** @internal */
  forgetIfDone(stream: SpdyStream): void {
    if (stream.done) this.streams.delete(stream.id)
  }

  /** Sends GOAWAY; the client finishes and closes. */
  goAway(status: number = GoAwayStatus.OK): void {
    this.send(encodeGoAway(this.lastStreamId, status))
  }

  /** Half-closes the connection (after our last frames are written). */
  end(): void {
    if (!this.closed) this.socket.end()
  }

  destroy(): void {
    this.socket.destroy()
    this.teardown()
  }

  private teardown(): void {
    if (this.closed) return
    this.closed = true
    for (const s of this.streams.values()) s.remoteEnded()
    this.streams.clear()
    this.handlers.onClose?.()
  }

  private onBytes(chunk: Buffer): void {
    if (this.closed) return
    try {
      for (const frame of this.parser.push(chunk)) this.onFrame(frame)
    } catch (e) {
      // Framing or header-compression errors end the session (§2.4.1).
      const protocol = e instanceof SpdyProtocolError || e instanceof HeaderBlockError
      this.send(encodeGoAway(this.lastStreamId, protocol ? GoAwayStatus.PROTOCOL_ERROR : GoAwayStatus.INTERNAL_ERROR))
      this.destroy()
      this.handlers.onError?.(e)
    }
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case 'syn_stream': {
        // The block must be inflated even for a refused stream: it advances the zlib stream.
        const headers = decodeHeaderBlock(this.inflater.decompress(f.block))
        if (f.streamId % 2 === 0 || f.streamId <= this.lastStreamId) {
          this.send(encodeRstStream(f.streamId, RstStatus.PROTOCOL_ERROR))
          return
        }
        this.lastStreamId = f.streamId
        if (this.goneAway) {
          this.send(encodeRstStream(f.streamId, RstStatus.REFUSED_STREAM))
          return
        }
        const stream = new SpdyStream(this, f.streamId, headers)
        this.streams.set(f.streamId, stream)
        this.send(encodeSynReply(f.streamId, this.deflater.compress(encodeHeaderBlock([]))))
        this.handlers.onStream(stream)
        if (f.flags & FLAG_FIN) stream.remoteEnded()
        return
      }
      case 'data': {
        const stream = this.streams.get(f.streamId)
        if (!stream) {
          if (f.streamId > this.lastStreamId) this.send(encodeRstStream(f.streamId, RstStatus.INVALID_STREAM))
          return
        }
        if (f.data.length > 0) this.ack(f.streamId, f.data.length)
        stream.receive(f.data, (f.flags & FLAG_FIN) !== 0)
        return
      }
      case 'rst_stream': {
        const stream = this.streams.get(f.streamId)
        if (stream) {
          stream.cancelled()
          this.streams.delete(f.streamId)
        }
        return
      }
      case 'ping':
        // Client pings have odd ids; echo them (§2.6.5).
        if (f.id % 2 === 1) this.send(encodePing(f.id))
        return
      case 'goaway':
        this.goneAway = true
        this.handlers.onGoAway?.()
        return
      case 'headers':
        // Decoded only to keep the zlib stream in step; extra headers mean nothing here.
        decodeHeaderBlock(this.inflater.decompress(f.block))
        return
      default:
        // SETTINGS, WINDOW_UPDATE (we do not limit what we send), unknown: ignored.
        return
    }
  }

  /** Re-opens the stream and session receive windows for consumed data. */
  private ack(streamId: number, n: number): void {
    this.send(encodeWindowUpdate(streamId, n))
    this.sessionUnacked += n
    if (this.sessionUnacked >= WINDOW / 2) {
      this.send(encodeWindowUpdate(0, this.sessionUnacked))
      this.sessionUnacked = 0
    }
  }
}
