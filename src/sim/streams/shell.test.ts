import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { KubeObject } from '../../machinery/object.ts'
import { buildContainer, type Container, DEFAULT_CONTAINER_SETTINGS, type ObjectLookup } from './container.ts'
import { ExecSession, execStatus, parseExecRequest } from './exec-session.ts'
import type { Pod } from './pod.ts'
import { execProcess, formatDate, type ProcessIO, parseScript, ShellSyntaxError } from './shell.ts'
import { Stdin } from './stdin.ts'

const POD: Pod = {
  metadata: { name: 'web-0', namespace: 'shop', uid: 'u1', labels: { app: 'web' } },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27.3',
        env: [
          { name: 'GREETING', value: 'hello' },
          { name: 'MESSAGE', value: '$(GREETING) world' },
          { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'APP_LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'color' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        ],
        envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings' } }],
      },
    ],
  },
  status: { podIP: '10.244.1.5', containerStatuses: [] },
}

const OBJECTS: Record<string, KubeObject> = {
  'configmaps/shop/settings': { metadata: { name: 'settings' }, data: { color: 'blue' } },
  'secrets/shop/creds': { metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } },
  'services/default/kubernetes': {
    metadata: { name: 'kubernetes', namespace: 'default' },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] },
  },
  'services/shop/redis-main': {
    metadata: { name: 'redis-main', namespace: 'shop' },
    spec: { clusterIP: '10.96.4.4', ports: [{ port: 6379 }] },
  },
}

const lookup: ObjectLookup = {
  get: async (r, ns, name) => OBJECTS[`${r}/${ns}/${name}`],
  list: async (r, ns) =>
    Object.entries(OBJECTS)
      .filter(([k]) => k.startsWith(`${r}/${ns}/`))
      .map(([, v]) => v),
}

async function container(pod: Pod = POD): Promise<Container> {
  return buildContainer(pod, pod.spec!.containers![0], lookup, DEFAULT_CONTAINER_SETTINGS)
}

interface Run {
  code: number
  out: string
  err: string
  startError?: string
}

async function run(argv: string[], opts: { input?: string; c?: Container; written?: Map<string, string> } = {}) {
  const stdin = new Stdin()
  if (opts.input !== undefined) stdin.push(Buffer.from(opts.input))
  stdin.end()
  let out = ''
  let err = ''
  const io: ProcessIO = {
    stdin,
    stdout: (d) => {
      out += d.toString()
    },
    stderr: (d) => {
      err += d.toString()
    },
    tty: false,
    size: () => undefined,
    signal: new AbortController().signal,
    now: () => Date.parse('2026-01-01T00:00:00Z'),
  }
  const r = await execProcess(argv, opts.c ?? (await container()), opts.written ?? new Map(), io)
  return { code: r.exitCode, out, err, startError: r.startError } satisfies Run
}

const sh = (script: string, opts: Parameters<typeof run>[1] = {}) => run(['sh', '-c', script], opts)

