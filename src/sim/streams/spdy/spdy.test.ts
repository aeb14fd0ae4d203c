import assert from 'node:assert/strict'
import { duplexPair } from 'node:stream'
import { describe, it } from 'node:test'
import { constants, createDeflate, inflateSync } from 'node:zlib'
import {
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynStream,
  encodeWindowUpdate,
  FLAG_FIN,
  type Frame,
  FrameParser,
  SpdyProtocolError,
} from './frames.ts'
import {
  decodeHeaderBlock,
  encodeHeaderBlock,
  HeaderCompressor,
  HeaderDecompressor,
  SPDY3_DICTIONARY,
} from './headers.ts'
import { SpdyServerSession, type SpdyStream } from './session.ts'

function adler32(buf: Buffer): number {
  let a = 1
  let b = 0
  for (const c of buf) {
    a = (a + c) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

/** The SYN_STREAM header blocks kubectl 1.28 sent for `exec -i POD -- hostname`, in order. */
const KUBECTL_BLOCKS = [
  '78f9e3c6a7c26260606004a7b392a2d4c45c6851c29a0a0a6800000000ffff',
  'c22e555c92929907000000ffff',
  'c22ac5565c92925f5a02000000ffff',
  'c229975a5404000000ffff',
]

describe('SPDY/3 header blocks', () => {
  it('builds the protocol dictionary (the id Go zlib writers put in their stream header)', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423)
    assert.equal(adler32(SPDY3_DICTIONARY).toString(16), 'e3c6a7c2')
    assert.equal(KUBECTL_BLOCKS[0].slice(4, 12), 'e3c6a7c2')
  })

  it('decodes the blocks of a real client, each with the context of the ones before', () => {
    const d = new HeaderDecompressor()
    const types = KUBECTL_BLOCKS.map((hex) => decodeHeaderBlock(d.decompress(Buffer.from(hex, 'hex'))))
    assert.deepEqual(types, [
      [['streamtype', 'error']],
      [['streamtype', 'stdin']],
      [['streamtype', 'stdout']],
      [['streamtype', 'stderr']],
    ])
  })

  it('round-trips name/value blocks, with NUL-separated multiple values', () => {
    const raw = encodeHeaderBlock([
      ['StreamType', 'error'],
      ['x', 'a\u0000b'],
    ])
    assert.deepEqual(decodeHeaderBlock(raw), [
      ['streamtype', 'error'],
      ['x', 'a'],
      ['x', 'b'],
    ])
    assert.throws(() => decodeHeaderBlock(raw.subarray(0, raw.length - 1)), /truncated/)
  })

  it('compresses with stored blocks any inflater reads, each ending in a sync flush', () => {
    const c = new HeaderCompressor()
    const blocks = [encodeHeaderBlock([]), encodeHeaderBlock([['a', 'b']])]
    const wire = blocks.map((b) => c.compress(b))
    assert.equal(wire[0].subarray(0, 2).toString('hex'), '7801')
    for (const w of wire) assert.equal(w.subarray(-5).toString('hex'), '000000ffff')
    const all = inflateSync(Buffer.concat(wire), { finishFlush: constants.Z_SYNC_FLUSH })
    assert.deepEqual(all, Buffer.concat(blocks))
    const d = new HeaderDecompressor()
    assert.deepEqual(
      wire.map((w) => decodeHeaderBlock(d.decompress(w))),
      [[], [['a', 'b']]],
    )
  })

  it('decodes a dictionary-primed deflate stream flushed once per block', async () => {
    const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 })
    const chunks: Buffer[] = []
    deflate.on('data', (c: Buffer) => chunks.push(c))
    const flushed = async (raw: Buffer) => {
      deflate.write(raw)
      await new Promise<void>((r) => deflate.flush(constants.Z_SYNC_FLUSH, () => r()))
      await new Promise((r) => setImmediate(r))
      return Buffer.concat(chunks.splice(0))
    }
    const d = new HeaderDecompressor()
    for (const type of ['error', 'stdin', 'stdout', 'error']) {
      const block = await flushed(encodeHeaderBlock([['streamtype', type]]))
      assert.deepEqual(decodeHeaderBlock(d.decompress(block)), [['streamtype', type]])
    }
    deflate.close()
  })
})

