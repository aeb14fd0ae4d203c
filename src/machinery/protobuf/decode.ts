// Decodes request bodies in the Kubernetes protobuf encoding (application/vnd.kubernetes.protobuf)
// into the JSON object the JSON encoding of the same Go object would have carried.
//
// The envelope is the 4-byte magic "k8s\0" followed by a runtime.Unknown message: typeMeta
// (field 1: apiVersion = 1, kind = 2), raw (field 2: the object's own message), contentEncoding
// (3) and contentType (4). The object's message is decoded with the tables in schema.ts, then
// printed the way Go's encoding/json prints the decoded struct: zero values of omitempty fields
// left out, non-pointer structs always present (`metadata: {creationTimestamp: null}`,
// `resources: {}`), nil slices of fields without omitempty as null, and the well-known types in
// their JSON forms (Time as RFC 3339, IntOrString as a number or a string, Quantity as its string,
// bytes as base64, RawExtension as the embedded JSON).

import { badRequest, StatusError, unsupportedMediaType } from '../errors.ts'
import { ProtoReader, WIRE_BYTES, WIRE_VARINT, WireError } from './reader.ts'
import { ANY_VERSION_KIND_MESSAGES, KIND_MESSAGES, SCHEMAS } from './schema.ts'

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf'

/** Messages nested deeper than this (including objects embedded in RawExtensions) are refused. */
export const MAX_NESTING = 100

const MAGIC = [0x6b, 0x38, 0x73, 0x00]

// Value kinds.
const K_STRING = 1
const K_INT32 = 2
const K_INT64 = 3
const K_BOOL = 4
const K_BYTES = 5
const K_MESSAGE = 6
const K_TIME = 7
const K_MICROTIME = 8
const K_DURATION = 9
const K_QUANTITY = 10
const K_INTSTR = 11
const K_RAWEXT = 12
const K_FIELDSV1 = 13
const K_STRINGLIST = 14

const KIND_NAMES: Record<string, number> = {
  s: K_STRING,
  i32: K_INT32,
  i64: K_INT64,
  b: K_BOOL,
  by: K_BYTES,
  Time: K_TIME,
  MicroTime: K_MICROTIME,
  Duration: K_DURATION,
  Quantity: K_QUANTITY,
  IntOrString: K_INTSTR,
  RawExtension: K_RAWEXT,
  FieldsV1: K_FIELDSV1,
  StringList: K_STRINGLIST,
}

// Field shapes.
const SINGLE = 0
const REPEATED = 1
const MAP = 2
const INLINE = 3

interface FieldDef {
  no: number
  json: string
  kind: number
  shape: number
  /** A Go pointer: printed whenever present, left out (or null, with `always`) when absent. */
  pointer: boolean
  /** No omitempty: printed even when zero or absent. */
  always: boolean
  /** Position of the field's value in a decoded record. */
  index: number
  messageName: string
  message: MessageDef | undefined
}

interface MessageDef {
  name: string
  fields: FieldDef[]
  /** Field definitions by field number. */
  byNo: (FieldDef | undefined)[]
}

/** A decoded message: field values by FieldDef.index, before JSON printing. */
type Rec = unknown[]

const OMIT = Symbol('omit')

// ---- schema compilation -----------------------------------------------------------------------

const messages = new Map<string, MessageDef>()

function compileMessage(name: string, spec: string): MessageDef {
  const fields: FieldDef[] = []
  const byNo: (FieldDef | undefined)[] = []
  for (const part of spec.split(';')) {
    const [noText, json, typeText, extra] = part.trim().split(/\s+/)
    const no = Number(noText)
    if (!Number.isInteger(no) || no < 1 || json === undefined || typeText === undefined || extra !== undefined) {
      throw new Error(`protobuf schema ${name}: cannot parse field "${part}"`)
    }
    let t = typeText
    let shape = SINGLE
    if (t.startsWith('~')) {
      shape = INLINE
      t = t.slice(1)
    } else if (t.startsWith('[]')) {
      shape = REPEATED
      t = t.slice(2)
    } else if (t.startsWith('{}')) {
      shape = MAP
      t = t.slice(2)
    }
    const always = t.endsWith('!')
    if (always) t = t.slice(0, -1)
    const pointer = t.endsWith('*')
    if (pointer) t = t.slice(0, -1)
    const kind = KIND_NAMES[t] ?? (SCHEMAS[t] !== undefined ? K_MESSAGE : 0)
    if (kind === 0) throw new Error(`protobuf schema ${name}.${json}: unknown type ${t}`)
    if (shape === INLINE && kind !== K_MESSAGE) throw new Error(`protobuf schema ${name}: only messages can be inlined`)
    if (byNo[no] !== undefined) throw new Error(`protobuf schema ${name}: field ${no} defined twice`)
    const field: FieldDef = {
      no,
      json,
      kind,
      shape,
      pointer,
      always,
      index: fields.length,
      messageName: kind === K_MESSAGE ? t : '',
      message: undefined,
    }
    fields.push(field)
    byNo[no] = field
  }
  return { name, fields, byNo }
}

