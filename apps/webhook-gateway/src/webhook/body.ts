/** Outcome of {@link readCappedBody}. */
export type BodyResult =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly reason: 'too_large' | 'malformed'; readonly detail: string };

const EMPTY = new Uint8Array(0);

/**
 * Reads a request body into memory, never holding more than `maxBytes`: a
 * declared `Content-Length` above the cap is refused before reading, and an
 * undeclared (chunked) body is cancelled as soon as it passes the cap. A
 * stream that breaks off (client gone, truncated upload) is `malformed`.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    const length = Number(declared);
    if (!/^\d+$/.test(declared) || !Number.isSafeInteger(length)) {
      return { ok: false, reason: 'malformed', detail: 'Content-Length is not a number' };
    }
    if (length > maxBytes) return tooLarge(length, maxBytes);
  }
  if (request.body === null) return { ok: true, body: EMPTY };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        // Stop the upload now; buffering the rest would defeat the cap.
        await reader.cancel().catch(() => undefined);
        return tooLarge(total, maxBytes);
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: 'malformed', detail: 'request body ended before it was complete' };
  }
  return { ok: true, body: concat(chunks, total) };
}

function tooLarge(bytes: number, maxBytes: number): BodyResult {
  return { ok: false, reason: 'too_large', detail: `body exceeds ${maxBytes} bytes (at least ${bytes})` };
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
