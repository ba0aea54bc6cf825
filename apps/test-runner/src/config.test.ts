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
    expect(runnerSettingsFromConfig(config)).toMatchObject({ maxConcurrentJobs: 5, maxConcurrentJobsPerProject: 2, build: { mode: 'buildkit', builderImage: expect.stringContaining('buildkit') } });
  });

  it('takes a kubeconfig path for running outside the cluster', () => {
    expect(parseTestRunnerConfig({ KUBECONFIG: '/home/me/.kube/config' }).KUBECONFIG).toBe('/home/me/.kube/config');
  });

  it('names each bad variable', () => {
    expect(() => parseTestRunnerConfig({ SLUICE_LOG_LEVEL: 'chatty', SLUICE_MAX_CONCURRENT_JOBS: '0', KUBECONFIG: 'kubeconfig' })).toThrow(
      /SLUICE_LOG_LEVEL[\s\S]*SLUICE_MAX_CONCURRENT_JOBS|SLUICE_MAX_CONCURRENT_JOBS[\s\S]*SLUICE_LOG_LEVEL/,
    );
  });

  it('keeps a project\'s share within the global limit: refused above it, capped by it when unset', () => {
    expect(() => runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_MAX_CONCURRENT_JOBS: '3', SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT: '4' }))).toThrow(
      /SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT \(4\) must not exceed SLUICE_MAX_CONCURRENT_JOBS \(3\)/,
    );
    expect(runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_MAX_CONCURRENT_JOBS: '1' })).maxConcurrentJobsPerProject).toBe(1);
    expect(runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_MAX_CONCURRENT_JOBS: '8', SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT: '3' })).maxConcurrentJobsPerProject).toBe(3);
  });

  it('the archive build needs the registry URL', () => {
    expect(() => runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_BUILD_MODE: 'archive' }))).toThrow(/SLUICE_ARTIFACT_REGISTRY_URL/);
    expect(runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_BUILD_MODE: 'archive', SLUICE_ARTIFACT_REGISTRY_URL: 'http://127.0.0.1:5000/' })).build.artifactRegistryUrl).toBe('http://127.0.0.1:5000');
  });

  it('scopes the Git credentials to the Git host given as a bare base URL; none without it', () => {
    expect(runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_GIT_URL: 'https://GitLab.example.com/' })).gitUrl).toBe('https://gitlab.example.com');
    expect(runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_GIT_URL: 'http://127.0.0.1:8929' })).gitUrl).toBe('http://127.0.0.1:8929');
    expect(runnerSettingsFromConfig(parseTestRunnerConfig({})).gitUrl).toBeUndefined();
    expect(() => runnerSettingsFromConfig(parseTestRunnerConfig({ SLUICE_GIT_URL: 'https://gitlab.example.com/team' }))).toThrow(/SLUICE_GIT_URL must be the Git host's base URL alone/);
    expect(() => parseTestRunnerConfig({ SLUICE_GIT_URL: 'gitlab.example.com' })).toThrow(/SLUICE_GIT_URL/);
  });
});
