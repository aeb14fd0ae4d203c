import assert from 'node:assert/strict'
import { it } from 'node:test'
import { evaluateJsonPath } from './jsonpath.ts'

const obj = {
  spec: {
    replicas: 3,
    containers: [
      { name: 'a', image: 'x' },
      { name: 'b', image: 'y' },
    ],
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'Synced', status: 'False' },
    ],
  },
}

it('evaluates the JSONPath forms printer columns use', () => {
  assert.deepEqual(evaluateJsonPath(obj, '.spec.replicas'), [3])
  assert.deepEqual(evaluateJsonPath(obj, '{.spec.containers[*].image}'), ['x', 'y'])
  assert.deepEqual(evaluateJsonPath(obj, '.spec.containers[1].name'), ['b'])
  assert.deepEqual(evaluateJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status'), ['True'])
  assert.deepEqual(evaluateJsonPath(obj, ".status.conditions[?(@.type=='Synced')].status"), ['False'])
  assert.deepEqual(evaluateJsonPath(obj, '.spec.missing'), [])
})
