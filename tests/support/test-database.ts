import pg from 'pg'
import { dropSchema, freshSchema, testDatabaseUrl } from './stores.ts'

// Which database the integration suite's servers run on: SQLite in their temp DATA_DIR (default), or
// PostgreSQL when TEST_STORE=postgres (the 'integration-pg' project), each server on a fresh schema of
// TEST_DATABASE_URL, named in the URL it gets as DATABASE_URL. A server keeps its schema across
// restarts, like its DATA_DIR; the schema is dropped when the server is closed, and whatever a test
// file left behind by its afterAll (tests/support/drop-test-schemas.ts).

export const onPostgres = (): boolean => process.env.TEST_STORE === 'postgres'

const created = new Set<string>()

/** A DATABASE_URL on a new, empty schema of TEST_DATABASE_URL. */
export async function freshDatabase(): Promise<{ url: string; schema: string }> {
  const base = testDatabaseUrl()
  if (!base) throw new Error('TEST_STORE=postgres needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)')
  const schema = freshSchema()
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 10_000 })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(`TEST_STORE=postgres: PostgreSQL at TEST_DATABASE_URL (${base}) does not answer: ${(error as Error).message}`)
  }
  try {
    // Created here, not by the server: its search_path names the schema, and CREATE TABLE needs it to exist.
    await client.query(`CREATE SCHEMA "${schema}"`)
  } finally {
    await client.end()
  }
  created.add(schema)
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return { url: url.toString(), schema }
}

export async function dropDatabase(schema: string): Promise<void> {
  created.delete(schema)
  await dropSchema(testDatabaseUrl()!, schema)
}

/** Every schema this test file created and did not drop (a test that failed before its close). */
export async function dropLeftoverDatabases(): Promise<void> {
  for (const schema of [...created]) await dropDatabase(schema)
}
