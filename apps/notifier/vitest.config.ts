import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    // Starts (or reuses, via SLUICE_KUBECONFIG) a real etcd + kube-apiserver +
    // kube-controller-manager and provides the admin kubeconfig path for *.int.test.ts.
    globalSetup: ['../../tools/local-cluster/src/vitest/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The integration files each run a notifier and a GitLab stand-in; on two shared cores they go one at a time.
    fileParallelism: false,
  },
});
