import type { Phase, StageState } from '@sluice/delivery';

/** One stage as the demo shows it. */
export interface StageRow {
  /** `test`, `build`, `deploy:production`. */
  readonly label: string;
  readonly state: StageState;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly reason?: string;
  readonly message?: string;
  /** Test counts from the JUnit report (test stage). */
  readonly tests?: { readonly total: number; readonly failed: number; readonly firstFailures: readonly string[] };
}

/** One delivery as the demo shows it. */
export interface DeliveryRow {
  /** Sample-app version (`v1` …). */
  readonly version: string;
  readonly name: string;
  readonly sha: string;
  readonly phase: Phase;
  readonly reason?: string;
  readonly message?: string;
  readonly stages: readonly StageRow[];
}

/** The fields of a Delivery the view reads (a structural subset of `Delivery`, so tests can build rows by hand). */
export interface DeliveryLike {
  readonly metadata: { readonly name?: string };
  readonly spec: { readonly checkoutSha: string };
  readonly status?: {
    readonly phase?: Phase;
    readonly reason?: string;
    readonly message?: string;
    readonly stages?: readonly {
      readonly name: string;
      readonly environment?: string;
      readonly state: StageState;
      readonly startedAt?: string;
      readonly finishedAt?: string;
      readonly reason?: string;
      readonly message?: string;
      readonly testSummary?: { readonly total: number; readonly failed: number; readonly firstFailures?: readonly string[] };
    }[];
  };
}

/** A Delivery as a row; a Delivery no controller has touched yet is Pending with no stages. */
export function rowOf(delivery: DeliveryLike, version: string): DeliveryRow {
  const status = delivery.status;
  const stages = (status?.stages ?? []).map(
    (s): StageRow => ({
      label: s.environment === undefined ? s.name : `${s.name}:${s.environment}`,
      state: s.state,
      ...(s.startedAt !== undefined && { startedAt: s.startedAt }),
      ...(s.finishedAt !== undefined && { finishedAt: s.finishedAt }),
      ...(s.reason !== undefined && { reason: s.reason }),
      ...(s.message !== undefined && { message: s.message }),
      ...(s.testSummary !== undefined && {
        tests: { total: s.testSummary.total, failed: s.testSummary.failed, firstFailures: s.testSummary.firstFailures ?? [] },
      }),
    }),
  );
  return {
    version,
    name: delivery.metadata.name ?? '?',
    sha: delivery.spec.checkoutSha,
    phase: status?.phase ?? 'Pending',
    ...(status?.reason !== undefined && { reason: status.reason }),
    ...(status?.message !== undefined && { message: status.message }),
    stages,
  };
}

/** How long a stage ran (until `now` while it runs); undefined before it started. */
export function stageDurationMs(stage: Pick<StageRow, 'startedAt' | 'finishedAt'>, now: Date): number | undefined {
  if (stage.startedAt === undefined) return undefined;
  const end = stage.finishedAt === undefined ? now.getTime() : Date.parse(stage.finishedAt);
  return Math.max(0, end - Date.parse(stage.startedAt));
}
