import { defineConfig } from 'vitest/config';

// No cluster global setup: the demo test starts its own control plane (see demo.int.test.ts).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15_000,
  },
});
