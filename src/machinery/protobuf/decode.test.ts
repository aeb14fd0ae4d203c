import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeDocument } from '../../apiserver/http/body.ts'
import { StatusError } from '../errors.ts'
import { decodeKubernetesProtobuf, formatGoDuration, MAX_NESTING, PROTOBUF_MEDIA_TYPE, protobufKinds } from './index.ts'

// ---- a tiny protobuf encoder for hand-built messages ----------------------------------------

class Enc {
  private readonly b: number[] = []
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v))
    while (x >= 0x80n) {
      this.b.push(Number(x & 0x7fn) | 0x80)
      x >>= 7n
    }
    this.b.push(Number(x))
    return this
  }
  key(no: number, wire: number): this {
    return this.varint(no * 8 + wire)
  }
  int(no: number, v: number | bigint): this {
    return this.key(no, 0).varint(v)
  }
  bool(no: number, v: boolean): this {
    return this.int(no, v ? 1 : 0)
  }
  bytes(no: number, data: Uint8Array | number[]): this {
    this.key(no, 2).varint(data.length)
    for (const x of data) this.b.push(x)
    return this
  }
  str(no: number, s: string): this {
    return this.bytes(no, Buffer.from(s))
  }
  msg(no: number, build: (e: Enc) => unknown = () => {}): this {
    return this.bytes(no, pb(build))
  }
  /** A map<string, string> entry. */
  entry(no: number, key: string, value: string): this {
    return this.msg(no, (e) => e.str(1, key).str(2, value))
  }
  raw(...bytes: number[]): this {
    for (const x of bytes) this.b.push(x)
    return this
  }
  done(): Uint8Array {
    return Uint8Array.from(this.b)
  }
}

function pb(build: (e: Enc) => unknown): Uint8Array {
  const e = new Enc()
  build(e)
  return e.done()
}

/** The Kubernetes envelope: "k8s\0" + runtime.Unknown{typeMeta, raw}. */
function envelope(apiVersion: string, kind: string, raw?: Uint8Array, extra: (e: Enc) => unknown = () => {}): Buffer {
  const unknown = pb((e) => {
    e.msg(1, (t) => t.str(1, apiVersion).str(2, kind))
    if (raw) e.bytes(2, raw)
    extra(e)
  })
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown])
}

const decode = (apiVersion: string, kind: string, build: (e: Enc) => unknown) =>
  decodeKubernetesProtobuf(envelope(apiVersion, kind, pb(build))).object

