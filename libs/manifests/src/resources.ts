import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';

/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: '500m', memory: '1Gi' }`. */
export interface CpuMemory {
  readonly cpu: string;
  readonly memory: string;
}

/**
 * Requests and limits for one container. Both are required on purpose: a
 * container without limits can starve its node, one without requests is
 * scheduled blind, and the test namespace's quota rejects either.
 */
export interface ComputeResources {
  readonly requests: CpuMemory;
  readonly limits: CpuMemory;
}

const SCALE: Readonly<Record<string, number>> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const QUANTITY = /^(\+?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

/**
 * The numeric value of a non-negative Kubernetes quantity (`"500m"` → 0.5,
 * `"1Gi"` → 1073741824), or `undefined` if it does not parse. Only used to
 * compare limits with requests, so float precision is enough.
 */
export function parseQuantity(quantity: string): number | undefined {
  const match = QUANTITY.exec(quantity);
  if (!match) return undefined;
  const [, digits, suffix, exponent] = match;
  const base = Number(digits);
  if (exponent !== undefined) return base * 10 ** Number(exponent);
  return base * (SCALE[suffix ?? ''] ?? 1);
}

function quantity(builder: string, field: string, value: string): number {
  const parsed = parseQuantity(value);
  if (parsed === undefined) {
    throw new ManifestError(
      'InvalidQuantity',
      builder,
      `${field} "${value}" is not a Kubernetes quantity; use e.g. "500m" or "2" for cpu and "512Mi" or "2Gi" for memory`,
    );
  }
  return parsed;
}

/**
 * Checks that every limit is at least its request and returns the
 * Kubernetes form (stable key order).
 */
export function checkedResources(builder: string, resources: ComputeResources): V1ResourceRequirements {
  for (const key of ['cpu', 'memory'] as const) {
    const request = quantity(builder, `requests.${key}`, resources.requests[key]);
    const limit = quantity(builder, `limits.${key}`, resources.limits[key]);
    if (limit < request) {
      throw new ManifestError(
        'LimitBelowRequest',
        builder,
        `${key} limit "${resources.limits[key]}" is below the request "${resources.requests[key]}"; raise limits.${key} or lower requests.${key}`,
      );
    }
  }
  return {
    limits: { cpu: resources.limits.cpu, memory: resources.limits.memory },
    requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
  };
}

/** Throws unless `big` is at least `small` for cpu and memory (quota ≥ container limits, etc.). */
export function assertAtLeast(builder: string, bigField: string, big: CpuMemory, smallField: string, small: CpuMemory): void {
  for (const key of ['cpu', 'memory'] as const) {
    if (quantity(builder, `${bigField}.${key}`, big[key]) < quantity(builder, `${smallField}.${key}`, small[key])) {
      throw new ManifestError(
        'LimitBelowRequest',
        builder,
        `${bigField}.${key} "${big[key]}" is below ${smallField}.${key} "${small[key]}"; raise ${bigField}.${key} or lower ${smallField}.${key}`,
      );
    }
  }
}
