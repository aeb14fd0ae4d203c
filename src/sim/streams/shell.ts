// A tiny userland for simulated containers: the commands `kubectl exec` smoke tests and demos
// use (hostname, env, echo, cat, ls, pwd, date, sleep, true/false, uname, id, grep, head, tail,
// wc, stty) and a POSIX-ish `sh -c` with quoting, $VAR expansion, `;` `&&` `||` `|`, redirects
// and an interactive prompt for `-it`. Messages and exit codes follow the image's own shell and
// coreutils (bash/dash for Debian images, BusyBox ash otherwise).

import type { Container } from './container.ts'
import { Stdin } from './stdin.ts'

export interface ProcessIO {
  stdin: Stdin
  stdout: (data: string | Buffer) => void
  stderr: (data: string | Buffer) => void
  tty: boolean
  /** Terminal size from the client's resize messages. */
  size: () => { width: number; height: number } | undefined
  /** Aborts when the foreground command is interrupted (Ctrl-C) or the session ends. */
  signal: AbortSignal
  /** Ctrl-C handling for interactive shells, which survive an interrupt and go on. */
  interrupts?: Interrupter
  now: () => number
}

/** Ctrl-C: aborts the current foreground signal; an interactive shell then takes a fresh one. */
export class Interrupter {
  private ctl = new AbortController()
  private readonly session: AbortSignal

  constructor(session: AbortSignal) {
    this.session = session
    session.addEventListener('abort', () => this.ctl.abort(), { once: true })
    if (session.aborted) this.ctl.abort()
  }

  get signal(): AbortSignal {
    return this.ctl.signal
  }

  interrupt(): void {
    this.ctl.abort()
  }

  /** The session is over (client gone): nothing should go on. */
  get ended(): boolean {
    return this.session.aborted
  }

  /** A fresh signal after an interrupt (not after the session ended). */
  reset(): AbortSignal {
    if (this.ctl.signal.aborted && !this.session.aborted) this.ctl = new AbortController()
    return this.ctl.signal
  }
}

/** What the runtime reports for a process. */
export interface ExecOutcome {
  exitCode: number
  /** The runtime could not start the process at all (OCI error), e.g. an unknown executable. */
  startError?: string
}

/** Files written by earlier commands (redirects), kept per container by the caller. */
export type WrittenFiles = Map<string, string>

const BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']

type Command = (sh: Shell, args: string[], io: ProcessIO) => Promise<number>

class ExitShell extends Error {
  readonly code: number
  constructor(code: number) {
    super(`exit ${code}`)
    this.code = code
  }
}

function sleepFor(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const p2 = (n: number) => String(n).padStart(2, '0')

/** `date` output: GNU's default format in UTC, or a +FORMAT with the common conversions. */
export function formatDate(ms: number, format?: string): string {
  const d = new Date(ms)
  const conv: Record<string, string> = {
    a: DAYS[d.getUTCDay()],
    b: MONTHS[d.getUTCMonth()],
    d: p2(d.getUTCDate()),
    e: String(d.getUTCDate()).padStart(2, ' '),
    H: p2(d.getUTCHours()),
    M: p2(d.getUTCMinutes()),
    S: p2(d.getUTCSeconds()),
    m: p2(d.getUTCMonth() + 1),
    Y: String(d.getUTCFullYear()),
    y: p2(d.getUTCFullYear() % 100),
    s: String(Math.floor(ms / 1000)),
    N: String(ms % 1000).padStart(3, '0') + '000000',
    Z: 'UTC',
    z: '+0000',
    '%': '%',
    n: '\n',
    t: '\t',
  }
  conv.F = `${conv.Y}-${conv.m}-${conv.d}`
  conv.T = `${conv.H}:${conv.M}:${conv.S}`
  conv.D = `${conv.m}/${conv.d}/${conv.y}`
  conv.c = `${conv.a} ${conv.b} ${conv.e} ${conv.T} ${conv.Y}`
  const fmt = format ?? '%a %b %e %H:%M:%S %Z %Y'
  return fmt.replace(/%(.)/g, (all, c: string) => conv[c] ?? all)
}

function normalize(path: string): string {
  const out: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') out.pop()
    else out.push(part)
  }
  return `/${out.join('/')}`
}

// ---------------------------------------------------------------------------------------------
// Parsing: words (with their quoting) and operators.

interface Segment {
  text: string
  quote: 'none' | 'single' | 'double'
}
type Word = Segment[]

