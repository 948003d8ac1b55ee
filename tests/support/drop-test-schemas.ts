import { afterAll } from 'vitest'
import { dropLeftoverDatabases } from './test-database.ts'

// Setup file of the 'integration-pg' project: a test file's schemas go with it, even those of servers
// a failing test never closed.
afterAll(dropLeftoverDatabases)
