import { describe, expect, it } from 'vitest';
import { readCappedBody } from './body.js';

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
