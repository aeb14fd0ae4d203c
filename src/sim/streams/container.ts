// What a process exec'd into a simulated container sees: its environment (image variables, the
// pod spec's env and envFrom resolved as the kubelet does, Service links) and the files the
// kubelet and the image provide (/etc/hostname, /etc/hosts, /etc/resolv.conf, /etc/os-release,
// the service account namespace), plus whatever earlier execs wrote.

import { parseQuantity } from '../../apis/quantity.ts'
import type { KubeObject } from '../../machinery/object.ts'
import type { ContainerSpec, EnvVar, Pod } from './pod.ts'

/** Reads objects the environment refers to (ConfigMaps, Secrets, Services). */
export interface ObjectLookup {
  get(resource: 'configmaps' | 'secrets' | 'services', namespace: string, name: string): Promise<KubeObject | undefined>
  list(resource: 'services', namespace: string): Promise<KubeObject[]>
}

export interface ContainerSettings {
  clusterDomain: string
  /** Cluster DNS Service IP (kubelet --cluster-dns). */
  dnsIP: string
}

export const DEFAULT_CONTAINER_SETTINGS: ContainerSettings = { clusterDomain: 'cluster.local', dnsIP: '10.96.0.10' }

export type ImageFamily = 'debian' | 'alpine' | 'busybox'

/** One simulated container as exec sees it. */
export interface Container {
  pod: Pod
  spec: ContainerSpec
  hostname: string
  family: ImageFamily
  /** The process environment, in order. */
  env: [string, string][]
  /** Regular files by absolute path. */
  files: Map<string, string>
  /** Directories by absolute path (always includes every file's parents). */
  dirs: Set<string>
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export function imageFamily(image: string | undefined): ImageFamily {
  const name = (image ?? '').split('/').pop() ?? ''
  if (/^busybox/.test(name)) return 'busybox'
  if (/alpine/.test(name)) return 'alpine'
  return 'debian'
}

/** Variables the image itself sets (as `docker inspect` would list), by image name. */
function imageEnv(image: string | undefined): [string, string][] {
  const name = (image ?? '').split('/').pop() ?? ''
  const tag = /:([^/:@]+)/.exec(name)?.[1]
  const version = tag && /^\d/.test(tag) ? tag.replace(/-.*/, '') : undefined
  if (/^nginx/.test(name)) {
    return [
      ['NGINX_VERSION', version ?? '1.27.3'],
      ['NJS_VERSION', '0.8.7'],
      ['NJS_RELEASE', '1~bookworm'],
      ['PKG_RELEASE', '1~bookworm'],
    ]
  }
  if (/^redis/.test(name)) return [['REDIS_VERSION', version ?? '7.4.1']]
  if (/^python/.test(name))
    return [
      ['LANG', 'C.UTF-8'],
      ['PYTHON_VERSION', version ?? '3.12.8'],
    ]
  if (/^node/.test(name))
    return [
      ['NODE_VERSION', version ?? '22.12.0'],
      ['YARN_VERSION', '1.22.22'],
    ]
  return []
}

const OS_RELEASE: Record<ImageFamily, string> = {
  debian: `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`,
  alpine: `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.21.0
PRETTY_NAME="Alpine Linux v3.21"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`,
  busybox: `NAME=Buildroot
VERSION=2024.02
ID=buildroot
VERSION_ID=2024.02
PRETTY_NAME="Buildroot 2024.02"
`,
}

/** A value from a Pod field (downward API fieldRef). */
function fieldValue(pod: Pod, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path)
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? ''
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? ''
    case 'metadata.namespace':
      return pod.metadata.namespace ?? ''
    case 'metadata.uid':
      return pod.metadata.uid ?? ''
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? ''
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default'
    case 'status.hostIP':
    case 'status.hostIPs':
      return pod.status?.hostIP ?? ''
    case 'status.podIP':
    case 'status.podIPs':
      return pod.status?.podIP ?? ''
    default:
      return ''
  }
}

/** A container resource as the downward API gives it (resourceFieldRef), rounded up. */
function resourceValue(spec: ContainerSpec, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split('.')
  const given = (kind === 'requests' ? spec.resources?.requests : spec.resources?.limits)?.[name]
  // Without a limit the kubelet reports node allocatable; simulated nodes have 8 CPUs and 32 GiB.
  const fallback = name === 'cpu' ? '8' : name === 'memory' ? '32Gi' : '100Gi'
  const value = parseQuantity(given ?? (kind === 'limits' ? fallback : '0')) ?? 0
  const unit = parseQuantity(divisor ?? '1') || 1
  return String(Math.ceil(value / unit))
}

/** $(VAR) references to earlier variables, as the kubelet expands them ($$ escapes). */
export function expandRefs(value: string, vars: Map<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (all, name: string | undefined) => {
    if (all === '$$') return '$'
    return vars.has(name as string) ? (vars.get(name as string) as string) : all
  })
}

