// A small seeded PRNG for tests whose random choices must be reproducible from a printed seed.

/** sfc32 seeded through splitmix32: small, fast, good enough for fuzzing, fully reproducible. */
export class Rng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: number, stream = 0) {
    let s = (seed ^ Math.imul(stream + 0x9e3779b9, 0x85ebca6b)) >>> 0
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = split()
    this.b = split()
    this.c = split()
    this.d = split()
    for (let i = 0; i < 12; i++) this.next()
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0
    this.d = (this.d + 1) >>> 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) >>> 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) >>> 0
    return t
  }

  float(): number {
    return this.next() / 4294967296
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1))
  }

  bool(p = 0.5): boolean {
    return this.float() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]
  }

  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((n, [w]) => n + w, 0)
    let r = this.float() * total
    for (const [w, v] of items) {
      r -= w
      if (r < 0) return v
    }
    return items[items.length - 1][1]
  }

  string(len: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-.'): string {
    let s = ''
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(this.float() * alphabet.length)]
    return s
  }
}

/** The seed: env FUZZ_SEED when set (decimal or 0x hex), else random. */
export function fuzzSeed(): number {
  const env = process.env.FUZZ_SEED
  if (env !== undefined && env !== '') {
    const n = Number(env)
    if (!Number.isFinite(n)) throw new Error(`FUZZ_SEED must be a number, got ${env}`)
    return n >>> 0
  }
  return (Math.random() * 4294967296) >>> 0
}
