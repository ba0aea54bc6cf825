/** Shared set-up of the deployer's integration tests: a namespace, the CRDs and an in-process deployer. */
import { TEAM_LABEL } from '@sluice/delivery';
import { kubeClientFromFile, type KubeClient, type KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import type { Telemetry } from '@sluice/telemetry';
import { createDeployer, type Deployer } from '../controller/controller.js';
import type { DeployerObserver } from '../controller/reconcile.js';
import type { DeployerSettings } from '../controller/settings.js';
import { installCrds } from './crds.testkit.js';
import { TEST_TEAM } from './deployer.testkit.js';

/** A test namespace with the CRDs installed and (optionally) a deployer watching it. */
export interface Harness {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly deployer: Deployer | undefined;
  readonly settings: DeployerSettings;
  close(): Promise<void>;
}

/** Settings for tests and the benchmark: everything in one namespace, short delays. */
export function testSettings(namespace: string, overrides: Partial<DeployerSettings> = {}): DeployerSettings {
  return {
    namespace,
    targetNamespaces: [namespace],
    identity: 'deployer-test',
    leaseDurationMs: 15_000,
    minReadySeconds: 1,
    failedScaleDownDelayMs: 2_000,
    prePromotionCheck: true,
    workers: 2,
    ...overrides,
  };
}

/**
 * Creates a namespace named `<prefix>-…` — the tests' Applications, Deliveries
 * and target at once, labeled `sluice.dev/team` {@link TEST_TEAM} so the
 * Applications of {@link applicationObject} may deploy there —, installs the
 * CRDs and, unless `start` is false, an in-process deployer.
 */
export async function openHarness(
  kubeconfigPath: string,
  prefix: string,
  options: {
    readonly start?: boolean;
    readonly observer?: DeployerObserver;
    readonly settings?: Partial<DeployerSettings>;
    readonly telemetry?: Pick<Telemetry, 'tracer' | 'meter'>;
  } = {},
): Promise<Harness> {
  const client = kubeClientFromFile(kubeconfigPath, { fieldManager: 'deployer-test' });
  await installCrds(client);
  const ns = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: `${prefix}-`, labels: { [TEAM_LABEL]: TEST_TEAM } } });
  const namespace = ns.metadata.name as string;
  const settings = testSettings(namespace, options.settings);
  let deployer: Deployer | undefined;
  if (options.start !== false) {
    deployer = createDeployer({
      client: kubeClientFromFile(kubeconfigPath, { fieldManager: 'sluice-deployer' }),
      settings,
      logger: createLogger({ service: 'deployer', level: (process.env['SLUICE_TEST_LOG_LEVEL'] as 'info' | undefined) ?? 'silent' }),
      ...(options.observer && { observer: options.observer }),
      ...(options.telemetry && { telemetry: options.telemetry }),
    });
    await deployer.start();
  }
  return {
    client,
    namespace,
    deployer,
    settings,
    close: async () => {
      deployer?.stop();
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    },
  };
}