describe('container environment and files', () => {
  it('resolves env as the kubelet does, after the image variables and before service links', async () => {
    const c = await container()
    const env = new Map(c.env)
    assert.deepEqual(c.env.slice(0, 2), [
      ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ['HOSTNAME', 'web-0'],
    ])
    assert.equal(env.get('NGINX_VERSION'), '1.27.3')
    assert.equal(env.get('MESSAGE'), 'hello world')
    assert.equal(env.get('MY_POD'), 'web-0')
    assert.equal(env.get('APP_LABEL'), 'web')
    assert.equal(env.get('COLOR'), 'blue')
    assert.equal(env.get('CFG_color'), 'blue')
    assert.equal(env.get('PASSWORD'), 's3cret')
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.96.0.1')
    assert.equal(env.get('KUBERNETES_PORT_443_TCP'), 'tcp://10.96.0.1:443')
    assert.equal(env.get('REDIS_MAIN_SERVICE_PORT'), '6379')
    assert.equal(c.env[c.env.length - 1][0], 'HOME')
  })

  it('generates the kubelet-managed files', async () => {
    const c = await container()
    assert.equal(c.files.get('/etc/hostname'), 'web-0\n')
    assert.match(c.files.get('/etc/hosts') ?? '', /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/)
    assert.match(c.files.get('/etc/hosts') ?? '', /\n10\.244\.1\.5\tweb-0\n$/)
    assert.equal(
      c.files.get('/etc/resolv.conf'),
      'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    )
    assert.match(c.files.get('/etc/os-release') ?? '', /bookworm/)
    assert.equal(c.files.get('/var/run/secrets/kubernetes.io/serviceaccount/namespace'), 'shop')
  })
})

describe('commands', () => {
  it('hostname, echo, pwd, true/false, date', async () => {
    assert.deepEqual(await run(['hostname']), { code: 0, out: 'web-0\n', err: '', startError: undefined })
    assert.equal((await run(['hostname', '-i'])).out, '10.244.1.5\n')
    assert.equal((await run(['/bin/echo', '-n', 'a', 'b'])).out, 'a b')
    assert.equal((await run(['pwd'])).out, '/\n')
    assert.equal((await run(['false'])).code, 1)
    assert.equal((await run(['date'])).out, 'Thu Jan  1 00:00:00 UTC 2026\n')
    assert.equal(formatDate(Date.parse('2026-03-04T05:06:07Z'), '%F %T %s'), '2026-03-04 05:06:07 1772600767')
  })

  it('env and printenv', async () => {
    const r = await run(['env'])
    assert.match(r.out, /^PATH=.*\nHOSTNAME=web-0\n/)
    assert.match(r.out, /\nGREETING=hello\n/)
    assert.equal((await run(['printenv', 'GREETING', 'NOPE'])).code, 1)
    assert.equal((await run(['env', 'X=1', 'printenv', 'X'])).out, '1\n')
  })

  it('cat files and stdin; ls', async () => {
    assert.equal((await run(['cat', '/etc/hostname'])).out, 'web-0\n')
    assert.equal((await run(['cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace'])).out, 'shop')
    assert.deepEqual(await run(['cat', '/nope']), {
      code: 1,
      out: '',
      err: 'cat: /nope: No such file or directory\n',
      startError: undefined,
    })
    assert.equal((await run(['cat'], { input: 'one\ntwo\n' })).out, 'one\ntwo\n')
    const ls = await run(['ls', '/'])
    assert.match(ls.out, /^bin\nboot\ndev\netc\n/)
    assert.match((await run(['ls', '/var/run/secrets/kubernetes.io/serviceaccount'])).out, /^namespace\n$/)
    assert.equal((await run(['ls', '/nope'])).code, 2)
  })

  it('reports an unknown executable as the runtime does', async () => {
    const r = await run(['foo'])
    assert.equal(r.code, 127)
    assert.equal(
      r.startError,
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file not found in $PATH: unknown',
    )
    assert.match((await run(['/usr/bin/nope'])).startError ?? '', /stat \/usr\/bin\/nope: no such file or directory/)
    // shell builtins are not executables
    assert.equal((await run(['exit', '3'])).code, 127)
    // busybox has no bash
    const busybox = await container({
      ...POD,
      spec: { ...POD.spec, containers: [{ name: 'b', image: 'busybox:1.36' }] },
    })
    assert.equal((await run(['bash'], { c: busybox })).code, 127)
  })
})

describe('sh -c', () => {
  it('sequences with ; && ||, exits with exit N', async () => {
    assert.deepEqual(await sh('echo a; false && echo b || echo c; exit 3'), {
      code: 3,
      out: 'a\nc\n',
      err: '',
      startError: undefined,
    })
    assert.equal((await sh('true && exit 5; echo never')).code, 5)
    assert.equal((await sh('false; echo $?')).out, '1\n')
    assert.equal((await run(['bash', '-c', 'exit 300'])).code, 44)
  })

  it('expands variables, honours quotes', async () => {
    const script = 'echo $HOSTNAME "$' + "{GREETING} there\" '$HOSTNAME'"
    assert.equal((await sh(script)).out, 'web-0 hello there $HOSTNAME\n')
    assert.equal((await sh('X="a  b"; echo $X; echo "$X"')).out, 'a b\na  b\n')
    assert.equal((await sh('echo "a \\$b" c\\ d')).out, 'a $b c d\n')
    assert.equal((await sh('FOO=1 printenv FOO; printenv FOO')).out, '1\n')
    assert.equal((await sh('cd /etc && pwd; cat hostname')).out, '/etc\nweb-0\n')
  })

  it('pipes and redirects; files written persist for the container', async () => {
    assert.equal((await sh('env | grep GREETING')).out, 'GREETING=hello\n')
    assert.equal((await sh('cat /etc/hosts | head -n 1 | wc -l')).out, '1\n')
    const written = new Map<string, string>()
    assert.equal((await sh('echo one > /tmp/f; echo two >> /tmp/f', { written })).out, '')
    assert.equal((await sh('cat /tmp/f; ls /tmp', { written })).out, 'one\ntwo\nf\n')
    assert.equal((await sh('cat /nope 2>/dev/null; echo $?', { written })).out, '1\n')
    assert.equal((await sh('cat /nope 2>&1', { written })).out, 'cat: /nope: No such file or directory\n')
    assert.equal((await sh('echo x > /nodir/f', { written })).code, 2)
  })

  it('reports unknown commands and syntax as the shell does', async () => {
    assert.deepEqual(await sh('foo'), { code: 127, out: '', err: 'sh: 1: foo: not found\n', startError: undefined })
    assert.equal((await run(['bash', '-c', 'foo'])).err, 'bash: line 1: foo: command not found\n')
    assert.equal((await sh('echo "unterminated')).code, 2)
    assert.equal((await sh('if true; then echo; fi')).code, 2)
    assert.throws(() => parseScript('a | | b'), ShellSyntaxError)
    assert.equal((await run(['sh', '-c'])).code, 2)
  })

  it('runs stdin as a script when there is no -c', async () => {
    assert.equal((await run(['sh'], { input: 'echo one\nhostname\nexit 7\necho never\n' })).code, 7)
    assert.equal((await run(['sh'], { input: 'echo one\nhostname\n' })).out, 'one\nweb-0\n')
  })
})

describe('exec sessions', () => {
  it('parses PodExecOptions; stderr is off with a TTY', () => {
    const r = parseExecRequest(new URLSearchParams('command=sh&command=-c&command=ls&stdin=true&stderr=true&tty=true'))
    assert.deepEqual(r, {
      command: ['sh', '-c', 'ls'],
      container: null,
      stdin: true,
      stdout: false,
      stderr: false,
      tty: true,
    })
  })

  it('maps outcomes to the kubelet status', () => {
    assert.deepEqual(execStatus(['hostname'], { exitCode: 0 }), { metadata: {}, status: 'Success' })
    assert.deepEqual(execStatus(['sh', '-c', 'exit 3'], { exitCode: 3 }), {
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    })
  })

  it('a TTY echoes input, edits lines, maps newlines and interrupts on Ctrl-C', async () => {
    const c = await container()
    let out = ''
    const session = new ExecSession({
      request: { command: ['sh'], container: null, stdin: true, stdout: true, stderr: false, tty: true },
      container: c,
      written: new Map(),
      now: () => 0,
      output: { stdout: (d) => (out += d.toString()), stderr: () => assert.fail('no stderr with a TTY') },
    })
    session.resize(120, 40)
    const done = session.run()
    session.input(Buffer.from('echoo\x7f hi\rstty size\r'))
    session.input(Buffer.from('sleep 60\r'))
    await new Promise((r) => setTimeout(r, 50))
    session.input(Buffer.from('\x03echo $?\rexit 4\r'))
    const status = await done
    assert.equal(status.details?.causes[0].message, '4')
    // The terminal echoes keys when they are typed, so type-ahead shows before the output.
    assert.equal(
      out,
      '# echoo\b \b hi\r\nstty size\r\nsleep 60\r\nhi\r\n# 40 120\r\n# ^C\r\necho $?\r\nexit 4\r\n# 130\r\n# ',
    )
  })

  it('ends when the client goes away', async () => {
    const c = await container()
    const session = new ExecSession({
      request: { command: ['sleep', '600'], container: null, stdin: false, stdout: true, stderr: true, tty: false },
      container: c,
      written: new Map(),
      now: () => 0,
      output: { stdout: () => {}, stderr: () => {} },
    })
    const done = session.run()
    session.close()
    assert.equal((await done).status, 'Failure')
  })
})
