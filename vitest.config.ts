import { defineConfig } from 'vitest/config'

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
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
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