interface Redirect {
  fd: 0 | 1 | 2
  op: '>' | '>>' | '<' | '>&'
  target: Word | 1 | 2
}

interface SimpleCommand {
  words: Word[]
  redirects: Redirect[]
}

type Operator = ';' | '&&' | '||'

/** A parsed script: pipelines joined by operators. */
export interface Script {
  items: { pipeline: SimpleCommand[]; op: Operator }[]
}

export class ShellSyntaxError extends Error {}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac'])

export function parseScript(src: string): Script {
  const items: Script['items'] = []
  let pipeline: SimpleCommand[] = []
  let cmd: SimpleCommand = { words: [], redirects: [] }
  let word: Word | undefined
  let pendingRedirect: Omit<Redirect, 'target'> | undefined
  let i = 0
  const addSeg = (text: string, quote: Segment['quote']) => {
    word ??= []
    const last = word[word.length - 1]
    if (last && last.quote === quote) last.text += text
    else word.push({ text, quote })
  }
  const endWord = () => {
    if (!word) return
    if (pendingRedirect) {
      cmd.redirects.push({ ...pendingRedirect, target: word })
      pendingRedirect = undefined
    } else {
      cmd.words.push(word)
    }
    word = undefined
  }
  const endCommand = (context: string) => {
    endWord()
    if (pendingRedirect) throw new ShellSyntaxError(`syntax error: unexpected ${context}`)
    if (cmd.words.length === 0 && cmd.redirects.length === 0) {
      if (pipeline.length > 0) throw new ShellSyntaxError(`syntax error: unexpected ${context}`)
      return false
    }
    const first = cmd.words[0]
    if (first && first.length === 1 && first[0].quote === 'none' && RESERVED.has(first[0].text)) {
      throw new ShellSyntaxError(`syntax error: "${first[0].text}" is not supported by this simulated shell`)
    }
    pipeline.push(cmd)
    cmd = { words: [], redirects: [] }
    return true
  }
  const endPipeline = (op: Operator, context: string) => {
    const had = endCommand(context)
    if (!had && pipeline.length === 0) {
      if (op !== ';') throw new ShellSyntaxError(`syntax error: unexpected "${op}"`)
      return
    }
    items.push({ pipeline, op })
    pipeline = []
  }
  while (i < src.length) {
    const c = src[i]
    if (c === '\\') {
      if (src[i + 1] === '\n') i += 2
      else {
        addSeg(src[i + 1] ?? '', 'single')
        i += 2
      }
      continue
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1)
      if (end < 0) throw new ShellSyntaxError('syntax error: unterminated quoted string')
      addSeg(src.slice(i + 1, end), 'single')
      i = end + 1
      continue
    }
    if (c === '"') {
      let j = i + 1
      let text = ''
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && '"\\$`\n'.includes(src[j + 1] ?? '')) {
          // An escaped $ must stay literal through expansion: mark it with a private character.
          text += src[j + 1] === '$' ? '\u0000' : src[j + 1] === '\n' ? '' : src[j + 1]
          j += 2
        } else text += src[j++]
      }
      if (j >= src.length) throw new ShellSyntaxError('syntax error: unterminated quoted string')
      addSeg(text, 'double')
      i = j + 1
      continue
    }
    if (c === '#' && !word) {
      while (i < src.length && src[i] !== '\n') i++
      continue
    }
    if (c === ' ' || c === '\t') {
      endWord()
      i++
      continue
    }
    if (c === '\n' || c === ';') {
      endPipeline(';', c === '\n' ? 'newline' : '";"')
      i++
      continue
    }
    if (c === '&' && src[i + 1] === '&') {
      endPipeline('&&', '"&&"')
      i += 2
      continue
    }
    if (c === '|' && src[i + 1] === '|') {
      endPipeline('||', '"||"')
      i += 2
      continue
    }
    if (c === '|') {
      if (!endCommand('"|"')) throw new ShellSyntaxError('syntax error: unexpected "|"')
      i++
      continue
    }
    if (c === '&') {
      // Background jobs run in the foreground here.
      endPipeline(';', '"&"')
      i++
      continue
    }
    // Redirects: [n]> [n]>> [n]< n>&m &>
    const redir = /^(&>|[012]?>>|[012]?>&[12]|[012]?>|[012]?<)/.exec(src.slice(i))
    if (redir && (!word || (word.length === 1 && /^[012]$/.test(word[0].text) && redir[0][0] !== word[0].text))) {
      endWord()
      const r = redir[0]
      i += r.length
      if (r === '&>') {
        cmd.redirects.push({ fd: 2, op: '>&', target: 1 })
        pendingRedirect = { fd: 1, op: '>' }
        continue
      }
      const fdChar = /^[012]/.test(r) ? r[0] : undefined
      const rest = fdChar ? r.slice(1) : r
      if (rest.startsWith('>&')) {
        cmd.redirects.push({
          fd: (fdChar ? Number(fdChar) : 1) as 0 | 1 | 2,
          op: '>&',
          target: Number(rest[2]) as 1 | 2,
        })
        continue
      }
      const op = rest as '>' | '>>' | '<'
      pendingRedirect = { fd: (fdChar ? Number(fdChar) : op === '<' ? 0 : 1) as 0 | 1 | 2, op }
      continue
    }
    addSeg(c, 'none')
    i++
  }
  endPipeline(';', 'end of file')
  return { items }
}

