/**
 * Sluice's CRDs on a test or benchmark cluster: the one shared installer
 * (server-side apply, then wait until served).
 */
export { installSluiceCrds as installCrds } from '@sluice/local-cluster/testing';
