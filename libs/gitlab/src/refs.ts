import { isValidRefName } from '@sluice/delivery';

/** Prefix of branch refs. */
export const BRANCH_REF_PREFIX = 'refs/heads/';
/** Prefix of tag refs. */
export const TAG_REF_PREFIX = 'refs/tags/';

/** `refs/heads/feature/x` → `feature/x`; `null` when `ref` is not a valid branch ref. */
export function branchFromRef(ref: string): string | null {
  return nameAfter(ref, BRANCH_REF_PREFIX);
}

/** `refs/tags/v1.2.0` → `v1.2.0`; `null` when `ref` is not a valid tag ref. */
export function tagFromRef(ref: string): string | null {
  return nameAfter(ref, TAG_REF_PREFIX);
}

function nameAfter(ref: string, prefix: string): string | null {
  if (!ref.startsWith(prefix)) return null;
  const name = ref.slice(prefix.length);
  // The one ref-name rule set (git check-ref-format) lives in the delivery model.
  return isValidRefName(name) ? name : null;
}
