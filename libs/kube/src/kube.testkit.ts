/**
 * Helpers for the `*.int.test.ts` files, which run against the real
 * kube-apiserver the vitest global setup provides. Not exported from the lib.
 */
import { inject } from 'vitest';
import { KubeClient } from './client.js';
import { KubeError, isKubeError } from './errors.js';
import type { InformerEvent } from './informer.js';
import { loadKubeConfig } from './kubeconfig.js';
import type { KubeObject } from './types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** A client with the admin credentials of the test cluster. */
export function adminClient(fieldManager = 'kube-int-test', impersonateUser?: string): KubeClient {
  const kubeConfig = loadKubeConfig({ mode: 'file', path: inject('kubeconfig'), ...(impersonateUser && { impersonateUser }) });
  return new KubeClient({ kubeConfig, fieldManager });
}

/** Creates a namespace with a unique name for one test file. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const ns = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: `${prefix}-` } });
  return ns.metadata.name as string;
}

/** Resolves with the first object at `path` that satisfies `predicate`, using an informer (no polling). */
export async function waitForObject<T extends KubeObject>(
  client: KubeClient,
  path: string,
  predicate: (obj: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  let stop = () => undefined as void;
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting on ${path}`)), timeoutMs);
      const inf = client.informer<T>({
        path,
        onEvent: (e) => {
          const objs = e.type === 'RESYNC' ? e.objects : e.type === 'DELETED' ? [] : [e.object];
          const hit = objs.find(predicate);
          if (hit) {
            clearTimeout(timer);
            resolve(hit);
          }
        },
      });
      stop = () => inf.stop();
    });
  } finally {
    stop();
  }
}

/** Records informer events and lets a test await the next one that matches. */
export class EventLog<T extends KubeObject> {
  readonly events: InformerEvent<T>[] = [];
  private waiters: { match: (e: InformerEvent<T>) => boolean; resolve: (e: InformerEvent<T>) => void }[] = [];

  readonly onEvent = (e: InformerEvent<T>): void => {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(e)) return true;
      w.resolve(e);
      return false;
    });
  };

  /** The first event (already seen or still to come) after index `from` that matches. */
  next(match: (e: InformerEvent<T>) => boolean, from = 0, timeoutMs = 20_000): Promise<InformerEvent<T>> {
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching informer event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}

/** Matches an ADDED/MODIFIED/DELETED event for the object `name`. */
export const eventFor =
  <T extends KubeObject>(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, also: (o: T) => boolean = () => true) =>
  (e: InformerEvent<T>): boolean =>
    e.type === type && e.object.metadata.name === name && also(e.object);

/** A namespaced test CRD (`Probe`) with a status subresource, in its own API group. */
export function probeCrd(group: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `probes.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'probes', singular: 'probe', kind: 'Probe', listKind: 'ProbeList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

/**
 * Installs the test CRD and resolves once the apiserver serves it: the CRD is
 * Established and its storage answers (a new CRD's storage briefly answers
 * 429 "storage is (re)initializing", and discovery can lag).
 */
export async function installProbeCrd(client: KubeClient, group: string, namespace: string): Promise<void> {
  const crd = probeCrd(group);
  await client.apply(crd);
  await waitForObject<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(
    client,
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions`,
    (o) => o.metadata.name === crd.metadata.name && !!o.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'),
  );
  for (let attempt = 0; ; attempt++) {
    try {
      await client.list({ apiVersion: `${group}/v1`, kind: 'Probe', namespace });
      return;
    } catch (err) {
      if (attempt >= 40 || !isKubeError(err, 'NotFound', 'Unavailable')) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A unique API group per test file, so files never share (or fight over) a CRD. */
export function uniqueGroup(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.kube-test.sluice.dev`;
}

/** The KubeError a call fails with; fails the test if the call succeeds or throws something else. */
export async function rejectionOf(call: Promise<unknown>): Promise<KubeError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof KubeError) return err;
    throw err;
  }
  throw new Error('expected the call to fail with a KubeError, but it succeeded');
}
