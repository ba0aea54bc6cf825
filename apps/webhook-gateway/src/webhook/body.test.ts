import { once } from 'node:events';
import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { readCappedBody, type BodyResult } from './body.js';

function streamOf(chunks: number, chunkBytes: number, onPull: () => void = () => undefined, fail = false): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull();
      if (sent === chunks) {
        if (fail) controller.error(new Error('connection reset'));
        else controller.close();
        return;
      }
      sent += 1;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
    },
  }, { highWaterMark: 0 });
}

function post(body: ReadableStream<Uint8Array> | string | null, headers: Record<string, string> = {}): Request {
  return new Request('http://gateway.test/webhooks/gitlab', {
    method: 'POST',
    body,
    headers,
    ...(body instanceof ReadableStream && { duplex: 'half' }),
  } as RequestInit);
}

describe('readCappedBody', () => {
  it('returns the bytes of a body within the cap', async () => {
    const result = await readCappedBody(post(streamOf(3, 100)), 300);
    expect(result.ok && result.body.byteLength).toBe(300);
  });

  it('stops reading an endless chunked body as soon as it passes the cap', async () => {
    let pulls = 0;
    const endless = streamOf(Number.POSITIVE_INFINITY, 64 * 1024, () => (pulls += 1));
    const result = await readCappedBody(post(endless), 256 * 1024);
    expect(result).toMatchObject({ ok: false, reason: 'too_large' });
    // Five 64 KiB chunks pass 256 KiB; a reader that buffered first would never return.
    expect(pulls).toBeLessThanOrEqual(6);
  });

  it('refuses a declared Content-Length above the cap without reading', async () => {
    let pulls = 0;
    const result = await readCappedBody(post(streamOf(1, 10, () => (pulls += 1)), { 'content-length': '5000000' }), 1024);
    expect(result).toMatchObject({ ok: false, reason: 'too_large' });
    expect(pulls).toBe(0);
  });

  it('calls a body that breaks off mid-stream malformed', async () => {
    expect(await readCappedBody(post(streamOf(2, 10, undefined, true)), 1024)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('reads an absent body as empty', async () => {
    expect(await readCappedBody(post(null), 1024)).toEqual({ ok: true, body: new Uint8Array(0) });
  });
});

describe('readCappedBody from a Node request', () => {
  /** A real HTTP server on 127.0.0.1 that reads each request's body with the cap and reports the result. */
  async function serve(maxBytes: number): Promise<{ port: number; results: Promise<BodyResult>[]; close(): void }> {
    const results: Promise<BodyResult>[] = [];
    const server = createServer((req, res) => {
      const result = readCappedBody(new Request('http://gateway.test/', { method: 'POST', headers: req.headers as Record<string, string> }), maxBytes, req);
      results.push(result);
      void result.then((r) => res.writeHead(r.ok ? 200 : 413, { connection: 'close' }).end(r.ok ? String(r.body.byteLength) : r.reason));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, results, close: () => void server.closeAllConnections() };
  }

  it('returns the bytes of a chunked body within the cap', async () => {
    const server = await serve(300);
    const req = request({ host: '127.0.0.1', port: server.port, method: 'POST' });
    for (let i = 0; i < 3; i++) req.write(Buffer.alloc(100, 0x61));
    req.end();
    await once(req, 'response');
    const result = await server.results[0];
    expect(result?.ok && Buffer.from(result.body).toString()).toBe('a'.repeat(300));
    server.close();
  });

  it('stops reading a chunked body as soon as it passes the cap', async () => {
    const server = await serve(256 * 1024);
    const req = request({ host: '127.0.0.1', port: server.port, method: 'POST' });
    req.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    // Keep writing until the server answers: a reader that buffered everything first would never answer.
    const pump = setInterval(() => void (req.write(chunk), (written += chunk.length)), 1);
    // The server answers and closes while the pump still writes: the client sees the 413, or, when the close
    // resets the connection under its writes first, an error (EPIPE / ECONNRESET) — never neither.
    const answered = new Promise<IncomingMessage | undefined>((resolve) => {
      req.on('response', resolve);
      req.on('error', () => resolve(undefined));
    });
    await vi.waitFor(() => expect(server.results).toHaveLength(1), { timeout: 30_000 });
    expect(await server.results[0]).toMatchObject({ ok: false, reason: 'too_large' });
    const res = await answered;
    clearInterval(pump);
    if (res !== undefined) expect(res.statusCode).toBe(413);
    expect(written).toBeGreaterThan(256 * 1024);
    req.destroy();
    server.close();
  });

  it('calls a body whose client went away mid-upload malformed', async () => {
    const server = await serve(1024);
    const socket = connect(server.port, '127.0.0.1');
    await once(socket, 'connect');
    socket.end('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n' + 'a'.repeat(100));
    await vi.waitFor(() => expect(server.results).toHaveLength(1));
    expect(await server.results[0]).toMatchObject({ ok: false, reason: 'malformed' });
    server.close();
  });
});
