// The batch group, v1, in discovery order.

import type { KindDef } from '../../machinery/kinds.ts'
import { cronJob } from './cronjob.ts'
import { job } from './job.ts'

export { cronJob, job }

export const batchKinds: KindDef[] = [cronJob, job]
