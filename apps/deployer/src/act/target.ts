import { isKubeError, type KubeClient, type KubeObject } from '@sluice/kube';
import { COLORS, type Color } from '@sluice/manifests';
import type { DeploymentObject, EnvironmentFacts, ServiceObject } from '../decide/facts.js';
import type { NamespaceRead, TargetView } from '../decide/target.js';

/** Reads a target namespace's labels (`forbidden`: the deployer has no Role there). */
export async function readNamespace(client: KubeClient, name: string): Promise<NamespaceRead> {
  try {
    const namespace = await client.get<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', name });
    return namespace ? { kind: 'found', labels: namespace.metadata.labels ?? {} } : { kind: 'absent' };
  } catch (err) {
    if (isKubeError(err, 'Forbidden')) return { kind: 'forbidden' };
    throw err;
  }
}

/** {@link TargetView} plus the Service as the apiserver has it now, when it was read fresh. */
export interface TargetRead extends TargetView {
  readonly service: ServiceObject | undefined;
  readonly deployments: Readonly<Partial<Record<Color, DeploymentObject>>>;
}

/**
 * What a write in `facts`' target must be checked against, read in parallel:
 * the namespace (always fresh: its labels decide), the Service (fresh when
 * `freshService`, or when the cache has none) and each color Deployment (the
 * cache's, or fresh when it has none). The caches watch only objects labeled
 * `app.kubernetes.io/managed-by=sluice` and `facts` holds only this
 * Application's: "absent" there is confirmed here, so an object anyone else
 * put there is seen before it could be created over.
 */
export async function readTarget(client: KubeClient, facts: EnvironmentFacts, freshService: boolean): Promise<TargetRead> {
  const { namespace, serviceName, deploymentName } = facts.target;
  const deployment = async (color: Color): Promise<DeploymentObject | undefined> =>
    facts.deployments[color] ?? ((await client.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: `${deploymentName}-${color}` })) as DeploymentObject | undefined);
  const [ns, service, ...colors] = await Promise.all([
    readNamespace(client, namespace),
    freshService || facts.service === undefined
      ? (client.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace, name: serviceName }) as Promise<ServiceObject | undefined>)
      : Promise.resolve(facts.service),
    ...COLORS.map(deployment),
  ]);
  const deployments: Partial<Record<Color, DeploymentObject>> = {};
  COLORS.forEach((color, i) => {
    const d = colors[i];
    if (d) deployments[color] = d;
  });
  return { namespace: ns, service, deployments };
}
