import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Starts (or reuses, via SLUICE_KUBECONFIG) a real etcd + kube-apiserver +
    // kube-controller-manager + node agent; *.int.test.ts get its kubeconfig via inject('kubeconfig').
    globalSetup: ['../../tools/local-cluster/src/vitest/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two shared cores: one file at a time keeps the cluster tests calm.
    fileParallelism: false,
  },
});