// ---------------------------------------------------------------------------------------------
// The shell and its commands.

export interface ShellOptions {
  container: Container
  written: WrittenFiles
}

export class Shell {
  readonly container: Container
  readonly vars: Map<string, string>
  readonly written: WrittenFiles
  cwd: string
  status = 0
  /** How this shell was invoked, for messages: "sh" or "bash". */
  name = 'sh'
  /** Line number of the command being run (dash and bash name it in errors). */
  private lineNo = 1

  constructor(opts: ShellOptions) {
    this.container = opts.container
    this.written = opts.written
    this.vars = new Map(opts.container.env)
    this.cwd = opts.container.spec.workingDir || '/'
  }

  resolvePath(p: string): string {
    return normalize(p.startsWith('/') ? p : `${this.cwd}/${p}`)
  }

  readFile(path: string): string | undefined {
    const p = this.resolvePath(path)
    return this.written.get(p) ?? this.container.files.get(p)
  }

  isDir(path: string): boolean {
    const p = this.resolvePath(path)
    if (this.container.dirs.has(p)) return true
    const prefix = p === '/' ? '/' : `${p}/`
    for (const f of this.written.keys()) if (f.startsWith(prefix)) return true
    return false
  }

  listDir(path: string): string[] {
    const p = this.resolvePath(path)
    const prefix = p === '/' ? '/' : `${p}/`
    const names = new Set<string>()
    const add = (full: string) => {
      if (full.startsWith(prefix) && full !== p) names.add(full.slice(prefix.length).split('/')[0])
    }
    for (const d of this.container.dirs) add(d)
    for (const f of this.container.files.keys()) add(f)
    for (const f of this.written.keys()) add(f)
    if (p === '/bin' || p === '/usr/bin') for (const c of Object.keys(COMMANDS)) if (this.has(c)) names.add(c)
    return [...names].sort()
  }

  /** Whether an executable exists in this image. */
  has(name: string): boolean {
    if (!(name in COMMANDS)) return false
    if (name === 'bash') return this.container.family === 'debian'
    return true
  }

  /** Finds an executable by name or path, as execve with PATH lookup would. */
  lookup(name: string): Command | undefined {
    if (name.includes('/')) {
      const p = this.resolvePath(name)
      const dir = p.slice(0, p.lastIndexOf('/')) || '/'
      const base = p.slice(p.lastIndexOf('/') + 1)
      return BIN_DIRS.includes(dir) && this.has(base) ? COMMANDS[base] : undefined
    }
    return this.has(name) ? COMMANDS[name] : undefined
  }

  /** The runtime's error for an executable that does not exist. */
  notFoundError(name: string): string {
    const why = name.includes('/')
      ? `exec: "${name}": stat ${name}: no such file or directory`
      : `exec: "${name}": executable file not found in $PATH`
    return `OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown`
  }

  private commandNotFound(name: string, io: ProcessIO): number {
    if (this.name === 'bash') {
      const why = name.includes('/') ? 'No such file or directory' : 'command not found'
      io.stderr(`bash: line ${this.lineNo}: ${name}: ${why}\n`)
    } else if (this.container.family === 'debian') io.stderr(`sh: ${this.lineNo}: ${name}: not found\n`)
    else io.stderr(`sh: ${name}: not found\n`)
    return 127
  }

  env(): string {
    return [...this.vars].map(([k, v]) => `${k}=${v}\n`).join('')
  }

  // ---- expansion

