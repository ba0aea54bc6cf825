import type { testJob } from '@sluice/manifests';

/**
 * A Job as the manifests lib builds it (client-node's `V1Job`), named through
 * the builder so the app needs no direct client-node dependency.
 */
export type Job = ReturnType<typeof testJob>;
/** A container of a Job's pod template. */
export type Container = NonNullable<Job['spec']>['template']['spec'] extends infer P ? (P extends { containers: (infer C)[] } ? C : never) : never;
