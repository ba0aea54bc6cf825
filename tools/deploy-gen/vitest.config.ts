import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['../../tools/local-cluster/src/vitest/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
