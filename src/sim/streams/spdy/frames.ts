// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 §2.2, plus 3.1's session flow control):
// 8-byte frame headers, control frames of version 3, and data frames on 31-bit stream ids.
// Header blocks stay compressed here; headers.ts owns (de)compression.

export const SPDY_VERSION = 3

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const

export const FLAG_FIN = 0x01
export const FLAG_UNIDIRECTIONAL = 0x02

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
} as const

/** GOAWAY status codes. */
export const GoAwayStatus = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedId: number; priority: number; flags: number; block: Buffer }
  | { type: 'syn_reply'; streamId: number; flags: number; block: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; flags: number; block: Buffer }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer }

export class SpdyProtocolError extends Error {}

const MASK31 = 0x7fffffff

function need(payload: Buffer, n: number, what: string): void {
  if (payload.length < n) throw new SpdyProtocolError(`${what} frame too short (${payload.length} bytes)`)
}

function parseControl(type: number, flags: number, p: Buffer): Frame {
  switch (type) {
    case FrameType.SYN_STREAM:
      need(p, 10, 'SYN_STREAM')
      return {
        type: 'syn_stream',
        streamId: p.readUInt32BE(0) & MASK31,
        associatedId: p.readUInt32BE(4) & MASK31,
        priority: p[8] >> 5,
        flags,
        block: p.subarray(10),
      }
    case FrameType.SYN_REPLY:
      need(p, 4, 'SYN_REPLY')
      return { type: 'syn_reply', streamId: p.readUInt32BE(0) & MASK31, flags, block: p.subarray(4) }
    case FrameType.RST_STREAM:
      need(p, 8, 'RST_STREAM')
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & MASK31, status: p.readUInt32BE(4) }
    case FrameType.SETTINGS: {
      need(p, 4, 'SETTINGS')
      const n = p.readUInt32BE(0)
      need(p, 4 + n * 8, 'SETTINGS')
      const entries = []
      for (let i = 0; i < n; i++) {
        const off = 4 + i * 8
        entries.push({ flags: p[off], id: p.readUIntBE(off + 1, 3), value: p.readUInt32BE(off + 4) })
      }
      return { type: 'settings', flags, entries }
    }
    case FrameType.PING:
      need(p, 4, 'PING')
      return { type: 'ping', id: p.readUInt32BE(0) }
    case FrameType.GOAWAY:
      need(p, 4, 'GOAWAY')
      return {
        type: 'goaway',
        lastGoodStreamId: p.readUInt32BE(0) & MASK31,
        status: p.length >= 8 ? p.readUInt32BE(4) : 0,
      }
    case FrameType.HEADERS:
      need(p, 4, 'HEADERS')
      return { type: 'headers', streamId: p.readUInt32BE(0) & MASK31, flags, block: p.subarray(4) }
    case FrameType.WINDOW_UPDATE:
      need(p, 8, 'WINDOW_UPDATE')
      return { type: 'window_update', streamId: p.readUInt32BE(0) & MASK31, delta: p.readUInt32BE(4) & MASK31 }
    default:
      // Unknown control frames must be ignored (§2.2.1).
      return { type: 'unknown', frameType: type, flags, payload: p }
  }
}

/** Splits a byte stream into frames; feed it whatever the socket delivers. */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    const frames: Frame[] = []
    while (this.buf.length >= 8) {
      const length = this.buf.readUIntBE(5, 3)
      if (this.buf.length < 8 + length) break
      const head = this.buf.subarray(0, 8)
      const payload = this.buf.subarray(8, 8 + length)
      this.buf = this.buf.subarray(8 + length)
      const flags = head[4]
      if (head[0] & 0x80) {
        const version = head.readUInt16BE(0) & 0x7fff
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`)
        frames.push(parseControl(head.readUInt16BE(2), flags, Buffer.from(payload)))
      } else {
        frames.push({ type: 'data', streamId: head.readUInt32BE(0) & MASK31, flags, data: Buffer.from(payload) })
      }
    }
    return frames
  }
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0)
  head.writeUInt16BE(type, 2)
  head[4] = flags
  head.writeUIntBE(payload.length, 5, 3)
  return Buffer.concat([head, payload])
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4)
  values.forEach((v, i) => {
    b.writeUInt32BE(v >>> 0, i * 4)
  })
  return b
}

/** Largest data frame payload we send (the length field allows 16 MiB; keep frames small). */
export const MAX_DATA_FRAME = 16 * 1024

/** Data frames for `data` on a stream; FIN on the last one when `fin`. */
export function encodeData(streamId: number, data: Buffer, fin = false): Buffer {
  const frames: Buffer[] = []
  let off = 0
  do {
    const chunk = data.subarray(off, off + MAX_DATA_FRAME)
    off += chunk.length
    const head = Buffer.alloc(8)
    head.writeUInt32BE(streamId & MASK31, 0)
    head[4] = fin && off >= data.length ? FLAG_FIN : 0
    head.writeUIntBE(chunk.length, 5, 3)
    frames.push(head, chunk)
  } while (off < data.length)
  return Buffer.concat(frames)
}

export function encodeSynStream(streamId: number, block: Buffer, flags = 0, priority = 0): Buffer {
  const p = Buffer.alloc(10)
  p.writeUInt32BE(streamId & MASK31, 0)
  p[8] = (priority & 7) << 5
  return controlFrame(FrameType.SYN_STREAM, flags, Buffer.concat([p, block]))
}

export function encodeSynReply(streamId: number, block: Buffer, flags = 0): Buffer {
  return controlFrame(FrameType.SYN_REPLY, flags, Buffer.concat([u32s(streamId & MASK31), block]))
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return controlFrame(FrameType.RST_STREAM, 0, u32s(streamId & MASK31, status))
}

export function encodeSettings(entries: { flags?: number; id: number; value: number }[]): Buffer {
  const p = Buffer.alloc(4 + entries.length * 8)
  p.writeUInt32BE(entries.length, 0)
  entries.forEach((e, i) => {
    p[4 + i * 8] = e.flags ?? 0
    p.writeUIntBE(e.id, 5 + i * 8, 3)
    p.writeUInt32BE(e.value >>> 0, 8 + i * 8)
  })
  return controlFrame(FrameType.SETTINGS, 0, p)
}

export function encodePing(id: number): Buffer {
  return controlFrame(FrameType.PING, 0, u32s(id))
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return controlFrame(FrameType.GOAWAY, 0, u32s(lastGoodStreamId & MASK31, status))
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return controlFrame(FrameType.WINDOW_UPDATE, 0, u32s(streamId & MASK31, delta & MASK31))
}