for (const [name, spec] of Object.entries(SCHEMAS)) messages.set(name, compileMessage(name, spec))
for (const def of messages.values()) {
  for (const f of def.fields) if (f.kind === K_MESSAGE) f.message = messages.get(f.messageName)
}

/** The message of a kind, or undefined when this server has no schema for it. */
function messageFor(apiVersion: string, kind: string): MessageDef | undefined {
  const name = KIND_MESSAGES[`${apiVersion} ${kind}`] ?? ANY_VERSION_KIND_MESSAGES[kind]
  return name === undefined ? undefined : messages.get(name)
}

/** The apiVersion/kind pairs whose protobuf encoding this decoder understands. */
export function protobufKinds(): string[] {
  return Object.keys(KIND_MESSAGES)
}

// ---- decoding -----------------------------------------------------------------------------------

export interface DecodedProtobuf {
  apiVersion: string
  kind: string
  /** The object as its JSON encoding would carry it, apiVersion and kind included. */
  object: Record<string, unknown>
}

/**
 * Decodes a Kubernetes protobuf request body. Malformed input fails with 400 Bad Request, a kind
 * without a schema here (or a content encoding) with 415 Unsupported Media Type.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedProtobuf {
  const d = new Decoder(body)
  try {
    return d.envelope(0, body.length, 0)
  } catch (e) {
    if (e instanceof StatusError) throw e
    const where = d.path.length > 0 ? ` (at ${d.path.join('.')})` : ''
    const detail = e instanceof WireError ? e.message : `malformed input: ${(e as Error).message}`
    throw badRequest(`the body of the request could not be decoded as ${PROTOBUF_MEDIA_TYPE}: ${detail}${where}`)
  }
}

class Decoder {
  readonly r: ProtoReader
  /** JSON names of the fields being decoded, for error messages. */
  readonly path: string[] = []
  private depth = 0

  constructor(buf: Uint8Array) {
    this.r = new ProtoReader(buf)
  }

  envelope(start: number, end: number, depth: number): DecodedProtobuf {
    const r = this.r
    const buf = r.buf
    if (end - start < MAGIC.length || MAGIC.some((b, i) => buf[start + i] !== b)) {
      throw badRequest(
        `the body of the request is not ${PROTOBUF_MEDIA_TYPE}: it does not start with the Kubernetes protobuf prefix "k8s\\x00"`,
      )
    }
    if (depth > MAX_NESTING) throw new WireError('objects nested too deeply')
    const saved = r.end
    r.pos = start + MAGIC.length
    r.end = end
    let apiVersion = ''
    let kind = ''
    let contentEncoding = ''
    let rawStart = -1
    let rawEnd = -1
    while (r.pos < r.end) {
      const no = r.tag()
      const wt = r.wireType
      if (no > 4) {
        r.skip(wt, no)
        continue
      }
      if (wt !== WIRE_BYTES)
        throw new WireError(`wrong wire type ${wt} for field ${no} of the runtime.Unknown envelope`)
      if (no === 1) {
        const stop = r.delimited()
        const outer = r.end
        r.end = stop
        while (r.pos < stop) {
          const f = r.tag()
          const w = r.wireType
          if (f === 1 || f === 2) {
            if (w !== WIRE_BYTES) throw new WireError(`wrong wire type ${w} in the envelope's typeMeta`)
            if (f === 1) apiVersion = r.string()
            else kind = r.string()
          } else {
            r.skip(w, f)
          }
        }
        r.end = outer
      } else if (no === 2) {
        rawEnd = r.delimited()
        rawStart = r.pos
        r.pos = rawEnd
      } else if (no === 3) {
        contentEncoding = r.string()
      } else {
        r.string() // contentType: the raw bytes are protobuf whatever it says
      }
    }
    r.end = saved
    if (kind === '' || apiVersion === '') {
      throw badRequest(
        `the body of the request could not be decoded as ${PROTOBUF_MEDIA_TYPE}: the envelope does not name the object's apiVersion and kind`,
      )
    }
    const what = `${kind} (${apiVersion})`
    if (contentEncoding !== '') {
      throw unsupportedMediaType(`${what} was sent with content encoding "${contentEncoding}", which is not supported`)
    }
    const def = messageFor(apiVersion, kind)
    if (def === undefined) {
      throw unsupportedMediaType(
        `the server cannot decode ${what} from ${PROTOBUF_MEDIA_TYPE}; send it as application/json instead`,
      )
    }
    const rec: Rec = []
    if (rawStart >= 0) this.message(def, rec, rawStart, rawEnd)
    const object: Record<string, unknown> = { kind, apiVersion, ...toJson(def, rec) }
    return { apiVersion, kind, object }
  }

  /** Decodes the bytes [start, end) as a `def` message into `rec` (merging, as protobuf does). */
  private message(def: MessageDef, rec: Rec, start: number, end: number): void {
    if (++this.depth > MAX_NESTING) throw new WireError('messages nested too deeply')
    const r = this.r
    const saved = r.end
    r.pos = start
    r.end = end
    const byNo = def.byNo
    while (r.pos < end) {
      const no = r.tag()
      const wt = r.wireType
      const f = no < byNo.length ? byNo[no] : undefined
      if (f === undefined) {
        r.skip(wt, no)
        continue
      }
      this.path.push(f.json)
      if (f.shape === REPEATED) {
        let list = rec[f.index] as unknown[] | undefined
        if (list === undefined) rec[f.index] = list = []
        if (wt === WIRE_BYTES && (f.kind === K_INT32 || f.kind === K_INT64 || f.kind === K_BOOL)) {
          const stop = r.delimited()
          r.end = stop
          while (r.pos < stop) list.push(this.scalar(f.kind))
          r.end = end
        } else {
          list.push(this.value(f, wt, undefined))
        }
      } else if (f.shape === MAP) {
        let map = rec[f.index] as Map<string, unknown> | undefined
        if (map === undefined) rec[f.index] = map = new Map()
        this.mapEntry(f, wt, map)
      } else {
        rec[f.index] = this.value(f, wt, rec[f.index])
      }
      this.path.pop()
    }
    r.end = saved
    this.depth--
  }

  private scalar(kind: number): number | boolean {
    const r = this.r
    if (kind === K_INT32) return r.int32()
    if (kind === K_INT64) return r.int64()
    return r.bool()
  }

  /** One value of field `f` (wire type `wt`); `existing` is a previous occurrence to merge into. */
  private value(f: FieldDef, wt: number, existing: unknown): unknown {
    const r = this.r
    const kind = f.kind
    if (kind === K_INT32 || kind === K_INT64 || kind === K_BOOL) {
      if (wt !== WIRE_VARINT) throw wrongWireType(f, wt)
      return this.scalar(kind)
    }
    if (wt !== WIRE_BYTES) throw wrongWireType(f, wt)
    switch (kind) {
      case K_STRING:
        return r.string()
      case K_BYTES:
        return base64(r.bytes())
      case K_MESSAGE: {
        const stop = r.delimited()
        const rec = (existing as Rec | undefined) ?? []
        this.message(f.message!, rec, r.pos, stop)
        r.pos = stop
        return rec
      }
      default:
        return this.special(kind, r.delimited())
    }
  }

  /** A map<string, V> entry: key = field 1, value = field 2; a repeated key keeps the last value. */
  private mapEntry(f: FieldDef, wt: number, map: Map<string, unknown>): void {
    if (wt !== WIRE_BYTES) throw wrongWireType(f, wt)
    const r = this.r
    const stop = r.delimited()
    const outer = r.end
    r.end = stop
    let key = ''
    let value: unknown
    while (r.pos < stop) {
      const no = r.tag()
      const w = r.wireType
      if (no === 1) {
        if (w !== WIRE_BYTES) throw new WireError(`wrong wire type ${w} for a map key of ${f.json}`)
        key = r.string()
      } else if (no === 2) {
        value = this.value(f, w, value)
      } else {
        r.skip(w, no)
      }
    }
    r.end = outer
    map.set(key, value === undefined ? zeroMapValue(f) : value)
  }

  /** The well-known messages, decoded straight to their JSON values. */
  private special(kind: number, stop: number): unknown {
    const r = this.r
    // metav1.Time and MicroTime unmarshal an empty message as the zero time (printed as null).
    if ((kind === K_TIME || kind === K_MICROTIME) && r.pos === stop) return null
    const outer = r.end
    r.end = stop
    let a = 0
    let b = 0
    let s: string | undefined
    let raw: Uint8Array | undefined
    let list: string[] | undefined
    while (r.pos < stop) {
      const no = r.tag()
      const wt = r.wireType
      if (kind === K_DURATION) {
        // Duration: duration = 1 (nanoseconds).
        if (no === 1) {
          if (wt !== WIRE_VARINT) throw new WireError(`wrong wire type ${wt} for field 1 of Duration`)
          s = formatGoDuration(r.bigint64())
          continue
        }
      } else if (kind === K_TIME || kind === K_MICROTIME || kind === K_INTSTR) {
        // Time/MicroTime: seconds = 1, nanos = 2; IntOrString: type = 1, intVal = 2, strVal = 3.
        if (no === 1 || no === 2) {
          if (wt !== WIRE_VARINT) throw new WireError(`wrong wire type ${wt} for field ${no} of ${specialName(kind)}`)
          if (no === 1) a = r.int64()
          else b = r.int32()
          continue
        }
        if (no === 3 && kind === K_INTSTR) {
          if (wt !== WIRE_BYTES) throw new WireError(`wrong wire type ${wt} for field 3 of IntOrString`)
          s = r.string()
          continue
        }
      } else if (no === 1) {
        // Quantity: string = 1; RawExtension and FieldsV1: raw = 1; StringList: items = 1.
        if (wt !== WIRE_BYTES) throw new WireError(`wrong wire type ${wt} for field 1 of ${specialName(kind)}`)
        if (kind === K_QUANTITY) s = r.string()
        else if (kind === K_STRINGLIST) {
          list ??= []
          list.push(r.string())
        } else raw = r.bytes()
        continue
      }
      r.skip(wt, no)
    }
    r.end = outer
    switch (kind) {
      case K_TIME:
        return formatTime(a, b, false)
      case K_MICROTIME:
        return formatTime(a, b, true)
      case K_DURATION:
        return s ?? '0s'
      case K_INTSTR:
        if (a === 0) return b
        if (a === 1) return s ?? ''
        throw new WireError(`IntOrString has an impossible type ${a}`)
      case K_QUANTITY:
        return s === undefined || s === '' ? '0' : s
      case K_STRINGLIST:
        return list ?? []
      case K_FIELDSV1:
        return raw === undefined ? null : parseEmbeddedJson(raw, 'fieldsV1')
      default:
        return raw === undefined ? null : this.rawExtension(raw, stop)
    }
  }

  /** RawExtension bytes: JSON, or an embedded object in the protobuf envelope. */
  private rawExtension(raw: Uint8Array, stop: number): unknown {
    if (raw.length >= MAGIC.length && MAGIC.every((b, i) => raw[i] === b)) {
      const start = stop - raw.length
      const outer = this.r.end
      const decoded = this.envelope(start, stop, ++this.depth)
      this.depth--
      this.r.end = outer
      this.r.pos = stop
      return decoded.object
    }
    return parseEmbeddedJson(raw, 'raw extension')
  }
}

