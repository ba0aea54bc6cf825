/**
 * Helpers for integration tests on the local cluster, imported as
 * `@sluice/local-cluster/testing` (kept out of the main entry so nothing
 * ships them).
 */
export { adminKubeConfig, createTestNamespace, waitFor } from './client-node.js';
export { adminClient, createNamespace, deleteNamespace, installSluiceCrds, waitForObject } from './sluice.js';
export { waitUntil } from './wait.js';
export { kubectl, kubectlBinary, type KubectlResult } from './kubectl.js';
