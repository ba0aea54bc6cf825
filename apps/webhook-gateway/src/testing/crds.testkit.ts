/**
 * Sluice's CRDs on a test or benchmark cluster — the one shared installer
 * (server-side apply, then wait until served) —, the shared poll helper, and
 * a kubeconfig that authenticates as a ServiceAccount (the benchmark runs the
 * gateway as its own).
 */
export { installSluiceCrds as installCrds, waitUntil } from '@sluice/local-cluster/testing';
export { serviceAccountKubeconfig } from '@sluice/local-cluster';
