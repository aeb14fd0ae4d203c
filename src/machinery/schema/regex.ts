// `pattern` support. Kubernetes compiles patterns with Go's regexp package (RE2 syntax, linear-time,
// no backtracking); we run them as ECMAScript regular expressions after a small translation of
// the RE2-only spellings CRD authors actually use. Differences that remain, on purpose:
//  - constructs RE2 refuses (lookaround, backreferences) are refused here too, with Go's message,
//    so a CRD that kube-apiserver would reject is rejected; anything else JS accepts beyond RE2
//    (e.g. `\u{...}`) is accepted;
//  - `\s` in JS also matches Unicode spaces and \v (RE2: [\t\n\f\r ]);
//  - inline flags are supported only at the start of the pattern ("(?i)abc") or as groups
//    ("(?i:abc)"); RE2's mid-pattern "(?i)" that runs to the end of the enclosing group is not;
//  - JS backtracks: a pathological pattern can be slow where RE2 is linear. Patterns come from
//    CRD authors (cluster admins), not from request bodies, which bounds the exposure.
// Matching is unanchored (regexp.MatchString), exactly as Kubernetes does.

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
}

export class PatternError extends Error {}

/** Rewrites RE2 spellings to ECMAScript; throws PatternError with Go's wording for RE2-refused syntax. */
function translate(pattern: string): { source: string; flags: string } {
  let flags = ''
  let src = pattern
  const lead = /^\(\?([imsU]+)\)/.exec(src)
  if (lead) {
    if (lead[1].includes('U')) throw new PatternError('ungreedy flag (?U) is not supported')
    flags = [...new Set(lead[1])].join('')
    src = src.slice(lead[0].length)
  }
  let out = ''
  let inClass = false
  for (let i = 0; i < src.length; i++) {
    const c = src[i]
    if (c === '\\') {
      const n = src[i + 1]
      if (n === undefined) throw new PatternError('trailing backslash at end of expression: ``')
      if (!inClass && n >= '1' && n <= '9') throw new PatternError(`invalid escape sequence: \`\\${n}\``)
      if (n === 'z') out += '$'
      else if (n === 'A') out += '^'
      else if (n === 'p' || n === 'P') {
        // \pL → \p{L}; \p{L} is kept as is.
        if (src[i + 2] === '{') {
          const end = src.indexOf('}', i + 2)
          out += src.slice(i, end + 1)
          i = end
          continue
        }
        out += `\\${n}{${src[i + 2]}}`
        i += 2
        continue
      } else out += c + n
      i++
      continue
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2)
        const name = end > 0 ? src.slice(i + 2, end) : ''
        const negated = name.startsWith('^')
        const cls = POSIX_CLASSES[negated ? name.slice(1) : name]
        if (cls && !negated) {
          out += cls
          i = end + 1
          continue
        }
      }
      if (c === ']') inClass = false
      out += c
      continue
    }
    if (c === '[') {
      inClass = true
      out += c
      // A leading ']' (or '^]') is a literal in RE2.
      if (src[i + 1] === '^') {
        out += '^'
        i++
      }
      if (src[i + 1] === ']') {
        out += '\\]'
        i++
      }
      continue
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2, i + 4)
      if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') {
        throw new PatternError(`invalid or unsupported Perl syntax: \`(?${rest.startsWith('<') ? rest : rest[0]}\``)
      }
      if (src[i + 2] === 'P' && src[i + 3] === '<') {
        out += '(?<'
        i += 3
        continue
      }
    }
    out += c
  }
  return { source: out, flags }
}

const cache = new Map<string, RegExp | PatternError>()

/** The compiled pattern, or a PatternError. Results are cached: patterns come from a handful of CRDs. */
export function compilePattern(pattern: string): RegExp | PatternError {
  let re = cache.get(pattern)
  if (re !== undefined) return re
  try {
    const { source, flags } = translate(pattern)
    try {
      // 'u' makes '.' match a code point, as Go matches runes; some non-Unicode-mode spellings
      // ("\-" outside a class, "{,3}") are refused in 'u' mode, so retry without it.
      re = new RegExp(source, `${flags}u`)
    } catch {
      re = new RegExp(source, flags)
    }
  } catch (e) {
    re = e instanceof PatternError ? e : new PatternError((e as Error).message)
  }
  if (cache.size > 1000) cache.clear()
  cache.set(pattern, re)
  return re
}

/** regexp.Compile's error text for an invalid pattern ("error parsing regexp: ..."), or undefined. */
export function patternError(pattern: string): string | undefined {
  const re = compilePattern(pattern)
  return re instanceof PatternError ? `error parsing regexp: ${re.message}` : undefined
}
