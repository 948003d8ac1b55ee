import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { Redis } from 'ioredis'
import { freshSchema } from './stores.ts'
import { removeDataDir, startServerProcess, type ServerProcess } from './server-process.ts'

// Several real server processes forming one service (issue 11): one PostgreSQL schema, one Redis
// (channels under a prefix of their own, so test files never hear each other), one shared DATA_DIR
// (attachments are files: the processes of one service share that directory, as on a shared volume).
// Without TEST_DATABASE_URL / TEST_REDIS_URL the machine's services at their standard addresses are
// used (DESIGN §8); either one not answering fails with a clear message.

export const clusterDatabaseUrl = (): string => process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
export const clusterRedisUrl = (): string => process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

export async function requireServices(redisUrl = clusterRedisUrl()): Promise<void> {
  const client = new pg.Client({ connectionString: clusterDatabaseUrl(), connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
    await client.end()
  } catch (error) {
    throw new Error(`the cluster tests need PostgreSQL at ${clusterDatabaseUrl()} (TEST_DATABASE_URL): ${(error as Error).message}`)
  }
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => undefined)
  try {
    await redis.connect()
    await redis.ping()
  } catch (error) {
    throw new Error(`the cluster tests need Redis at ${redisUrl} (TEST_REDIS_URL): ${(error as Error).message}`)
  } finally {
    redis.disconnect()
  }
}

export interface Cluster {
  processes: ServerProcess[]
  schema: string
  databaseUrl: string
  dataDir: string
  env: Record<string, string>
  /** The demo workspace's API inbox token (printed by whichever process created it). */
  apiToken: string
  /** One more process of the same service (a restart after a crash, or a scale-up). */
  start(): Promise<ServerProcess>
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>
  stop(): Promise<void>
}

export async function startCluster(
  count: number,
  options: { redisUrl?: string; env?: Record<string, string>; serveApp?: boolean } = {},
): Promise<Cluster> {
  const redisUrl = options.redisUrl ?? clusterRedisUrl()
  await requireServices(redisUrl)
  const schema = freshSchema()
  const base = clusterDatabaseUrl()
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`CREATE SCHEMA "${schema}"`)
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${schema}`)
  const dataDir = mkdtempSync(path.join(tmpdir(), 'inbox-cluster-'))
  const env = { DATABASE_URL: url.toString(), REDIS_URL: redisUrl, REDIS_PREFIX: schema, ...options.env }
  const processes: ServerProcess[] = []
  const start = async () => {
    const p = await startServerProcess({ dataDir, serveApp: options.serveApp ?? false, env })
    processes.push(p)
    return p
  }
  // Started at once, on an empty database: the demo workspace must still be created exactly once.
  await Promise.all(Array.from({ length: count }, start))
  const apiToken = processes.map((p) => p.apiToken).find(Boolean) ?? ''
  return {
    processes,
    schema,
    databaseUrl: url.toString(),
    dataDir,
    env,
    apiToken,
    start,
    async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: url.toString() })
      await client.connect()
      try {
        return (await client.query<R>(sql, params)).rows
      } finally {
        await client.end()
      }
    },
    async stop() {
      await Promise.all(processes.map((p) => p.stop()))
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined)
      await admin.end()
      removeDataDir(dataDir)
    },
  }
}

/** A bearer token for a demo agent, asked of one process (any process accepts it). */
export async function demoToken(server: { url: string }, email: string): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo-password', label: 'cluster test' }),
  })
  if (res.status !== 201) throw new Error(`token for ${email}: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}
