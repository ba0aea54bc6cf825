import * as z from 'zod';

/**
 * The all-zero SHA GitLab sends as `before` when a branch is created and as
 * `after` when it is deleted. It names no commit and must never be checked out.
 */
export const NULL_SHA = '0'.repeat(40);

const SHA_PATTERN = /^[0-9a-f]{40}$/;

/**
 * A full 40-character lowercase hexadecimal commit SHA. Abbreviated or
 * upper-case SHAs are rejected so one commit always has one spelling (names,
 * labels and image tags are derived from it).
 */
export const ShaSchema = z
  .string()
  .regex(SHA_PATTERN, { error: 'must be a full 40-character lowercase hexadecimal commit SHA' })
  .describe('A full 40-character lowercase hexadecimal Git commit SHA.');

/** True when `value` is a full 40-character lowercase hexadecimal SHA (the null SHA included). */
export function isSha(value: unknown): value is string {
  return typeof value === 'string' && SHA_PATTERN.test(value);
}

/** True for the all-zero SHA, which marks a created (`before`) or deleted (`after`) branch. */
export function isNullSha(sha: string): boolean {
  return sha === NULL_SHA;
}

/** The abbreviated SHA shown to people (7 characters, like `git log --oneline`). */
export function shortSha(sha: string, length = 7): string {
  return sha.slice(0, length);
}

/** Longest ref name accepted; Git stores refs as files, whose names are limited to 255 bytes. */
export const MAX_REF_NAME_LENGTH = 255;

// Control characters, space and the characters Git reserves for revision syntax.
const FORBIDDEN_CHARS = String.raw`\x00-\x20\x7f~^:?*\[\\`;
// A slash-separated component that does not end in `.lock`, written without
// lookarounds so the same pattern works in JSON Schema / Kubernetes (RE2).
const COMPONENT_NOT_LOCK = String.raw`(?:[^/]{0,4}|[^/]*(?:[^/k]|[^/c]k|[^/o]ck|[^/l]ock|[^/.]lock))`;

/**
 * The rules of `git check-ref-format --allow-onelevel`, plus "no leading `-`"
 * (what `git check-ref-format --branch` adds) so a ref can never be mistaken
 * for a command-line option. Each rule is a lookaround-free pattern so the
 * schema stays representable in a CRD's OpenAPI schema, and the first failing
 * rule gives the message.
 */
const REF_RULES: readonly { readonly pattern: RegExp; readonly message: string }[] = [
  {
    pattern: new RegExp(`^[^${FORBIDDEN_CHARS}]*$`),
    message: 'must not contain spaces, ASCII control characters or any of ~ ^ : ? * [ \\',
  },
  { pattern: /^[^/](?:[\s\S]*[^/])?$/, message: 'must not start or end with "/"' },
  { pattern: /^(?:[^/]|\/[^/])*$/, message: 'must not contain "//"' },
  { pattern: /^(?:[^.]|\.[^.])*\.?$/, message: 'must not contain ".."' },
  { pattern: /^[^.](?:[^/]|\/[^.])*$/, message: 'no "/"-separated component may start with "."' },
  { pattern: new RegExp(`^${COMPONENT_NOT_LOCK}(?:/${COMPONENT_NOT_LOCK})*$`), message: 'no "/"-separated component may end with ".lock"' },
  { pattern: /^(?:[^@]|@+[^@{])*@*$/, message: 'must not contain "@{"' },
  { pattern: /^(?:[^@]|@[\s\S])/, message: 'must not be "@"' },
  { pattern: /[^.]$/, message: 'must not end with "."' },
  { pattern: /^[^-]/, message: 'must not start with "-"' },
];

/**
 * A Git ref name (`main`, `release/1.2`, `refs/heads/main`) valid under
 * `git check-ref-format --allow-onelevel` and not starting with `-`.
 *
 * A valid ref can still contain `$`, `;`, `|` or quotes: pass it to processes
 * as a separate argument or environment variable, never interpolated into a
 * shell string.
 */
export const GitRefNameSchema = REF_RULES.reduce(
  (schema, rule) => schema.regex(rule.pattern, { error: rule.message, abort: true }),
  z
    .string()
    .min(1, { error: 'must not be empty', abort: true })
    .max(MAX_REF_NAME_LENGTH, { error: `must be at most ${MAX_REF_NAME_LENGTH} characters`, abort: true }),
).describe('A Git ref name valid under `git check-ref-format --allow-onelevel`, not starting with "-".');

/**
 * Why `ref` is not a valid Git ref name, or `undefined` when it is.
 * The message is meant to be shown to the person who pushed the ref.
 */
export function refNameProblem(ref: string): string | undefined {
  const result = GitRefNameSchema.safeParse(ref);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** True when `ref` passes {@link GitRefNameSchema}. */
export function isValidRefName(ref: string): boolean {
  return GitRefNameSchema.safeParse(ref).success;
}

/** What kind of ref a delivery is for. Merge requests are delivered from their source branch. */
export const RefTypeSchema = z.enum(['branch', 'tag', 'merge_request']);
/** What kind of ref a delivery is for. */
export type RefType = z.infer<typeof RefTypeSchema>;

/** A full ref (`refs/heads/main`) split into its short name and type, or why it cannot be. */
export type ParsedRef =
  | { readonly ok: true; readonly ref: string; readonly refType: 'branch' | 'tag' }
  | { readonly ok: false; readonly error: string };

const REF_PREFIXES = [
  ['refs/heads/', 'branch'],
  ['refs/tags/', 'tag'],
] as const;

/**
 * Splits the full ref of a push or tag-push event (`refs/heads/main`,
 * `refs/tags/v1.2.0`) into the short name and ref type stored on a Delivery.
 * Other namespaces (`refs/merge-requests/…`, `refs/notes/…`) are not delivered.
 */
export function parseFullRef(fullRef: string): ParsedRef {
  const problem = refNameProblem(fullRef);
  if (problem !== undefined) return { ok: false, error: `ref ${JSON.stringify(fullRef)} ${problem}` };
  for (const [prefix, refType] of REF_PREFIXES) {
    if (fullRef.startsWith(prefix)) {
      const ref = fullRef.slice(prefix.length);
      const shortProblem = refNameProblem(ref);
      if (shortProblem !== undefined) return { ok: false, error: `ref name ${JSON.stringify(ref)} ${shortProblem}` };
      return { ok: true, ref, refType };
    }
  }
  return { ok: false, error: `ref ${JSON.stringify(fullRef)} is neither a branch (refs/heads/…) nor a tag (refs/tags/…)` };
}

/** What {@link fetchRefOf} needs of a Delivery spec. */
export interface FetchableRef {
  readonly ref: string;
  readonly refType: RefType;
  readonly mergeRequest?: { readonly iid: number };
}

/**
 * The full ref a delivered commit must be reachable from, in the
 * Application's own repository: the pushed branch or tag, or for a merge
 * request (a fork's too) the target project's `refs/merge-requests/<iid>/head`,
 * which GitLab keeps for every MR. The clone step fetches this ref and fails
 * `RefMismatch` when the SHA is not in its history: a webhook cannot name a
 * commit the project never had on that ref.
 */
export function fetchRefOf(spec: FetchableRef): string {
  if (spec.refType === 'merge_request') {
    if (spec.mergeRequest === undefined) throw new Error('a merge-request delivery must carry its merge request');
    return `refs/merge-requests/${spec.mergeRequest.iid}/head`;
  }
  return spec.refType === 'tag' ? `refs/tags/${spec.ref}` : `refs/heads/${spec.ref}`;
}