describe('SPDY/3.1 frames', () => {
  it('parses what it encodes, across arbitrary chunk boundaries', () => {
    const wire = Buffer.concat([
      encodeSynStream(1, Buffer.from('hdr'), FLAG_FIN, 3),
      encodeData(1, Buffer.from('hello'), true),
      encodeRstStream(3, 5),
      encodeSettings([{ id: 7, value: 65536 }]),
      encodePing(9),
      encodeGoAway(7, 0),
      encodeWindowUpdate(0, 1000),
    ])
    const p = new FrameParser()
    const frames: Frame[] = []
    for (let i = 0; i < wire.length; i += 7) frames.push(...p.push(wire.subarray(i, i + 7)))
    assert.deepEqual(frames, [
      { type: 'syn_stream', streamId: 1, associatedId: 0, priority: 3, flags: FLAG_FIN, block: Buffer.from('hdr') },
      { type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.from('hello') },
      { type: 'rst_stream', streamId: 3, status: 5 },
      { type: 'settings', flags: 0, entries: [{ flags: 0, id: 7, value: 65536 }] },
      { type: 'ping', id: 9 },
      { type: 'goaway', lastGoodStreamId: 7, status: 0 },
      { type: 'window_update', streamId: 0, delta: 1000 },
    ])
  })

  it('splits large data into frames, FIN on the last', () => {
    const frames = new FrameParser().push(encodeData(5, Buffer.alloc(40_000, 1), true))
    assert.deepEqual(
      frames.map((f) => (f.type === 'data' ? [f.data.length, f.flags] : f.type)),
      [
        [16384, 0],
        [16384, 0],
        [7232, FLAG_FIN],
      ],
    )
    assert.deepEqual(new FrameParser().push(encodeData(5, Buffer.alloc(0), true)), [
      { type: 'data', streamId: 5, flags: FLAG_FIN, data: Buffer.alloc(0) },
    ])
  })

  it('rejects other protocol versions', () => {
    const v2 = encodePing(1)
    v2.writeUInt16BE(0x8002, 0)
    assert.throws(() => new FrameParser().push(v2), SpdyProtocolError)
  })
})

/** A client end of a session: sends frames with compressed headers, collects what comes back. */
function client() {
  const [ours, theirs] = duplexPair()
  const parser = new FrameParser()
  const received: Frame[] = []
  const compressor = new HeaderCompressor()
  let notify = () => {}
  theirs.on('data', (b: Buffer) => {
    received.push(...parser.push(b))
    notify()
  })
  return {
    socket: ours,
    received,
    open(id: number, headers: [string, string][], flags = 0) {
      theirs.write(encodeSynStream(id, compressor.compress(encodeHeaderBlock(headers)), flags))
    },
    write(frame: Buffer) {
      theirs.write(frame)
    },
    async until(pred: (f: Frame[]) => boolean) {
      while (!pred(received)) await new Promise<void>((r) => (notify = r))
    },
    end() {
      theirs.end()
    },
  }
}

describe('SPDY server session', () => {
  it('answers streams, delivers data and FIN, echoes pings, acknowledges data', async () => {
    const c = client()
    const streams: SpdyStream[] = []
    const got: string[] = []
    let closed = false
    const session = new SpdyServerSession(c.socket, {
      onStream(s) {
        streams.push(s)
        s.onData = (d) => got.push(`${s.header('streamtype')}:${d}`)
        s.onEnd = () => got.push(`${s.header('streamtype')}:end`)
      },
      onClose: () => {
        closed = true
      },
    })
    c.open(1, [['streamtype', 'error']])
    c.open(3, [['streamtype', 'stdin']])
    await c.until((f) => f.filter((x) => x.type === 'syn_reply').length === 2)
    assert.deepEqual(
      streams.map((s) => [s.id, s.header('StreamType')]),
      [
        [1, 'error'],
        [3, 'stdin'],
      ],
    )
    c.write(encodeData(3, Buffer.from('abc')))
    c.write(encodeData(3, Buffer.alloc(0), true))
    c.write(encodePing(5))
    await c.until((f) => f.some((x) => x.type === 'ping'))
    assert.deepEqual(got, ['stdin:abc', 'stdin:end'])
    assert.ok(c.received.some((f) => f.type === 'window_update' && f.streamId === 3 && f.delta === 3))
    streams[0].write(Buffer.from('{"status":"Success"}'))
    streams[0].end()
    session.goAway()
    await c.until((f) => f.some((x) => x.type === 'goaway'))
    const tail = c.received.filter((f) => f.type === 'data' || f.type === 'goaway')
    assert.deepEqual(tail, [
      { type: 'data', streamId: 1, flags: 0, data: Buffer.from('{"status":"Success"}') },
      { type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.alloc(0) },
      { type: 'goaway', lastGoodStreamId: 3, status: 0 },
    ])
    c.end()
    await new Promise((r) => setImmediate(r))
    assert.ok(closed)
  })

  it('refuses stream ids that go backwards, resets unknown streams, ends on garbage', async () => {
    const c = client()
    const session = new SpdyServerSession(c.socket, { onStream() {} })
    c.open(5, [['streamtype', 'error']])
    c.open(3, [['streamtype', 'stdout']])
    c.write(encodeData(9, Buffer.from('x')))
    await c.until((f) => f.filter((x) => x.type === 'rst_stream').length === 2)
    assert.deepEqual(
      c.received.filter((f) => f.type === 'rst_stream'),
      [
        { type: 'rst_stream', streamId: 3, status: 1 },
        { type: 'rst_stream', streamId: 9, status: 2 },
      ],
    )
    c.write(Buffer.from([0x80, 0x02, 0, 1, 0, 0, 0, 0]))
    await c.until((f) => f.some((x) => x.type === 'goaway'))
    assert.deepEqual(c.received.at(-1), { type: 'goaway', lastGoodStreamId: 5, status: 1 })
    session.destroy()
  })
})
