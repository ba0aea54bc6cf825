import { LABEL_KEYS } from './contract/labels.js';
import { hashParts, slugify, toLabelValue } from './kube-names.js';

/**
 * Longest Delivery name. Derived objects append a suffix (`-clone`, `-test`,
 * `-build`, `-deploy-production`, at most 18 characters) and must stay within
 * the 63-character DNS label limit that Job names and label values share.
 */
export const MAX_DELIVERY_NAME_LENGTH = 45;

const SHA_PART_LENGTH = 7;
const HASH_LENGTH = 8;
// "<slug>-<sha7>-<hash8>"
const SLUG_BUDGET = MAX_DELIVERY_NAME_LENGTH - SHA_PART_LENGTH - HASH_LENGTH - 2;

/** What identifies one delivery: the same triple always yields the same name. */
export interface DeliveryNameInput {
  /** GitLab project id (preferred: it survives renames) or path. Use the same form everywhere. */
  readonly project: number | string;
  /**
   * The ref as the gateway names it. A full ref (`refs/heads/main`) keeps a
   * branch and a tag of the same name apart; the `refs/heads/` or
   * `refs/tags/` prefix is left out of the readable part of the name.
   */
  readonly ref: string;
  /** The commit SHA being delivered. */
  readonly sha: string;
}

/**
 * The Delivery name for a (project, ref, SHA) triple: `<ref-slug>-<sha7>-<hash8>`,
 * e.g. `feature-login-3f2a9c1-0b7e41d2`. It is a valid RFC 1123 DNS label of
 * at most {@link MAX_DELIVERY_NAME_LENGTH} characters. The hash covers the
 * full triple, so refs that slugify alike (`feature/a_b`, `feature/a-b`) and
 * projects that share refs still get different names, while a repeated
 * webhook for the same push gets the same name (and an `AlreadyExists`).
 */
export function deliveryName(input: DeliveryNameInput): string {
  const hash = hashParts([String(input.project), input.ref, input.sha], HASH_LENGTH);
  const sha = slugify(input.sha, SHA_PART_LENGTH);
  const slug = slugify(input.ref.replace(/^refs\/(?:heads|tags)\//, ''), SLUG_BUDGET);
  return [slug, sha, hash].filter((part) => part !== '').join('-');
}


/** Inputs for {@link deliveryLabels}. */
export interface DeliveryLabelsInput {
  readonly application: string;
  readonly delivery: string;
  readonly sha: string;
  /** GitLab project id; lets a controller select every Delivery of one project. */
  readonly project?: number;
  /** Short ref name; lets a controller find older Deliveries of the same branch to supersede. */
  readonly ref?: string;
}

/**
 * Labels that tie an object to its Delivery. Values that are not valid label
 * values as they are (a ref like `feature/x`) are replaced by a slug plus a
 * hash, so every value is valid and distinct inputs stay distinct; build
 * selectors with this same function.
 */
export function deliveryLabels(input: DeliveryLabelsInput): Readonly<Record<string, string>> {
  const labels: Record<string, string> = {
    [LABEL_KEYS.application]: toLabelValue(input.application),
    [LABEL_KEYS.delivery]: toLabelValue(input.delivery),
    [LABEL_KEYS.sha]: toLabelValue(input.sha),
  };
  if (input.project !== undefined) labels[LABEL_KEYS.project] = toLabelValue(String(input.project));
  if (input.ref !== undefined) labels[LABEL_KEYS.ref] = toLabelValue(input.ref);
  return labels;
}
