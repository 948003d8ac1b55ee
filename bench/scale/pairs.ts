import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { ServerHandle } from '../servers/launch.ts'
import type { ServerKind } from '../servers/kinds.ts'

// Two instances of one service: ours (server/start.ts on one PostgreSQL schema and one Redis) and
// Hocuspocus with its Redis extension (one Redis prefix). Each instance is its own child process.

export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface Service {
  label: string
  instances: ServerHandle[]
  dispose(): Promise<void>
}

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** Ours on a fresh schema: the first instance creates the workspace and its rooms, the others reuse
 *  them (BENCH_REUSE in servers/ours.ts, through the shared DATA_DIR that holds the ready file). */
export async function oursService(count: number, rooms: number): Promise<Service> {
  const schema = `bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  await withClient((c) => c.query(`CREATE SCHEMA "${schema}"`))
  const url = new URL(DATABASE_URL)
  url.searchParams.set('options', `-c search_path=${schema}`)
  const kind: ServerKind = {
    name: 'ours',
    label: `ours x${count} (PostgreSQL + Redis)`,
    entry: 'servers/ours.ts',
    flavour: 'y-websocket',
    persistent: true,
    env: { DATABASE_URL: url.toString(), REDIS_URL, REDIS_PREFIX: schema },
  }
  const first = await ServerHandle.start(kind, { rooms })
  const instances = [first]
  try {
    for (let i = 1; i < count; i++) instances.push(await ServerHandle.start(kind, { rooms }, first.dataDir))
  } catch (error) {
    for (const s of instances) await s.dispose()
    throw error
  }
  return {
    label: kind.label,
    instances,
    async dispose() {
      for (const s of instances.slice(1)) await s.kill()
      await first.dispose()
      await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined)
    },
  }
}

export async function hocuspocusService(count: number, rooms: number): Promise<Service> {
  const prefix = `hp_${randomUUID().slice(0, 8)}`
  const roomList = Array.from({ length: rooms }, () => `conv:${randomUUID()}`).join(',')
  const kind: ServerKind = {
    name: 'hocuspocus',
    label: `Hocuspocus 3.4.4 x${count} + Redis extension`,
    entry: 'servers/hocuspocus-redis.ts',
    flavour: 'hocuspocus',
    persistent: false,
    env: { REDIS_URL, REDIS_PREFIX: prefix, BENCH_ROOM_LIST: roomList },
  }
  const instances: ServerHandle[] = []
  try {
    for (let i = 0; i < count; i++) instances.push(await ServerHandle.start(kind, { rooms }))
  } catch (error) {
    for (const s of instances) await s.dispose()
    throw error
  }
  return {
    label: kind.label,
    instances,
    async dispose() {
      for (const s of instances) await s.dispose()
    },
  }
}
