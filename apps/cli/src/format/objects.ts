import { stringify } from 'yaml';

/** An object as `-o json|yaml` prints it: what the apiserver sent, without the bulky `managedFields`. */
export function forOutput<T extends { metadata?: object }>(obj: T): T {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata as Record<string, unknown>;
  return { ...obj, metadata };
}

// JSON.stringify and yaml escape C0 controls (ESC becomes \u001b, \e) but leave
// DEL and C1 (U+0080–U+009F, e.g. U+009B = CSI) raw, which a terminal may obey.
// Both formats have an escape for them that reads back as the same string; in
// YAML they only ever appear inside double quotes, where `\xNN` is one.
const RAW_CONTROL = /[\u007f-\u009f]/g;
const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');
const escapeJson = (json: string) => json.replace(RAW_CONTROL, (c) => `\\u00${hex(c)}`);

/** Pretty JSON with a final newline. */
export function toJson(value: unknown): string {
  return `${escapeJson(JSON.stringify(value, null, 2))}\n`;
}

/** One JSON value per line (for `--watch -o json`). */
export function toJsonLine(value: unknown): string {
  return `${escapeJson(JSON.stringify(value))}\n`;
}

/** YAML, as `kubectl get -o yaml` would print it. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 }).replace(RAW_CONTROL, (c) => `\\x${hex(c)}`);
}
