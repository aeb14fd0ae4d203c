// GET /version (k8s.io/apimachinery/pkg/version.Info). kubectl compares the server's minor version
// with its own and warns in `kubectl version` when they differ by more than one; v1.31 sits in the
// middle of the kubectl 1.28–1.33 range this server is tested with.

export const DEFAULT_KUBERNETES_VERSION = 'v1.31.0'

export interface VersionInfo {
  major: string
  minor: string
  gitVersion: string
  gitCommit: string
  gitTreeState: string
  buildDate: string
  goVersion: string
  compiler: string
  platform: string
}

export interface VersionOptions {
  /** The Kubernetes version to report, "v1.31.0" or "1.31.0" or "v1.31.2+flotilla". */
  kubernetesVersion?: string
  gitCommit?: string
  gitTreeState?: string
  buildDate?: string
  goVersion?: string
  platform?: string
}

const GO_ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
}

/** The version.Info document; throws on a version string that is not semver-like. */
export function versionInfo(opts: VersionOptions = {}): VersionInfo {
  const raw = opts.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION
  const gitVersion = raw.startsWith('v') ? raw : `v${raw}`
  const m = /^v(\d+)\.(\d+)\.(\d+)([-+].*)?$/.exec(gitVersion)
  if (!m) throw new Error(`invalid Kubernetes version ${JSON.stringify(raw)}: expected vMAJOR.MINOR.PATCH`)
  return {
    major: m[1],
    minor: m[2],
    gitVersion,
    gitCommit: opts.gitCommit ?? '0000000000000000000000000000000000000000',
    gitTreeState: opts.gitTreeState ?? 'clean',
    buildDate: opts.buildDate ?? '2024-08-13T07:28:49Z',
    goVersion: opts.goVersion ?? 'go1.22.5',
    compiler: 'gc',
    platform: opts.platform ?? `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
  }
}
