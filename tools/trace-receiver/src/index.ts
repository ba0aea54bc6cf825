/**
 * A real OpenTelemetry trace receiver for tests and the demo: Jaeger v2
 * (OTLP gRPC + HTTP in, in-memory store, query API out) on free loopback
 * ports, plus a text waterfall of a trace. Build the binary with
 * `bash tools/trace-receiver/build.sh`.
 */
export type { TraceReceiver, ReceivedSpan } from './types.js';
export { startTraceReceiver, type TraceReceiverOptions } from './receiver.js';
export { renderWaterfall, type WaterfallOptions } from './waterfall.js';
