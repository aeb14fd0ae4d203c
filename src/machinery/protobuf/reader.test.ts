import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ProtoReader, WireError } from './reader.ts'

const r = (...bytes: number[]) => new ProtoReader(Uint8Array.from(bytes))

describe('ProtoReader', () => {
  it('reads varints of every length, exactly', () => {
    assert.equal(r(0x00).uint64(), 0)
    assert.equal(r(0x7f).uint64(), 127)
    assert.equal(r(0xac, 0x02).uint64(), 300)
    assert.equal(r(0xff, 0xff, 0xff, 0xff, 0x0f).uint64(), 0xffffffff)
    assert.equal(r(0x80, 0x80, 0x80, 0x80, 0x10).uint64(), 2 ** 32)
    // 2^53 - 1 and 2^53 + 2 (exact as BigInt, nearest double as a number)
    const max = r(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f)
    assert.equal(max.uint64(), Number.MAX_SAFE_INTEGER)
    assert.equal(r(0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10).bigint64(), 2n ** 53n + 2n)
    // 2^64 - 1 as uint64, -1 as int64 and int32 (ten bytes)
    const ones = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
    assert.equal(r(...ones).uint64(), 2 ** 64)
    assert.equal(r(...ones).int64(), -1)
    assert.equal(r(...ones).int32(), -1)
    assert.equal(r(...ones).bigint64(), -1n)
    // int64 minimum
    assert.equal(r(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).bigint64(), -(2n ** 63n))
    // the zero time's seconds: -62135596800
    const zero = r(0x80, 0x92, 0xb8, 0xc3, 0x98, 0xfe, 0xff, 0xff, 0xff, 0x01)
    assert.equal(zero.int64(), -62135596800)
    assert.equal(r(0x01).bool(), true)
    assert.equal(r(0x00).bool(), false)
    assert.equal(r(0x80, 0x80, 0x80, 0x80, 0x80, 0x01).bool(), true) // only high bits set
  })

  it('rejects truncated and over-long varints', () => {
    assert.throws(() => r().uint64(), WireError)
    assert.throws(() => r(0x80).uint64(), /truncated varint/)
    assert.throws(() => r(0xff, 0xff, 0xff, 0xff, 0xff, 0xff).uint64(), /truncated varint/)
    assert.throws(() => r(...new Array(10).fill(0xff), 0x01).uint64(), /longer than 10 bytes/)
  })

  it('reads tags, lengths, strings and fixed-width values', () => {
    const p = r(0x0a, 0x03, 0x61, 0x62, 0x63, 0x15, 1, 0, 0, 0, 0x19, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f)
    assert.equal(p.tag(), 1)
    assert.equal(p.wireType, 2)
    assert.equal(p.string(), 'abc')
    assert.equal(p.tag(), 2)
    assert.equal(p.wireType, 5)
    assert.equal(p.fixed32(), 1)
    assert.equal(p.tag(), 3)
    assert.equal(p.wireType, 1)
    assert.equal(p.double(), 1)
    assert.equal(p.done, true)
    const utf = new ProtoReader(Uint8Array.from([0x02, 0xc3, 0xa9]))
    assert.equal(utf.string(), 'é')
    const bad = new ProtoReader(Uint8Array.from([0x02, 0xff, 0x41]))
    assert.equal(bad.string(), '\ufffdA')
    assert.throws(() => r(0x00).tag(), /field number 0/)
    assert.throws(() => r(0x05, 0x61).string(), /length past the end/)
    assert.throws(() => r(0x01, 0x02).fixed32(), /truncated fixed-width/)
    // a length is checked against the current end, not the buffer
    const narrowed = new ProtoReader(Uint8Array.from([0x02, 0x61, 0x62]), 0, 2)
    assert.throws(() => narrowed.string(), /length past the end/)
  })

  it('skips every wire type, including nested groups', () => {
    // field 1 varint, 2 fixed64, 3 bytes, 4 group { 5 varint, 6 group {} }, 7 fixed32, then 8 varint
    const p = r(
      0x08,
      0x96,
      0x01,
      0x11,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      0x1a,
      0x02,
      0x61,
      0x62,
      0x23,
      0x28,
      0x01,
      0x33,
      0x34,
      0x24,
      0x3d,
      1,
      2,
      3,
      4,
      0x40,
      0x07,
    )
    for (let i = 0; i < 5; i++) {
      const field = p.tag()
      p.skip(p.wireType, field)
    }
    assert.equal(p.tag(), 8)
    assert.equal(p.uint64(), 7)
    assert.ok(p.done)
  })

  it('rejects malformed groups and invalid wire types', () => {
    const unterminated = r(0x0b, 0x10, 0x01)
    unterminated.tag()
    assert.throws(() => unterminated.skip(3, 1), /unterminated group/)
    const mismatched = r(0x0b, 0x14)
    mismatched.tag()
    assert.throws(() => mismatched.skip(3, 1), /mismatched end-group/)
    assert.throws(() => r().skip(4, 9), /unexpected end-group/)
    assert.throws(() => r().skip(6, 9), /invalid wire type 6/)
    assert.throws(() => r().skip(7, 9), /invalid wire type 7/)
    const deep = new ProtoReader(Uint8Array.from(new Array(100).fill(0x0b)))
    deep.tag()
    assert.throws(() => deep.skip(3, 1), /nested too deeply/)
  })
})
