import type { AgentRecord } from '../store/types.ts'
import type { ClientInfo } from './client-address.ts'

/** Hono's typed context: routes behind requireAgent can read the signed-in agent. */
export interface HttpEnv {
  Variables: { agent: AgentRecord; token: string; clientInfo: ClientInfo }
}
