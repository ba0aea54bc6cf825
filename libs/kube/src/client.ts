import { PatchStrategy } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { Discovery } from './discovery.js';
import { KubeError, isKubeError } from './errors.js';
import { Informer } from './informer.js';
import { listAllPages } from './list.js';
import type { ListPage } from './list.js';
import type { InformerOptions } from './informer.js';
import { objectKey, resourcePath } from './paths.js';
import { readPodLog, streamPodLog } from './pod-log.js';
import type { PodLogOptions, PodLogStream } from './pod-log.js';
import { updateStatusWithRetry } from './status.js';
import type { UpdateStatusOptions, UpdateStatusResult } from './status.js';
import { KubeTransport } from './transport.js';
import type { CollectionRef, KubeObject, KubeStatus, ObjectRef } from './types.js';
import { refOf } from './types.js';
import { apiWatchSource } from './watch-source.js';

/** Options for {@link KubeClient}. */
export interface KubeClientOptions {
  /** Built by `loadKubeConfig`; apps use `kubeClientFromEnv` instead of building one. */
  readonly kubeConfig: KubeConfig;
  /**
   * Recorded in `managedFields` for every write this client makes, one per
   * app (`sluice-deployer`), so `kubectl get -o yaml` shows who owns a field.
   */
  readonly fieldManager: string;
  /** Per-request timeout; watches are not affected. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/** Options for {@link KubeClient.apply}. */
export interface ApplyOptions {
  /** Overrides the client's field manager for this call. */
  readonly fieldManager?: string;
  /** Take ownership of fields another manager owns instead of failing with `Conflict`. Default false. */
  readonly force?: boolean;
}

/** What {@link KubeClient.createIfAbsent} found. */
export type CreateIfAbsentResult<T extends KubeObject> =
  | { readonly created: true; readonly object: T }
  | { readonly created: false; readonly existing: T };

/** Options for {@link KubeClient.list}. */
export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** A complete listing and the resourceVersion it is consistent at. */
export interface ListResult<T extends KubeObject> {
  readonly items: T[];
  readonly resourceVersion: string;
}

/** Options for {@link KubeClient.delete}. */
export interface DeleteOptions {
  /** Default `Background`: a Job deleted with the server default would orphan its pods. */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  readonly gracePeriodSeconds?: number;
  /** Delete only if the object still has this uid / resourceVersion (else `Conflict`). */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

/** Options for the patch helpers. */
export interface PatchOptions {
  /** Patch a subresource, e.g. `status`. */
  readonly subresource?: string;
}

/**
 * The one client Sluice uses to talk to the Kubernetes API. Works on plain
 * JSON objects of any kind (core or custom), resolved through discovery.
 * Failures are `KubeError`s; outcomes a caller expects (absent on `get`,
 * already there on `createIfAbsent`, already gone on `delete`) are values.
 */
export class KubeClient {
  private readonly transport: KubeTransport;
  private readonly discovery: Discovery;
  private readonly fieldManager: string;
  private readonly kubeConfig: KubeConfig;

  /** Apps build theirs with `kubeClientFromEnv`; tests with `kubeClientFromFile`. */
  constructor(options: KubeClientOptions) {
    if (!options.fieldManager) throw new TypeError('KubeClient needs a fieldManager, e.g. the app name "sluice-deployer"');
    this.fieldManager = options.fieldManager;
    this.kubeConfig = options.kubeConfig;
    this.transport = new KubeTransport(options.kubeConfig, options.requestTimeoutMs);
    this.discovery = new Discovery(this.transport);
  }

  /**
   * Server-side apply (`application/apply-patch+yaml`): creates or updates
   * `obj` and makes this field manager the owner of exactly the fields given.
   * Re-applying the same object is a no-op.
   */
  async apply<T extends KubeObject>(obj: T, options: ApplyOptions = {}): Promise<T> {
    return this.transport.request<T>({
      method: 'PATCH',
      path: await this.pathOf(refOf(obj)),
      query: { fieldManager: options.fieldManager ?? this.fieldManager, force: options.force },
      body: obj,
      contentType: PatchStrategy.ServerSideApply,
    });
  }

  /** Creates `obj` (`generateName` allowed); fails with `AlreadyExists` if it exists. */
  async create<T extends KubeObject>(obj: T): Promise<T> {
    if (!obj.metadata.name && !obj.metadata.generateName) {
      throw new TypeError(`${obj.kind} needs metadata.name or metadata.generateName`);
    }
    const ref: CollectionRef = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace };
    return this.transport.request<T>({
      method: 'POST',
      path: await this.collectionPath(ref, true),
      query: { fieldManager: this.fieldManager },
      body: obj,
    });
  }

