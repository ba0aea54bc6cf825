/** Outcome of the pre-promotion check. */
export type PrecheckResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * GETs every URL (one per new pod) and wants a 2xx from each; the new color
 * must answer before it gets traffic. `fetch` keeps connections alive.
 */
export async function prePromotionCheck(urls: readonly string[], timeoutMs = 2_000): Promise<PrecheckResult> {
  if (urls.length === 0) return { ok: false, message: 'no ready pod with an IP to check' };
  const results = await Promise.all(
    urls.map(async (url): Promise<string | undefined> => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        return res.ok ? undefined : `${url} answered ${res.status}`;
      } catch (err) {
        return `${url} did not answer: ${(err as Error).message}`;
      }
    }),
  );
  const failure = results.find((r) => r !== undefined);
  return failure === undefined ? { ok: true } : { ok: false, message: `pre-promotion check failed: ${failure}` };
}
