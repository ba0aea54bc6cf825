/**
 * `@sluice/kube`: the one place Sluice talks to the Kubernetes API.
 *
 * - `kubeClientFromEnv` / `kubeClientFromFile` / `createKubeClient`: clients,
 *   never configs (the KubeConfig is built once, inside, by `loadKubeConfig`)
 * - `KubeClient`: server-side apply, createIfAbsent, patches, conflict-retrying
 *   status updates, get/list/delete of any kind, informers, container logs
 *   (`readPodLog` / `streamPodLog`, read or followed)
 * - `KubeError`: every failure, classified into a closed set of codes
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
export { backoffDelay } from './backoff.js';
export type { BackoffOptions } from './backoff.js';
export { objectKey, resourcePath } from './paths.js';
export type { ResourcePathParts } from './paths.js';
export { refOf } from './types.js';
export type { CollectionRef, KubeObject, KubeStatus, ManagedFieldsEntry, ObjectMeta, ObjectRef } from './types.js';
export type { PodLogOptions, PodLogStream } from './pod-log.js';
export { WorkQueue } from './work-queue.js';
export type { HandleResult, WorkQueueOptions } from './work-queue.js';
