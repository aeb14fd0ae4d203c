// The networking.k8s.io group, v1, in discovery order.

import type { KindDef } from '../../machinery/kinds.ts'
import { ingress } from './ingress.ts'
import { networkPolicy } from './networkpolicy.ts'

export { ingress, networkPolicy }

export const networkingKinds: KindDef[] = [ingress, networkPolicy]
