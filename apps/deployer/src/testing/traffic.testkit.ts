import { ANNOTATIONS } from '@sluice/delivery';
import { resourcePath, type KubeClient, type KubeObject } from '@sluice/kube';
import type { PodObject, ServiceObject } from '../decide/facts.js';
import { readyBehind } from '../decide/pods.js';

/** One observation: what the Service selected and how many Ready pods were behind it. */
export interface TrafficSample {
  readonly atMs: number;
  readonly color: string | undefined;
  readonly revision: string | undefined;
  readonly ready: number;
}

/**
 * Watches a Service and the pods of its namespace and, on every change of
 * either, records how many Ready pods match the Service's selector (what
 * would be its endpoints; the local cluster publishes none for loopback pod
 * IPs). Continuous by construction: each pod or Service event is a sample.
 */
export class TrafficSampler {
  readonly samples: TrafficSample[] = [];
  private readonly pods = new Map<string, PodObject>();
  private service: ServiceObject | undefined;
  // Initial listings arrive object by object; sampling starts once both are complete.
  private live = false;
  private readonly informers: { stop(): void; waitForSync(): Promise<void> }[];

  constructor(client: KubeClient, namespace: string, serviceName: string) {
    const podInformer = client.informer<KubeObject>({
      path: resourcePath({ apiVersion: 'v1', plural: 'pods', namespace }),
      onEvent: (e) => {
        if (e.type === 'RESYNC') return;
        if (e.type === 'DELETED') this.pods.delete(e.object.metadata.name ?? '');
        else this.pods.set(e.object.metadata.name ?? '', e.object as unknown as PodObject);
        this.sample();
      },
    });
    const serviceInformer = client.informer<KubeObject>({
      path: resourcePath({ apiVersion: 'v1', plural: 'services', namespace }),
      fieldSelector: `metadata.name=${serviceName}`,
      onEvent: (e) => {
        if (e.type === 'RESYNC') return;
        this.service = e.type === 'DELETED' ? undefined : (e.object as unknown as ServiceObject);
        this.sample();
      },
    });
    this.informers = [podInformer, serviceInformer];
  }

  async synced(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.waitForSync()));
    this.live = true;
    this.sample();
  }

  stop(): void {
    for (const i of this.informers) i.stop();
  }

  /** Samples taken while the Service existed. */
  whileServed(): TrafficSample[] {
    return this.samples.filter((s) => s.color !== undefined);
  }

  /** The distinct selector colors in order of appearance (consecutive duplicates dropped). */
  colorHistory(): string[] {
    const out: string[] = [];
    for (const s of this.whileServed()) if (out[out.length - 1] !== s.color) out.push(s.color ?? '');
    return out;
  }

  private sample(): void {
    if (!this.live) return;
    const selector = this.service?.spec?.selector;
    const ready = selector ? readyBehind([...this.pods.values()], selector).length : 0;
    this.samples.push({ atMs: Date.now(), color: selector?.['color'], revision: this.service?.metadata.annotations?.[ANNOTATIONS.revision], ready });
  }
}
