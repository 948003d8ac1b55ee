import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Config } from '../config.ts'
import type { Store } from './types.ts'
import { openSqliteStore } from './sqlite/sqlite-store.ts'
import { openPgStore } from './pg/pg-store.ts'

/** PostgreSQL when DATABASE_URL is set; otherwise the embedded SQLite file in DATA_DIR (the default). */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Store> {
  if (config.databaseUrl) return openPgStore(config.databaseUrl)
  mkdirSync(config.dataDir, { recursive: true })
  return openSqliteStore(path.join(config.dataDir, 'inbox.sqlite'))
}

/** Where the data lives, for the start-up output: never the URL's password. */
export function describeStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (!config.databaseUrl) return `SQLite in ${config.dataDir}`
  try {
    const url = new URL(config.databaseUrl)
    return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`
  } catch {
    return 'PostgreSQL'
  }
}
