import { describe, expect, it } from 'vitest';
import { parseDeployerConfig, settingsFromConfig } from './config.js';

describe('deployer config', () => {
  it('runs with no variables set, with documented defaults', () => {
    const settings = settingsFromConfig(parseDeployerConfig({ SLUICE_DEPLOYER_IDENTITY: 'me' }));
    expect(settings).toEqual({
      namespace: 'sluice-system',
      targetNamespaces: undefined,
      identity: 'me',
      leaseDurationMs: 15_000,
      minReadySeconds: 10,
      failedScaleDownDelayMs: 600_000,
      prePromotionCheck: true,
      workers: 4,
    });
  });

  it('takes target namespaces as a list', () => {
    expect(settingsFromConfig(parseDeployerConfig({ SLUICE_TARGET_NAMESPACES: 'staging, production' })).targetNamespaces).toEqual(['staging', 'production']);
  });

  it('names each bad variable', () => {
    expect(() => parseDeployerConfig({ SLUICE_LOG_LEVEL: 'chatty', KUBECONFIG: 'kubeconfig' })).toThrow(/SLUICE_LOG_LEVEL[\s\S]*KUBECONFIG/);
  });
});
