import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { byVersionPriority } from './custom-kinds.ts'

describe('CRD version priority', () => {
  it('orders versions as CompareKubeAwareVersionStrings does', () => {
    const versions = ['foo10', 'v1', 'v11alpha2', 'v10beta3', 'foo1', 'v2', 'v12alpha1', 'v3beta1', 'v10', 'v11beta2']
    assert.deepEqual(versions.sort(byVersionPriority), [
      'v10',
      'v2',
      'v1',
      'v11beta2',
      'v10beta3',
      'v3beta1',
      'v12alpha1',
      'v11alpha2',
      'foo1',
      'foo10',
    ])
  })
})
