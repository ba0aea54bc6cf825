import { z } from 'zod';

/** A full, lower-case, 40-hex-digit Git object id (SHA-1 object format). */
export type Sha = string & { readonly __brand: 'Sha' };

/** The SHA Git and GitLab use for "no object": a ref that did not exist before, or no longer exists after. */
export const ZERO_SHA = '0000000000000000000000000000000000000000' as Sha;

const SHA_PATTERN = /^[0-9a-f]{40}$/;

/** True when `value` is a full 40-hex-digit object id (including {@link ZERO_SHA}). */
export function isSha(value: unknown): value is Sha {
  return typeof value === 'string' && SHA_PATTERN.test(value);
}

/** Zod schema for a full object id; rejects short, upper-case and SHA-256 ids. */
export const shaSchema = z
  .string()
  .regex(SHA_PATTERN, 'must be a full 40-character lower-case hex SHA')
  .transform((value) => value as Sha);

/** `null` for {@link ZERO_SHA}, the SHA otherwise. */
export function shaOrNull(sha: Sha): Sha | null {
  return sha === ZERO_SHA ? null : sha;
}
