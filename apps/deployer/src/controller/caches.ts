import { API_GROUP_VERSION, ApplicationSchema, DeliverySchema, DeliverySpecSchema, ENVIRONMENT_NAMES, type Application, type EnvironmentName } from '@sluice/delivery';
import { resourcePath, type Informer, type InformerEvent, type KubeClient, type KubeObject } from '@sluice/kube';
import { APP_LABEL, type Color } from '@sluice/manifests';
import * as z from 'zod';
import type { DeploymentObject, EnvironmentFacts, ParsedDelivery, PodObject, ServiceObject } from '../decide/facts.js';
import { pushOf, type Push } from '../decide/queue.js';

// What comparing pushes needs of a Delivery, status or not.
const PushSchema = z.object({
  metadata: z.looseObject({ name: z.string(), annotations: z.record(z.string(), z.string()).optional() }),
  spec: DeliverySpecSchema.pick({ application: true, project: true, refType: true, ref: true, mergeRequest: true, receivedAt: true }),
});

const MANAGED = 'app.kubernetes.io/managed-by=sluice';

/** Informer caches of everything the deployer decides from; every change names the environment keys it concerns. */
export class Caches {
  private readonly informers: Informer<KubeObject>[] = [];
  private readonly parsedDeliveries = new Map<string, { resourceVersion: string | undefined; delivery: ParsedDelivery | undefined }>();
  private readonly applications: Informer<KubeObject>;
  private readonly deliveries: Informer<KubeObject>;
  private readonly targets: { deployments: Informer<KubeObject>[]; services: Informer<KubeObject>[]; pods: Informer<KubeObject>[] } = {
    deployments: [],
    services: [],
    pods: [],
  };

