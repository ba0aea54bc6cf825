/**
 * `@sluice/kube`: the one place Sluice talks to the Kubernetes API.
 *
 * - `kubeClientFromEnv` / `kubeClientFromFile` / `createKubeClient`: clients,
 *   never configs (the KubeConfig is built once, inside, by `loadKubeConfig`)
 * - `KubeClient`: server-side apply, createIfAbsent, patches, conflict-retrying
 *   status updates, get/list/delete of any kind, informers, container logs
 *   (`readPodLog` / `streamPodLog`, read or followed)
 * - `KubeError`: every failure, classified into a closed set of codes
 * - `ControllerRuntime`: elect → informers → keyed work queue (one backoff,
 *   optional lanes) → reconcile, with readiness; every controller runs on it
 * - `LeaderElector`: leader election on a coordination.k8s.io/v1 Lease, and
 *   `fencedClient`, whose writes fail with `Fenced` once this replica may not write
 */
export { kubeConfigFromEnv, SERVICE_ACCOUNT_DIR } from './kubeconfig.js';
export type { ExplicitOptions, FileOptions, InClusterOptions, KubeConfigOptions } from './kubeconfig.js';
export { createKubeClient, kubeClientFromEnv, kubeClientFromFile } from './connect.js';
export type { ConnectOptions } from './connect.js';
export { KubeClient } from './client.js';
export type {
  ApplyOptions,
  CreateIfAbsentResult,
  DeleteOptions,
  KubeClientOptions,
  ListOptions,
  ListResult,
  PatchOptions,
} from './client.js';
export type { UpdateStatusOptions, UpdateStatusResult } from './status.js';
export type { Informer, InformerEvent, InformerOptions } from './informer.js';
export { KUBE_ERROR_CODES, KubeError, isKubeError, toKubeError } from './errors.js';
export type { KubeErrorCode } from './errors.js';
export { backoffDelay, retryDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { objectKey, resourcePath } from './paths.js';
export type { ResourcePathParts } from './paths.js';
export { refOf } from './types.js';
export type { CollectionRef, KubeObject, KubeStatus, ManagedFieldsEntry, ObjectMeta, ObjectRef } from './types.js';
export type { PodLogOptions, PodLogStream } from './pod-log.js';
export { KeyedQueue } from './runtime/keyed-queue.js';
export type { HandleResult, KeyedQueueOptions } from './runtime/keyed-queue.js';
export { ControllerRuntime } from './runtime/runtime.js';
export type { Controller, ControllerContext, ControllerRuntimeOptions, Enqueue, RuntimeLogger, RuntimeStatus, SyncedCache } from './runtime/runtime.js';
export { LeaderElector, leaderLeaseName } from './leader/elector.js';
export type { ElectionLogger, LeaderElectorOptions, LeaderRole } from './leader/elector.js';
export { decideLeader, leaseExpiresAtMs, mayWrite, microTime, timingProblems } from './leader/decide.js';
export type { LeaderBelief, LeaderDecision, LeaderTiming, LeaseSpec } from './leader/decide.js';
export { fencedClient, isFenced } from './leader/fenced-client.js';
export type { Fence } from './leader/fenced-client.js';
export { leaderEnv, leaderSettingsFromConfig } from './leader/env.js';
export { electorFromSettings, leadershipOf } from './leader/wiring.js';
export type { Leadership } from './leader/wiring.js';
export type { LeaderConfig, LeaderSettings } from './leader/env.js';
