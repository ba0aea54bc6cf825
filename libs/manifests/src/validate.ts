import { ManifestError } from './errors.js';

// Kubernetes' own grammars (k8s.io/apimachinery/pkg/util/validation).
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Throws unless `value` is a DNS-1123 label (namespaces, Job and Service names). */
export function assertDnsLabel(builder: string, field: string, value: string): void {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new ManifestError(
      'InvalidName',
      builder,
      `${field} "${value}" is not a DNS-1123 label; use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit`,
    );
  }
}

/** Throws unless `value` is a DNS-1123 subdomain (Secret, Role and most object names). */
export function assertDnsSubdomain(builder: string, field: string, value: string): void {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new ManifestError(
      'InvalidName',
      builder,
      `${field} "${value}" is not a DNS-1123 subdomain; use lowercase letters, digits, "-" and ".", at most 253 characters`,
    );
  }
}

/** Throws unless every key and value is a valid Kubernetes label. */
export function assertLabels(builder: string, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
      throw new ManifestError(
        'InvalidLabel',
        builder,
        `label key "${key}" is invalid; use an optional DNS-subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or "."`,
      );
    }
    if (value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      throw new ManifestError(
        'InvalidLabel',
        builder,
        `label "${key}" has invalid value "${value}"; use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
      );
    }
  }
}

/**
 * Merges caller labels with labels the builder owns. A caller may not
 * override an owned label: those carry policy (Pod Security level, the
 * blue/green selector), and silently losing either would be a security or
 * routing bug.
 */
export function mergeLabels(
  builder: string,
  callerLabels: Readonly<Record<string, string>>,
  owned: Readonly<Record<string, string>>,
): Record<string, string> {
  assertLabels(builder, callerLabels);
  assertLabels(builder, owned);
  for (const key of Object.keys(owned)) {
    if (key in callerLabels && callerLabels[key] !== owned[key]) {
      throw new ManifestError(
        'InvalidLabel',
        builder,
        `label "${key}" is set by the builder to "${owned[key]}"; remove it from labels (got "${callerLabels[key]}")`,
      );
    }
  }
  return sortedRecord({ ...callerLabels, ...owned });
}

/** A copy with keys in code-point order, so serialized output is stable. */
export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}

/** Throws unless `value` is an integer within [min, max]. */
export function assertInteger(builder: string, field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new ManifestError('InvalidNumber', builder, `${field} is ${String(value)}; set it to ${range}`);
  }
}

/** Throws unless `value` is a TCP/UDP port number. */
export function assertPort(builder: string, field: string, value: number): void {
  assertInteger(builder, field, value, 1, 65535);
}

/** Throws unless `value` looks like an image reference (non-empty, no whitespace). */
export function assertImage(builder: string, field: string, value: string): void {
  if (value === '' || /\s/.test(value)) {
    throw new ManifestError(
      'InvalidImage',
      builder,
      `${field} "${value}" is not an image reference; use e.g. "registry.example.com/team/app:1.2.3" or an "@sha256:" digest`,
    );
  }
}

/** Throws unless `value` is one of `allowed`. */
export function assertOneOf<T extends string>(builder: string, field: string, value: string, allowed: readonly T[]): asserts value is T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ManifestError('UnknownValue', builder, `${field} "${value}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}; use one of those`);
  }
}

/** Label every builder puts on what it makes, so `kubectl get -l` finds Sluice's objects. */
export const MANAGED_BY: Readonly<Record<string, string>> = Object.freeze({ 'app.kubernetes.io/managed-by': 'sluice' });

/** `props` with every absent or `undefined` field taken from `defaults`. */
export type Resolved<P, D> = Omit<P, keyof D> & { readonly [K in keyof D]-?: K extends keyof P ? Exclude<P[K], undefined> : D[K] };

/**
 * Merges documented defaults into props once, at the top of a builder. Unlike
 * `{ ...defaults, ...props }`, an explicit `undefined` does not erase a default.
 */
export function withDefaults<P extends object, D extends { readonly [K in keyof P]?: unknown }>(props: P, defaults: D): Resolved<P, D> {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(props)) if (value !== undefined) out[key] = value;
  return out as Resolved<P, D>;
}
