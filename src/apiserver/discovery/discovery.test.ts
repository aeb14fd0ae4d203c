import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defineKind } from '../../machinery/kinds.ts'
import {
  AGGREGATED_V2_CONTENT_TYPE,
  AGGREGATED_V2BETA1_CONTENT_TYPE,
  aggregatedDiscovery,
  aggregatedVersionFromAccept,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  type DiscoveryInput,
  negotiateDiscovery,
  servedGroupVersions,
  storageVersionHash,
  WELL_KNOWN_SUBRESOURCES,
} from './discovery.ts'
import { DEFAULT_KUBERNETES_VERSION, versionInfo } from './version.ts'

const pod = defineKind({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  scope: 'Namespaced',
  shortNames: ['po'],
  categories: ['all'],
  subresources: { status: true },
})
const ns = defineKind({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  scope: 'Cluster',
  shortNames: ['ns'],
})
const deploy = defineKind({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  scope: 'Namespaced',
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' } },
})
const widgetV2 = defineKind({
  group: 'example.com',
  version: 'v2',
  kind: 'Widget',
  plural: 'widgets',
  scope: 'Cluster',
  custom: true,
})
const widgetV1 = defineKind({
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  scope: 'Cluster',
  custom: true,
})
const lease = defineKind({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  scope: 'Namespaced',
  verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
})

const input: DiscoveryInput = {
  kinds: [pod, ns, deploy, widgetV2, widgetV1, lease],
  extraSubresources: WELL_KNOWN_SUBRESOURCES,
  serverAddress: '127.0.0.1:6443',
}

const KUBECTL_128_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'
const KUBECTL_133_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'

describe('legacy discovery', () => {
  it('/api', () => {
    assert.deepEqual(apiVersions('127.0.0.1:6443'), {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    })
  })

  it('/apis lists groups in declaration order, first version preferred', () => {
    assert.deepEqual(apiGroupList(input.kinds), {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'apps',
          versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
        },
        {
          name: 'example.com',
          versions: [
            { groupVersion: 'example.com/v2', version: 'v2' },
            { groupVersion: 'example.com/v1', version: 'v1' },
          ],
          preferredVersion: { groupVersion: 'example.com/v2', version: 'v2' },
        },
        {
          name: 'coordination.k8s.io',
          versions: [{ groupVersion: 'coordination.k8s.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' },
        },
      ],
    })
    assert.equal(apiGroup(input.kinds, 'apps')?.kind, 'APIGroup')
    assert.equal(apiGroup(input.kinds, 'nope'), undefined)
    assert.deepEqual(servedGroupVersions(input.kinds), [
      'v1',
      'apps/v1',
      'example.com/v2',
      'example.com/v1',
      'coordination.k8s.io/v1',
    ])
  })

  it('/apis/apps/v1 has the scale and status subresources', () => {
    assert.deepEqual(apiResourceList(input, 'apps', 'v1'), {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'apps/v1',
      resources: [
        {
          name: 'deployments',
          singularName: 'deployment',
          namespaced: true,
          kind: 'Deployment',
          verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
          shortNames: ['deploy'],
          categories: ['all'],
          storageVersionHash: '8aSe+NMegvE=',
        },
        {
          name: 'deployments/scale',
          singularName: '',
          namespaced: true,
          group: 'autoscaling',
          version: 'v1',
          kind: 'Scale',
          verbs: ['get', 'patch', 'update'],
        },
        {
          name: 'deployments/status',
          singularName: '',
          namespaced: true,
          kind: 'Deployment',
          verbs: ['get', 'patch', 'update'],
        },
      ],
    })
  })

  it('/api/v1 lists extra subresources of present parents', () => {
    const list = apiResourceList(input, '', 'v1')!
    const names = list.resources.map((r) => r.name)
    assert.deepEqual(names, [
      'pods',
      'pods/status',
      'pods/log',
      'pods/exec',
      'pods/attach',
      'pods/portforward',
      'pods/binding',
      'pods/eviction',
      'namespaces',
      'namespaces/finalize',
    ])
    const eviction = list.resources.find((r) => r.name === 'pods/eviction')
    assert.deepEqual(eviction, {
      name: 'pods/eviction',
      singularName: '',
      namespaced: true,
      kind: 'Eviction',
      group: 'policy',
      version: 'v1',
      verbs: ['create'],
    })
    assert.equal(list.resources.find((r) => r.name === 'pods')?.storageVersionHash, 'xPOwRZ+Yhw8=')
    assert.equal(
      apiResourceList({ ...input, storageVersionHash: false }, '', 'v1')?.resources[0].storageVersionHash,
      undefined,
    )
    assert.equal(apiResourceList(input, 'apps', 'v2'), undefined)
  })

  it('storageVersionHash matches kube-apiserver', () => {
    assert.equal(storageVersionHash('', 'v1', 'ConfigMap'), 'qFsyl6wFWjQ=')
  })
})

