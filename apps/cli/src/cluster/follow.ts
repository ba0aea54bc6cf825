import type { PodLogStream } from '@sluice/kube';

/**
 * Opens a followed stream (a pod log) and waits for it to end by itself
 * (`done`) or for Ctrl-C, which stops it (`interrupted`). A Ctrl-C while
 * the stream is still opening counts too: its `abort` event has fired
 * already, before there was anything to stop, so the signal is checked
 * again once the stream exists.
 */
export async function followUntilInterrupted(open: () => Promise<PodLogStream>, signal: AbortSignal): Promise<'done' | 'interrupted'> {
  if (signal.aborted) return 'interrupted';
  const stream = await open();
  const stop = () => stream.stop();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  try {
    await stream.done;
  } finally {
    signal.removeEventListener('abort', stop);
  }
  return signal.aborted ? 'interrupted' : 'done';
}
