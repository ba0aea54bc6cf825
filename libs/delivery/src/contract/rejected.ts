/** Most rejected revisions remembered per environment (annotations are bounded too). */
export const MAX_REJECTED = 50;

/** The rejected SHAs recorded in a Service's `sluice.dev/rejected-revisions` value. */
export function parseRejected(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((s) => s !== '');
}

/** The `sluice.dev/rejected-revisions` value with `sha` added (once), oldest dropped beyond {@link MAX_REJECTED}. */
export function withRejected(value: string | undefined, sha: string): string {
  const list = parseRejected(value).filter((s) => s !== sha);
  list.push(sha);
  return list.slice(-MAX_REJECTED).join(' ');
}
