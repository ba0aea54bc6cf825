/**
 * The demo's one contact with the trace receiver (`@sluice/trace-receiver`,
 * a Jaeger v2 with an in-memory store): start it, read a delivery's trace,
 * render its waterfall.
 */
import { renderWaterfall, startTraceReceiver, type ReceivedSpan, type TraceReceiver } from '@sluice/trace-receiver';
import type { Teardown } from './teardown.js';

export type { ReceivedSpan, TraceReceiver };

/**
 * Starts the receiver (OTLP/gRPC on `otlpGrpc`, where the collector exports) and registers its stop with `teardown`; resolves with
 * the reason instead when it cannot start (for example the Jaeger binary was
 * not built), so the demo still runs and reports the missing traces.
 */
export async function startReceiver(
  teardown: Teardown,
  dir: string,
  otlpGrpc: { readonly host: string; readonly port: number },
): Promise<TraceReceiver | { readonly unavailable: string }> {
  try {
    const receiver = await startTraceReceiver({ dir, otlpGrpc });
    teardown.add('trace receiver', () => receiver.stop());
    return receiver;
  } catch (error) {
    return { unavailable: (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? 'unknown error' };
  }
}

/**
 * The spans of `traceId` once the services that should have written to it
 * have (their batch processors flush within a fraction of a second), or
 * whatever arrived when `timeoutMs` runs out.
 */
export async function collectTrace(receiver: TraceReceiver, traceId: string, services: readonly string[], timeoutMs = 5_000): Promise<ReceivedSpan[]> {
  const complete = (spans: ReceivedSpan[]) => services.every((s) => spans.some((span) => span.serviceName === s));
  try {
    return await receiver.waitForTrace(traceId, complete, timeoutMs);
  } catch {
    return receiver.getTrace(traceId).catch(() => []);
  }
}

/** The text waterfall of a trace. */
export function waterfall(spans: ReceivedSpan[], color: boolean): string {
  return renderWaterfall(spans, { color, width: 40 });
}
