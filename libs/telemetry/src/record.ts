import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/** Span kinds Sluice uses, by name. */
export type SpanKindName = 'internal' | 'server' | 'client';

const KINDS: Readonly<Record<SpanKindName, SpanKind>> = { internal: SpanKind.INTERNAL, server: SpanKind.SERVER, client: SpanKind.CLIENT };

/** Why a span failed: `error.type` and the status message. */
export interface SpanError {
  /** `error.type`: a failure reason from the closed set, an HTTP status code as a string, or an error code. */
  readonly type: string;
  readonly message?: string;
}

/**
 * A span that already happened, as plain data: what a service knows from
 * timestamps the cluster recorded (stage start and finish in Delivery
 * status, container start and finish in pod status, Service annotations),
 * so the same span comes out whether or not the process restarted in between.
 */
export interface SpanRecord {
  readonly name: string;
  /** Default `internal`. */
  readonly kind?: SpanKindName;
  /** Epoch milliseconds. */
  readonly startMs: number;
  /** Epoch milliseconds; an end before the start is taken as the start. */
  readonly endMs: number;
  readonly attributes?: Attributes;
  /** Set: status ERROR with `error.type`. */
  readonly error?: SpanError;
  /** Recorded as children; their times are clamped into this span's. */
  readonly children?: readonly SpanRecord[];
}

/**
 * Records `record` and its children as finished spans under `parent` (a
 * Delivery's context, see `deliveryContext`). Times are given as `Date`s so
 * a start before this process began is not mistaken for a relative reading.
 * Returns the recorded span's context (invalid when tracing is off).
 */
export function recordSpan(tracer: Tracer, record: SpanRecord, parent: Context = ROOT_CONTEXT): SpanContext {
  const startMs = record.startMs;
  const endMs = Math.max(record.endMs, startMs);
  const span = tracer.startSpan(
    record.name,
    { kind: KINDS[record.kind ?? 'internal'], startTime: new Date(startMs), ...(record.attributes && { attributes: record.attributes }) },
    parent,
  );
  if (record.error) markError(span, record.error);
  const inside = trace.setSpan(parent, span);
  for (const child of record.children ?? []) recordSpan(tracer, clampInto(child, startMs, endMs), inside);
  span.end(new Date(endMs));
  return span.spanContext();
}

/** `child` with its times moved into [startMs, endMs] (container clocks have whole seconds, stage clocks milliseconds). */
export function clampInto(child: SpanRecord, startMs: number, endMs: number): SpanRecord {
  const clamp = (t: number) => Math.min(Math.max(t, startMs), endMs);
  return { ...child, startMs: clamp(child.startMs), endMs: clamp(Math.max(child.endMs, child.startMs)) };
}

/** Status ERROR with `error.type` (and the message as the status description). */
export function markError(span: Span, error: SpanError): void {
  span.setAttribute(ATTR_ERROR_TYPE, error.type);
  span.setStatus({ code: SpanStatusCode.ERROR, ...(error.message !== undefined && { message: error.message }) });
}

/** The context in which spans started become children of `span` (on top of `base`, the root context by default). */
export function contextWithSpan(span: Span, base: Context = ROOT_CONTEXT): Context {
  return trace.setSpan(base, span);
}

/** Starts a live span of `kind` under `parent`; end it with `span.end()`. */
export function startSpan(tracer: Tracer, name: string, options: { kind?: SpanKindName; attributes?: Attributes; startMs?: number }, parent: Context = ROOT_CONTEXT): Span {
  return tracer.startSpan(
    name,
    {
      kind: KINDS[options.kind ?? 'internal'],
      ...(options.attributes && { attributes: options.attributes }),
      ...(options.startMs !== undefined && { startTime: new Date(options.startMs) }),
    },
    parent,
  );
}

/** Parses an ISO timestamp to epoch milliseconds; `undefined` when absent or unreadable. */
export function epochMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
