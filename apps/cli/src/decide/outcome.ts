/** The deployer's `sluice.dev/last-action` record of a manual rollback, read back. */
export type RollbackOutcome =
  | { readonly kind: 'switched'; readonly at: string; readonly sha: string; readonly color: string }
  | { readonly kind: 'redeploy'; readonly at: string; readonly sha: string }
  | { readonly kind: 'refused'; readonly at: string; readonly why: string }
  | { readonly kind: 'other'; readonly text: string };

/**
 * Parses the record the deployer writes as it consumes a rollback
 * (apps/deployer/README.md): `rollback@<ISO> → <sha> (switch to <color>)`,
 * `rollback@<ISO> → <sha> (redeploy)` or `rollback@<ISO> refused: <why>`.
 */
export function parseRollbackRecord(text: string): RollbackOutcome {
  const switched = /^rollback@(\S+) → ([0-9a-f]+) \(switch to ([a-z]+)\)$/.exec(text);
  if (switched) return { kind: 'switched', at: switched[1] as string, sha: switched[2] as string, color: switched[3] as string };
  const redeploy = /^rollback@(\S+) → ([0-9a-f]+) \(redeploy\)$/.exec(text);
  if (redeploy) return { kind: 'redeploy', at: redeploy[1] as string, sha: redeploy[2] as string };
  const refused = /^rollback@(\S+) refused: (.*)$/s.exec(text);
  if (refused) return { kind: 'refused', at: refused[1] as string, why: refused[2] as string };
  return { kind: 'other', text };
}
