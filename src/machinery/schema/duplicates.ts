// Duplicate fields in request bodies, for fieldValidation=Strict (400) and Warn (warnings).
//
// JSON: JSON.parse keeps the last of two equal keys and says nothing, so the raw text is scanned
// once more by a small tokenizer that tracks only what it needs (the key sets of open objects,
// the path to them, array indexes) and jumps over strings with indexOf: a 1 MB body is a few
// milliseconds. Paths have Kubernetes' form (sigs.k8s.io/json's strict decoder): no leading dot,
// array indexes in brackets — "metadata.labels.app", "spec.containers[0].image" — and the
// message is `duplicate field "metadata.labels.app"`. Keys are compared after unescaping, so
// "a" and "\u0061" are the same field, as they are for the decoder.
//
// YAML: the `yaml` package finds duplicate keys itself. parseDocument with `uniqueKeys: true`
// (the default) records a DUPLICATE_KEY error per repeated key ("Map keys must be unique"), and
// `parse` throws it, which is how http/body.ts currently rejects such bodies with a 400 whatever
// fieldValidation says. For Warn/Ignore the body has to be parsed with `uniqueKeys: false` (the
// last value wins, as in Kubernetes) and the duplicates listed with findDuplicateYamlKeys, which
// words them as kube-apiserver does: `line 10: key "paused" already set in map`.

import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml'
import { goQuote } from './gofmt.ts'

interface Frame {
  /** Object or array. */
  object: boolean
  path: string
  /** Keys seen so far (objects). */
  keys: Set<string> | undefined
  /** The key whose value comes next (objects), or the index of the next element (arrays). */
  key: string
  index: number
}

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** The index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let j = text.indexOf('"', start + 1)
  while (j !== -1) {
    let backslashes = 0
    for (let k = j - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++
    if (backslashes % 2 === 0) return j
    j = text.indexOf('"', j + 1)
  }
  return -1
}

function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end)
  if (!raw.includes('\\')) return raw
  try {
    return JSON.parse(text.slice(start, end + 1)) as string
  } catch {
    return raw
  }
}

/**
 * Whether a JSON text has a repeated key, given the number of keys (countObjectKeys) of what
 * JSON.parse made of it, counted before anything changed that value: JSON.parse keeps one of two
 * equal keys, so the text has a duplicate exactly when it holds more keys. Counting allocates
 * nothing, unlike findDuplicateFields' paths and key sets, and almost no body has a duplicate.
 */
export function hasDuplicateFields(text: string, parsedKeys: number): boolean {
  return countTextKeys(text) !== parsedKeys
}

/**
 * The number of object keys in a JSON value, at every depth. With an explicit stack: bodies may
 * be nested thousands of levels deep (the decoder's limit), too deep for recursion.
 */
export function countObjectKeys(value: unknown): number {
  let n = 0
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v !== 'object' || v === null) continue
    const children = Array.isArray(v) ? v : Object.values(v)
    if (children !== v) n += children.length
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push(child)
  }
  return n
}

/** Object nesting of countTextKeys: 1 = object, 0 = array; reused between calls. */
const nesting: number[] = []

function countTextKeys(text: string): number {
  nesting.length = 0
  let keys = 0
  let expectKey = false
  const n = text.length
  for (let i = 0; i < n; i++) {
    switch (text.charCodeAt(i)) {
      case 0x7b: // {
        nesting.push(1)
        expectKey = true
        break
      case 0x5b: // [
        nesting.push(0)
        expectKey = false
        break
      case 0x7d: // }
      case 0x5d: // ]
        nesting.pop()
        expectKey = false
        break
      case 0x2c: // ,
        expectKey = nesting[nesting.length - 1] === 1
        break
      case QUOTE: {
        const end = stringEnd(text, i)
        if (end === -1) return keys
        if (expectKey) keys++
        expectKey = false
        i = end
        break
      }
      default:
    }
  }
  return keys
}

/** Paths of the repeated keys of a JSON text, each once, in the order they appear. */
export function findDuplicateFields(text: string): string[] {
  const out: string[] = []
  const reported = new Set<string>()
  const stack: Frame[] = []
  let top: Frame | undefined
  let expectKey = false
  const n = text.length

  const valuePath = (): string => {
    if (top === undefined) return ''
    if (top.object) return top.path === '' ? top.key : `${top.path}.${top.key}`
    return `${top.path}[${top.index}]`
  }

  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    switch (c) {
      case 0x7b: // {
        top = { object: true, path: valuePath(), keys: new Set(), key: '', index: 0 }
        stack.push(top)
        expectKey = true
        break
      case 0x5b: // [
        top = { object: false, path: valuePath(), keys: undefined, key: '', index: 0 }
        stack.push(top)
        expectKey = false
        break
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop()
        top = stack[stack.length - 1]
        expectKey = false
        break
      case 0x2c: // ,
        if (top?.object) expectKey = true
        else if (top) top.index++
        break
      case QUOTE: {
        const end = stringEnd(text, i)
        if (end === -1) return out
        if (top?.object && expectKey) {
          const key = decodeKey(text, i, end)
          if (top.keys!.has(key)) {
            const path = top.path === '' ? key : `${top.path}.${key}`
            if (!reported.has(path)) {
              reported.add(path)
              out.push(path)
            }
          } else top.keys!.add(key)
          top.key = key
          expectKey = false
        }
        i = end
        break
      }
      default:
      // whitespace, ':', numbers, true/false/null: nothing to track.
    }
  }
  return out
}

/** kube-apiserver's wording for a duplicate JSON field. */
export function duplicateFieldMessage(path: string): string {
  return `duplicate field ${goQuote(path)}`
}

/** Duplicate mapping keys of a YAML document, worded as kube-apiserver: `line N: key "k" already set in map`. */
export function findDuplicateYamlKeys(text: string): string[] {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false })
  const out: string[] = []
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return
      const seen = new Set<string>()
      for (const pair of map.items) {
        const k = pair.key
        if (!isScalar(k)) continue
        const name = String(k.value)
        if (seen.has(name)) {
          const line = k.range ? lineCounter.linePos(k.range[0]).line : 0
          out.push(`line ${line}: key ${typeof k.value === 'string' ? goQuote(name) : name} already set in map`)
        } else seen.add(name)
      }
    },
  })
  return out
}