function wrongWireType(f: FieldDef, wt: number): WireError {
  return new WireError(`wrong wire type ${wt} for field ${f.json} (${f.no})`)
}

function specialName(kind: number): string {
  return Object.keys(KIND_NAMES).find((k) => KIND_NAMES[k] === kind) ?? 'message'
}

function zeroMapValue(f: FieldDef): unknown {
  switch (f.kind) {
    case K_STRING:
    case K_BYTES:
      return ''
    case K_INT32:
    case K_INT64:
      return 0
    case K_BOOL:
      return false
    case K_MESSAGE:
      return []
    case K_QUANTITY:
      return '0'
    case K_INTSTR:
      return 0
    case K_DURATION:
      return '0s'
    case K_STRINGLIST:
      return []
    default:
      return null
  }
}

function parseEmbeddedJson(raw: Uint8Array, what: string): unknown {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.length).toString('utf8')
  if (text.trim() === '') return null
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new WireError(`the ${what} is not valid JSON: ${(e as Error).message}`)
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64')
}

// ---- printing -------------------------------------------------------------------------------------

/** Prints a decoded record as Go's encoding/json prints the struct it stands for. */
function toJson(def: MessageDef, rec: Rec | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of def.fields) {
    const v = rec === undefined ? undefined : rec[f.index]
    if (f.shape === INLINE) {
      Object.assign(out, toJson(f.message!, v as Rec | undefined))
      continue
    }
    if (v === undefined) {
      const d = absentValue(f)
      if (d !== OMIT) out[f.json] = d
      continue
    }
    if (f.shape === REPEATED) {
      out[f.json] = f.kind === K_MESSAGE ? (v as Rec[]).map((e) => toJson(f.message!, e)) : v
    } else if (f.shape === MAP) {
      const map = v as Map<string, unknown>
      const obj: Record<string, unknown> = {}
      for (const key of [...map.keys()].sort(compareStrings)) {
        const e = map.get(key)
        obj[key] = f.kind === K_MESSAGE ? toJson(f.message!, e as Rec) : e
      }
      out[f.json] = obj
    } else if (f.kind === K_MESSAGE) {
      out[f.json] = toJson(f.message!, v as Rec)
    } else if (f.pointer || f.always || !isZero(f.kind, v)) {
      out[f.json] = v
    }
  }
  return out
}

