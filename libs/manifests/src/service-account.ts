import type { V1ServiceAccount } from '@kubernetes/client-node';
import { MANAGED_BY, assertDnsLabel, assertDnsSubdomain, mergeLabels } from './validate.js';

export interface ServiceAccountProps {
  readonly name: string;
  readonly namespace: string;
  /**
   * Whether pods get this account's API token by default. Off so that only
   * a pod that opts in (`automountServiceAccountToken: true` on the pod)
   * can talk to the API server.
   * @default false
   */
  readonly automountToken?: boolean;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A ServiceAccount that does not hand out its token unless a pod asks for it. */
export function serviceAccount(props: ServiceAccountProps): V1ServiceAccount {
  const builder = 'serviceAccount';
  assertDnsSubdomain(builder, 'name', props.name);
  assertDnsLabel(builder, 'namespace', props.namespace);
  return {
    apiVersion: 'v1',
    automountServiceAccountToken: props.automountToken ?? false,
    kind: 'ServiceAccount',
    metadata: {
      labels: mergeLabels(builder, props.labels ?? {}, MANAGED_BY),
      name: props.name,
      namespace: props.namespace,
    },
  };
}
