// Standard input of an exec'd process: bytes arrive from the client in chunks; readers take
// chunks or lines. With a TTY, a line discipline sits in front (echo, backspace, Ctrl-C, Ctrl-D
// on an empty line meaning end of input), as the kernel's pty does for a real container.

/** A source of input chunks; `null` means end of input. */
export class Stdin {
  private readonly chunks: (Buffer | null)[] = []
  private waiter: (() => void) | undefined
  private ended = false

  /** Adds input. */
  push(data: Buffer): void {
    if (this.ended || data.length === 0) return
    this.chunks.push(data)
    this.wake()
  }

  /** One end-of-input mark: the next read returns null, later reads see later input (TTY ^D). */
  pushEof(): void {
    if (this.ended) return
    this.chunks.push(null)
    this.wake()
  }

  /** The client closed its stdin: every read from now on returns null once drained. */
  end(): void {
    this.ended = true
    this.wake()
  }

  private wake(): void {
    const w = this.waiter
    this.waiter = undefined
    w?.()
  }

  /** The next chunk, or null at end of input or when `signal` aborts. */
  async read(signal?: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      if (signal?.aborted) return null
      if (this.chunks.length > 0) return this.chunks.shift() as Buffer | null
      if (this.ended) return null
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done)
          if (this.waiter === done) this.waiter = undefined
          resolve()
        }
        this.waiter = done
        signal?.addEventListener('abort', done, { once: true })
      })
    }
  }

  /** Puts data back in front (what a line reader read past the end of a line). */
  unshift(data: Buffer): void {
    if (data.length > 0) this.chunks.unshift(data)
  }

  /** The next line without its newline, or null at end of input. A last unterminated line counts. */
  async readLine(signal?: AbortSignal): Promise<string | null> {
    const parts: Buffer[] = []
    for (;;) {
      const chunk = await this.read(signal)
      if (chunk === null) return parts.length > 0 ? Buffer.concat(parts).toString() : null
      const nl = chunk.indexOf(0x0a)
      if (nl < 0) {
        parts.push(chunk)
        continue
      }
      parts.push(chunk.subarray(0, nl))
      this.unshift(chunk.subarray(nl + 1))
      return Buffer.concat(parts).toString()
    }
  }
}

/**
 * A canonical-mode terminal in front of a Stdin: raw keystrokes in, echo out, complete lines
 * delivered. Ctrl-C calls `interrupt`; Ctrl-D on an empty line delivers end of input.
 */
export class LineDiscipline {
  private line: number[] = []
  private readonly stdin: Stdin
  private readonly echo: (data: Buffer) => void
  private readonly interrupt: () => void

  constructor(stdin: Stdin, echo: (data: Buffer) => void, interrupt: () => void) {
    this.stdin = stdin
    this.echo = echo
    this.interrupt = interrupt
  }

  input(data: Buffer): void {
    const echoed: number[] = []
    const flushEcho = () => {
      if (echoed.length > 0) this.echo(Buffer.from(echoed.splice(0)))
    }
    for (const b of data) {
      switch (b) {
        case 0x03: // ^C
          echoed.push(0x5e, 0x43, 0x0d, 0x0a)
          this.line = []
          flushEcho()
          this.interrupt()
          break
        case 0x04: // ^D
          flushEcho()
          if (this.line.length === 0) this.stdin.pushEof()
          else this.stdin.push(Buffer.from(this.line.splice(0)))
          break
        case 0x7f:
        case 0x08: // backspace: drop the last character (and its UTF-8 continuation bytes)
          if (this.line.length > 0) {
            while (this.line.length > 0 && ((this.line.pop() as number) & 0xc0) === 0x80) {}
            echoed.push(0x08, 0x20, 0x08)
          }
          break
        case 0x15: // ^U
          for (let i = 0; i < this.line.length; i++) echoed.push(0x08, 0x20, 0x08)
          this.line = []
          break
        case 0x0d:
        case 0x0a:
          echoed.push(0x0d, 0x0a)
          flushEcho()
          this.line.push(0x0a)
          this.stdin.push(Buffer.from(this.line.splice(0)))
          break
        default:
          echoed.push(b)
          this.line.push(b)
      }
    }
    flushEcho()
  }
}