function decodeSecret(v: unknown): string {
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString() : ''
}

async function sourceData(
  lookup: ObjectLookup,
  namespace: string,
  ref: { configMap?: string; secret?: string },
): Promise<Record<string, string> | undefined> {
  if (ref.configMap) {
    const cm = await lookup.get('configmaps', namespace, ref.configMap)
    return cm ? ((cm.data as Record<string, string> | undefined) ?? {}) : undefined
  }
  if (ref.secret) {
    const s = await lookup.get('secrets', namespace, ref.secret)
    if (!s) return undefined
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries((s.data as Record<string, unknown> | undefined) ?? {})) out[k] = decodeSecret(v)
    for (const [k, v] of Object.entries((s.stringData as Record<string, string> | undefined) ?? {})) out[k] = v
    return out
  }
  return undefined
}

async function envVarValue(
  pod: Pod,
  spec: ContainerSpec,
  e: EnvVar,
  lookup: ObjectLookup,
): Promise<string | undefined> {
  const from = e.valueFrom
  if (!from) return e.value ?? ''
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath)
  if (from.resourceFieldRef) return resourceValue(spec, from.resourceFieldRef.resource, from.resourceFieldRef.divisor)
  const ns = pod.metadata.namespace ?? 'default'
  if (from.configMapKeyRef) {
    return (await sourceData(lookup, ns, { configMap: from.configMapKeyRef.name }))?.[from.configMapKeyRef.key]
  }
  if (from.secretKeyRef) {
    return (await sourceData(lookup, ns, { secret: from.secretKeyRef.name }))?.[from.secretKeyRef.key]
  }
  return undefined
}

