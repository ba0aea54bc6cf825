/**
 * Turns OTLP JSON (what Jaeger's `/api/v3/traces/{id}` returns under
 * `result`) into flat {@link ReceivedSpan}s. Pure. Accepts both encodings
 * OTLP JSON allows: ids in hex or base64, enums as numbers or names, 64-bit
 * integers as strings or numbers.
 */
import type { ReceivedSpan } from './types.js';

/** The OTLP `TracesData` shape, as far as it is read here. */
export interface OtlpTracesData {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
  events?: { name?: string; timeUnixNano?: string | number; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number | string; message?: string };
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;

/** Every span in `data`, ordered by start time (ties: by name), with its resource's `service.name`. */
export function spansFromOtlp(data: OtlpTracesData): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of data.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) spans.push(toReceivedSpan(span, serviceName));
    }
  }
  return spans.sort((a, b) => compareBigInt(a.startUnixNano, b.startUnixNano) || a.name.localeCompare(b.name));
}

function toReceivedSpan(span: OtlpSpan, serviceName: string): ReceivedSpan {
  const parentSpanId = span.parentSpanId ? hexId(span.parentSpanId, 8) : undefined;
  const statusCode = enumName(span.status?.code, STATUS, 'STATUS_CODE_') as ReceivedSpan['statusCode'];
  return {
    traceId: hexId(span.traceId ?? '', 16),
    spanId: hexId(span.spanId ?? '', 8),
    ...(parentSpanId && !/^0+$/.test(parentSpanId) && { parentSpanId }),
    name: span.name ?? '',
    serviceName,
    kind: enumName(span.kind, KINDS, 'SPAN_KIND_'),
    startUnixNano: nanos(span.startTimeUnixNano),
    endUnixNano: nanos(span.endTimeUnixNano),
    statusCode,
    ...(span.status?.message && { statusMessage: span.status.message }),
    attributes: attributesOf(span.attributes),
    events: (span.events ?? []).map((event) => ({
      name: event.name ?? '',
      timeUnixNano: nanos(event.timeUnixNano),
      attributes: Object.fromEntries((event.attributes ?? []).map((kv) => [kv.key, anyValue(kv.value)])),
    })),
  };
}

/** Jaeger's own annotations (e.g. `@jaeger@warnings` from its clock-skew adjuster), not the sender's. */
const JAEGER_INTERNAL = '@jaeger@';

function attributesOf(list: OtlpKeyValue[] | undefined): ReceivedSpan['attributes'] {
  return Object.fromEntries(
    (list ?? []).filter((kv) => !kv.key.startsWith(JAEGER_INTERNAL)).map((kv) => [kv.key, flatValue(kv.value)]),
  );
}

/** A value as a span attribute can hold it: scalars stay, arrays become string arrays, the rest JSON text. */
function flatValue(value: OtlpAnyValue | undefined): string | number | boolean | string[] {
  const v = anyValue(value);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  return v === undefined ? '' : JSON.stringify(v);
}

function anyValue(value: OtlpAnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : String(value.intValue);
  }
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue) {
    return Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
  }
  // Proto JSON omits default values: `{}` is an empty string value.
  return '';
}

/** Lower-case hex of an id given as hex or as base64 of `bytes` bytes. */
function hexId(id: string, bytes: number): string {
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(id)) return id.toLowerCase();
  const decoded = Buffer.from(id, 'base64');
  return decoded.length === bytes ? decoded.toString('hex') : id.toLowerCase();
}

function enumName(value: number | string | undefined, names: readonly string[], prefix: string): string {
  if (value === undefined) return names[0] ?? '';
  if (typeof value === 'number') return names[value] ?? String(value);
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

function nanos(value: string | number | undefined): bigint {
  if (value === undefined || value === '') return 0n;
  return BigInt(value);
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
