import type { V1Namespace } from '@kubernetes/client-node';
import { MANAGED_BY, assertDnsLabel, assertOneOf, mergeLabels } from './validate.js';

/** Pod Security Standard levels Sluice allows a namespace to enforce. `privileged` is deliberately absent. */
export type PodSecurityLevel = 'restricted' | 'baseline';

const LEVELS: readonly PodSecurityLevel[] = ['restricted', 'baseline'];

export interface NamespaceProps {
  readonly name: string;
  /**
   * Level enforced by Pod Security Admission. `audit` and `warn` stay at
   * `restricted` even when enforcing `baseline`, so drift is reported.
   * Only the build namespace enforces `baseline` (rootless BuildKit, see
   * builder-seccomp.ts); every other namespace keeps the default.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /** Extra labels; may not override the `pod-security.kubernetes.io/*` labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Pod Security Admission labels for `level`, pinned to the cluster's latest policy version. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/audit-version': 'latest',
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/warn-version': 'latest',
  };
}

/** A Namespace that enforces a Pod Security Standard (`restricted` unless told otherwise). */
export function namespace(props: NamespaceProps): V1Namespace {
  const builder = 'namespace';
  const level = props.podSecurity ?? 'restricted';
  assertDnsLabel(builder, 'name', props.name);
  assertOneOf(builder, 'podSecurity', level, LEVELS);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      labels: mergeLabels(builder, props.labels ?? {}, { ...MANAGED_BY, ...podSecurityLabels(level) }),
      name: props.name,
    },
  };
}
