import { describe, expect, it } from 'vitest';
import { ApplicationSpecSchema, DEFAULT_KEEP_FINISHED, imageFor, keepFinishedOf } from './application.js';
import type { ApplicationSpecInput } from './application.js';
import { environmentsFor, matchRule, matchesRefPattern } from './rules.js';
import { parseApplication, parseApplicationSpec, validateApplicationSpec } from './validate-application.js';

function minimalSpec(): ApplicationSpecInput {
  return {
    project: { id: 42, path: 'shop/web' },
    repositoryUrl: 'https://gitlab.example.com/shop/web.git',
    rules: [
      { refs: 'main', environments: ['staging', 'production'] },
      { refs: 'release/*', environments: ['production'] },
      { refs: 'v*', kind: 'tag', environments: ['production'] },
    ],
    test: { image: 'node:20-alpine', commands: ['npm test'] },
    build: { repository: 'registry.example.com/shop/web' },
    environments: {
      staging: { namespace: 'shop-staging', deploymentName: 'web', serviceName: 'web' },
      production: { namespace: 'shop', deploymentName: 'web', serviceName: 'web' },
    },
  };
}

function problems(input: unknown): readonly string[] {
  const result = parseApplicationSpec(input);
  return result.ok ? [] : result.error.problems;
}

describe('Application spec defaults', () => {
  it('fills in documented defaults', () => {
    const spec = ApplicationSpecSchema.parse(minimalSpec());
    expect(spec.rules[0]?.kind).toBe('branch');
    expect(spec.test).toMatchObject({
      install: [],
      timeoutSeconds: 900,
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
    });
    expect(spec.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile', timeoutSeconds: 1800 });
    expect(spec.environments.production).toMatchObject({
      replicas: 2,
      containerPort: 8080,
      bakeSeconds: 120,
      scaleDownDelaySeconds: 30,
      rolloutTimeoutSeconds: 600,
      rollback: { auto: true },
      promotion: 'automatic',
      health: { readiness: { path: '/healthz', periodSeconds: 10, failureThreshold: 3 }, prePromotionPath: '/healthz' },
    });
  });

  it('keeps the remaining defaults when one nested field is overridden', () => {
    const input = minimalSpec();
    input.test.resources = { limits: { memory: '4Gi' } };
    const spec = ApplicationSpecSchema.parse(input);
    expect(spec.test.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '4Gi' } });
  });

  it.each([
    ['.', true],
    ['./docker/Dockerfile', true],
    ['docker/...hidden', true],
    ['../Dockerfile', false],
    ['docker/../../etc', false],
    ['/etc/passwd', false],
    ['docker\\Dockerfile', false],
  ])('accepts build path %j: %s', (dockerfile, accepted) => {
    const input = { ...minimalSpec(), build: { repository: 'registry.example.com/shop/web', dockerfile } };
    expect(ApplicationSpecSchema.safeParse(input).success).toBe(accepted);
  });

  it('keeps 50 finished Deliveries when spec.history is absent or empty, else the number asked for', () => {
    expect(keepFinishedOf({ spec: ApplicationSpecSchema.parse(minimalSpec()) })).toBe(DEFAULT_KEEP_FINISHED);
    expect(keepFinishedOf({ spec: ApplicationSpecSchema.parse({ ...minimalSpec(), history: {} }) })).toBe(50);
    expect(keepFinishedOf({ spec: ApplicationSpecSchema.parse({ ...minimalSpec(), history: { keepFinished: 3 } }) })).toBe(3);
  });

  it.each([0, 1001, 2.5])('refuses spec.history.keepFinished %j', (keepFinished) => {
    expect(problems({ ...minimalSpec(), history: { keepFinished } })[0]).toMatch(/^history\.keepFinished: /);
  });

  it('names the image after the full commit SHA', () => {
    expect(imageFor({ repository: 'registry.example.com/shop/web' }, 'a'.repeat(40))).toBe(`registry.example.com/shop/web:${'a'.repeat(40)}`);
  });
});