  /**
   * Creates `obj` unless an object of that name exists; an existing one is
   * returned, not thrown. This is how a deterministic name de-duplicates work.
   * Needs `create` and `get` permission.
   */
  async createIfAbsent<T extends KubeObject>(obj: T): Promise<CreateIfAbsentResult<T>> {
    const ref = refOf(obj);
    // Bounded: it only loops if the existing object is deleted between our create and our read.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return { created: true, object: await this.create(obj) };
      } catch (err) {
        if (!isKubeError(err, 'AlreadyExists')) throw err;
      }
      const existing = await this.get<T>(ref);
      if (existing) return { created: false, existing };
    }
    throw new KubeError('Conflict', `${describe(ref)} keeps being created and deleted concurrently`);
  }

  /** Reads one object; `undefined` when it does not exist. */
  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.transport.request<T>({ method: 'GET', path: await this.pathOf(ref) });
    } catch (err) {
      // Only the object's own absence is an answer; an unknown kind stays an error.
      if (isKubeError(err, 'NotFound') && err.details?.details?.name === ref.name) return undefined;
      throw err;
    }
  }

  /** Lists every object of a kind (following pagination), in one namespace or all. */
  async list<T extends KubeObject>(ref: CollectionRef, options: ListOptions = {}): Promise<ListResult<T>> {
    const path = await this.collectionPath(ref);
    return listAllPages<T>((cont) =>
      this.transport.request<ListPage>({
        method: 'GET',
        path,
        query: { limit: 500, continue: cont, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
      }),
    );
  }

  /** Deletes one object; `false` when it was already gone. */
  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: options.propagationPolicy ?? 'Background',
      ...(options.gracePeriodSeconds !== undefined && { gracePeriodSeconds: options.gracePeriodSeconds }),
      ...(options.preconditions && { preconditions: options.preconditions }),
    };
    try {
      await this.transport.request<KubeStatus | KubeObject>({ method: 'DELETE', path: await this.pathOf(ref), body });
      return true;
    } catch (err) {
      if (isKubeError(err, 'NotFound') && err.details?.details?.name === ref.name) return false;
      throw err;
    }
  }

  /**
   * JSON merge patch (RFC 7386, `application/merge-patch+json`): objects merge,
   * `null` deletes a key, and lists are replaced whole. Works on every kind.
   */
  async mergePatch<T extends KubeObject>(ref: ObjectRef, patch: unknown, options: PatchOptions = {}): Promise<T> {
    return this.patch<T>(ref, patch, PatchStrategy.MergePatch, options);
  }

  /**
   * Strategic merge patch (`application/strategic-merge-patch+json`): like a
   * merge patch, but lists with a merge key (containers by `name`, ports by
   * `containerPort`) are merged item by item. Built-in kinds only; custom
   * resources answer `Invalid` (415).
   */
  async strategicMergePatch<T extends KubeObject>(ref: ObjectRef, patch: unknown, options: PatchOptions = {}): Promise<T> {
    return this.patch<T>(ref, patch, PatchStrategy.StrategicMergePatch, options);
  }

  /**
   * Replaces `status` through the status subresource with the result of the
   * pure `mutate(current)`, retrying on resourceVersion conflicts by reading
   * again and re-applying `mutate`. `mutate` returns `undefined` for "no
   * change", and then nothing is written. Throws `NotFound` when the object
   * does not exist and `Conflict` once `maxAttempts` are used up.
   */
  async updateStatus<T extends KubeObject, S = unknown>(
    ref: ObjectRef,
    mutate: (current: T) => S | undefined,
    options: UpdateStatusOptions<T> = {},
  ): Promise<UpdateStatusResult<T>> {
    const path = await this.pathOf(ref);
    return updateStatusWithRetry<T, S>(
      {
        read: () => this.get<T>(ref),
        write: (obj) =>
          this.transport.request<T>({ method: 'PUT', path: `${path}/status`, query: { fieldManager: this.fieldManager }, body: obj }),
        describe: () => describe(ref),
      },
      mutate,
      options,
    );
  }

  /**
   * Starts an informer: list, then watch from the list's resourceVersion,
   * keeping a local cache. See {@link Informer}. Build `path` with `resourcePath`.
   */
  informer<T extends KubeObject>(options: InformerOptions<T>): Informer<T> {
    return new Informer<T>(apiWatchSource(this.transport), options);
  }

  /**
   * Reads a container's log (`pods/{name}/log`), authenticated like every
   * other call. Throws a `KubeError`: `NotFound` (no such pod or container),
   * `Invalid` (the container has not started yet), `Unavailable`, … `timeoutMs`
   * defaults to 30 s.
   */
  readPodLog(options: PodLogOptions & { readonly timeoutMs?: number }): Promise<string> {
    return readPodLog(this.kubeConfig, options);
  }

  /**
   * Follows a container's log: `onData` gets the text as the container writes
   * it. Resolves once the server accepted the request (a missing pod rejects
   * here, as in {@link readPodLog}); stop it with the returned stream's `stop()`.
   */
  streamPodLog(options: PodLogOptions, onData: (text: string) => void): Promise<PodLogStream> {
    return streamPodLog(this.kubeConfig, options, onData);
  }

  private async patch<T extends KubeObject>(ref: ObjectRef, patch: unknown, contentType: string, options: PatchOptions): Promise<T> {
    const path = await this.pathOf(ref);
    return this.transport.request<T>({
      method: 'PATCH',
      path: options.subresource ? `${path}/${encodeURIComponent(options.subresource)}` : path,
      query: { fieldManager: this.fieldManager },
      body: patch,
      contentType,
    });
  }

  private async pathOf(ref: ObjectRef): Promise<string> {
    const info = await this.discovery.resolve(ref.apiVersion, ref.kind);
    if (info.namespaced && !ref.namespace) {
      throw new TypeError(`${ref.kind} "${ref.name}" is namespaced; set its namespace`);
    }
    return resourcePath({ apiVersion: ref.apiVersion, plural: info.plural, namespace: info.namespaced ? ref.namespace : undefined, name: ref.name });
  }

  private async collectionPath(ref: CollectionRef, requireNamespace = false): Promise<string> {
    const info = await this.discovery.resolve(ref.apiVersion, ref.kind);
    if (requireNamespace && info.namespaced && !ref.namespace) {
      throw new TypeError(`${ref.kind} is namespaced; set metadata.namespace`);
    }
    return resourcePath({ apiVersion: ref.apiVersion, plural: info.plural, namespace: info.namespaced ? ref.namespace : undefined });
  }
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${objectKey(ref.namespace, ref.name)}`;
}
