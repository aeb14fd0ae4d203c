// Command dispatch. Exit codes: 0 ok, 1 runtime failure, 2 bad usage.

import { UsageError } from './usage.ts'

// Each command's module is loaded only when that command runs: `flotilla agent` (the agent
// of a registered cluster, whose start time users wait on) need not load the API server, the
// simulator and the hub (~0.45 s of module loading on a 2-core machine).
const COMMANDS: Record<string, { summary: string; run: (args: string[]) => Promise<number> }> = {
  server: {
    summary: 'run a Flotilla API server (the hub)',
    run: async (args) => (await import('./server.ts')).runServer(args),
  },
  sim: {
    summary: 'run a simulated member cluster (nodes, pods, controllers)',
    run: async (args) => (await import('./sim.ts')).runSim(args),
  },
  cluster: {
    summary: 'import, register, list and delete member clusters of a hub',
    run: async (args) => (await import('./cluster.ts')).runCluster(args),
  },
  kubeconfig: {
    summary: 'issue, list and revoke temporary kubeconfigs for member clusters',
    run: async (args) => (await import('./kubeconfig-cmd.ts')).runKubeconfig(args),
  },
  agent: {
    summary: 'run the agent of a registered member cluster (reverse tunnel to the hub)',
    run: async (args) => (await import('./agent.ts')).runAgent(args),
  },
}

function help(): string {
  const lines = ['Usage: flotilla <command> [flags]', '', 'Commands:']
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`)
  lines.push('', 'Run "flotilla <command> --help" for the flags of a command.')
  return lines.join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`)
    return name ? 0 : 2
  }
  if (name === '--version' || name === 'version') {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string }
    process.stdout.write(`flotilla ${pkg.version}\n`)
    return 0
  }
  const cmd = COMMANDS[name]
  if (!cmd) {
    process.stderr.write(`flotilla: unknown command "${name}"\n\n${help()}\n`)
    return 2
  }
  try {
    return await cmd.run(rest)
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`flotilla ${name}: ${e.message}\n`)
      return 2
    }
    process.stderr.write(`flotilla ${name}: ${e instanceof Error ? e.message : String(e)}\n`)
    return 1
  }
}
