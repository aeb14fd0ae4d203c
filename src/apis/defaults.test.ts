import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultPod, defaultPodSpec, defaultPullPolicy } from './defaults.ts'
import type { Json } from './json.ts'

describe('pod defaults (pkg/apis/core/v1/defaults.go)', () => {
  it('imagePullPolicy follows the tag ParseImageName reports', () => {
    assert.equal(defaultPullPolicy('nginx'), 'Always')
    assert.equal(defaultPullPolicy('nginx:latest'), 'Always')
    assert.equal(defaultPullPolicy('nginx:1.27'), 'IfNotPresent')
    assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always')
    assert.equal(defaultPullPolicy('localhost:5000/nginx:1'), 'IfNotPresent')
    assert.equal(defaultPullPolicy(`nginx@sha256:${'a'.repeat(64)}`), 'IfNotPresent')
    assert.equal(defaultPullPolicy(`nginx:latest@sha256:${'a'.repeat(64)}`), 'Always')
  })

  it('defaults containers, probes, env field refs and volumes as a real server shows them', () => {
    const spec: Json = {
      containers: [
        {
          name: 'c',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { grpc: { port: 9000 } },
          lifecycle: { preStop: { httpGet: { port: 80, path: '/stop' } } },
        },
      ],
      volumes: [
        { name: 'scratch' },
        { name: 'cfg', configMap: { name: 'x' } },
        { name: 'sec', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'host', hostPath: { path: '/data' } },
        { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
      ],
    }
    defaultPodSpec(spec)
    assert.deepEqual(spec, {
      containers: [
        {
          name: 'c',
          image: 'nginx:1.27',
          imagePullPolicy: 'IfNotPresent',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          resources: {},
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }],
          livenessProbe: {
            httpGet: { port: 80, path: '/', scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          readinessProbe: {
            grpc: { port: 9000, service: '' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          lifecycle: { preStop: { httpGet: { port: 80, path: '/stop', scheme: 'HTTP' } } },
        },
      ],
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'cfg', configMap: { name: 'x', defaultMode: 420 } },
        { name: 'sec', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'host', hostPath: { path: '/data', type: '' } },
        {
          name: 'proj',
          projected: {
            defaultMode: 420,
            sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }],
          },
        },
      ],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
    })
  })

  it('keeps SetDefaults_Pod extras off pod templates', () => {
    const template: Json = { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } } }] }
    defaultPodSpec(template)
    assert.equal(template.enableServiceLinks, undefined)
    assert.deepEqual((template.containers as Json[])[0].resources, { limits: { cpu: '1' } })

    const pod: Json = {
      hostNetwork: true,
      containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } }, ports: [{ containerPort: 8080 }] }],
    }
    defaultPod(pod)
    assert.equal(pod.enableServiceLinks, true)
    const c = (pod.containers as Json[])[0]
    assert.deepEqual(c.resources, { limits: { cpu: '1' }, requests: { cpu: '1' } })
    assert.deepEqual(c.ports, [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }])
  })
})