describe('Application spec rejections', () => {
  it('says which required fields are missing', () => {
    const { test: _test, ...input } = minimalSpec();
    expect(problems(input)).toEqual(['test: is required']);
  });

  it.each([
    ['credentials in the clone URL', { repositoryUrl: 'https://user:token@gitlab.example.com/shop/web.git' }, 'repositoryUrl: must be an http(s) URL without credentials, query or fragment, e.g. "https://gitlab.example.com/group/app.git"'],
    ['an ssh clone URL', { repositoryUrl: 'git@gitlab.example.com:shop/web.git' }, 'repositoryUrl: must be an http(s) URL without credentials, query or fragment, e.g. "https://gitlab.example.com/group/app.git"'],
    ['a tagged build repository', { build: { repository: 'registry.example.com/shop/web:latest' } }, 'build.repository: must be an image repository without tag or digest, such as "registry.example.com/team/app"'],
    ['a Dockerfile outside the repository', { build: { repository: 'registry.example.com/shop/web', dockerfile: '../Dockerfile' } }, 'build.dockerfile: must be a path relative to the repository root, without "..", spaces or backslashes'],
    ['an unknown environment', { rules: [{ refs: 'main', environments: ['qa'] }] }, 'rules[0].environments[0]: Invalid option: expected one of "staging"|"production"'],
    ['no rules', { rules: [] }, 'rules: Too small: expected array to have >=1 items'],
    ['a container command that is not a list', { command: 'node server.js' }, 'command: Invalid input: expected array, received string'],
    ['an empty container command', { command: [] }, 'command: Too small: expected array to have >=1 items'],
    ['a push Secret name with capitals', { build: { repository: 'registry.example.com/shop/web', pushSecretName: 'Shop-Push' } }, expect.stringMatching(/^build\.pushSecretName: must be a DNS subdomain/)],
    ['a webhook Secret name with a slash', { webhook: { secretName: 'shop/webhook' } }, expect.stringMatching(/^webhook\.secretName: must be a DNS subdomain/)],
    ['an unknown promotion', { environments: { production: { namespace: 'shop', deploymentName: 'web', serviceName: 'web', promotion: 'later' } } }, 'environments.production.promotion: Invalid option: expected one of "automatic"|"manual"'],
  ])('rejects %s', (_, override, message) => {
    expect(problems({ ...minimalSpec(), ...override })).toEqual([message]);
  });

  it('rejects a rule naming an environment that is not configured, and says how to fix it', () => {
    const input = minimalSpec();
    delete input.environments.staging;
    expect(problems(input)).toEqual([
      'rules[0].environments[0]: "staging" is not configured; add environments.staging or remove it from this rule',
    ]);
  });

  it('rejects requests above limits', () => {
    const input = minimalSpec();
    input.test.resources = { requests: { memory: '3Gi' } };
    expect(problems(input)).toEqual([
      'test.resources.requests.memory: request 3Gi is larger than the limit 2Gi; raise limits.memory or lower requests.memory',
    ]);
  });

  it('rejects a staging target that would overwrite production', () => {
    const input = minimalSpec();
    input.environments.staging = { namespace: 'shop', deploymentName: 'web', serviceName: 'web' };
    expect(problems(input)).toEqual([
      'environments.staging.deploymentName: staging would replace the production Deployments; use another namespace or deploymentName',
      'environments.staging.serviceName: staging would switch the production Service; use another namespace or serviceName',
    ]);
  });

  it('rejects invalid ref patterns', () => {
    const spec = ApplicationSpecSchema.parse({ ...minimalSpec(), rules: [{ refs: 'release/**/..', environments: [] }] });
    expect(validateApplicationSpec(spec)).toEqual(['rules[0].refs: pattern must not contain ".."']);
  });

  it('prefixes problems with their place in the whole object', () => {
    const result = parseApplication({
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web', namespace: 'sluice-system' },
      spec: { ...minimalSpec(), rules: [{ refs: 'main', environments: ['production', 'production'] }] },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_application');
      expect(result.error.message).toBe('Invalid Application:\n  - spec.rules[0].environments[1]: "production" is listed twice');
    }
  });
});

describe('rules', () => {
  const spec = ApplicationSpecSchema.parse(minimalSpec());

  it.each([
    ['main', 'branch', ['staging', 'production']],
    ['release/1.2', 'branch', ['production']],
    ['release/1.2/hotfix', 'branch', []],
    ['feature/x', 'branch', []],
    ['v1.0.0', 'tag', ['production']],
    ['v1.0.0', 'branch', []],
    ['main', 'merge_request', []],
  ] as const)('%s (%s) delivers to %j', (ref, refType, environments) => {
    expect(environmentsFor(spec, { ref, refType })).toEqual(environments);
  });

  it('lets the first matching rule win, so a narrow rule can exclude', () => {
    const app = ApplicationSpecSchema.parse({
      ...minimalSpec(),
      rules: [
        { refs: 'release/wip-*', environments: [] },
        { refs: 'release/*', environments: ['production'] },
      ],
    });
    expect(matchRule(app, { ref: 'release/wip-1', refType: 'branch' })?.environments).toEqual([]);
    expect(environmentsFor(app, { ref: 'release/1', refType: 'branch' })).toEqual(['production']);
  });

  it('deploys merge requests only when a rule says so', () => {
    const app = ApplicationSpecSchema.parse({
      ...minimalSpec(),
      rules: [{ refs: 'review/**', kind: 'merge_request', environments: ['staging'] }],
    });
    expect(environmentsFor(app, { ref: 'review/a/b', refType: 'merge_request' })).toEqual(['staging']);
    expect(environmentsFor(app, { ref: 'review/a/b', refType: 'branch' })).toEqual([]);
  });

  it.each([
    ['release/*', 'release/1', true],
    ['release/*', 'release/1/2', false],
    ['release/**', 'release/1/2', true],
    ['v?.x', 'v1.x', true],
    ['v?.x', 'v10.x', false],
    ['a.b', 'axb', false],
    ['feat+(x)', 'feat+(x)', true],
  ])('glob %s matches %s: %s', (pattern, ref, matches) => {
    expect(matchesRefPattern(pattern, ref)).toBe(matches);
  });
});