describe('aggregated discovery', () => {
  it('/api holds only the core group', () => {
    const list = aggregatedDiscovery(input, 'core')
    assert.equal(list.kind, 'APIGroupDiscoveryList')
    assert.equal(list.apiVersion, 'apidiscovery.k8s.io/v2')
    assert.equal(list.items.length, 1)
    assert.deepEqual(list.items[0].metadata, { creationTimestamp: null })
    const podRes = list.items[0].versions[0].resources[0]
    assert.deepEqual(
      podRes.subresources?.map((s) => s.subresource),
      ['attach', 'binding', 'eviction', 'exec', 'log', 'portforward', 'status'],
    )
  })

  it('/apis holds the other groups, deployments/scale as autoscaling/v1 Scale', () => {
    const list = aggregatedDiscovery(input, 'apis', 'v2beta1')
    assert.equal(list.apiVersion, 'apidiscovery.k8s.io/v2beta1')
    assert.deepEqual(
      list.items.map((g) => g.metadata.name),
      ['apps', 'example.com', 'coordination.k8s.io'],
    )
    assert.deepEqual(
      list.items[1].versions.map((v) => v.version),
      ['v2', 'v1'],
    )
    assert.deepEqual(list.items[0].versions[0], {
      version: 'v1',
      freshness: 'Current',
      resources: [
        {
          resource: 'deployments',
          responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
          scope: 'Namespaced',
          singularResource: 'deployment',
          verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
          shortNames: ['deploy'],
          categories: ['all'],
          subresources: [
            {
              subresource: 'scale',
              responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
              verbs: ['get', 'patch', 'update'],
            },
            {
              subresource: 'status',
              responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
              verbs: ['get', 'patch', 'update'],
            },
          ],
        },
      ],
    })
    assert.equal(list.items[1].versions[0].resources[0].scope, 'Cluster')
  })
})

describe('negotiateDiscovery', () => {
  it('picks the aggregated version kubectl asks for first', () => {
    assert.equal(aggregatedVersionFromAccept(KUBECTL_128_ACCEPT), 'v2beta1')
    assert.equal(aggregatedVersionFromAccept(KUBECTL_133_ACCEPT), 'v2')
    assert.equal(aggregatedVersionFromAccept('application/json'), undefined)
    assert.equal(aggregatedVersionFromAccept(undefined), undefined)
    assert.equal(aggregatedVersionFromAccept('*/*'), undefined)
    assert.equal(
      aggregatedVersionFromAccept(
        'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ),
      'v2',
    )
    assert.equal(
      aggregatedVersionFromAccept(
        'application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ),
      undefined,
    )
    assert.equal(
      aggregatedVersionFromAccept(
        'application/json;q=0.5, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
      ),
      'v2',
    )
  })

  it('returns the aggregated body only with its own content type', () => {
    const agg = negotiateDiscovery(input, 'apis', KUBECTL_133_ACCEPT)
    assert.equal(agg.contentType, AGGREGATED_V2_CONTENT_TYPE)
    assert.equal(agg.body.kind, 'APIGroupDiscoveryList')
    const beta = negotiateDiscovery(input, 'core', KUBECTL_128_ACCEPT)
    assert.equal(beta.contentType, AGGREGATED_V2BETA1_CONTENT_TYPE)
    const legacy = negotiateDiscovery(input, 'apis', 'application/json')
    assert.equal(legacy.contentType, 'application/json')
    assert.equal(legacy.body.kind, 'APIGroupList')
    const off = negotiateDiscovery(input, 'core', KUBECTL_133_ACCEPT, { aggregated: false })
    assert.equal(off.contentType, 'application/json')
    assert.equal(off.body.kind, 'APIVersions')
  })
})

describe('/version', () => {
  it('defaults to a version in the middle of kubectl 1.28–1.33', () => {
    const v = versionInfo()
    assert.equal(v.gitVersion, DEFAULT_KUBERNETES_VERSION)
    assert.equal(v.major, '1')
    assert.equal(v.minor, '31')
    assert.equal(v.compiler, 'gc')
    assert.match(v.platform, /^[a-z0-9]+\/[a-z0-9]+$/)
    for (const k of ['gitCommit', 'gitTreeState', 'buildDate', 'goVersion'])
      assert.equal(typeof v[k as keyof typeof v], 'string')
  })

  it('accepts a caller-provided version', () => {
    const v = versionInfo({ kubernetesVersion: '1.30.4+flotilla', platform: 'linux/arm64' })
    assert.equal(v.gitVersion, 'v1.30.4+flotilla')
    assert.equal(v.minor, '30')
    assert.equal(v.platform, 'linux/arm64')
    assert.throws(() => versionInfo({ kubernetesVersion: 'latest' }))
  })
})
