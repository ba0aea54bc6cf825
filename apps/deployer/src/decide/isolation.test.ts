import { ANNOTATIONS, LABEL_KEYS, MANAGED_BY_LABEL, TEAM_LABEL } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { NEW, OLD, application, delivery, deployment, facts, options, service } from './fixtures.testkit.js';
import { claimantOf, ownerOf, ownership, type TargetObjectMeta } from './ownership.js';
import { renderDeployment } from './render.js';
import { decideStep } from './step.js';
import { namespaceProblem, ownedFacts, targetVerdict, type TargetView } from './target.js';

const OWNER = 'sys/shop';
// The fixture Application is labeled with the tests' team; most cases here ask about one without a team.
const teamless = { ...application, metadata: { ...application.metadata, labels: {} } };
const claimant = claimantOf(teamless, [delivery(OLD)]);
const managed = { [MANAGED_BY_LABEL]: 'sluice' };
const object = (labels: Record<string, string>, annotations: Record<string, string> = {}): TargetObjectMeta => ({ metadata: { labels, annotations } });
const mine = () => object(managed, { [ANNOTATIONS.owner]: OWNER });
const teamApp = (team: string) => ({ metadata: { ...application.metadata, labels: { [TEAM_LABEL]: team } } });
const open = { kind: 'found', labels: { [LABEL_KEYS.application]: 'shop' } } as const;
const view = (parts: Partial<TargetView> = {}): TargetView => ({ namespace: open, service: undefined, deployments: {}, ...parts });

describe('ownership of an object in a target namespace', () => {
  it('is the Application <namespace>/<name>', () => {
    expect(ownerOf(application)).toBe(OWNER);
    expect(claimant.owner).toBe(OWNER);
  });

  it('lets the deployer create what is absent and write what carries its owner annotation and the managed-by label', () => {
    expect(ownership(undefined, claimant)).toEqual({ kind: 'absent' });
    expect(ownership(mine(), claimant)).toEqual({ kind: 'owned' });
  });

  it("refuses another Application's object, naming its owner", () => {
    expect(ownership(object(managed, { [ANNOTATIONS.owner]: 'sys/blog' }), claimant)).toEqual({ kind: 'foreign', owner: 'sys/blog' });
    expect(ownership(object(managed, { [ANNOTATIONS.owner]: 'other-sluice/shop' }), claimant)).toEqual({ kind: 'foreign', owner: 'other-sluice/shop' });
  });

  it('refuses an object Sluice does not manage, even one that claims this owner', () => {
    expect(ownership(object({ app: 'shop-production' }), claimant)).toEqual({ kind: 'foreign', owner: 'not managed by Sluice' });
    expect(ownership(object({}, { [ANNOTATIONS.owner]: OWNER }), claimant)).toEqual({ kind: 'foreign', owner: 'not managed by Sluice' });
  });

  it("adopts an earlier deployer's object (no owner annotation) only when it was written for one of this Application's Deliveries or carries its application label", () => {
    expect(ownership(object(managed, { [ANNOTATIONS.delivery]: delivery(OLD).metadata.name }), claimant)).toEqual({ kind: 'adopt' });
    expect(ownership(object({ ...managed, [LABEL_KEYS.application]: 'shop' }), claimant)).toEqual({ kind: 'adopt' });
    expect(ownership(object(managed, { [ANNOTATIONS.delivery]: 'someone-elses-delivery' }), claimant)).toMatchObject({ kind: 'foreign', owner: expect.stringContaining('no sluice.dev/owner') });
    expect(ownership(object(managed, { [ANNOTATIONS.delivery]: '' }), claimant)).toMatchObject({ kind: 'foreign' });
  });
});