/** What Go prints for a field the wire did not carry (the Go zero value of the field). */
function absentValue(f: FieldDef): unknown {
  if (f.shape !== SINGLE || f.pointer) return f.always ? null : OMIT
  switch (f.kind) {
    case K_MESSAGE:
      return toJson(f.message!, undefined)
    case K_TIME:
    case K_MICROTIME:
    case K_RAWEXT:
    case K_FIELDSV1:
    case K_STRINGLIST:
      return null
    case K_QUANTITY:
      return '0'
    case K_INTSTR:
      return 0
    case K_DURATION:
      return '0s'
  }
  if (!f.always) return OMIT
  switch (f.kind) {
    case K_STRING:
      return ''
    case K_BOOL:
      return false
    case K_BYTES:
      return null
    default:
      return 0
  }
}

function isZero(kind: number, v: unknown): boolean {
  switch (kind) {
    case K_STRING:
    case K_BYTES:
      return v === ''
    case K_INT32:
    case K_INT64:
      return v === 0
    case K_BOOL:
      return v === false
    default:
      return false // structs (Time, Quantity, IntOrString, ...) are never omitted
  }
}

/** Go sorts map keys by their UTF-8 bytes; UTF-16 order agrees except around surrogates. */
function compareStrings(a: string, b: string): number {
  if (!SURROGATE_OR_ABOVE.test(a) && !SURROGATE_OR_ABOVE.test(b)) return a < b ? -1 : a > b ? 1 : 0
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

const SURROGATE_OR_ABOVE = /[\ud800-\uffff]/

// ---- well-known types -------------------------------------------------------------------------------

/** time.Time{}.Unix(): the zero time, which metav1.Time prints as null. */
const ZERO_TIME_UNIX = -62135596800
/** The largest |seconds| a JavaScript Date represents. */
const MAX_DATE_SECONDS = 8.64e12

/** metav1.Time (RFC 3339, seconds) or metav1.MicroTime (RFC 3339, microseconds), always UTC. */
export function formatTime(seconds: number, nanos: number, micro: boolean): string | null {
  if (nanos < 0 || nanos >= 1e9) {
    const carry = Math.floor(nanos / 1e9)
    seconds += carry
    nanos -= carry * 1e9
  }
  if (seconds === ZERO_TIME_UNIX && nanos === 0) return null
  if (!(Math.abs(seconds) <= MAX_DATE_SECONDS)) throw new WireError('timestamp out of range')
  const d = new Date(seconds * 1000)
  const year = d.getUTCFullYear()
  if (year < 0 || year > 9999) throw new WireError(`timestamp year ${year} is outside 0000-9999`)
  const p2 = (n: number) => (n < 10 ? '0' : '') + n
  let s =
    String(year).padStart(4, '0') +
    '-' +
    p2(d.getUTCMonth() + 1) +
    '-' +
    p2(d.getUTCDate()) +
    'T' +
    p2(d.getUTCHours()) +
    ':' +
    p2(d.getUTCMinutes()) +
    ':' +
    p2(d.getUTCSeconds())
  if (micro) s += '.' + String(Math.floor(nanos / 1000)).padStart(6, '0')
  return s + 'Z'
}

/** Go's time.Duration.String(), which metav1.Duration's JSON form uses ("1h0m0s", "1.5s", "300ms"). */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  const u = neg ? -ns : ns
  const sign = neg ? '-' : ''
  if (u < 1000n) return sign + u + 'ns'
  if (u < 1_000_000n) return sign + fraction(u, 3) + 'µs'
  if (u < 1_000_000_000n) return sign + fraction(u, 6) + 'ms'
  const totalSeconds = u / 1_000_000_000n
  let s = fraction((totalSeconds % 60n) * 1_000_000_000n + (u % 1_000_000_000n), 9) + 's'
  const minutes = totalSeconds / 60n
  if (minutes > 0n) {
    s = (minutes % 60n) + 'm' + s
    const hours = minutes / 60n
    if (hours > 0n) s = hours + 'h' + s
  }
  return sign + s
}

/** v / 10^digits with the fraction's trailing zeros (and a bare dot) dropped. */
function fraction(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits)
  const whole = v / scale
  const frac = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '')
  return frac === '' ? whole.toString() : `${whole}.${frac}`
}
