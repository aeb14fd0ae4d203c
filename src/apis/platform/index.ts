// The platform.flotilla.dev group: the hub's own kinds (member clusters, hub-issued access
// tokens). Served by the hub only, not by member API servers.

import type { KindDef } from '../../machinery/kinds.ts'
import { accessToken } from './access-token.ts'
import { cluster } from './cluster.ts'

export const platformKinds: KindDef[] = [cluster, accessToken]
