// A tiny protobuf writer (proto3 wire format): varints, 64-bit doubles and length-delimited
// fields. Enough to encode gnostic's openapi_v2.Document by hand.

const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_LEN = 2

export class ProtoWriter {
  #buf: Uint8Array = new Uint8Array(256)
  #len = 0

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return
    let size = this.#buf.length * 2
    while (size < this.#len + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.#buf.subarray(0, this.#len))
    this.#buf = next
  }

  #byte(b: number): void {
    this.#ensure(1)
    this.#buf[this.#len++] = b
  }

  /** Raw unsigned varint (numbers up to 2^53, or any bigint as 64-bit two's complement). */
  varint(value: number | bigint): this {
    let v = typeof value === 'bigint' ? BigInt.asUintN(64, value) : undefined
    if (v === undefined) {
      let n = value as number
      if (n < 0 || !Number.isInteger(n)) {
        v = BigInt.asUintN(64, BigInt(Math.trunc(n)))
      } else {
        while (n >= 0x80) {
          this.#byte((n % 0x80) | 0x80)
          n = Math.floor(n / 0x80)
        }
        this.#byte(n)
        return this
      }
    }
    while (v >= 0x80n) {
      this.#byte(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.#byte(Number(v))
    return this
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire)
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(data.length)
    this.#ensure(data.length)
    this.#buf.set(data, this.#len)
    this.#len += data.length
    return this
  }

  /** A string field; proto3 omits empty strings unless `force`. */
  string(field: number, s: string | undefined, force = false): this {
    if (s === undefined || (s === '' && !force)) return this
    return this.bytes(field, Buffer.from(s, 'utf8'))
  }

  strings(field: number, list: readonly string[] | undefined): this {
    for (const s of list ?? []) this.string(field, s, true)
    return this
  }

  /** A bool field; proto3 omits false. */
  bool(field: number, b: boolean | undefined): this {
    if (!b) return this
    return this.tag(field, WIRE_VARINT).varint(1)
  }

  /** An int64 field; proto3 omits 0. */
  int64(field: number, n: number | undefined): this {
    if (n === undefined || n === 0) return this
    return this.tag(field, WIRE_VARINT).varint(Math.trunc(n))
  }

  /** A double field (fixed64, little-endian); proto3 omits 0. */
  double(field: number, d: number | undefined): this {
    if (d === undefined || d === 0) return this
    this.tag(field, WIRE_FIXED64)
    this.#ensure(8)
    new DataView(this.#buf.buffer, this.#buf.byteOffset + this.#len, 8).setFloat64(0, d, true)
    this.#len += 8
    return this
  }

  /** A nested message, always written (an empty message marks the field as present). */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter()
    write(inner)
    return this.bytes(field, inner.finish())
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len)
  }
}