  private expandText(text: string): string {
    return text.replace(/\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*|[?$#0-9])/g, (_all, ref: string) => {
      const name = ref.startsWith('{') ? ref.slice(1, -1) : ref
      if (name === '?') return String(this.status)
      if (name === '$') return '1'
      if (name === '#') return '0'
      if (name === '0') return this.name
      return this.vars.get(name) ?? ''
    })
  }

  /** Expands a word into fields: variables everywhere but in single quotes; unquoted results split. */
  expandWord(word: Word): string[] {
    const fields: string[] = []
    let cur: string | undefined
    for (const seg of word) {
      if (seg.quote === 'single') cur = (cur ?? '') + seg.text
      else if (seg.quote === 'double') cur = (cur ?? '') + this.expandText(seg.text).replace(/\u0000/g, '$')
      else {
        const expanded = this.expandText(seg.text)
        const parts = expanded.split(/[ \t\n]+/)
        if (parts.length === 1) {
          cur = (cur ?? '') + parts[0]
          continue
        }
        cur = (cur ?? '') + parts[0]
        if (cur !== '') fields.push(cur)
        for (const mid of parts.slice(1, -1)) if (mid !== '') fields.push(mid)
        cur = parts[parts.length - 1] === '' ? undefined : parts[parts.length - 1]
      }
    }
    if (cur !== undefined && (cur !== '' || word.some((s) => s.quote !== 'none'))) fields.push(cur)
    return fields
  }

  // ---- running

  /** Runs a script (`sh -c`), returning its exit status. `exit` ends it early. */
  async runScript(src: string, io: ProcessIO): Promise<number> {
    try {
      return await this.runLine(src, io)
    } catch (e) {
      if (e instanceof ExitShell) return e.code
      throw e
    }
  }

  /** Runs one line or script; `exit` propagates as ExitShell. */
  private async runLine(src: string, io: ProcessIO): Promise<number> {
    let script: Script
    try {
      script = parseScript(src)
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e
      io.stderr(
        this.name === 'bash' ? `bash: -c: line ${this.lineNo}: ${e.message}\n` : `sh: ${this.lineNo}: ${e.message}\n`,
      )
      this.status = 2
      return 2
    }
    await this.runParsed(script, io)
    return this.status
  }

  private async runParsed(script: Script, io: ProcessIO): Promise<void> {
    let skip = false
    for (const item of script.items) {
      if (!skip) this.status = await this.runPipeline(item.pipeline, io)
      if (io.signal.aborted) {
        this.status = 130
        return
      }
      skip = item.op === '&&' ? this.status !== 0 : item.op === '||' ? this.status === 0 : false
      if (item.op === ';') skip = false
    }
  }

  private async runPipeline(pipeline: SimpleCommand[], io: ProcessIO): Promise<number> {
    // Stages run one after another, each reading the previous one's whole output.
    let input: Stdin | undefined
    let status = 0
    for (let i = 0; i < pipeline.length; i++) {
      const last = i === pipeline.length - 1
      const captured: Buffer[] = []
      const stageIO: ProcessIO = {
        ...io,
        stdin: input ?? io.stdin,
        stdout: last ? io.stdout : (d) => captured.push(Buffer.from(d)),
      }
      status = await this.runSimple(pipeline[i], stageIO)
      if (!last) {
        input = new Stdin()
        input.push(Buffer.concat(captured))
        input.end()
      }
    }
    return status
  }

