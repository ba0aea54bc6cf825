/** Where the run pages live under the public URL: the list here, one Delivery at `<RUN_PAGES_PATH>/<name>`. */
export const RUN_PAGES_PATH = '/deliveries';

/** The run page of a Delivery under a base path or URL: `<base>/deliveries/<name>` (a trailing `/` on the base is dropped). */
export function runPagePath(base: string, name: string): string {
  return `${base.replace(/\/+$/, '')}${RUN_PAGES_PATH}/${encodeURIComponent(name)}`;
}

/**
 * The run page people open for a Delivery, the link commit statuses, the CLI
 * and the webhook's answer give; `undefined` when no public URL is configured.
 */
export function runPageUrl(publicUrl: string | undefined, name: string): string | undefined {
  return publicUrl === undefined || publicUrl === '' ? undefined : runPagePath(publicUrl, name);
}