  constructor(
    client: KubeClient,
    private readonly options: {
      readonly namespace: string;
      readonly targetNamespaces: readonly string[] | undefined;
      /** Told the environment keys (`<application>/<environment>`) a change may concern. */
      readonly onChange: (keys: readonly string[]) => void;
      readonly onError: (what: string, err: unknown) => void;
    },
  ) {
    const watch = (what: string, path: string, labelSelector: string | undefined, keysOf: (obj: KubeObject) => string[]) => {
      const informer = client.informer<KubeObject>({
        path,
        ...(labelSelector && { labelSelector }),
        onEvent: (event: InformerEvent<KubeObject>) => {
          const objects = event.type === 'RESYNC' ? event.objects : [event.object];
          this.options.onChange(objects.flatMap(keysOf));
        },
        onError: (err) => this.options.onError(what, err),
      });
      this.informers.push(informer);
      return informer;
    };
    const ns = options.namespace;
    this.applications = watch('applications', resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'applications', namespace: ns }), undefined, (o) =>
      this.keysOfApplication(o.metadata.name ?? ''),
    );
    this.deliveries = watch('deliveries', resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace: ns }), undefined, (o) =>
      this.keysOfApplication(((o['spec'] ?? {}) as { application?: string }).application ?? ''),
    );
    for (const targetNs of options.targetNamespaces ?? [undefined]) {
      const keys = (o: KubeObject) => this.keysOfTarget(o.metadata.namespace ?? '', o.metadata.labels?.[APP_LABEL]);
      this.targets.deployments.push(watch('deployments', resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: targetNs }), MANAGED, keys));
      this.targets.services.push(watch('services', resourcePath({ apiVersion: 'v1', plural: 'services', namespace: targetNs }), MANAGED, keys));
      this.targets.pods.push(watch('pods', resourcePath({ apiVersion: 'v1', plural: 'pods', namespace: targetNs }), MANAGED, keys));
    }
  }

  /** Resolves once every cache holds its first complete listing. */
  async synced(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.waitForSync()));
  }

  stop(): void {
    for (const i of this.informers) i.stop();
  }

  /** Every environment key of every Application. */
  allKeys(): string[] {
    return this.applications.list().flatMap((o) => this.keysOfApplication(o.metadata.name ?? ''));
  }

  /** The parsed Application (defaults applied), or undefined when absent or invalid. */
  application(name: string): Application | undefined {
    const raw = this.applications.get(this.options.namespace, name);
    const parsed = raw ? ApplicationSchema.safeParse(raw) : undefined;
    return parsed?.success ? parsed.data : undefined;
  }

  /** The Application's Deliveries that have a status, parsed (each resourceVersion parsed once: pod events re-read this often). */
  deliveriesOf(application: string): ParsedDelivery[] {
    const out: ParsedDelivery[] = [];
    // Deleted Deliveries leave entries behind; dropping everything now and then bounds the memo.
    if (this.parsedDeliveries.size > 2 * this.deliveries.list().length + 100) this.parsedDeliveries.clear();
    for (const raw of this.deliveries.list()) {
      if (((raw['spec'] ?? {}) as { application?: string }).application !== application || raw['status'] === undefined) continue;
      const key = raw.metadata.name ?? '';
      const memo = this.parsedDeliveries.get(key);
      let delivery = memo?.delivery;
      if (memo === undefined || memo.resourceVersion !== raw.metadata.resourceVersion) {
        const parsed = DeliverySchema.safeParse(raw);
        delivery = parsed.success && parsed.data.status ? (parsed.data as ParsedDelivery) : undefined;
        this.parsedDeliveries.set(key, { resourceVersion: raw.metadata.resourceVersion, delivery });
      }
      if (delivery) out.push(delivery);
    }
    return out;
  }

  /** Every push of the Application: its Deliveries with a status or not yet (a newer one may just have been created). */
  pushesOf(application: string): Push[] {
    const out: Push[] = [];
    for (const raw of this.deliveries.list()) {
      const parsed = PushSchema.safeParse(raw);
      if (parsed.success && parsed.data.spec.application === application) out.push(pushOf(parsed.data));
    }
    return out;
  }

  /** What the cluster holds for one environment of `application`. */
  facts(application: Application, environment: EnvironmentName, now: number): EnvironmentFacts | undefined {
    const target = application.spec.environments[environment];
    if (!target) return undefined;
    const find = (list: Informer<KubeObject>[], name: string) => {
      for (const i of list) {
        const hit = i.get(target.namespace, name);
        if (hit) return hit;
      }
      return undefined;
    };
    const deployments: Partial<Record<Color, DeploymentObject>> = {};
    for (const color of ['blue', 'green'] as const) {
      const d = find(this.targets.deployments, `${target.deploymentName}-${color}`);
      if (d) deployments[color] = d as unknown as DeploymentObject;
    }
    const pods = this.targets.pods
      .flatMap((i) => i.list())
      .filter((p) => p.metadata.namespace === target.namespace && p.metadata.labels?.[APP_LABEL] === target.deploymentName) as unknown as PodObject[];
    return {
      application,
      environment,
      target,
      order: ENVIRONMENT_NAMES.filter((e) => application.spec.environments[e] !== undefined),
      service: find(this.targets.services, target.serviceName) as unknown as ServiceObject | undefined,
      deployments,
      pods,
      now,
    };
  }

  /** Pods (all colors) of `app` in `namespace`, for tests and the benchmark's own checks. */
  podsSelectedBy(namespace: string, selector: Readonly<Record<string, string>>): PodObject[] {
    return this.targets.pods
      .flatMap((i) => i.list())
      .filter((p) => p.metadata.namespace === namespace && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v)) as unknown as PodObject[];
  }

  private keysOfApplication(name: string): string[] {
    const app = this.application(name);
    if (!app) return [];
    return ENVIRONMENT_NAMES.filter((e) => app.spec.environments[e] !== undefined).map((e) => `${name}/${e}`);
  }

  private keysOfTarget(namespace: string, app: string | undefined): string[] {
    if (!app) return [];
    const keys: string[] = [];
    for (const raw of this.applications.list()) {
      const parsed = ApplicationSchema.safeParse(raw);
      if (!parsed.success) continue;
      for (const e of ENVIRONMENT_NAMES) {
        const t = parsed.data.spec.environments[e];
        if (t && t.namespace === namespace && t.deploymentName === app) keys.push(`${raw.metadata.name ?? ''}/${e}`);
      }
    }
    return keys;
  }
}
