import type { Application, Delivery } from '@sluice/delivery';
import { API_GROUP_VERSION, LABEL_KEYS, parseApplication, parseDelivery } from '@sluice/delivery';
import type { Informer, KubeObject } from '@sluice/kube';
import type { EventFacts, JobFacts, PodFacts } from '../decide/facts.js';
import type { Snapshot } from '../decide/step.js';
import { STAGE_LABEL, type JobKind } from '../jobs/names.js';

/** A parsed object, remembered per resourceVersion so unchanged objects are parsed once. */
interface Parsed<T> {
  readonly rv: string | undefined;
  readonly result: { ok: true; value: T } | { ok: false; problems: string };
}

/** What the view reads of an informer's cache. */
export type Cache<T extends KubeObject> = Pick<Informer<T>, 'list' | 'get'>;

/** The caches the view reads. */
export interface ViewInformers {
  readonly deliveries: Cache<KubeObject>;
  readonly applications: Cache<KubeObject>;
  readonly jobs: Cache<KubeObject & JobFacts>;
  readonly pods: Cache<KubeObject & PodFacts>;
  readonly events: Cache<KubeObject & EventFacts>;
}

/** The caches of one kind's informers in several namespaces, read as one. */
export function mergedCache<T extends KubeObject>(informers: readonly Cache<T>[]): Cache<T> {
  if (informers.length === 1 && informers[0]) return informers[0];
  return {
    list: () => informers.flatMap((i) => i.list()),
    get: (namespace, name) => informers.reduce<T | undefined>((found, i) => found ?? i.get(namespace, name), undefined),
  };
}

/**
 * The runner's picture of the cluster: the informer caches, plus the
 * Deliveries as this runner last wrote them until the informer catches up
 * (so a step right after a write decides from what was written, not from a
 * stale cache; the overlay entry goes once the watch shows that very
 * resourceVersion, or the Delivery is deleted).
 */
export class ClusterView {
  private readonly written = new Map<string, KubeObject>();
  private readonly parsedDeliveries = new Map<string, Parsed<Delivery>>();
  private readonly parsedApplications = new Map<string, Parsed<Application>>();

  constructor(
    private readonly informers: ViewInformers,
    private readonly namespace: string,
  ) {}

  /** Called for every Delivery event: drops the overlay entry once the watch has caught up with it. */
  observeDelivery(obj: KubeObject, deleted: boolean): void {
    const name = obj.metadata.name ?? '';
    const mine = this.written.get(name);
    if (deleted || (mine && mine.metadata.resourceVersion === obj.metadata.resourceVersion)) this.written.delete(name);
    if (deleted) this.parsedDeliveries.delete(name);
  }

  /** Records the object a status write returned. */
  remember(obj: KubeObject): void {
    this.written.set(obj.metadata.name ?? '', obj);
  }

  /** Forgets what this runner wrote (after a Conflict: the cluster knows better). */
  forget(name: string): void {
    this.written.delete(name);
  }

  /** The freshest raw Delivery. */
  rawDelivery(name: string): KubeObject | undefined {
    return this.written.get(name) ?? this.informers.deliveries.get(this.namespace, name);
  }

  /** Every Delivery name known. */
  deliveryNames(): string[] {
    return this.informers.deliveries.list().map((d) => d.metadata.name ?? '');
  }

  /** The parsed Delivery, or its problems. */
  delivery(name: string): Parsed<Delivery>['result'] | undefined {
    const raw = this.rawDelivery(name);
    if (!raw) return undefined;
    return cachedParse(this.parsedDeliveries, name, raw, parseDelivery);
  }

  /** Every Delivery that parses. */
  deliveries(): Delivery[] {
    const out: Delivery[] = [];
    for (const name of this.deliveryNames()) {
      const parsed = this.delivery(name);
      if (parsed?.ok) out.push(parsed.value);
    }
    return out;
  }

  /** The Application `name`. */
  application(name: string): Snapshot['application'] {
    const raw = this.informers.applications.get(this.namespace, name);
    if (!raw) return { kind: 'missing' };
    const parsed = cachedParse(this.parsedApplications, name, raw, parseApplication);
    return parsed.ok ? { kind: 'found', value: parsed.value } : { kind: 'invalid', problems: parsed.problems };
  }

  /** Names of the Deliveries of Application `name`. */
  deliveriesOf(application: string): string[] {
    return this.informers.deliveries
      .list()
      .filter((d) => (d as { spec?: { application?: string } }).spec?.application === application)
      .map((d) => d.metadata.name ?? '');
  }

  /** The runner's Jobs and their pods for Delivery `name`, by kind. */
  jobsOf(name: string): { jobs: Partial<Record<JobKind, JobFacts>>; pods: Partial<Record<JobKind, PodFacts[]>> } {
    const jobs: Partial<Record<JobKind, JobFacts>> = {};
    const pods: Partial<Record<JobKind, PodFacts[]>> = {};
    for (const job of this.informers.jobs.list()) {
      if (job.metadata.labels?.[LABEL_KEYS.delivery] !== name) continue;
      const kind = job.metadata.labels[STAGE_LABEL];
      if (kind === 'test' || kind === 'build') jobs[kind] = job;
    }
    for (const pod of this.informers.pods.list()) {
      if (pod.metadata.labels?.[LABEL_KEYS.delivery] !== name) continue;
      const kind = pod.metadata.labels[STAGE_LABEL];
      if (kind === 'test' || kind === 'build') (pods[kind] ??= []).push(pod);
    }
    return { jobs, pods };
  }

  /** The Delivery a Job belongs to, from its labels. */
  deliveryOfJob(jobName: string, namespace: string): string | undefined {
    return this.informers.jobs.get(namespace, jobName)?.metadata.labels?.[LABEL_KEYS.delivery];
  }

  /** FailedCreate events about the given Jobs. */
  eventsFor(jobNames: readonly string[]): EventFacts[] {
    if (jobNames.length === 0) return [];
    return this.informers.events.list().filter((e) => e.involvedObject.kind === 'Job' && jobNames.includes(e.involvedObject.name ?? ''));
  }
}

function cachedParse<T>(
  cache: Map<string, Parsed<T>>,
  name: string,
  raw: KubeObject,
  parse: (input: unknown) => { ok: true; value: T } | { ok: false; error: { problems: readonly string[] } },
): Parsed<T>['result'] {
  const rv = raw.metadata.resourceVersion;
  const hit = cache.get(name);
  if (hit && hit.rv === rv && rv !== undefined) return hit.result;
  const parsed = parse(raw);
  const result: Parsed<T>['result'] = parsed.ok ? { ok: true, value: parsed.value } : { ok: false, problems: parsed.error.problems.join('; ') };
  cache.set(name, { rv, result });
  return result;
}

/** The Delivery collection's apiVersion, for refs. */
export const DELIVERY_API_VERSION = API_GROUP_VERSION;
