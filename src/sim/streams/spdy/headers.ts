// SPDY/3 name/value header blocks and their compression. Each direction of a connection is one
// zlib stream primed with the protocol's dictionary (SPDY/3 draft §2.6.10.1); every header block
// ends with a sync flush, so a block can be decoded as soon as its frame arrives.

import { constants, inflateSync } from 'node:zlib'

/** Header names (and a few values) the dictionary spells with 32-bit length prefixes. */
const DICTIONARY_WORDS = [
  'options',
  'head',
  'post',
  'put',
  'delete',
  'trace',
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'accept-ranges',
  'age',
  'allow',
  'authorization',
  'cache-control',
  'connection',
  'content-base',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-md5',
  'content-range',
  'content-type',
  'date',
  'etag',
  'expect',
  'expires',
  'from',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'pragma',
  'proxy-authenticate',
  'proxy-authorization',
  'range',
  'referer',
  'retry-after',
  'server',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'vary',
  'via',
  'warning',
  'www-authenticate',
  'method',
  'get',
  'status',
  '200 OK',
  'version',
  'HTTP/1.1',
  'url',
  'public',
  'set-cookie',
  'keep-alive',
  'origin',
]

/** The raw tail of the dictionary: status lines, dates and common values, unprefixed. */
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.'

function buildDictionary(): Buffer {
  const parts: Buffer[] = []
  for (const w of DICTIONARY_WORDS) {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(w.length)
    parts.push(len, Buffer.from(w, 'latin1'))
  }
  parts.push(Buffer.from(DICTIONARY_TAIL, 'latin1'))
  return Buffer.concat(parts)
}

/** The SPDY/3 header compression dictionary. */
export const SPDY3_DICTIONARY = buildDictionary()

export type HeaderList = [string, string][]

/** Serialises headers as a SPDY/3 name/value block (uncompressed). Names are lower-cased. */
export function encodeHeaderBlock(headers: HeaderList): Buffer {
  const parts: Buffer[] = []
  const count = Buffer.alloc(4)
  count.writeUInt32BE(headers.length)
  parts.push(count)
  for (const [name, value] of headers) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s)
      const len = Buffer.alloc(4)
      len.writeUInt32BE(b.length)
      parts.push(len, b)
    }
  }
  return Buffer.concat(parts)
}

export class HeaderBlockError extends Error {}

/** Parses an uncompressed name/value block. A value may hold several, NUL-separated. */
export function decodeHeaderBlock(buf: Buffer): HeaderList {
  let off = 0
  const u32 = () => {
    if (off + 4 > buf.length) throw new HeaderBlockError('truncated header block')
    const v = buf.readUInt32BE(off)
    off += 4
    return v
  }
  const str = () => {
    const len = u32()
    if (off + len > buf.length) throw new HeaderBlockError('truncated header block')
    const s = buf.subarray(off, off + len).toString()
    off += len
    return s
  }
  const n = u32()
  if (n > 1024) throw new HeaderBlockError(`too many headers (${n})`)
  const out: HeaderList = []
  for (let i = 0; i < n; i++) {
    const name = str()
    const value = str()
    for (const v of value.split('\u0000')) out.push([name, v])
  }
  return out
}

/** Most compressed header bytes one connection may send (re-inflation below is quadratic). */
const MAX_COMPRESSED_HEADER_BYTES = 512 * 1024

/**
 * Decompresses the header blocks a peer sends. The peer's zlib stream spans all its blocks,
 * so each block is decoded by inflating everything received so far and keeping the new part —
 * synchronous and simple; a connection carries only a handful of streams (exec opens at most
 * five), and the total is capped.
 */
export class HeaderDecompressor {
  private compressed: Buffer[] = []
  private compressedBytes = 0
  private producedBytes = 0

  decompress(block: Buffer): Buffer {
    this.compressed.push(block)
    this.compressedBytes += block.length
    if (this.compressedBytes > MAX_COMPRESSED_HEADER_BYTES) throw new HeaderBlockError('too much header data')
    let all: Buffer
    try {
      all = inflateSync(Buffer.concat(this.compressed), {
        dictionary: SPDY3_DICTIONARY,
        finishFlush: constants.Z_SYNC_FLUSH,
      })
    } catch (e) {
      throw new HeaderBlockError(`header decompression failed: ${(e as Error).message}`)
    }
    const fresh = all.subarray(this.producedBytes)
    this.producedBytes = all.length
    return fresh
  }
}

/**
 * Compresses the header blocks we send. zlib without Huffman coding: a zlib header once, then
 * each block as stored (uncompressed) deflate blocks followed by an empty stored block — the
 * sync-flush marker, which is what makes Go's inflater hand the bytes over without reading
 * past the frame. Every inflater accepts it, and it needs no state between blocks.
 */
export class HeaderCompressor {
  private started = false

  compress(raw: Buffer): Buffer {
    const parts: Buffer[] = []
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01])) // deflate, 32 KiB window, no preset dictionary
      this.started = true
    }
    for (let off = 0; off < raw.length; off += 0xffff) parts.push(storedBlock(raw.subarray(off, off + 0xffff)))
    parts.push(storedBlock(Buffer.alloc(0)))
    return Buffer.concat(parts)
  }
}

/** A non-final stored deflate block (BFINAL=0, BTYPE=00, byte-aligned LEN and NLEN). */
function storedBlock(data: Buffer): Buffer {
  const hdr = Buffer.alloc(5)
  hdr.writeUInt16LE(data.length, 1)
  hdr.writeUInt16LE(~data.length & 0xffff, 3)
  return Buffer.concat([hdr, data])
}
