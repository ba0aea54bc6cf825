import type { PodLogStream } from '@sluice/kube';
import { describe, expect, it } from 'vitest';
import { followUntilInterrupted } from './follow.js';

/** A stream that ends only when stopped, or when `end` is called. */
function endlessStream(): PodLogStream & { stopped: boolean; end: () => void } {
  let end = () => undefined as void;
  const stream = {
    stopped: false,
    done: new Promise<void>((resolve) => (end = resolve)),
    stop: () => {
      stream.stopped = true;
      end();
    },
    end: () => end(),
  };
  return stream;
}

describe('followUntilInterrupted', () => {
  it('ends when the stream ends by itself', async () => {
    const stream = endlessStream();
    const following = followUntilInterrupted(async () => stream, new AbortController().signal);
    stream.end();
    expect(await following).toBe('done');
    expect(stream.stopped).toBe(false);
  });

  it('stops the stream on Ctrl-C', async () => {
    const ctrlC = new AbortController();
    const stream = endlessStream();
    const following = followUntilInterrupted(async () => stream, ctrlC.signal);
    await new Promise((r) => setImmediate(r));
    ctrlC.abort();
    expect(await following).toBe('interrupted');
    expect(stream.stopped).toBe(true);
  });

  it('stops the stream when Ctrl-C came while it was still opening', { timeout: 10_000 }, async () => {
    const ctrlC = new AbortController();
    const stream = endlessStream();
    const result = await followUntilInterrupted(async () => {
      ctrlC.abort();
      return stream;
    }, ctrlC.signal);
    expect(result).toBe('interrupted');
    expect(stream.stopped).toBe(true);
  });

  it('does not open the stream after Ctrl-C', { timeout: 10_000 }, async () => {
    const ctrlC = new AbortController();
    ctrlC.abort();
    let opened = false;
    const result = await followUntilInterrupted(async () => {
      opened = true;
      return endlessStream();
    }, ctrlC.signal);
    expect(result).toBe('interrupted');
    expect(opened).toBe(false);
  });
});
