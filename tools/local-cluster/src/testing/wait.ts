/**
 * Re-checks `condition` every 100 ms until it holds; fails after `timeoutMs`.
 * For conditions nothing can be watched for (an HTTP endpoint's answer, a
 * stand-in's record); Kubernetes objects use `waitForObject`.
 */
export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
