import { describe, expect, it } from 'vitest';
import { parseTestRunnerConfig, runnerSettingsFromConfig } from './config.js';

describe('test-runner config', () => {
  it('runs with no variables set', () => {
    const config = parseTestRunnerConfig({});
    expect(config).toMatchObject({
      SLUICE_PORT: 8081,
      SLUICE_NAMESPACE: 'sluice-system',
      SLUICE_TEST_NAMESPACE: 'sluice-test',
      SLUICE_MAX_CONCURRENT_JOBS: 5,
      SLUICE_QUOTA_WAIT: 600_000,
      SLUICE_POD_PENDING_GRACE: 120_000,
      SLUICE_BUILD_MODE: 'buildkit',
    });
    expect(runnerSettingsFromConfig(config)).toMatchObject({ maxConcurrentJobs: 5, build: { mode: 'buildkit', builderImage: expect.stringContaining('buildkit') } });
  });

  it('takes a kubeconfig path for running outside the cluster', () => {
    expect(parseTestRunnerConfig({ KUBECONFIG: '/home/me/.kube/config' }).KUBECONFIG).toBe('/home/me/.kube/config');
  });

  it('names each bad variable', () => {
    expect(() => parseTestRunnerConfig({ SLUICE_LOG_LEVEL: 'chatty', SLUICE_MAX_CONCURRENT_JOBS: '0', KUBECONFIG: 'kubeconfig' })).toThrow(
      /SLUICE_LOG_LEVEL[\s\S]*SLUICE_MAX_CONCURRENT_JOBS|SLUICE_MAX_CONCURRENT_JOBS[\s\S]*SLUICE_LOG_LEVEL/,
    );
  });

  it('the archive build needs the registry URL', () => {
    expect(() => runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_BUILD_MODE: 'archive' }))).toThrow(/SLUICE_ARTIFACT_REGISTRY_URL/);
    expect(runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_BUILD_MODE: 'archive', SLUICE_ARTIFACT_REGISTRY_URL: 'http://127.0.0.1:5000/' })).build.artifactRegistryUrl).toBe('http://127.0.0.1:5000');
  });
});
