import type { testJob } from '@sluice/manifests';

/**
 * A Job as the manifests lib builds it, in wire form (typed by client-node's
 * `V1Job`), named through the builder so the app needs no direct client-node
 * dependency.
 */
export type Job = ReturnType<typeof testJob>;