function status(fn: () => unknown): StatusError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${e}`)
    return e
  }
  assert.fail('expected an error')
}

// Request bodies captured from kubectl 1.33 (hex), with the JSON the same objects have in
// `kubectl ... --dry-run=client -o json`.
const FIXTURES: { name: string; hex: string; json: unknown }[] = [
  {
    name: 'create deployment web --image=nginx:1.27 --replicas=3 --port=80',
    hex:
      '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412bd010a1f0a0377656212001a0022002a003200380042005a0a0a0361' +
      '70701203776562128b010803120c0a0a0a0361707012037765621a710a1c0a0012001a0022002a003200380042005a0a0a03617070120377' +
      '6562125112330a056e67696e78120a6e67696e783a312e32372a00320a0a001000185022002a0042006a007200800100880100900100a201' +
      '001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
    json: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
  },
  {
    name: 'autoscale deployment web --max=3 --min=2 --cpu-percent=50 (autoscaling/v2)',
    hex:
      '6b3873000a290a0e6175746f7363616c696e672f76321217486f72697a6f6e74616c506f644175746f7363616c657212610a130a03776562' +
      '12001a0022002a0032003800420012440a1a0a0a4465706c6f796d656e7412037765621a07617070732f76311002180322220a085265736f' +
      '7572636522160a03637075120f0a0b5574696c697a6174696f6e20321a04180020001a002200',
    json: {
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v2',
      metadata: { name: 'web', creationTimestamp: null },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
        minReplicas: 2,
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ],
      },
      status: { desiredReplicas: 0, currentMetrics: null },
    },
  },
  {
    name: 'create token sa --duration=1h --audience=aud1 --bound-object-kind=Pod ...',
    hex:
      '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565737412380a100a0012001a00' +
      '22002a00320038004200121e0a04617564311a130a03506f64120276311a02703122043132333420901c1a040a0012001a002200',
    json: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {
        audiences: ['aud1'],
        expirationSeconds: 3600,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: '1234' },
      },
      status: { token: '', expirationTimestamp: null },
    },
  },
  {
    name: 'auth can-i create deployments.apps --subresource=scale -n ns1',
    hex:
      '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577' +
      '124b0a100a0012001a0022002a00320038004200122d0a2b0a036e733112066372656174651a046170707322002a0b6465706c6f796d656e' +
      '747332057363616c653a001a08080012001a0020001a002200',
    json: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {
        resourceAttributes: {
          namespace: 'ns1',
          verb: 'create',
          group: 'apps',
          resource: 'deployments',
          subresource: 'scale',
        },
      },
      status: { allowed: false },
    },
  },
  {
    name: 'auth can-i get /logs',
    hex:
      '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374416363657373526576696577' +
      '122c0a100a0012001a0022002a00320038004200120e120c0a052f6c6f677312036765741a08080012001a0020001a002200',
    json: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { nonResourceAttributes: { path: '/logs', verb: 'get' } },
      status: { allowed: false },
    },
  },
  {
    name: 'auth can-i --list -n kube-system',
    hex:
      '6b3873000a310a17617574686f72697a6174696f6e2e6b38732e696f2f7631121653656c665375626a65637452756c6573526576696577' +
      '12270a100a0012001a0022002a00320038004200120d0a0b6b7562652d73797374656d1a04180022001a002200',
    json: {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { namespace: 'kube-system' },
      status: { resourceRules: null, nonResourceRules: null, incomplete: false },
    },
  },
]

describe('decodeKubernetesProtobuf', () => {
  it('decodes bodies captured from kubectl 1.33 to the JSON kubectl prints for them', () => {
    for (const f of FIXTURES) {
      const d = decodeKubernetesProtobuf(Buffer.from(f.hex, 'hex'))
      assert.deepEqual(d.object, f.json, f.name)
      assert.equal(d.apiVersion, (f.json as { apiVersion: string }).apiVersion)
      assert.equal(d.kind, (f.json as { kind: string }).kind)
    }
  })

  it('is what decodeDocument returns for the protobuf media type', () => {
    const body = Buffer.from(FIXTURES[0].hex, 'hex')
    assert.deepEqual(decodeDocument(body, `${PROTOBUF_MEDIA_TYPE}; charset=binary`), FIXTURES[0].json)
    assert.equal(status(() => decodeDocument(Buffer.from('{}'), PROTOBUF_MEDIA_TYPE)).code, 400)
  })

  it('prints bytes as base64 and map keys sorted, the last duplicate key winning', () => {
    const cm = decode('v1', 'ConfigMap', (e) =>
      e
        .msg(1, (m) => m.str(1, 'cm'))
        .bool(4, false)
        .entry(2, 'b', '2')
        .entry(2, 'a', '1')
        .entry(2, 'b', '3')
        .msg(3, (x) => x.str(1, 'bin').bytes(2, [0, 255, 1])),
    )
    assert.deepEqual(cm, {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'cm', creationTimestamp: null },
      immutable: false,
      data: { a: '1', b: '3' },
      binaryData: { bin: 'AP8B' },
    })
    assert.deepEqual(Object.keys(cm.data as object), ['a', 'b'])
    const secret = decode('v1', 'Secret', (e) =>
      e
        .msg(2, (x) => x.str(1, 'token').bytes(2, Buffer.from('s3cr3t')))
        .msg(2, (x) => x.str(1, 'empty'))
        .str(3, 'Opaque'),
    )
    assert.deepEqual(secret.data, { empty: '', token: 'czNjcjN0' })
    assert.equal(secret.type, 'Opaque')
  })

  it('keeps zero pointers, drops zero omitempty values and prints zero required values', () => {
    const d = decode('apps/v1', 'Deployment', (e) =>
      e.msg(2, (s) =>
        s
          .int(1, 0) // replicas *int32 = 0
          .int(5, 0) // minReadySeconds int32 omitempty
          .bool(7, false) // paused bool omitempty
          .msg(3, (t) =>
            t.msg(2, (ps) =>
              ps.msg(
                2,
                (c) =>
                  c
                    .str(2, 'nginx') // no name: `json:"name"` prints ""
                    .msg(6, (p) => p.str(4, '').int(2, 0)), // containerPort absent, protocol "", hostPort 0
              ),
            ),
          ),
      ),
    )
    const spec = d.spec as Record<string, any>
    assert.equal(spec.replicas, 0)
    assert.equal('minReadySeconds' in spec, false)
    assert.equal('paused' in spec, false)
    assert.equal(spec.selector, null) // *LabelSelector without omitempty
    assert.deepEqual(spec.strategy, {})
    assert.deepEqual(spec.template.spec.containers, [
      { name: '', image: 'nginx', ports: [{ containerPort: 0 }], resources: {} },
    ])
  })

  it('prints absent structs the way Go prints zero structs', () => {
    assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Pod', new Uint8Array())).object, {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { creationTimestamp: null },
      spec: { containers: null },
      status: {},
    })
    assert.deepEqual(decodeKubernetesProtobuf(envelope('batch/v1', 'CronJob')).object, {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { creationTimestamp: null },
      spec: {
        schedule: '',
        jobTemplate: {
          metadata: { creationTimestamp: null },
          spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: null } } },
        },
      },
      status: {},
    })
  })

  it('decodes IntOrString, Quantity and the inlined structs', () => {
    const svc = decode('v1', 'Service', (e) =>
      e.msg(2, (s) =>
        s
          .msg(1, (p) =>
            p
              .int(3, 80)
              .msg(4, (t) => t.int(1, 0).int(2, 8080))
              .str(2, 'TCP'),
          )
          .msg(1, (p) => p.int(3, 443).msg(4, (t) => t.int(1, 1).str(3, 'https')))
          .msg(1, (p) => p.int(3, 53)),
      ),
    )
    assert.deepEqual((svc.spec as any).ports, [
      { protocol: 'TCP', port: 80, targetPort: 8080 },
      { port: 443, targetPort: 'https' },
      { port: 53, targetPort: 0 },
    ])
    const err = status(() =>
      decode('v1', 'Service', (e) => e.msg(2, (s) => s.msg(1, (p) => p.msg(4, (t) => t.int(1, 2))))),
    )
    assert.equal(err.code, 400)
    assert.match(err.message, /impossible type 2.*spec\.ports\.targetPort/)

    const pod = decode('v1', 'Pod', (e) =>
      e.msg(2, (s) =>
        s
          .msg(1, (v) => v.str(1, 'cfg').msg(2, (src) => src.msg(19, (c) => c.msg(1, (r) => r.str(1, 'settings')))))
          .msg(2, (c) =>
            c
              .str(1, 'app')
              .msg(8, (r) =>
                r.msg(1, (l) => l.str(1, 'cpu').msg(2, (q) => q.str(1, '500m'))).msg(2, (l) => l.str(1, 'memory')),
              )
              .msg(10, (p) => p.msg(1, (h) => h.msg(2, (g) => g.msg(2, (port) => port.int(2, 8080)))).int(4, 5))
              .msg(22, (p) => p.msg(1, (h) => h.msg(4, (g) => g.int(1, 9000)))),
          )
          .msg(34, (ec) => ec.msg(1, (c) => c.str(1, 'debug').str(2, 'busybox')).str(2, 'app')),
      ),
    )
    const spec = pod.spec as any
    assert.deepEqual(spec.volumes, [{ name: 'cfg', configMap: { name: 'settings' } }])
    assert.deepEqual(spec.containers[0].resources, { limits: { cpu: '500m' }, requests: { memory: '0' } })
    assert.deepEqual(spec.containers[0].livenessProbe, { httpGet: { port: 8080 }, periodSeconds: 5 })
    assert.deepEqual(spec.containers[0].startupProbe, { grpc: { port: 9000, service: null } }) // *string without omitempty
    assert.deepEqual(spec.ephemeralContainers, [
      { name: 'debug', image: 'busybox', resources: {}, targetContainerName: 'app' },
    ])

    const ing = decode('networking.k8s.io/v1', 'Ingress', (e) =>
      e.msg(2, (s) =>
        s.msg(3, (rule) =>
          rule.str(1, 'foo.com').msg(2, (v) =>
            v.msg(1, (http) =>
              http.msg(1, (p) =>
                p
                  .str(1, '/')
                  .str(3, 'Prefix')
                  .msg(2, (b) => b.msg(4, (svc) => svc.str(1, 'web').msg(2, (port) => port.str(1, 'http')))),
              ),
            ),
          ),
        ),
      ),
    )
    assert.deepEqual((ing.spec as any).rules, [
      {
        host: 'foo.com',
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }],
        },
      },
    ])
  })

  it('prints Time with seconds, MicroTime with microseconds, and the zero time as null', () => {
    const meta = (build: (m: Enc) => unknown) => decode('v1', 'Namespace', (e) => e.msg(1, build)).metadata
    assert.deepEqual(
      meta((m) => m.msg(8, (t) => t.int(1, 0))),
      { creationTimestamp: '1970-01-01T00:00:00Z' },
    )
    assert.deepEqual(
      meta((m) => m.msg(8, (t) => t.int(1, 1767225600).int(2, 999_999_999))),
      {
        creationTimestamp: '2026-01-01T00:00:00Z',
      },
    )
    assert.deepEqual(
      meta((m) => m.msg(8, (t) => t.int(1, -62135596800))),
      { creationTimestamp: null },
    )
    assert.deepEqual(
      meta((m) => m.msg(8)),
      { creationTimestamp: null },
    )
    assert.deepEqual(
      meta((m) => m.msg(9, (t) => t.int(1, 86400)).int(10, 30)),
      {
        creationTimestamp: null,
        deletionTimestamp: '1970-01-02T00:00:00Z',
        deletionGracePeriodSeconds: 30,
      },
    )
    assert.deepEqual(
      meta((m) => m.msg(8, (t) => t.int(1, 253402300799))),
      { creationTimestamp: '9999-12-31T23:59:59Z' },
    )
    assert.match(status(() => meta((m) => m.msg(8, (t) => t.int(1, 253402300800)))).message, /outside 0000-9999/)
    assert.match(status(() => meta((m) => m.msg(8, (t) => t.int(1, 2n ** 62n)))).message, /out of range/)

    const ev = decode('v1', 'Event', (e) =>
      e.msg(10, (t) => t.int(1, 1767225600).int(2, 123_456_789)).msg(11, (s) => s.int(1, 2).msg(2)),
    )
    assert.equal(ev.eventTime, '2026-01-01T00:00:00.123456Z')
    assert.deepEqual(ev.series, { count: 2, lastObservedTime: null })
    assert.equal(ev.firstTimestamp, null)
    assert.equal(ev.reportingComponent, '')
  })

  it('decodes managedFields, ownerReferences and finalizers', () => {
    const meta = decode('v1', 'ConfigMap', (e) =>
      e.msg(1, (m) =>
        m
          .str(1, 'cm')
          .msg(13, (o) => o.str(1, 'Deployment').str(3, 'web').str(4, 'u-1').str(5, 'apps/v1').bool(6, true))
          .str(14, 'a/b')
          .str(14, 'c/d')
          .msg(17, (f) =>
            f
              .str(1, 'kubectl')
              .str(2, 'Update')
              .str(3, 'v1')
              .msg(4, (t) => t.int(1, 0))
              .str(6, 'FieldsV1')
              .msg(7, (raw) => raw.str(1, '{"f:data":{".":{}}}')),
          ),
      ),
    ).metadata
    assert.deepEqual(meta, {
      name: 'cm',
      creationTimestamp: null,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u-1', controller: true }],
      finalizers: ['a/b', 'c/d'],
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Update',
          apiVersion: 'v1',
          time: '1970-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {} } },
        },
      ],
    })
  })

  it('decodes RawExtensions holding JSON or an embedded protobuf object', () => {
    const inner = envelope(
      'v1',
      'ConfigMap',
      pb((e) => e.msg(1, (m) => m.str(1, 'x'))),
    )
    const json = decode('apps/v1', 'ControllerRevision', (e) => e.msg(2, (r) => r.str(1, '{"spec":{"a":1}}')).int(3, 2))
    assert.deepEqual(json.data, { spec: { a: 1 } })
    assert.equal(json.revision, 2)
    const nested = decode('apps/v1', 'ControllerRevision', (e) => e.msg(2, (r) => r.bytes(1, inner)))
    assert.deepEqual(nested.data, {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'x', creationTimestamp: null },
    })
    assert.equal(decode('apps/v1', 'ControllerRevision', () => {}).data, null)
    assert.match(
      status(() => decode('apps/v1', 'ControllerRevision', (e) => e.msg(2, (r) => r.str(1, '{nope')))).message,
      /raw extension is not valid JSON/,
    )
  })

  it('merges repeated occurrences of a message field and accepts packed and unpacked repeated numbers', () => {
    const ns = decode('v1', 'Namespace', (e) =>
      e
        .msg(1, (m) => m.str(1, 'a').entry(11, 'x', '1'))
        .msg(1, (m) => m.entry(11, 'y', '2').str(3, 'ns'))
        .msg(2, (s) => s.str(1, 'kubernetes')),
    )
    assert.deepEqual(ns.metadata, { name: 'a', namespace: 'ns', creationTimestamp: null, labels: { x: '1', y: '2' } })
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] })
    const packed = pb((p) => p.varint(1).varint(-2).varint(3))
    const pod = decode('v1', 'Pod', (e) =>
      e.msg(2, (s) => s.msg(14, (sc) => sc.bytes(4, packed).int(4, 4).int(2, 0).bool(3, false))),
    )
    assert.deepEqual((pod.spec as any).securityContext, {
      runAsUser: 0,
      runAsNonRoot: false,
      supplementalGroups: [1, -2, 3, 4],
    })
  })

  it('skips unknown fields of every wire type, in the object and in the envelope', () => {
    const raw = pb((e) =>
      e
        .int(99, 7)
        .raw(0xa1, 0x06, 1, 2, 3, 4, 5, 6, 7, 8) // field 100 fixed64
        .str(101, 'future')
        .raw(0xab, 0x06, 0x08, 0x01, 0xac, 0x06) // field 101 group { 1: 1 }
        .raw(0xb5, 0x06, 1, 2, 3, 4) // field 102 fixed32
        .msg(1, (m) => m.str(1, 'ok').str(200, 'x')),
    )
    const body = envelope('v1', 'ServiceAccount', raw, (e) => e.str(4, PROTOBUF_MEDIA_TYPE).int(9, 1).str(3, ''))
    assert.deepEqual(decodeKubernetesProtobuf(body).object, {
      kind: 'ServiceAccount',
      apiVersion: 'v1',
      metadata: { name: 'ok', creationTimestamp: null },
    })
  })

  it('decodes DeleteOptions under any group version, and Evictions', () => {
    for (const apiVersion of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
      const opts = decode(apiVersion, 'DeleteOptions', (e) =>
        e
          .int(1, 0)
          .msg(2, (p) => p.str(1, 'uid-1'))
          .str(4, 'Foreground')
          .str(5, 'All'),
      )
      assert.deepEqual(opts, {
        kind: 'DeleteOptions',
        apiVersion,
        gracePeriodSeconds: 0,
        preconditions: { uid: 'uid-1' },
        propagationPolicy: 'Foreground',
        dryRun: ['All'],
      })
    }
    const ev = decode('policy/v1', 'Eviction', (e) =>
      e.msg(1, (m) => m.str(1, 'p').str(3, 'ns')).msg(2, (d) => d.int(1, 30)),
    )
    assert.deepEqual(ev, {
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'p', namespace: 'ns', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 30 },
    })
  })

  it('decodes an empty object of every supported kind', () => {
    for (const key of protobufKinds()) {
      const [apiVersion, kind] = key.split(' ')
      const obj = decodeKubernetesProtobuf(envelope(apiVersion, kind, new Uint8Array())).object
      assert.equal(obj.kind, kind)
      assert.equal(obj.apiVersion, apiVersion)
    }
  })

  it('answers 415 for kinds without a schema and for content encodings', () => {
    const unknown = status(() => decodeKubernetesProtobuf(envelope('example.com/v1', 'Widget', new Uint8Array())))
    assert.equal(unknown.code, 415)
    assert.equal(unknown.reason, 'UnsupportedMediaType')
    assert.match(unknown.message, /Widget \(example\.com\/v1\)/)
    const gz = status(() => decodeKubernetesProtobuf(envelope('v1', 'Pod', new Uint8Array(), (e) => e.str(3, 'gzip'))))
    assert.equal(gz.code, 415)
    assert.match(gz.message, /gzip/)
  })

  it('answers 400 for malformed input', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['empty', new Uint8Array(), /does not start with the Kubernetes protobuf prefix/],
      ['JSON', Buffer.from('{"kind":"Pod"}'), /prefix/],
      ['magic only', Buffer.from('k8s\0', 'latin1'), /does not name the object's apiVersion and kind/],
      ['no kind', Buffer.concat([Buffer.from('k8s\0', 'latin1'), pb((e) => e.msg(1, (t) => t.str(1, 'v1')))]), /kind/],
      [
        'typeMeta as varint',
        Buffer.concat([Buffer.from('k8s\0', 'latin1'), pb((e) => e.int(1, 5))]),
        /wrong wire type/,
      ],
      [
        'truncated',
        envelope(
          'v1',
          'Pod',
          pb((e) => e.msg(1, (m) => m.str(1, 'abc'))),
        ).subarray(0, -2),
        /past the end/,
      ],
      [
        'string as varint',
        envelope(
          'v1',
          'Pod',
          pb((e) => e.msg(1, (m) => m.int(1, 3))),
        ),
        /wrong wire type 0 for field name \(1\).*metadata\.name/,
      ],
      [
        'int as bytes',
        envelope(
          'apps/v1',
          'Deployment',
          pb((e) => e.msg(2, (s) => s.str(1, 'x'))),
        ),
        /replicas/,
      ],
      ['dangling tag', envelope('v1', 'Pod', Uint8Array.from([0x0a])), /truncated varint/],
      ['field 0', envelope('v1', 'Pod', Uint8Array.from([0x00, 0x00])), /field number 0/],
      ['wire type 7', envelope('v1', 'Pod', Uint8Array.from([0xff, 0x01])), /invalid wire type 7/],
      [
        'bad JSON fieldsV1',
        envelope(
          'v1',
          'Pod',
          pb((e) => e.msg(1, (m) => m.msg(17, (f) => f.msg(7, (r) => r.str(1, '{'))))),
        ),
        /fieldsV1/,
      ],
    ]
    for (const [name, body, pattern] of cases) {
      const e = status(() => decodeKubernetesProtobuf(body))
      assert.equal(e.code, 400, name)
      assert.match(e.message, pattern, name)
    }
  })

  it('bounds nesting', () => {
    let body: Uint8Array = envelope('v1', 'ConfigMap', new Uint8Array())
    for (let i = 0; i <= MAX_NESTING; i++) {
      body = envelope(
        'apps/v1',
        'ControllerRevision',
        pb((e) => e.msg(2, (r) => r.bytes(1, body))),
      )
    }
    assert.match(status(() => decodeKubernetesProtobuf(body)).message, /nested too deeply/)
  })

  it('formats durations like Go', () => {
    const cases: [bigint, string][] = [
      [0n, '0s'],
      [1n, '1ns'],
      [1_100n, '1.1µs'],
      [2_200_000n, '2.2ms'],
      [1_500_000_000n, '1.5s'],
      [60_000_000_000n, '1m0s'],
      [3_600_000_000_000n, '1h0m0s'],
      [5_430_000_000_000n, '1h30m30s'],
      [-90_000_000_000n, '-1m30s'],
      [-(2n ** 63n), '-2562047h47m16.854775808s'],
    ]
    for (const [ns, text] of cases) assert.equal(formatGoDuration(ns), text)
  })
})

// ---- fuzzing: random and mutated inputs may only ever fail with a StatusError ---------------

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 4294967296
  }
}

describe('decodeKubernetesProtobuf fuzzing', () => {
  const seeds = FIXTURES.map((f) => Buffer.from(f.hex, 'hex'))
  const check = (body: Uint8Array) => {
    try {
      const d = decodeKubernetesProtobuf(body)
      JSON.stringify(d.object)
    } catch (e) {
      if (!(e instanceof StatusError))
        throw new Error(`non-Status error for ${Buffer.from(body).toString('hex')}: ${e}`)
      assert.ok(e.code === 400 || e.code === 415)
    }
  }

  it('random bytes, with and without the magic prefix', () => {
    const rand = rng(1)
    for (let i = 0; i < 3000; i++) {
      const n = Math.floor(rand() * 200)
      const b = new Uint8Array(n + 4)
      for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256)
      if (rand() < 0.8) b.set([0x6b, 0x38, 0x73, 0x00])
      check(b)
    }
  })

  it('mutated kubectl bodies', () => {
    const rand = rng(42)
    for (let i = 0; i < 6000; i++) {
      const seed = seeds[i % seeds.length]
      let b = Uint8Array.from(seed)
      const edits = 1 + Math.floor(rand() * 4)
      for (let k = 0; k < edits; k++) {
        const at = 4 + Math.floor(rand() * Math.max(1, b.length - 4))
        const op = rand()
        if (op < 0.4) b[at] = Math.floor(rand() * 256)
        else if (op < 0.6) b[at] ^= 1 << Math.floor(rand() * 8)
        else if (op < 0.75) b = b.subarray(0, at)
        else if (op < 0.9) b = Uint8Array.from([...b.subarray(0, at), Math.floor(rand() * 256), ...b.subarray(at)])
        else b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + Math.floor(rand() * 8))])
      }
      check(b)
    }
  })
})
