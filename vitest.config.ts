import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config'

const integration = {
  include: ['tests/integration/**/*.test.ts'],
  environment: 'node' as const,
  testTimeout: 30_000,
  hookTimeout: 30_000,
}

// The same integration suite on PostgreSQL (DESIGN §6: both stores, one behaviour), defined only when
// TEST_DATABASE_URL names one; each server gets a fresh schema (tests/support/test-database.ts). A set
// variable whose server does not answer fails every file with that message: it never skips quietly.
const integrationPg: TestProjectInlineConfiguration[] = process.env.TEST_DATABASE_URL
  ? [{ test: { ...integration, name: 'integration-pg', env: { TEST_STORE: 'postgres' }, setupFiles: ['tests/support/drop-test-schemas.ts'] } }]
  : []

// Three suites (DESIGN §7): unit (pure code and the client's data layer on fake-indexeddb),
// integration (the real server on a random port), e2e (Debian Chromium via playwright-core).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      { test: { ...integration, name: 'integration' } },
      // The store contract (DESIGN §6): every store area's behaviour, on SQLite and, with
      // TEST_DATABASE_URL, on PostgreSQL (tests/support/stores.ts).
      { test: { name: 'store', include: ['tests/store/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000 } },
      // Several real server processes on one PostgreSQL and one Redis (issue 11); always on those
      // services (DESIGN §8), so it runs once, not again in 'integration-pg'.
      { test: { ...integration, name: 'cluster', include: ['tests/cluster/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      ...integrationPg,
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Browsers are heavy on 2 cores: one e2e file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
})
