import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createParentScope, traceDispatcher, type FetchDispatcher, type HttpRequestResult } from './http-client.js';
import { closedPort } from './otlp-receiver.testkit.js';
import { memoryTelemetry, type MemoryTelemetry } from './testing.js';
import { deliveryContext, TRACEPARENT_ANNOTATION } from './trace-context.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT = 'b7ad6b7169203331';

let telemetry: MemoryTelemetry;
let server: Server | undefined;
afterEach(async () => {
  await telemetry?.shutdown();
  if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
  server = undefined;
});

/** A server answering `/status/<code>` with that code. */
async function statusServer(): Promise<string> {
  server = createServer((req, res) => {
    const code = Number(/^\/status\/(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
    req.resume();
    req.on('end', () => res.writeHead(code, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Node's own fetch dispatcher, as the wrapped one. Test-only: telemetry takes
 * the dispatcher it wraps from its caller (in production `@sluice/gitlab`'s
 * `globalFetchDispatcher`, which this lib does not depend on).
 */
const nodeDispatcher: FetchDispatcher = {
  dispatch: (options, handler) => ((globalThis as Record<symbol, FetchDispatcher>)[Symbol.for('undici.globalDispatcher.1')] as FetchDispatcher).dispatch(options, handler),
};

function traced(results: HttpRequestResult[] = []) {
  const scope = createParentScope();
  const dispatcher = traceDispatcher(nodeDispatcher, {
    tracer: telemetry.tracer,
    describe: ({ path }) => (path.startsWith('/status/') ? { name: 'api.status', attributes: { 'url.template': '/status/{code}' } } : undefined),
    parent: scope.current,
    onEnd: (r) => results.push(r),
  });
  // Node's fetch takes an undici dispatcher; the structural type is all it needs.
  const get = (url: string, method = 'GET') => fetch(url, { method, dispatcher: dispatcher as never } as RequestInit);
  return { scope, get };
}

describe('traceDispatcher', () => {
  it('turns a request into a CLIENT span under the scope parent, with method, server, template and status', async () => {
    telemetry = memoryTelemetry();
    const base = await statusServer();
    const { scope, get } = traced();
    const parent = deliveryContext({ metadata: { annotations: { [TRACEPARENT_ANNOTATION]: `00-${TRACE}-${PARENT}-01` } } });
    const response = await scope.run(parent, () => get(`${base}/status/201?x=1`, 'POST'));
    await response.text();

    const [span] = telemetry.spansNamed('api.status');
    expect(span).toMatchObject({ kind: 'client', traceId: TRACE, parentSpanId: PARENT, status: 'unset' });
    expect(span?.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(base).port),
      'url.template': '/status/{code}',
      'http.response.status_code': 201,
    });
  });

  it('marks an error answer with its status code as error.type', async () => {
    telemetry = memoryTelemetry();
    const base = await statusServer();
    const results: HttpRequestResult[] = [];
    const { get } = traced(results);
    await (await get(`${base}/status/422`)).text();
    await (await get(`${base}/status/503`)).text();
    expect(telemetry.spansNamed('api.status').map((s) => [s.status, s.attributes['error.type'], s.attributes['http.response.status_code']])).toEqual([
      ['error', '422', 422],
      ['error', '503', 503],
    ]);
    expect(results.map((r) => r.errorType)).toEqual(['422', '503']);
  });

  it('marks a request that got no answer with the error code, and still fails the request', async () => {
    telemetry = memoryTelemetry();
    const { get } = traced();
    await expect(get(`http://127.0.0.1:${await closedPort()}/status/200`)).rejects.toThrow();
    const [span] = telemetry.spansNamed('api.status');
    expect(span).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'ECONNREFUSED' }) });
    expect(span?.attributes['http.response.status_code']).toBeUndefined();
  });

  it('leaves requests it does not describe alone', async () => {
    telemetry = memoryTelemetry();
    const base = await statusServer();
    const { get } = traced();
    expect((await get(`${base}/other`)).status).toBe(200);
    expect(telemetry.spans()).toEqual([]);
  });
});
