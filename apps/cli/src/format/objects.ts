import { stringify } from 'yaml';

/** An object as `-o json|yaml` prints it: what the apiserver sent, without the bulky `managedFields`. */
export function forOutput<T extends { metadata?: object }>(obj: T): T {
  if (!obj.metadata || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata as Record<string, unknown>;
  return { ...obj, metadata };
}

/** Pretty JSON with a final newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** One JSON value per line (for `--watch -o json`). */
export function toJsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** YAML, as `kubectl get -o yaml` would print it. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
