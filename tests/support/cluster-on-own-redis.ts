import { afterAll, beforeAll } from 'vitest'
import { type Cluster, startCluster } from './cluster.ts'
import { type OwnRedis, startOwnRedis } from './redis-server.ts'
import type { ServerProcess } from './server-process.ts'
import { SocketPool } from './ws-client.ts'

export interface TwoProcessesOnOwnRedis {
  redis: OwnRedis
  cluster: Cluster
  a: ServerProcess
  b: ServerProcess
  sockets: SocketPool
}

/**
 * Two server processes on a Redis of the test file's own, so that stopping and restarting it stops
 * nobody else's: started before the file's tests, stopped (sockets, processes, Redis) after them.
 */
export function twoProcessesOnOwnRedis(): TwoProcessesOnOwnRedis {
  const rig = { sockets: new SocketPool() } as TwoProcessesOnOwnRedis
  beforeAll(async () => {
    rig.redis = await startOwnRedis()
    rig.cluster = await startCluster(2, { redisUrl: rig.redis.url })
    ;[rig.a, rig.b] = rig.cluster.processes as [ServerProcess, ServerProcess]
  }, 120_000)
  afterAll(async () => {
    rig.sockets.closeAll()
    await rig.cluster?.stop()
    await rig.redis?.stop()
  })
  return rig
}

/** Where a test's WebSockets to this process connect. */
export const wsOf = (p: ServerProcess) => ({ wsUrl: p.url.replace(/^http/, 'ws') })