describe('which target namespaces an Application may deploy into', () => {
  it('is a namespace labeled with its name, or with its team when it has one', () => {
    expect(namespaceProblem('prod', open, teamless)).toBeUndefined();
    expect(namespaceProblem('prod', { kind: 'found', labels: { [TEAM_LABEL]: 'shop-team' } }, teamApp('shop-team'))).toBeUndefined();
  });

  it("refuses another team's namespace, saying which label it needs and which it has", () => {
    expect(namespaceProblem('prod', { kind: 'found', labels: { [TEAM_LABEL]: 'blog-team' } }, teamApp('shop-team'))).toBe(
      'namespace prod is not open to Application shop: it needs the label sluice.dev/application=shop or sluice.dev/team=shop-team; it is labeled sluice.dev/team=blog-team',
    );
    expect(namespaceProblem('prod', { kind: 'found', labels: { [LABEL_KEYS.application]: 'blog' } }, teamless)).toMatch(/it is labeled sluice.dev\/application=blog$/);
  });

  it('opens a team namespace only to an Application labeled with that team: without a team label only the first form works', () => {
    const message = namespaceProblem('prod', { kind: 'found', labels: { [TEAM_LABEL]: 'shop-team' } }, teamless);
    expect(message).toContain('it needs the label sluice.dev/application=shop (Application shop has no sluice.dev/team label');
    expect(namespaceProblem('prod', { kind: 'found', labels: {} }, teamless)).toMatch(/it is labeled with neither$/);
  });

  it('refuses a namespace that does not exist or that the deployer may not read', () => {
    expect(namespaceProblem('prod', { kind: 'absent' }, teamless)).toMatch(/^namespace prod does not exist; it must be created with the label sluice.dev\/application=shop/);
    expect(namespaceProblem('prod', { kind: 'forbidden' }, teamless)).toMatch(/^the deployer may not read namespace prod: it is not one of the deployer's target namespaces/);
  });
});

describe('the check before a write in the target', () => {
  const target = application.spec.environments.production;

  it('passes an open namespace holding only absent, own or adoptable objects', () => {
    const adoptable = object(managed, { [ANNOTATIONS.delivery]: delivery(OLD).metadata.name });
    expect(targetVerdict(teamless, target, view({ service: mine(), deployments: { blue: adoptable } }), claimant)).toEqual({ ok: true });
  });

  it('fails NamespaceNotAllowed first, before looking at any object', () => {
    const verdict = targetVerdict(teamless, target, view({ namespace: { kind: 'found', labels: {} }, service: object({}) }), claimant);
    expect(verdict).toMatchObject({ ok: false, reason: 'NamespaceNotAllowed' });
  });

  it('fails NotOwned naming the object, its namespace and its owner', () => {
    const verdict = targetVerdict(teamless, target, view({ service: mine(), deployments: { green: object(managed, { [ANNOTATIONS.owner]: 'sys/blog' }) } }), claimant);
    expect(verdict).toMatchObject({ ok: false, reason: 'NotOwned' });
    if (verdict.ok) return;
    expect(verdict.message).toMatch(/^Deployment shop-production-green in namespace prod is not sys\/shop's: its owner is sys\/blog; Sluice never writes/);
    const unmanaged = targetVerdict(teamless, target, view({ service: object({}) }), claimant);
    expect(unmanaged).toMatchObject({ ok: false, reason: 'NotOwned', message: expect.stringMatching(/^Service shop-production in namespace prod .* its owner is not managed by Sluice;/) });
  });
});

describe('facts a decision is made from', () => {
  it("leave out another owner's Service and colors, so their annotations (live revision, rejected SHAs) never steer this Application", () => {
    const foreignService = { ...service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.rejected]: NEW }), metadata: { name: 'shop-production', labels: managed, annotations: { [ANNOTATIONS.owner]: 'sys/blog', [ANNOTATIONS.rejected]: NEW } } };
    const own = { ...deployment('green', OLD), metadata: { ...deployment('green', OLD).metadata, labels: managed, annotations: { [ANNOTATIONS.owner]: OWNER } } };
    const filtered = ownedFacts(facts({ service: foreignService, deployments: { blue: deployment('blue', OLD), green: own } }), claimant);
    expect(filtered.service).toBeUndefined();
    expect(Object.keys(filtered.deployments)).toEqual(['green']);
    // Without the foreign Service's rejected list the revision is not refused: the stage starts, and its start is checked against the target.
    expect(decideStep(delivery(NEW), filtered, options)).toMatchObject({ kind: 'status', why: 'start deploy stage', checkTarget: true });
  });

  it('render every color with the managed-by label and the owner annotation', () => {
    const d = renderDeployment({ application, environment: 'production', target: application.spec.environments.production, color: 'blue', sha: NEW, image: `r.example/x@sha256:${'1'.repeat(64)}`, delivery: 'd-1', replicas: 2, minReadySeconds: 1 });
    expect(d.metadata.labels?.[MANAGED_BY_LABEL]).toBe('sluice');
    expect(d.metadata.annotations?.[ANNOTATIONS.owner]).toBe(OWNER);
  });
});
