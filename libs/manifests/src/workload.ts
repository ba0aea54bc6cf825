import type { V1Deployment, V1DeploymentSpec, V1Job, V1JobSpec, V1ObjectMeta } from '@kubernetes/client-node';
import type { ObjectMeta } from '@sluice/kube';
import { PodTemplateBuilder, type PodSettings } from './pod-template.js';
import { assertLabels, sortedRecord } from './validate.js';
import type { Wire } from './wire.js';

/** Name and place of a workload; labels go on the object and its pods. */
export interface WorkloadMeta {
  readonly name: string;
  readonly namespace: string;
  /** On the object and copied onto every pod. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The part every workload builder shares: metadata and the pod template. */
abstract class WorkloadBuilder<T extends { metadata?: object }> {
  /** The pod template; extend it with containers, volumes, env, … */
  readonly pod: PodTemplateBuilder;
  private readonly labels: Record<string, string> = {};
  private readonly annotations: Record<string, string> = {};

  protected constructor(
    protected readonly builder: string,
    private readonly meta: WorkloadMeta,
    pod: PodSettings,
  ) {
    this.pod = new PodTemplateBuilder(builder, pod);
    this.addLabels(meta.labels ?? {});
  }

  /** Labels on the object and its pods. */
  addLabels(labels: Readonly<Record<string, string>>): this {
    assertLabels(this.builder, labels);
    this.pod.addLabels(labels);
    Object.assign(this.labels, labels);
    return this;
  }

  /** Annotations on the object (not its pods: use `pod.addAnnotations`). */
  addAnnotations(annotations: Readonly<Record<string, string>>): this {
    Object.assign(this.annotations, annotations);
    return this;
  }

  /** The object in wire form, built once. */
  abstract build(): Wire<T>;

  protected metadata(): V1ObjectMeta & ObjectMeta & { name: string } {
    return {
      ...(Object.keys(this.annotations).length > 0 && { annotations: sortedRecord(this.annotations) }),
      labels: sortedRecord(this.labels),
      name: this.meta.name,
      namespace: this.meta.namespace,
    };
  }
}

/**
 * A `batch/v1` Job: its spec fields are given up front, its pod is extended
 * through {@link pod}. See `testJob` and `buildJob` for the hardened ones.
 */
export class JobBuilder extends WorkloadBuilder<V1Job> {
  constructor(
    builder: string,
    meta: WorkloadMeta,
    private readonly spec: Omit<V1JobSpec, 'template'>,
    pod: PodSettings,
  ) {
    super(builder, meta, pod);
  }

  build(): Wire<V1Job> {
    const spec = { ...this.spec, template: this.pod.build() } as V1JobSpec;
    return { apiVersion: 'batch/v1', kind: 'Job', metadata: this.metadata(), spec: sortedRecord(spec as unknown as Record<string, unknown>) as unknown as V1JobSpec };
  }
}

/** An `apps/v1` Deployment: spec fields up front, pod extended through {@link pod}. */
export class DeploymentBuilder extends WorkloadBuilder<V1Deployment> {
  constructor(
    builder: string,
    meta: WorkloadMeta,
    private readonly spec: Omit<V1DeploymentSpec, 'template'>,
    pod: PodSettings,
  ) {
    super(builder, meta, pod);
  }

  build(): Wire<V1Deployment> {
    const spec = { ...this.spec, template: this.pod.build() } as V1DeploymentSpec;
    return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: this.metadata(), spec: sortedRecord(spec as unknown as Record<string, unknown>) as unknown as V1DeploymentSpec };
  }
}
