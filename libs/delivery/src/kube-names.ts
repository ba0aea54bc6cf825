import { createHash } from 'node:crypto';
import * as z from 'zod';

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Longest RFC 1123 DNS label; the limit for namespaces, Job names and label values. */
export const MAX_DNS_LABEL_LENGTH = 63;

/**
 * An RFC 1123 DNS label: the name Kubernetes requires for namespaces and
 * (since 1.27) Jobs, and the safe choice for any name that ends up in a pod
 * label or hostname.
 */
export const DnsLabelSchema = z
  .string()
  .max(MAX_DNS_LABEL_LENGTH, { error: `must be at most ${MAX_DNS_LABEL_LENGTH} characters`, abort: true })
  .regex(DNS_LABEL, {
    error: 'must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  });

/** An RFC 1035 DNS label (starts with a letter): what Kubernetes requires for Service names. */
export const Dns1035LabelSchema = z
  .string()
  .max(MAX_DNS_LABEL_LENGTH, { error: `must be at most ${MAX_DNS_LABEL_LENGTH} characters`, abort: true })
  .regex(DNS_1035_LABEL, {
    error: 'must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit',
  });

/** An RFC 1123 DNS subdomain: what Kubernetes requires for Secret, ConfigMap and most other object names. */
export const DnsSubdomainSchema = z
  .string()
  .max(253, { error: 'must be at most 253 characters', abort: true })
  .regex(/^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/, {
    error: 'must be a DNS subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  });

/** True when `value` is a valid RFC 1123 DNS label. */
export function isDnsLabel(value: string): boolean {
  return value.length <= MAX_DNS_LABEL_LENGTH && DNS_LABEL.test(value);
}

/** True when `value` is a valid Kubernetes label value (≤ 63 characters, may be empty). */
export function isLabelValue(value: string): boolean {
  return value.length <= MAX_DNS_LABEL_LENGTH && LABEL_VALUE.test(value);
}

/** Lowercase hex SHA-256 of `parts` joined by NUL, so no two different part lists share an input. */
export function hashParts(parts: readonly string[], length: number): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, length);
}

/**
 * Lowercases and replaces every run of characters outside `[a-z0-9]` with one
 * `-`, trimmed of `-` at both ends and cut to `maxLength`. The result may be
 * empty (a ref made only of punctuation or non-Latin letters).
 */
export function slugify(value: string, maxLength: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}

/**
 * `value` itself when it is a valid label value, otherwise a readable, valid
 * stand-in that stays unique: a slug plus a hash of the original.
 */
export function toLabelValue(value: string): string {
  if (isLabelValue(value)) return value;
  const hash = hashParts([value], 10);
  const slug = slugify(value, MAX_DNS_LABEL_LENGTH - hash.length - 1);
  return slug === '' ? hash : `${slug}-${hash}`;
}