  private async runSimple(cmd: SimpleCommand, io: ProcessIO): Promise<number> {
    const argv = cmd.words.flatMap((w) => this.expandWord(w))
    // Leading NAME=value words are assignments (for the command only when one follows).
    const assigns: [string, string][] = []
    while (argv.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0])) {
      const a = argv.shift() as string
      const eq = a.indexOf('=')
      assigns.push([a.slice(0, eq), a.slice(eq + 1)])
    }
    const redirected = this.applyRedirects(cmd.redirects, io)
    if (typeof redirected === 'number') return redirected
    const { io: rio, flush } = redirected
    try {
      if (argv.length === 0) {
        for (const [k, v] of assigns) this.vars.set(k, v)
        return 0
      }
      const saved = assigns.map(([k]) => [k, this.vars.get(k)] as const)
      for (const [k, v] of assigns) this.vars.set(k, v)
      try {
        return await this.invoke(argv, rio)
      } finally {
        for (const [k, v] of saved) {
          if (v === undefined) this.vars.delete(k)
          else this.vars.set(k, v)
        }
      }
    } finally {
      flush()
    }
  }

  private applyRedirects(redirects: Redirect[], io: ProcessIO): { io: ProcessIO; flush: () => void } | number {
    const out: ProcessIO = { ...io }
    const files: { path: string; append: boolean; data: string[] }[] = []
    for (const r of redirects) {
      if (r.op === '>&') {
        const target = r.target === 2 ? out.stderr : out.stdout
        if (r.fd === 1) out.stdout = target
        else if (r.fd === 2) out.stderr = target
        continue
      }
      const path = this.expandWord(r.target as Word).join(' ')
      if (r.op === '<') {
        const content = this.readFile(path)
        if (content === undefined) {
          io.stderr(`${this.name}: ${this.lineNo}: cannot open ${path}: No such file\n`)
          return 1
        }
        const input = new Stdin()
        input.push(Buffer.from(content))
        input.end()
        out.stdin = input
        continue
      }
      if (path === '/dev/null') {
        if (r.fd === 1) out.stdout = () => {}
        else if (r.fd === 2) out.stderr = () => {}
        continue
      }
      if (path === '/dev/stderr') {
        if (r.fd === 1) out.stdout = io.stderr
        continue
      }
      if (path === '/dev/stdout') {
        if (r.fd === 2) out.stderr = io.stdout
        continue
      }
      const abs = this.resolvePath(path)
      const dir = abs.slice(0, abs.lastIndexOf('/')) || '/'
      if (!this.isDir(dir) || this.isDir(abs)) {
        io.stderr(
          `${this.name}: ${this.lineNo}: cannot create ${path}: ${this.isDir(abs) ? 'Is a directory' : 'Directory nonexistent'}\n`,
        )
        return 2
      }
      const f = { path: abs, append: r.op === '>>', data: [] as string[] }
      files.push(f)
      const sink = (d: string | Buffer) => f.data.push(d.toString())
      if (r.fd === 1) out.stdout = sink
      else if (r.fd === 2) out.stderr = sink
      // Truncation happens when the redirect is set up, as in a real shell.
      if (!f.append) this.written.set(abs, '')
    }
    const flush = () => {
      for (const f of files) {
        const before = f.append ? (this.readFile(f.path) ?? '') : (this.written.get(f.path) ?? '')
        this.written.set(f.path, before + f.data.join(''))
      }
    }
    return { io: out, flush }
  }

  /** Runs argv: a builtin of this shell, else an executable found in PATH. */
  async invoke(argv: string[], io: ProcessIO): Promise<number> {
    const [name, ...args] = argv
    const builtin = BUILTINS[name]
    if (builtin) return builtin(this, args, io)
    const cmd = this.lookup(name)
    if (!cmd) return this.commandNotFound(name, io)
    return cmd(this, args, io)
  }

  /** An interactive shell on stdin: a prompt when there is a terminal, one command per line. */
  async interactive(io: ProcessIO): Promise<number> {
    // bash: "root@web-1:/# ", BusyBox ash: "/ # ", dash (Debian's sh): "# ".
    const prompt = () =>
      this.name === 'bash'
        ? `root@${this.container.hostname}:${this.cwd === '/root' ? '~' : this.cwd}# `
        : this.container.family === 'debian'
          ? '# '
          : `${this.cwd} # `
    this.lineNo = 0
    for (;;) {
      // Ctrl-C interrupts the command (or the line being typed), not the shell.
      const signal = io.interrupts ? io.interrupts.reset() : io.signal
      if (io.tty) io.stdout(prompt())
      const line = await io.stdin.readLine(signal)
      if (line === null) {
        if (signal.aborted && io.interrupts && !io.interrupts.ended) continue
        if (io.tty && this.name === 'bash') io.stdout('exit\n')
        return this.status
      }
      this.lineNo++
      try {
        await this.runLine(line, { ...io, signal })
      } catch (e) {
        if (e instanceof ExitShell) return e.code
        throw e
      }
      if (io.interrupts ? io.interrupts.ended : io.signal.aborted) return this.status
    }
  }
}

function usageError(io: ProcessIO, msg: string, code = 1): number {
  io.stderr(`${msg}\n`)
  return code
}

