/** The fields of a coordination.k8s.io/v1 Lease the deployer reads. */
export interface LeaseObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: { holderIdentity?: string | null; leaseDurationSeconds?: number; renewTime?: string | null; acquireTime?: string | null; leaseTransitions?: number };
  [k: string]: unknown;
}

/** What to do about an environment's Lease before acting on it. */
export type LeaseDecision =
  | { readonly kind: 'held'; readonly renewAtMs: number }
  | { readonly kind: 'create' }
  | { readonly kind: 'take'; readonly transition: boolean }
  | { readonly kind: 'blocked'; readonly holder: string; readonly untilMs: number };

/**
 * Whether this deployer (`identity`) holds the environment's Lease, should
 * renew or take it, or must wait for another holder's Lease to expire. One
 * rollout per environment at a time, even across deployer replicas.
 */
export function leaseDecision(lease: LeaseObject | undefined, identity: string, now: number, durationMs: number): LeaseDecision {
  if (!lease) return { kind: 'create' };
  const holder = lease.spec?.holderIdentity ?? '';
  const renewed = Date.parse(lease.spec?.renewTime ?? '') || 0;
  const validMs = (lease.spec?.leaseDurationSeconds ?? Math.ceil(durationMs / 1000)) * 1000;
  if (holder === identity) {
    const renewAtMs = renewed + durationMs / 3;
    return now < renewAtMs ? { kind: 'held', renewAtMs } : { kind: 'take', transition: false };
  }
  if (holder === '' || now >= renewed + validMs) return { kind: 'take', transition: holder !== '' };
  return { kind: 'blocked', holder, untilMs: renewed + validMs };
}

/** Lease name of one Application environment. */
export function leaseName(application: string, environment: string): string {
  return `sluice-deploy-${application}-${environment}`.slice(0, 253);
}

/** Kubernetes MicroTime (RFC 3339 with microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}
