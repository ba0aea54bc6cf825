import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Starts (or reuses, via SLUICE_KUBECONFIG) the node-agent lane: etcd + kube-apiserver +
    // kube-controller-manager + node agent; the test gets its kubeconfig via inject('kubeconfig').
    globalSetup: ['../../tools/local-cluster/src/vitest/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two shared cores: the fault run is timing-sensitive, one file at a time.
    fileParallelism: false,
  },
});
