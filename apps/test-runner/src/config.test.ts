import { describe, expect, it } from 'vitest';
import { parseTestRunnerConfig } from './config.js';

describe('test-runner config', () => {
  it('runs with no variables set', () => {
    expect(parseTestRunnerConfig({})).toEqual({
      SLUICE_PORT: 8081,
      SLUICE_HOST: '0.0.0.0',
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_SHUTDOWN_TIMEOUT: 10_000,
    });
  });

  it('takes a kubeconfig path for running outside the cluster', () => {
    expect(parseTestRunnerConfig({ KUBECONFIG: '/home/me/.kube/config' }).KUBECONFIG).toBe('/home/me/.kube/config');
  });

  it('names each bad variable', () => {
    expect(() => parseTestRunnerConfig({ SLUICE_LOG_LEVEL: 'chatty', KUBECONFIG: 'kubeconfig' })).toThrow(/SLUICE_LOG_LEVEL[\s\S]*KUBECONFIG/);
  });
});
