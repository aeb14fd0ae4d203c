// A small, allocation-free reader for the protocol buffers wire format: varints (64-bit ones
// kept exact as two 32-bit halves), fixed32/fixed64, length-delimited fields and groups.
// Every read is bounded by `end`, so a truncated or lying input fails with a WireError instead
// of reading past the message; callers turn WireErrors into 400 Bad Request.

export const WIRE_VARINT = 0
export const WIRE_FIXED64 = 1
export const WIRE_BYTES = 2
export const WIRE_START_GROUP = 3
export const WIRE_END_GROUP = 4
export const WIRE_FIXED32 = 5

/** Nesting limit for groups skipped as unknown fields. */
const MAX_GROUP_DEPTH = 64

/** A malformed input: truncated, over-long or otherwise not valid wire format. */
export class WireError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WireError'
  }
}

const TWO_32 = 4294967296

export class ProtoReader {
  readonly buf: Uint8Array
  /** Offset of the next byte to read. */
  pos: number
  /** Offset one past the last readable byte (narrowed while a sub-message is read). */
  end: number
  /** The wire type of the last key read by tag(). */
  wireType = 0
  /** The high 32 bits (unsigned) of the last varint read. */
  private hi = 0

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    if (start < 0 || end > buf.length || start > end) throw new WireError('reader bounds out of range')
    this.buf = buf
    this.pos = start
    this.end = end
  }

  get done(): boolean {
    return this.pos >= this.end
  }

  /** Reads a varint of at most 10 bytes; returns the low 32 bits unsigned (high bits in `hi`). */
  private varintLow(): number {
    const buf = this.buf
    const end = this.end
    let pos = this.pos
    let lo = 0
    let b: number
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint')
      b = buf[pos++]
      lo |= (b & 0x7f) << shift
      if (b < 0x80) {
        this.pos = pos
        this.hi = 0
        return lo >>> 0
      }
    }
    if (pos >= end) throw new WireError('truncated varint')
    b = buf[pos++]
    lo |= (b & 0x0f) << 28
    let hi = (b & 0x7f) >> 4
    if (b < 0x80) {
      this.pos = pos
      this.hi = hi
      return lo >>> 0
    }
    for (let shift = 3; shift <= 31; shift += 7) {
      if (pos >= end) throw new WireError('truncated varint')
      b = buf[pos++]
      hi |= (b & 0x7f) << shift
      if (b < 0x80) {
        this.pos = pos
        this.hi = hi >>> 0
        return lo >>> 0
      }
    }
    throw new WireError('varint longer than 10 bytes')
  }

  /** An unsigned varint as a number (exact up to 2^53, nearest double beyond). */
  uint64(): number {
    const lo = this.varintLow()
    const hi = this.hi
    if (hi < 0x200000) return hi * TWO_32 + lo
    return Number((BigInt(hi) << 32n) | BigInt(lo))
  }

  /** A signed 64-bit varint (int64) as a number: exact within ±2^53, nearest double beyond. */
  int64(): number {
    const lo = this.varintLow()
    const hi = this.hi | 0
    if (hi >= -0x200000 && hi < 0x200000) return hi * TWO_32 + lo
    return Number(BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(lo)))
  }

  /** A signed 64-bit varint, exact. */
  bigint64(): bigint {
    const lo = this.varintLow()
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(lo))
  }

  /** An int32 varint: the low 32 bits as a signed integer (negative values use 10 bytes). */
  int32(): number {
    return this.varintLow() | 0
  }

  uint32(): number {
    return this.varintLow()
  }

  bool(): boolean {
    return (this.varintLow() | this.hi) !== 0
  }

  /**
   * A field key: returns the field number and leaves the wire type in `wireType`.
   * Field number 0 is rejected; numbers beyond 2^29 are returned as they are (never known).
   */
  tag(): number {
    const lo = this.varintLow()
    const hi = this.hi
    this.wireType = lo & 7
    const field = hi * (TWO_32 / 8) + (lo >>> 3)
    if (field === 0) throw new WireError('field number 0 is invalid')
    return field
  }

  /** A length prefix; returns the offset one past the payload, checked against `end`. */
  delimited(): number {
    const lo = this.varintLow()
    if (this.hi !== 0 || lo > this.end - this.pos) throw new WireError('length past the end of the message')
    return this.pos + lo
  }

  /** A length-delimited field as UTF-8 text (invalid sequences become U+FFFD, as in Go's JSON). */
  string(): string {
    const stop = this.delimited()
    const start = this.pos
    this.pos = stop
    return utf8(this.buf, start, stop)
  }

  /** A length-delimited field as a view into the buffer (not copied). */
  bytes(): Uint8Array {
    const stop = this.delimited()
    const start = this.pos
    this.pos = stop
    return this.buf.subarray(start, stop)
  }

  private need(n: number): void {
    if (this.end - this.pos < n) throw new WireError('truncated fixed-width value')
  }

  fixed32(): number {
    this.need(4)
    const b = this.buf
    const p = this.pos
    this.pos = p + 4
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0
  }

  /** fixed64 as an unsigned number (nearest double beyond 2^53). */
  fixed64(): number {
    const lo = this.fixed32()
    const hi = this.fixed32()
    if (hi < 0x200000) return hi * TWO_32 + lo
    return Number((BigInt(hi) << 32n) | BigInt(lo))
  }

  double(): number {
    this.need(8)
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8)
    this.pos += 8
    return view.getFloat64(0, true)
  }

  float(): number {
    this.need(4)
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4)
    this.pos += 4
    return view.getFloat32(0, true)
  }

  /** Skips the value of a field whose key was just read. */
  skip(wireType: number, field: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varintLow()
        return
      case WIRE_FIXED64:
        this.need(8)
        this.pos += 8
        return
      case WIRE_BYTES:
        this.pos = this.delimited()
        return
      case WIRE_FIXED32:
        this.need(4)
        this.pos += 4
        return
      case WIRE_START_GROUP:
        this.skipGroup(field)
        return
      case WIRE_END_GROUP:
        throw new WireError(`unexpected end-group for field ${field}`)
      default:
        throw new WireError(`invalid wire type ${wireType} for field ${field}`)
    }
  }

  /** Skips a group's fields up to its matching end-group key (iteratively, depth-bounded). */
  private skipGroup(field: number): void {
    const open = [field]
    while (open.length > 0) {
      if (this.pos >= this.end) throw new WireError(`unterminated group for field ${open[open.length - 1]}`)
      const f = this.tag()
      const wt = this.wireType
      if (wt === WIRE_END_GROUP) {
        if (f !== open[open.length - 1]) throw new WireError(`mismatched end-group for field ${f}`)
        open.pop()
      } else if (wt === WIRE_START_GROUP) {
        if (open.length >= MAX_GROUP_DEPTH) throw new WireError('groups nested too deeply')
        open.push(f)
      } else {
        this.skip(wt, f)
      }
    }
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

function utf8(buf: Uint8Array, start: number, end: number): string {
  // Short ASCII strings (names, labels, most values) are faster without a decoder call.
  if (end - start < 64) {
    let s = ''
    for (let i = start; i < end; i++) {
      const c = buf[i]
      if (c >= 0x80) return decoder.decode(buf.subarray(start, end))
      s += String.fromCharCode(c)
    }
    return s
  }
  return decoder.decode(buf.subarray(start, end))
}
