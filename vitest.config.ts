import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real servers, real clients and real databases: files run in parallel, tests inside a file in order.
    pool: 'forks',
    reporters: ['default'],
  },
});
