/** GitLab's limit for a commit status `description`, `target_url` and `ref`, in characters. */
export const GITLAB_TEXT_LIMIT = 255;

/**
 * Shortens `text` to at most `max` characters (Unicode code points, as GitLab
 * counts them), ending in `…` when cut. Never splits a surrogate pair.
 */
export function truncateText(text: string, max: number = GITLAB_TEXT_LIMIT): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Length in Unicode code points. */
export function charLength(text: string): number {
  return Array.from(text).length;
}
