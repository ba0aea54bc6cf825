import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request the fake collector received. */
export interface ReceivedExport {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
}

/** An attribute value as OTLP/JSON encodes it. */
export interface JsonAnyValue {
  readonly stringValue?: string;
  readonly intValue?: string | number;
  readonly doubleValue?: number;
  readonly boolValue?: boolean;
}

/** A span as the OTLP/JSON encoding carries it (the fields the tests look at). */
export interface JsonSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** 1 internal, 2 server, 3 client. */
  readonly kind?: number;
  readonly startTimeUnixNano?: string;
  readonly endTimeUnixNano?: string;
  readonly attributes?: ReadonlyArray<{ readonly key: string; readonly value?: JsonAnyValue }>;
  /** `code` 2 is ERROR. */
  readonly status?: { readonly code?: number; readonly message?: string };
}

/** An attribute list as OTLP/JSON encodes it. */
type JsonAttributes = ReadonlyArray<{ readonly key: string; readonly value?: JsonAnyValue }>;

/** One data point of one metric in an OTLP/JSON metric export, as plain values. */
export interface JsonMetricPoint {
  readonly serviceName: string | undefined;
  /** The metric's name, e.g. `sluice.stage.duration`. */
  readonly metric: string;
  readonly attributes: Record<string, string | number | boolean | undefined>;
}

/** A JSON span's (or data point's) attributes as a plain record (ints as numbers). */
export function jsonAttributes(span: { readonly attributes?: JsonAttributes }): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries(
    (span.attributes ?? []).map(({ key, value }) => [
      key,
      value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : (value?.doubleValue ?? value?.boolValue)),
    ]),
  );
}

/**
 * A minimal OTLP/HTTP collector for tests (on a free 127.0.0.1 port unless
 * told where): records every POST and answers 200 with an empty JSON body,
 * like a collector that accepted all.
 */
export class OtlpReceiver {
  readonly received: ReceivedExport[] = [];
  private constructor(private readonly server: Server) {}

  static async start(listen: { readonly host?: string; readonly port?: number } = {}): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        receiver.received.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          // A collector's OTLP/HTTP exporter gzips by default.
          body: req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw,
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', resolve);
    });
    return receiver;
  }

  get endpoint(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  /** Requests to one signal path, e.g. `/v1/traces`. */
  requests(path: string): ReceivedExport[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Decodes every OTLP/JSON trace export into (service.name, span) pairs. */
  jsonSpans(): Array<{ serviceName: string | undefined; span: JsonSpan }> {
    return this.requests('/v1/traces').flatMap((r) => {
      const payload = JSON.parse(r.body.toString('utf8')) as OtlpJsonTraces;
      return (payload.resourceSpans ?? []).flatMap((rs) => {
        const serviceName = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue;
        return (rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((span) => ({ serviceName, span })));
      });
    });
  }

  /** Decodes every OTLP/JSON metric export into its data points (every point of every export, in order). */
  jsonMetricPoints(): JsonMetricPoint[] {
    return this.requests('/v1/metrics').flatMap((r) => {
      const payload = JSON.parse(r.body.toString('utf8')) as OtlpJsonMetrics;
      return (payload.resourceMetrics ?? []).flatMap((rm) => {
        const serviceName = rm.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue;
        return (rm.scopeMetrics ?? []).flatMap((sm) =>
          (sm.metrics ?? []).flatMap((metric) => {
            const data = metric.sum ?? metric.gauge ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
            return (data?.dataPoints ?? []).map((point) => ({ serviceName, metric: metric.name, attributes: jsonAttributes(point) }));
          }),
        );
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface OtlpJsonTraces {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: JsonSpan[] }>;
  }>;
}

type JsonDataPoints = { dataPoints?: Array<{ attributes?: JsonAttributes }> };

interface OtlpJsonMetrics {
  resourceMetrics?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
    scopeMetrics?: Array<{
      metrics?: Array<{
        name: string;
        sum?: JsonDataPoints;
        gauge?: JsonDataPoints;
        histogram?: JsonDataPoints;
        exponentialHistogram?: JsonDataPoints;
        summary?: JsonDataPoints;
      }>;
    }>;
  }>;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
