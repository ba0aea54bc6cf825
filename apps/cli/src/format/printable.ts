/**
 * Text from a Delivery (commit titles, names, test names, failure messages,
 * logs) comes from whoever pushed. Written to a terminal as is, an ESC or
 * another control character would be obeyed: a commit title could move the
 * cursor, rewrite what was printed before, set the window title or make a
 * link point elsewhere (OSC 8). So every such string goes through
 * {@link printable} before it is rendered.
 */

// C0 except tab and newline, DEL, and C1 (U+0080–U+009F, which some terminals obey like ESC + a letter).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` with every control character shown instead of obeyed, in the
 * caret notation of `cat -v`: ESC → `^[`, CR → `^M`, DEL → `^?`, a C1
 * character such as U+009B (CSI) → `M-^[`. Tabs and newlines stay.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x7f) return '^?';
    if (code >= 0x80) return `M-^${String.fromCharCode(code - 0x80 + 0x40)}`;
    return `^${String.fromCharCode(code + 0x40)}`;
  });
}

/** `value` with {@link printable} applied to every string inside it (objects and arrays are copied, not changed). */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => printableDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v)])) as T;
  }
  return value;
}
