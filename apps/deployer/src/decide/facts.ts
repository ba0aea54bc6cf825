import type { Application, Delivery, EnvironmentName, EnvironmentTarget } from '@sluice/delivery';
import type { Color } from '@sluice/manifests';

/** The fields of a Deployment the deployer reads (the cluster's JSON). */
export interface DeploymentObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; generation?: number; annotations?: Record<string, string>; labels?: Record<string, string>; [k: string]: unknown };
  spec?: { replicas?: number; [k: string]: unknown };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
  [k: string]: unknown;
}

/** The fields of a Service the deployer reads. */
export interface ServiceObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; annotations?: Record<string, string>; labels?: Record<string, string>; [k: string]: unknown };
  spec?: { selector?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

/** A container's status as the node reports it. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; running?: unknown; terminated?: { reason?: string; exitCode?: number; message?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; message?: string } };
}

/** The fields of a Pod the deployer reads. */
export interface PodObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string; [k: string]: unknown };
  spec?: { containers?: { name: string; ports?: { containerPort: number }[] }[]; [k: string]: unknown };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
  };
  [k: string]: unknown;
}

/** Everything the cluster says about one environment of one Application. */
export interface EnvironmentFacts {
  readonly application: Application;
  readonly environment: EnvironmentName;
  readonly target: EnvironmentTarget;
  /** Environments of this Application in deploy order. */
  readonly order: readonly EnvironmentName[];
  readonly service: ServiceObject | undefined;
  readonly deployments: Readonly<Partial<Record<Color, DeploymentObject>>>;
  /** Pods of the target's `app` label in the target namespace. */
  readonly pods: readonly PodObject[];
  readonly now: number;
}

/** The Delivery being rolled out, with its status parsed (defaults applied). */
export type ParsedDelivery = Delivery & { status: NonNullable<Delivery['status']> };
