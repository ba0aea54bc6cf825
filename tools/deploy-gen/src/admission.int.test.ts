import { ANNOTATIONS, API_GROUP_VERSION, LABEL_KEYS, TEAM_LABEL, type ApplicationSpecInput } from '@sluice/delivery';
import { waitUntil } from '@sluice/local-cluster/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from './kubectl.testkit.js';
import { BASE } from './profile.js';

const kc = inject('kubeconfig');
const system = BASE.namespaces.system;
const RUN = Date.now().toString(36);
const NS = { a: `adm-a-${RUN}`, b: `adm-b-${RUN}`, solo: `adm-solo-${RUN}` } as const;
const PREFIX = { a: 'registry.example.com/team-a', b: 'registry.example.com/team-b/' } as const;
const created: string[] = [];

function spec(namespace: string, repository: string, projectId: number): ApplicationSpecInput {
  return {
    project: { id: projectId, path: `group/p${projectId}` },
    repositoryUrl: `https://gitlab.example.com/group/p${projectId}.git`,
    rules: [{ refs: 'main', environments: ['production'] }],
    test: { image: 'node:20-alpine', commands: ['npm test'] },
    build: { repository },
    environments: { production: { namespace, deploymentName: 'web', serviceName: 'web' } },
  };
}

function application(name: string, s: ApplicationSpecInput, team?: string): object {
  return { apiVersion: API_GROUP_VERSION, kind: 'Application', metadata: { name, namespace: system, ...(team && { labels: { [TEAM_LABEL]: team } }) }, spec: s };
}

/** `kubectl create` of `object`; `dryRun`: admission runs, nothing is stored. */
function create(object: object, dryRun = false): { status: number; stderr: string } {
  const r = kubectl(kc, ['create', ...(dryRun ? ['--dry-run=server'] : []), '-f', '-'], JSON.stringify(object));
  if (r.status === 0 && !dryRun) created.push((object as { metadata: { name: string } }).metadata.name);
  return r;
}

function namespace(name: string, labels: Record<string, string>, prefix: string): void {
  const r = kubectl(kc, ['apply', '--server-side', '--field-manager=admission-test', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations: { [ANNOTATIONS.imagePrefix]: prefix } } }));
  expect(r.status, r.stderr).toBe(0);
}

beforeAll(async () => {
  const r = kubectl(kc, ['apply', '--server-side', '--force-conflicts', '--field-manager=deploy-gen-test', '-k', 'deploy/base']);
  expect(r.status, r.stderr).toBe(0);
  namespace(NS.a, { [TEAM_LABEL]: 'a' }, PREFIX.a);
  namespace(NS.b, { [TEAM_LABEL]: 'b' }, PREFIX.b);
  namespace(NS.solo, { [LABEL_KEYS.application]: `solo-${RUN}` }, PREFIX.a);
  // The apiserver compiles a new policy moments after it is stored: wait until it refuses what it must.
  await waitUntil(() => create(application(`probe-${RUN}`, spec(NS.b, `${PREFIX.b}web`, 1), 'a'), true).status !== 0, 'the Application admission policies to take effect', 30_000);
}, 90_000);

afterAll(() => {
  for (const name of created) kubectl(kc, ['delete', '-n', system, 'applications.sluice.dev', name, '--wait=false']);
  for (const ns of Object.values(NS)) kubectl(kc, ['delete', 'namespace', ns, '--wait=false']);
});

describe('Application admission (ValidatingAdmissionPolicy, on the real apiserver)', () => {
  it("admits a team's Application into its own namespace with an image under its prefix", () => {
    const r = create(application(`web-a-${RUN}`, spec(NS.a, `${PREFIX.a}/shop/web`, 1001), 'a'));
    expect(r.status, r.stderr).toBe(0);
  });

  it("refuses an Application that targets another team's namespace, and stores nothing", () => {
    const r = create(application(`steal-${RUN}`, spec(NS.b, `${PREFIX.b}web`, 1002), 'a'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`namespace ${NS.b} does not serve Application steal-${RUN}: it needs the label ${LABEL_KEYS.application}=steal-${RUN} or ${TEAM_LABEL}=a`);
    expect(kubectl(kc, ['get', '-n', system, 'applications.sluice.dev', `steal-${RUN}`]).status).not.toBe(0);
  });

  it('refuses an Application without a team that targets a team namespace', () => {
    const r = create(application(`teamless-${RUN}`, spec(NS.a, `${PREFIX.a}/web`, 1003)), true);
    expect(r.stderr).toContain(`namespace ${NS.a} does not serve Application teamless-${RUN}`);
  });

  it("admits an Application into the namespace labeled with its own name, team or not", () => {
    const r = create(application(`solo-${RUN}`, spec(NS.solo, `${PREFIX.a}/solo`, 1004)), true);
    expect(r.status, r.stderr).toBe(0);
  });

  it('refuses an image repository outside the prefix, including one that only shares its first characters', () => {
    const outside = create(application(`img-${RUN}`, spec(NS.a, `${PREFIX.b}web`, 1005), 'a'), true);
    expect(outside.stderr).toContain(`spec.build.repository ${PREFIX.b}web is not under ${PREFIX.a}, the image prefix of namespace ${NS.a}`);
    const lookalike = create(application(`img-${RUN}`, spec(NS.a, `${PREFIX.a}b/web`, 1005), 'a'), true);
    expect(lookalike.stderr).toContain('is not under');
  });

  it("refuses a second Application for a project id another one already claims", () => {
    const r = create(application(`web-a-copy-${RUN}`, spec(NS.a, `${PREFIX.a}/copy`, 1001), 'a'));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`spec.project.id 1001 is already claimed by Application web-a-${RUN}`);
  });

  it("still lets the deployer annotate an admitted Application after its namespace stopped serving it (only spec and labels are judged again)", () => {
    const unlabel = kubectl(kc, ['label', 'namespace', NS.a, `${TEAM_LABEL}-`]);
    expect(unlabel.status, unlabel.stderr).toBe(0);
    try {
      const annotate = kubectl(kc, ['annotate', '-n', system, 'applications.sluice.dev', `web-a-${RUN}`, `${ANNOTATIONS.lastAction}=rollback`]);
      expect(annotate.status, annotate.stderr).toBe(0);
      const retarget = kubectl(kc, ['patch', '-n', system, 'applications.sluice.dev', `web-a-${RUN}`, '--type=merge', '-p', JSON.stringify({ spec: { build: { repository: `${PREFIX.a}/shop/web2` } } })]);
      expect(retarget.stderr).toContain(`namespace ${NS.a} does not serve Application web-a-${RUN}`);
    } finally {
      kubectl(kc, ['label', 'namespace', NS.a, `${TEAM_LABEL}=a`]);
    }
  });
});