const BUILTINS: Record<string, Command | undefined> = {
  exit: async (sh, args, io) => {
    const code = args[0] === undefined ? sh.status : Number(args[0])
    if (!Number.isInteger(code)) {
      io.stderr(`${sh.name}: exit: Illegal number: ${args[0]}\n`)
      throw new ExitShell(2)
    }
    throw new ExitShell(((code % 256) + 256) % 256)
  },
  cd: async (sh, args, io) => {
    const target = args[0] ?? sh.vars.get('HOME') ?? '/'
    if (!sh.isDir(target)) {
      io.stderr(`${sh.name}: cd: can't cd to ${target}: No such file or directory\n`)
      return sh.name === 'bash' ? 1 : 2
    }
    sh.cwd = sh.resolvePath(target)
    sh.vars.set('PWD', sh.cwd)
    return 0
  },
  export: async (sh, args) => {
    for (const a of args) {
      const eq = a.indexOf('=')
      if (eq > 0) sh.vars.set(a.slice(0, eq), a.slice(eq + 1))
    }
    return 0
  },
  unset: async (sh, args) => {
    for (const a of args) sh.vars.delete(a)
    return 0
  },
  ':': async () => 0,
  exec: async (sh, args, io) => {
    if (args.length === 0) return 0
    throw new ExitShell(await sh.invoke(args, io))
  },
}

async function readAll(io: ProcessIO): Promise<Buffer> {
  const parts: Buffer[] = []
  for (;;) {
    const chunk = await io.stdin.read(io.signal)
    if (chunk === null) return Buffer.concat(parts)
    parts.push(chunk)
  }
}

/** The input of text filters: named files, else stdin. */
async function inputs(sh: Shell, cmd: string, files: string[], io: ProcessIO): Promise<{ text: string; ok: boolean }> {
  if (files.length === 0 || (files.length === 1 && files[0] === '-'))
    return { text: (await readAll(io)).toString(), ok: true }
  let text = ''
  let ok = true
  for (const f of files) {
    const c = sh.readFile(f)
    if (c === undefined) {
      io.stderr(`${cmd}: ${f}: ${sh.isDir(f) ? 'Is a directory' : 'No such file or directory'}\n`)
      ok = false
    } else text += c
  }
  return { text, ok }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** Parses -n N / -nN / -N for head and tail. */
function countOption(args: string[]): { n: number; rest: string[] } {
  let n = 10
  const rest: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-n') n = Number(args[++i])
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2))
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1))
    else rest.push(a)
  }
  return { n, rest }
}

