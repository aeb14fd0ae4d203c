import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StatusError } from '../errors.ts'
import {
  everything,
  formatLabelSelector,
  LabelSelectorError,
  nothing,
  parseLabelSelector,
  parseSelector,
  selectorFromLabelSelector,
  selectorFromSet,
} from './labels.ts'

describe('label selector parsing', () => {
  const canonical: [string, string][] = [
    ['', ''],
    ['   ', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x = a', 'x=a'],
    ['  x  in  ( a , b )  ', 'x in (a,b)'],
    ['x in (b,a,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x', 'x'],
    ['!x', '!x'],
    ['! x', '!x'],
    ['z=1,a=2', 'a=2,z=1'],
    ['x>1', 'x>1'],
    ['x=', 'x='],
    ['x=,y=b', 'x=,y=b'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['in in (in)', 'in in (in)'],
    ['notin notin (notin)', 'notin notin (notin)'],
    ['example.com/app=web', 'example.com/app=web'],
    ['a\tin\t(x)', 'a in (x)'],
  ]
  for (const [input, want] of canonical) {
    it(`parses ${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => {
      assert.equal(parseSelector(input).toString(), want)
    })
  }

  const errors: [string, string][] = [
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x=a,', "found '', expected: identifier after ','"],
    [',x=a', "found ',', expected: !, identifier, or 'end of string'"],
    ['x=(a)', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    [
      'x>a',
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    [
      'x=-a',
      "unable to parse requirement: values[0][x]: Invalid value: \"-a\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ],
    [
      '-x=a',
      "unable to parse requirement: <nil>: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ],
    [
      `${'k'.repeat(64)}=v`,
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    ],
  ]
  for (const [input, want] of errors) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseSelector(input),
        (e: unknown) => e instanceof LabelSelectorError && e.message === want,
      )
    })
  }

  it('parseLabelSelector throws a 400 StatusError', () => {
    assert.throws(
      () => parseLabelSelector('x y'),
      (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest',
    )
    assert.equal(parseLabelSelector(undefined).empty, true)
    assert.equal(parseLabelSelector('').empty, true)
  })

  it('validates the DNS prefix of keys', () => {
    assert.throws(() => parseSelector('Bad_Prefix/x=a'), /prefix part a lowercase RFC 1123 subdomain/)
    assert.throws(() => parseSelector('/x=a'), /prefix part must be non-empty/)
    assert.throws(() => parseSelector('a/b/c'), /a qualified name must consist of/)
  })
})

describe('label selector matching', () => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', undefined, true],
    ['', { a: 'b' }, true],
    ['x=a', { x: 'a' }, true],
    ['x=a', { x: 'b' }, false],
    ['x=a', {}, false],
    ['x==a', { x: 'a' }, true],
    ['x!=a', {}, true],
    ['x!=a', { x: 'a' }, false],
    ['x!=a', { x: 'b' }, true],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['x in (a,b)', {}, false],
    ['x notin (a,b)', { x: 'c' }, true],
    ['x notin (a,b)', {}, true],
    ['x notin (a,b)', { x: 'a' }, false],
    ['x', { x: '' }, true],
    ['x', { y: '' }, false],
    ['!x', { y: '' }, true],
    ['!x', { x: '' }, false],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['x in ()', { x: '' }, true],
    ['x>5', { x: '6' }, true],
    ['x>5', { x: '5' }, false],
    ['x>5', { x: 'abc' }, false],
    ['x>5', {}, false],
    ['x<5', { x: '-3' }, true],
    ['x<5', { x: '99999999999999999999' }, false],
    ['x=a,y=b', { x: 'a', y: 'b' }, true],
    ['x=a,y=b', { x: 'a' }, false],
    ['constructor', {}, false],
    ['!constructor', {}, true],
    ['toString=a', {}, false],
  ]
  for (const [sel, labels, want] of cases) {
    it(`${JSON.stringify(sel)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(labels)}`, () => {
      assert.equal(parseSelector(sel).matches(labels), want)
    })
  }

  it('requiresExactMatch', () => {
    const s = parseSelector('app=web,tier in (a),x in (a,b)')
    assert.equal(s.requiresExactMatch('app'), 'web')
    assert.equal(s.requiresExactMatch('tier'), 'a')
    assert.equal(s.requiresExactMatch('x'), undefined)
    assert.equal(s.requiresExactMatch('none'), undefined)
  })

  it('is fast when reused', () => {
    const s = parseSelector('app=web,tier in (a,b,c,d,e),!canary')
    const objs = Array.from({ length: 100_000 }, (_, i) => ({ app: i % 2 ? 'web' : 'db', tier: 'c', x: String(i) }))
    const t0 = performance.now()
    let n = 0
    for (const l of objs) if (s.matches(l)) n++
    const ms = performance.now() - t0
    assert.equal(n, 50_000)
    assert.ok(ms < 200, `matching 100k objects took ${ms} ms`)
  })
})

describe('metav1.LabelSelector', () => {
  it('converts matchLabels and matchExpressions', () => {
    const s = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'ready', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    })
    assert.equal(s.toString(), 'app=web,!canary,env notin (prod),ready,tier in (a,b)')
    assert.equal(s.matches({ app: 'web', tier: 'a', ready: 'y' }), true)
    assert.equal(s.matches({ app: 'web', tier: 'a', ready: 'y', canary: '1' }), false)
  })

  it('null selects nothing, {} selects everything', () => {
    assert.equal(selectorFromLabelSelector(null).matches({ a: 'b' }), false)
    assert.equal(selectorFromLabelSelector({}).matches({ a: 'b' }), true)
    assert.equal(nothing().matches({}), false)
    assert.equal(everything().matches(undefined), true)
  })

  it('formats like metav1.FormatLabelSelector', () => {
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web')
    assert.equal(
      formatLabelSelector({
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
      }),
      'app=web,tier in (a,b)',
    )
    assert.equal(formatLabelSelector({}), '<none>')
    assert.equal(formatLabelSelector(null), '<none>')
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }), '<error>')
  })

  it('reports invalid requirements', () => {
    assert.throws(
      () => selectorFromLabelSelector({ matchExpressions: [{ key: 'x', operator: 'In', values: [] }] }),
      (e: unknown) =>
        e instanceof LabelSelectorError &&
        e.message === `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`,
    )
    assert.throws(
      () => selectorFromLabelSelector({ matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] }),
      /"Gt" is not a valid label selector operator/,
    )
    assert.throws(
      () => selectorFromLabelSelector({ matchExpressions: [{ key: 'x', operator: 'Exists', values: ['a'] }] }),
      /values set must be empty for exists and does not exist/,
    )
  })

  it('selectorFromSet', () => {
    const s = selectorFromSet({ b: '2', a: '1' })
    assert.equal(s.toString(), 'a=1,b=2')
    assert.equal(s.matches({ a: '1', b: '2', c: '3' }), true)
    assert.equal(selectorFromSet({}).empty, true)
  })
})
