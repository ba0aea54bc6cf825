/**
 * Delivery retention, acting: the notifier is the last writer of a Delivery
 * and knows when its statuses are all posted, so it deletes what an
 * Application's `spec.history` no longer keeps (`decide/retention.ts`
 * decides which). A pass runs per Application a second after one of its
 * Deliveries settled (final, every status posted; those settling meanwhile
 * share it), when the Application is listed or changed (so once at
 * start-up), and again a second later while a pass left some behind.
 *
 * A pass reads the caches (Applications, Deliveries) and the environments'
 * Services (what is live, what a rollback returns to: the deployer's truth),
 * then deletes at most `maxDeletesPerPass` Deliveries, each on the
 * precondition of the uid and resourceVersion it decided on: one changed
 * since (or recreated under the same name) is not deleted. Already gone (404)
 * and changed (409) are expected; a Service it may not read skips the pass.
 */
import { API_GROUP_VERSION, ApplicationSchema, DeliverySchema, type Delivery } from '@sluice/delivery';
import { isKubeError, objectKey, resourcePath, type Enqueue, type HandleResult, type Informer, type KubeClient, type KubeObject } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { DesiredOptions } from '../decide/desired.js';
import { reliedOn, reliedOnServices, retentionPlan } from '../decide/retention.js';

/** The lane retention passes share (one pass at a time, apart from the GitLab lanes). */
export const RETENTION_LANE = 'retention';
const PREFIX = 'retention:';

/** Options of {@link DeliveryRetention}. */
export interface RetentionOptions {
  /** Namespace of the Applications and Deliveries. */
  readonly namespace: string;
  /** The notifier's status names: what "every status posted" means. */
  readonly decide: DesiredOptions;
  readonly logger: Logger;
  /** Deletes per pass. Default 50. */
  readonly maxDeletesPerPass?: number;
  /**
   * Pause before the next pass of an Application whose pass left deletable
   * Deliveries behind, and after a Delivery settles (the Deliveries that
   * settle meanwhile share the pass). Default 1 s.
   */
  readonly pauseMs?: number;
  /** Told how many Deliveries of an Application each pass deleted, 0 included (the metric). */
  readonly onDeleted?: (application: string, count: number) => void;
  readonly now?: () => number;
}

/** One pass's tally. */
interface Tally {
  deleted: number;
  gone: number;
  changed: number;
}

/** Applies each Application's retention policy; driven by the notifier's controller through its queue. */
export class DeliveryRetention {
  private applications: Informer<KubeObject> | undefined;
  private deliveries: Informer<KubeObject> | undefined;
  private queue: Enqueue | undefined;

  constructor(private readonly options: RetentionOptions) {}

  /** In the controller's setup: watches Applications (a listed or changed one gets a pass); returns the informer to sync. */
  setup(client: KubeClient, queue: Enqueue, deliveries: Informer<KubeObject>): Informer<KubeObject> {
    this.queue = queue;
    this.deliveries = deliveries;
    const { namespace, logger } = this.options;
    const informer = client.informer<KubeObject>({
      path: resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'applications', namespace }),
      onEvent: (event) => {
        if (event.type === 'RESYNC') for (const object of event.objects) this.request(object.metadata.namespace, object.metadata.name);
        else if (event.type !== 'DELETED') this.request(event.object.metadata.namespace, event.object.metadata.name);
      },
      onError: (error) => logger.warn({ err: error }, 'Application watch interrupted; resuming'),
    });
    this.applications = informer;
    return informer;
  }

  /** True for the queue keys of retention passes. */
  owns(key: string): boolean {
    return key.startsWith(PREFIX);
  }

  /** `delivery` is final and all posted: a pass for its Application shortly (one pass for those settling meanwhile). */
  settled(delivery: Delivery): void {
    this.queue?.addAt(keyOf(delivery.metadata.namespace, delivery.spec.application), this.now() + this.pauseMs());
  }

  /** One pass for the Application the key names; see the module comment. */
  async pass(kube: KubeClient, key: string): Promise<HandleResult> {
    const [namespace, name] = key.slice(PREFIX.length).split('/', 2) as [string, string];
    const parsed = ApplicationSchema.safeParse(this.applications?.get(namespace, name));
    // Gone, or invalid (the deployer reports it Ready=False): no policy to apply, nothing deleted.
    if (!parsed.success) return {};
    const application = parsed.data;
    const log = this.options.logger.child({ application: name, namespace });

    const services = reliedOnServices(application);
    let relied: Set<string>;
    try {
      relied = reliedOn(await Promise.all(services.map((s) => kube.get({ apiVersion: 'v1', kind: 'Service', namespace: s.namespace, name: s.name }))));
    } catch (error) {
      if (!isKubeError(error, 'Forbidden')) throw error;
      log.warn({ err: error, services }, 'Delivery retention skipped: cannot read the Services that say which Delivery is live');
      return {};
    }

    const plan = retentionPlan({ application, deliveries: this.deliveriesOf(namespace, name), reliedOn: relied }, this.options.decide, this.options.maxDeletesPerPass ?? 50);
    const tally: Tally = { deleted: 0, gone: 0, changed: 0 };
    let failure: unknown;
    for (const delivery of plan.remove) {
      try {
        await this.remove(kube, delivery, tally);
      } catch (error) {
        failure = error;
        break;
      }
    }
    // Every pass counts, none included: the Application's series exists from its first pass, not its first delete.
    this.options.onDeleted?.(name, tally.deleted);
    log.info({ ...tally, finished: plan.finished, keepFinished: application.spec.history?.keepFinished, deferred: plan.deferred, ...(failure !== undefined && { err: failure }) }, `Delivery retention: deleted ${tally.deleted}`);
    if (failure !== undefined) return { retry: { reason: 'error', afterMs: null } };
    return plan.deferred > 0 || tally.changed > 0 ? { recheckAtMs: this.now() + this.pauseMs() } : {};
  }

  private async remove(kube: KubeClient, delivery: Delivery, tally: Tally): Promise<void> {
    const { namespace, name, uid, resourceVersion } = delivery.metadata;
    try {
      const existed = await kube.delete(
        { apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name },
        { preconditions: { ...(uid !== undefined && { uid }), ...(resourceVersion !== undefined && { resourceVersion }) } },
      );
      if (existed) tally.deleted++;
      else tally.gone++;
    } catch (error) {
      // Changed since it was decided on (or recreated under its name): decided again on a later pass.
      if (!isKubeError(error, 'Conflict')) throw error;
      tally.changed++;
    }
  }

  /** The Application's Deliveries from the cache, parsed (one that does not parse is never a candidate). */
  private deliveriesOf(namespace: string, application: string): Delivery[] {
    return (this.deliveries?.list() ?? []).flatMap((object) => {
      if (object.metadata.namespace !== namespace || (object['spec'] as { application?: unknown } | undefined)?.application !== application) return [];
      const parsed = DeliverySchema.safeParse(object);
      return parsed.success ? [parsed.data] : [];
    });
  }

  private request(namespace: string | undefined, application: string | undefined): void {
    if (application) this.queue?.add(keyOf(namespace, application));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private pauseMs(): number {
    return this.options.pauseMs ?? 1000;
  }
}

function keyOf(namespace: string | undefined, application: string): string {
  return `${PREFIX}${objectKey(namespace, application)}`;
}
