/** Prefix of branch refs. */
export const BRANCH_REF_PREFIX = 'refs/heads/';
/** Prefix of tag refs. */
export const TAG_REF_PREFIX = 'refs/tags/';

// `git check-ref-format` rules for one name (without the refs/... prefix).
// Kept strict because names flow into Kubernetes objects and API paths.
const FORBIDDEN_CHARS = /[ ~^:?*[\\]/;

function hasControlChar(name: string): boolean {
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * True when `name` is a valid branch or tag name by `git check-ref-format`
 * rules: no control characters, spaces or `~^:?*[\`, no `..` or `@{`, no empty
 * or dot-leading path component, no component ending in `.lock`, not `@`,
 * not ending with `/` or `.`.
 */
export function isValidRefName(name: string): boolean {
  if (name.length === 0 || name.length > 255 || name === '@') return false;
  if (hasControlChar(name) || FORBIDDEN_CHARS.test(name) || name.includes('..') || name.includes('@{')) return false;
  if (name.endsWith('.')) return false;
  return name.split('/').every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}

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
  return isValidRefName(name) ? name : null;
}
