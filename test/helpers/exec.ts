// Runs a program to the end and collects its output and exit code (CLI and kubectl tests).

import { type ExecFileOptions, execFile } from 'node:child_process'

export interface ExecResult {
  /** The exit code; 1 when the program could not be started or was killed (a timeout). */
  code: number
  stdout: string
  stderr: string
}

/** Runs `file ARGS` (with `input` on its standard input, if given) and resolves when it ends. */
export function execCollect(
  file: string,
  args: string[],
  opts: ExecFileOptions & { input?: string } = {},
): Promise<ExecResult> {
  const { input, ...options } = opts
  return new Promise((resolve) => {
    const child = execFile(file, args, options, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0
      resolve({ code, stdout: String(stdout), stderr: String(stderr) })
    })
    if (input !== undefined) child.stdin?.end(input)
  })
}
