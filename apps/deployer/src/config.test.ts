import { describe, expect, it } from 'vitest';
import { parseDeployerConfig } from './config.js';

describe('deployer config', () => {
  it('runs with no variables set', () => {
    expect(parseDeployerConfig({})).toEqual({
      SLUICE_PORT: 8082,
      SLUICE_HOST: '0.0.0.0',
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_SHUTDOWN_TIMEOUT: 10_000,
    });
  });

  it('takes a kubeconfig path for running outside the cluster', () => {
    expect(parseDeployerConfig({ KUBECONFIG: '/home/me/.kube/config' }).KUBECONFIG).toBe('/home/me/.kube/config');
  });

  it('names each bad variable', () => {
    expect(() => parseDeployerConfig({ SLUICE_LOG_LEVEL: 'chatty', KUBECONFIG: 'kubeconfig' })).toThrow(/SLUICE_LOG_LEVEL[\s\S]*KUBECONFIG/);
  });
});
