// The errors apimachinery's strategicpatch / mergepatch packages return, as Kubernetes Status
// errors. The kube-apiserver maps the mergepatch sentinels to 400 BadRequest and "lists of lists"
// to 422 (interpretStrategicMergePatchError); its other SMP errors surface as a 500 with the
// bare message. A malformed patch is the client's fault, so here every one of them is a 400 —
// with the same message text — except lists of lists, which stays 422.

import { badRequest, StatusError } from '../../errors.ts'
import { goFormat, goFormatS, goTypeName } from './gofmt.ts'

export const MSG_BAD_JSON_DOC = 'invalid JSON document'
export const MSG_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list'
export const MSG_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys'
export const MSG_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list'
export const MSG_LISTS_OF_LISTS = 'lists of lists are not supported'

export function smpError(message: string): StatusError {
  return badRequest(message)
}

/** mergepatch.ErrNoListOfLists: the one SMP error the kube-apiserver answers with 422. */
export function listsOfListsError(): StatusError {
  return new StatusError(422, 'Invalid', MSG_LISTS_OF_LISTS, {
    causes: [{ reason: 'FieldValueInvalid', message: MSG_LISTS_OF_LISTS }],
  })
}

/** mergepatch.ErrNoMergeKey */
export function noMergeKey(m: unknown, key: string): StatusError {
  return smpError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`)
}

/** mergepatch.ErrBadArgType: `expected` is the Go type name that was required. */
export function badArgType(expected: '[]interface {}' | 'map[string]interface {}', actual: unknown): StatusError {
  return smpError(`expected a ${expected}, but received a ${goTypeName(actual)}`)
}

/** mergepatch.ErrBadPatchType: a `$patch` value the position does not allow. */
export function badPatchType(directive: unknown, m: unknown): StatusError {
  return smpError(`unknown patch type: ${goFormatS(directive)} in map: ${goFormat(m)}`)
}