const COMMANDS: Record<string, Command> = {
  hostname: async (sh, args, io) => {
    if (args[0] === '-i' || args[0] === '-I') io.stdout(`${sh.container.pod.status?.podIP ?? '127.0.0.1'}\n`)
    else io.stdout(`${sh.container.hostname}\n`)
    return 0
  },
  env: async (sh, args, io) => {
    const extra: [string, string][] = []
    let i = 0
    if (args[0] === '-i') i++
    for (; i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]); i++) {
      const eq = args[i].indexOf('=')
      extra.push([args[i].slice(0, eq), args[i].slice(eq + 1)])
    }
    if (i < args.length) {
      const saved = new Map(sh.vars)
      for (const [k, v] of extra) sh.vars.set(k, v)
      const cmd = sh.lookup(args[i])
      try {
        if (!cmd) return usageError(io, `env: '${args[i]}': No such file or directory`, 127)
        return await cmd(sh, args.slice(i + 1), io)
      } finally {
        sh.vars.clear()
        for (const [k, v] of saved) sh.vars.set(k, v)
      }
    }
    io.stdout(args[0] === '-i' ? '' : sh.env())
    for (const [k, v] of extra) io.stdout(`${k}=${v}\n`)
    return 0
  },
  printenv: async (sh, args, io) => {
    if (args.length === 0) {
      io.stdout(sh.env())
      return 0
    }
    let status = 0
    for (const a of args) {
      const v = sh.vars.get(a)
      if (v === undefined) status = 1
      else io.stdout(`${v}\n`)
    }
    return status
  },
  echo: async (_sh, args, io) => {
    let newline = true
    let escapes = false
    while (args[0] === '-n' || args[0] === '-e' || args[0] === '-ne' || args[0] === '-en') {
      const a = args.shift() as string
      if (a.includes('n')) newline = false
      if (a.includes('e')) escapes = true
    }
    let text = args.join(' ')
    if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\')
    io.stdout(newline ? `${text}\n` : text)
    return 0
  },
  cat: async (sh, args, io) => {
    const files = args.filter((a) => !/^-[a-zA-Z]+$/.test(a))
    if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
      // Copy stdin as it arrives (an interactive `cat` echoes line by line).
      for (;;) {
        const chunk = await io.stdin.read(io.signal)
        if (chunk === null) return io.signal.aborted ? 130 : 0
        io.stdout(chunk)
      }
    }
    let status = 0
    for (const f of files) {
      const c = sh.readFile(f)
      if (c !== undefined) io.stdout(c)
      else {
        io.stderr(`cat: ${f}: ${sh.isDir(f) ? 'Is a directory' : 'No such file or directory'}\n`)
        status = 1
      }
    }
    return status
  },
  ls: async (sh, args, io) => {
    const flags = args.filter((a) => /^-[a-zA-Z1]+$/.test(a)).join('')
    const paths = args.filter((a) => !/^-[a-zA-Z1]+$/.test(a))
    const long = flags.includes('l')
    const all = flags.includes('a')
    const single = flags.includes('1') || long || !io.tty
    let status = 0
    const targets = paths.length > 0 ? paths : ['.']
    const show = (names: string[], dir: string) => {
      const list = all ? ['.', '..', ...names] : names.filter((n) => !n.startsWith('.'))
      if (long) {
        for (const n of list) {
          const full = sh.resolvePath(`${dir}/${n}`)
          const isDir = n === '.' || n === '..' || sh.isDir(full)
          const size = isDir ? 4096 : Buffer.byteLength(sh.readFile(full) ?? '')
          const bin = sh.lookup(full) !== undefined && !isDir
          const mode = isDir ? 'drwxr-xr-x' : bin ? '-rwxr-xr-x' : '-rw-r--r--'
          io.stdout(
            `${mode} 1 root root ${String(size).padStart(5)} ${formatDate(sh.container.pod.status?.startTime ? Date.parse(sh.container.pod.status.startTime) : 0, '%b %e %H:%M')} ${n}\n`,
          )
        }
      } else if (list.length > 0) io.stdout(single ? `${list.join('\n')}\n` : `${list.join('  ')}\n`)
    }
    for (const [i, p] of targets.entries()) {
      if (sh.isDir(p)) {
        if (targets.length > 1) io.stdout(`${i > 0 ? '\n' : ''}${p}:\n`)
        show(sh.listDir(p), p)
      } else if (sh.readFile(p) !== undefined || sh.lookup(sh.resolvePath(p)) !== undefined) {
        io.stdout(`${p}\n`)
      } else {
        io.stderr(
          sh.container.family === 'debian'
            ? `ls: cannot access '${p}': No such file or directory\n`
            : `ls: ${p}: No such file or directory\n`,
        )
        status = sh.container.family === 'debian' ? 2 : 1
      }
    }
    return status
  },
  pwd: async (sh, _args, io) => {
    io.stdout(`${sh.cwd}\n`)
    return 0
  },
  date: async (_sh, args, io) => {
    const fmt = args.find((a) => a.startsWith('+'))
    io.stdout(`${formatDate(io.now(), fmt?.slice(1))}\n`)
    return 0
  },
  true: async () => 0,
  false: async () => 1,
  sleep: async (_sh, args, io) => {
    if (args.length === 0) return usageError(io, 'sleep: missing operand')
    let ms = 0
    for (const a of args) {
      const m = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/.exec(a)
      if (!m) return usageError(io, `sleep: invalid time interval '${a}'`)
      ms += Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '']
    }
    return (await sleepFor(ms, io.signal)) ? 0 : 130
  },
  whoami: async (_sh, _args, io) => {
    io.stdout('root\n')
    return 0
  },
  id: async (_sh, _args, io) => {
    io.stdout('uid=0(root) gid=0(root) groups=0(root)\n')
    return 0
  },
  uname: async (sh, args, io) => {
    const kernel = '6.1.0-flotilla-sim'
    const a = args.join('')
    if (a.includes('a')) io.stdout(`Linux ${sh.container.hostname} ${kernel} #1 SMP x86_64 GNU/Linux\n`)
    else if (a.includes('r')) io.stdout(`${kernel}\n`)
    else if (a.includes('n')) io.stdout(`${sh.container.hostname}\n`)
    else if (a.includes('m')) io.stdout('x86_64\n')
    else io.stdout('Linux\n')
    return 0
  },
  stty: async (_sh, args, io) => {
    const size = io.size()
    if (!io.tty) return usageError(io, "stty: 'standard input': Inappropriate ioctl for device")
    if (args[0] === 'size') io.stdout(`${size?.height ?? 24} ${size?.width ?? 80}\n`)
    return 0
  },
  head: async (sh, args, io) => {
    const { n, rest } = countOption(args)
    const { text, ok } = await inputs(sh, 'head', rest, io)
    for (const l of splitLines(text).slice(0, n)) io.stdout(`${l}\n`)
    return ok ? 0 : 1
  },
  tail: async (sh, args, io) => {
    const { n, rest } = countOption(args)
    const { text, ok } = await inputs(sh, 'tail', rest, io)
    for (const l of n === 0 ? [] : splitLines(text).slice(-n)) io.stdout(`${l}\n`)
    return ok ? 0 : 1
  },
  wc: async (sh, args, io) => {
    const flags = args.filter((a) => a.startsWith('-')).join('')
    const { text, ok } = await inputs(
      sh,
      'wc',
      args.filter((a) => !a.startsWith('-')),
      io,
    )
    const lines = (text.match(/\n/g) ?? []).length
    const words = text.split(/\s+/).filter((w) => w !== '').length
    const bytes = Buffer.byteLength(text)
    if (flags.includes('l')) io.stdout(`${lines}\n`)
    else if (flags.includes('w')) io.stdout(`${words}\n`)
    else if (flags.includes('c')) io.stdout(`${bytes}\n`)
    else io.stdout(`${String(lines).padStart(7)} ${String(words).padStart(7)} ${String(bytes).padStart(7)}\n`)
    return ok ? 0 : 1
  },
  grep: async (sh, args, io) => {
    const flags = args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('')
    const rest = args.filter((a) => !/^-[a-zA-Z]+$/.test(a))
    if (rest.length === 0) return usageError(io, 'Usage: grep [OPTION]... PATTERNS [FILE]...', 2)
    const [pattern, ...files] = rest
    let re: RegExp
    try {
      re = new RegExp(
        flags.includes('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern,
        flags.includes('i') ? 'i' : '',
      )
    } catch {
      return usageError(io, 'grep: Invalid regular expression', 2)
    }
    const { text, ok } = await inputs(sh, 'grep', files, io)
    const matched = splitLines(text).filter((l) => re.test(l) !== flags.includes('v'))
    if (flags.includes('c')) io.stdout(`${matched.length}\n`)
    else if (!flags.includes('q')) for (const l of matched) io.stdout(`${l}\n`)
    return !ok ? 2 : matched.length > 0 ? 0 : 1
  },
  sh: (sh, args, io) => runShell(sh, 'sh', args, io),
  ash: (sh, args, io) => runShell(sh, 'sh', args, io),
  dash: (sh, args, io) => runShell(sh, 'sh', args, io),
  bash: (sh, args, io) => runShell(sh, 'bash', args, io),
}