/** The Docker-links-style variables of one Service (kubelet envvars.FromServices). */
export function serviceEnv(svc: KubeObject): [string, string][] {
  const spec = (svc.spec ?? {}) as { clusterIP?: string; ports?: { name?: string; port: number; protocol?: string }[] }
  const ip = spec.clusterIP
  const ports = spec.ports ?? []
  if (!ip || ip === 'None' || ports.length === 0) return []
  const prefix = (svc.metadata.name ?? '').toUpperCase().replace(/-/g, '_')
  const out: [string, string][] = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(ports[0].port)],
  ]
  for (const p of ports) {
    if (p.name) out.push([`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port)])
  }
  const proto = (ports[0].protocol ?? 'TCP').toLowerCase()
  out.push([`${prefix}_PORT`, `${proto}://${ip}:${ports[0].port}`])
  for (const p of ports) {
    const pr = (p.protocol ?? 'TCP').toLowerCase()
    const base = `${prefix}_PORT_${p.port}_${pr.toUpperCase()}`
    out.push(
      [base, `${pr}://${ip}:${p.port}`],
      [`${base}_PROTO`, pr],
      [`${base}_PORT`, String(p.port)],
      [`${base}_ADDR`, ip],
    )
  }
  return out
}

async function servicesEnv(pod: Pod, lookup: ObjectLookup): Promise<[string, string][]> {
  const ns = pod.metadata.namespace ?? 'default'
  const services = new Map<string, KubeObject>()
  const links = (pod.spec as { enableServiceLinks?: boolean } | undefined)?.enableServiceLinks !== false
  if (links) for (const s of await lookup.list('services', ns)) services.set(s.metadata.name ?? '', s)
  const master = await lookup.get('services', 'default', 'kubernetes')
  if (master && !services.has('kubernetes')) services.set('kubernetes', master)
  const out: [string, string][] = []
  for (const s of [...services.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    out.push(...serviceEnv(s))
  }
  return out
}

/** The environment the kubelet gives the container process, in order. */
export async function containerEnv(
  pod: Pod,
  spec: ContainerSpec,
  lookup: ObjectLookup,
  opts: { tty?: boolean } = {},
): Promise<[string, string][]> {
  const hostname = podHostname(pod)
  const env = new Map<string, string>([
    ['PATH', PATH],
    ['HOSTNAME', hostname],
  ])
  if (opts.tty) env.set('TERM', 'xterm')
  for (const [k, v] of imageEnv(spec.image)) env.set(k, v)
  const services = await servicesEnv(pod, lookup)
  const refs = new Map(services)
  const ns = pod.metadata.namespace ?? 'default'
  for (const from of spec.envFrom ?? []) {
    const data = await sourceData(lookup, ns, { configMap: from.configMapRef?.name, secret: from.secretRef?.name })
    for (const [k, v] of Object.entries(data ?? {})) {
      env.set(`${from.prefix ?? ''}${k}`, v)
      refs.set(`${from.prefix ?? ''}${k}`, v)
    }
  }
  for (const e of spec.env ?? []) {
    const raw = await envVarValue(pod, spec, e, lookup)
    if (raw === undefined) continue
    const value = e.valueFrom ? raw : expandRefs(raw, refs)
    env.delete(e.name) // a later definition moves to the end, as in the kubelet's list
    env.set(e.name, value)
    refs.set(e.name, value)
  }
  for (const [k, v] of services) if (!env.has(k)) env.set(k, v)
  if (!env.has('HOME')) env.set('HOME', '/root')
  return [...env]
}

/** The pod's hostname: spec.hostname, else its name (at most 63 characters). */
export function podHostname(pod: Pod): string {
  return pod.spec?.hostname || (pod.metadata.name ?? '').slice(0, 63)
}

function hostsFile(pod: Pod, settings: ContainerSettings): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ]
  const ip = pod.status?.podIP
  const host = podHostname(pod)
  if (ip) {
    const sub = pod.spec?.subdomain
    lines.push(
      sub ? `${ip}\t${host}.${sub}.${pod.metadata.namespace}.svc.${settings.clusterDomain}\t${host}` : `${ip}\t${host}`,
    )
  }
  let out = `${lines.join('\n')}\n`
  const aliases = pod.spec?.hostAliases ?? []
  if (aliases.length > 0) {
    out += '\n# Entries added by HostAliases.\n'
    for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`
  }
  return out
}

function resolvConf(pod: Pod, settings: ContainerSettings): string {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst'
  const cfg = pod.spec?.dnsConfig
  let servers: string[] = []
  let searches: string[] = []
  let options: string[] = []
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    const ns = pod.metadata.namespace ?? 'default'
    const d = settings.clusterDomain
    servers = [settings.dnsIP]
    searches = [`${ns}.svc.${d}`, `svc.${d}`, d]
    options = ['ndots:5']
  } else if (policy === 'Default') {
    servers = ['169.254.169.254']
    searches = ['c.flotilla-sim.internal']
  }
  servers.push(...(cfg?.nameservers ?? []))
  searches.push(...(cfg?.searches ?? []))
  for (const o of cfg?.options ?? []) {
    options = options.filter((x) => x.split(':')[0] !== o.name)
    options.push(o.value !== undefined ? `${o.name}:${o.value}` : o.name)
  }
  let out = ''
  if (searches.length > 0) out += `search ${searches.join(' ')}\n`
  for (const s of servers) out += `nameserver ${s}\n`
  if (options.length > 0) out += `options ${options.join(' ')}\n`
  return out
}

const ROOT_DIRS = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/usr/bin',
  '/usr/local',
  '/usr/local/bin',
  '/usr/sbin',
  '/var',
  '/var/log',
]

/** The files of a container, keyed by absolute path. */
export function containerFiles(pod: Pod, spec: ContainerSpec, settings: ContainerSettings): Map<string, string> {
  const files = new Map<string, string>()
  const family = imageFamily(spec.image)
  files.set('/etc/hostname', `${podHostname(pod)}\n`)
  files.set('/etc/hosts', hostsFile(pod, settings))
  files.set('/etc/resolv.conf', resolvConf(pod, settings))
  files.set('/etc/os-release', OS_RELEASE[family])
  files.set(
    '/etc/passwd',
    family === 'debian'
      ? 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n'
      : 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
  )
  if (pod.spec?.automountServiceAccountToken !== false) {
    files.set('/var/run/secrets/kubernetes.io/serviceaccount/namespace', pod.metadata.namespace ?? 'default')
  }
  if (/^nginx/.test((spec.image ?? '').split('/').pop() ?? '')) {
    files.set(
      '/usr/share/nginx/html/index.html',
      '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n',
    )
  }
  return files
}

export function parentDirs(path: string): string[] {
  const out: string[] = []
  let p = path
  for (;;) {
    const i = p.lastIndexOf('/')
    if (i <= 0) break
    p = p.slice(0, i)
    out.push(p)
  }
  return out
}

export async function buildContainer(
  pod: Pod,
  spec: ContainerSpec,
  lookup: ObjectLookup,
  settings: ContainerSettings,
  opts: { tty?: boolean; written?: Map<string, string> } = {},
): Promise<Container> {
  const files = containerFiles(pod, spec, settings)
  for (const [p, c] of opts.written ?? []) files.set(p, c)
  const dirs = new Set(['/', ...ROOT_DIRS])
  if (spec.workingDir) dirs.add(spec.workingDir)
  for (const d of [...dirs]) for (const p of parentDirs(d)) dirs.add(p)
  for (const f of files.keys()) for (const p of parentDirs(f)) dirs.add(p)
  return {
    pod,
    spec,
    hostname: podHostname(pod),
    family: imageFamily(spec.image),
    env: await containerEnv(pod, spec, lookup, opts),
    files,
    dirs,
  }
}
