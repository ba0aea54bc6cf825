import type { Phase } from '@sluice/delivery';
import type { LiveState } from './expectations.js';
import type { Expectation } from './sample-app/versions.js';
import type { TrafficReport } from './stack/traffic.js';
import type { ReceivedSpan, TraceReceiver } from './stack/trace.js';
import type { StageRow } from './view/model.js';
import type { JobRun, TrafficSwitch } from './watch/cluster-watch.js';

/** One version's delivery as it ended. */
export interface DeliveryOutcome {
  readonly version: string;
  readonly expect: Expectation;
  readonly sha: string;
  /** The commit title. */
  readonly title: string;
  /** When the demo sent the push's webhook (ms since the epoch). */
  readonly webhookSentAt?: number;
  /** The Delivery's name and run page, once the gateway accepted the push. */
  readonly name?: string;
  readonly url?: string;
  readonly phase?: Phase;
  readonly reason?: string;
  readonly message?: string;
  readonly stages: readonly StageRow[];
  readonly traceId?: string;
  /** The Service right after it ended. */
  readonly liveAfter?: LiveState;
}

/** What a demo run showed. */
export interface DemoResult {
  /** True when every expectation held (`problems` is empty). */
  readonly ok: boolean;
  /** Everything that differed from the story, one sentence each. */
  readonly problems: readonly string[];
  readonly deliveries: readonly DeliveryOutcome[];
  /** GitLab commit statuses at the end, per SHA: status name → state. */
  readonly statuses: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** What is live at the end, and what it answered. */
  readonly live: LiveState & { readonly version?: string; readonly answer?: string; readonly pod?: string };
  readonly timings: {
    /** Cluster, install, servers and services up. */
    readonly startupMs: number;
    /** First push to last delivery final. */
    readonly deliveriesMs: number;
    readonly totalMs: number;
  };
  /** What a steady client saw through the sample app's Service from v1 live to the end. */
  readonly traffic?: TrafficReport;
  /** Every switch of the sample app's Service (its selector), as the demo's watch saw it. */
  readonly switches?: readonly TrafficSwitch[];
  /** The test and build Jobs' pods, as the demo's watch saw them run. */
  readonly jobRuns?: readonly JobRun[];
  /** The trace shown in the summary (v4's, the rolled-back one) and its spans. */
  readonly trace?: { readonly version: string; readonly traceId: string; readonly spans: readonly ReceivedSpan[] };
  /** Why there are no traces, when the receiver could not start. */
  readonly traceUnavailable?: string;
  /** Where to look around while the stack runs (`keep`/`keepStackForAssertions`). */
  readonly endpoints: {
    readonly gatewayUrl?: string;
    /** The trace receiver's (Jaeger's) query API base URL: `/api/v3/traces/<id>` answers a trace as OTLP JSON. There is no UI. */
    readonly traceQueryUrl?: string;
    readonly kubeconfig?: string;
    readonly gitlabUrl?: string;
    /** The stand-in's API token (a throwaway value of this run). */
    readonly gitlabToken?: string;
  };
  /** How the services authenticated: as their own ServiceAccounts, in their pods. */
  readonly identity?: 'service-accounts';
  /** When something differed: the last lines each service logged. */
  readonly diagnostics?: string;
  /** Present when the stack was kept running: the receiver, and how to stop everything. */
  readonly receiver?: TraceReceiver;
  readonly stop?: () => Promise<void>;
}