/** `sh [-c SCRIPT [NAME [ARGS...]]] | [FILE]`: a child shell with a copy of the environment. */
async function runShell(parent: Shell, name: 'sh' | 'bash', args: string[], io: ProcessIO): Promise<number> {
  const child = new Shell({ container: parent.container, written: parent.written })
  child.name = name
  child.cwd = parent.cwd
  child.vars.clear()
  for (const [k, v] of parent.vars) child.vars.set(k, v)
  const opts = args.filter((a, i) => a.startsWith('-') && args.slice(0, i).every((b) => b.startsWith('-')))
  const rest = args.slice(opts.length)
  if (opts.some((o) => o.includes('c'))) {
    if (rest.length === 0) {
      io.stderr(name === 'bash' ? 'bash: -c: option requires an argument\n' : 'sh: -c requires an argument\n')
      return 2
    }
    return child.runScript(rest[0], io)
  }
  if (rest.length > 0) {
    const script = child.readFile(rest[0])
    if (script === undefined) {
      io.stderr(
        name === 'bash'
          ? `bash: ${rest[0]}: No such file or directory\n`
          : `sh: 0: cannot open ${rest[0]}: No such file\n`,
      )
      return 127
    }
    return child.runScript(script, io)
  }
  return child.interactive(io)
}

/**
 * Runs a process as the container runtime would start it: argv[0] must be an executable of the
 * image (shell builtins like `exit` or `cd` are not). An unknown one is a start error, reported
 * with the OCI runtime's message and exit code 127.
 */
export async function execProcess(
  argv: string[],
  container: Container,
  written: WrittenFiles,
  io: ProcessIO,
): Promise<ExecOutcome> {
  const sh = new Shell({ container, written })
  const cmd = sh.lookup(argv[0] ?? '')
  if (!cmd) return { exitCode: 127, startError: sh.notFoundError(argv[0] ?? '') }
  try {
    return { exitCode: await cmd(sh, argv.slice(1), io) }
  } catch (e) {
    if (e instanceof ExitShell) return { exitCode: e.code }
    throw e
  }
}
