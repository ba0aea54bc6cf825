/**
 * Sluice's CRDs on a test or benchmark cluster — the one shared installer
 * (server-side apply, then wait until served) — and the shared poll helper.
 */
export { installSluiceCrds as installCrds, waitUntil } from '@sluice/local-cluster/testing';
