import { ANNOTATIONS, type DeliveryStatus } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import type { ParsedDelivery, ServiceObject } from './facts.js';
import { NEW, NOW, OLD, application, available, delivery, deployment, facts, options, pod, service } from './fixtures.testkit.js';
import { decideLiveness } from './liveness.js';
import { decideManual } from './manual.js';
import { decideStep } from './step.js';

const SWITCHED_AT = new Date(NOW).toISOString();

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

/** A Delivery named `name` (the fixtures name by the SHA's first 8 characters, alike for OLD and NEW), in `phase`, with `status` fields. */
function named(name: string, commit: string, phase: DeliveryStatus['phase'], status: Partial<DeliveryStatus> = {}): ParsedDelivery {
  const d = delivery(commit, { state: phase === 'Live' ? 'succeeded' : 'running' }, phase);
  return { ...d, metadata: { ...d.metadata, name }, status: { ...d.status, ...status } };
}

/** What the deployer's writes make of the Deliveries: every decided change applied. */
function recorded(deliveries: readonly ParsedDelivery[], svc: ServiceObject): ParsedDelivery[] {
  const changes = decideLiveness(facts({ service: svc }), deliveries);
  return deliveries.map((d) => {
    let status = d.status;
    for (const c of changes.filter((c) => c.delivery === d)) status = c.change(status, new Date(NOW)) ?? status;
    return { ...d, status };
  });
}

function withAnnotations(svc: ServiceObject, color: 'blue' | 'green', annotations: Readonly<Record<string, string>>): ServiceObject {
  return { ...svc, metadata: { ...svc.metadata, annotations: { ...svc.metadata.annotations, ...annotations } }, spec: { selector: { app: 'shop-production', color } } };
}

const liveOld = service('blue', {
  [ANNOTATIONS.revision]: OLD,
  [ANNOTATIONS.delivery]: 'shop-old',
  [ANNOTATIONS.verifiedRevision]: OLD,
  [ANNOTATIONS.receivedAt]: '2026-01-01T10:00:00.000Z',
  [ANNOTATIONS.promotedAt]: '2026-01-01T10:05:00.000Z',
});
const deployments = { blue: deployment('blue', OLD, available), green: deployment('green', NEW, available) };
const pods = [pod('b1', 'blue', OLD), pod('b2', 'blue', OLD), pod('g1', 'green', NEW), pod('g2', 'green', NEW)];

/** The Service after `shop-new`'s rollout switched production to it (the switch step's own annotations). */
function switchedToNew(): ServiceObject {
  const step = decideStep(named('shop-new', NEW, 'Deploying'), facts({ service: liveOld, deployments, pods }), { ...options, prePromotionPassed: true });
  if (step.kind !== 'switch') throw new Error(`expected a switch, got ${step.kind}`);
  return withAnnotations(liveOld, step.color, step.annotations);
}

describe('decideLiveness', () => {
  it('the first Delivery to serve an environment is live there; nobody was replaced', () => {
    const svc = service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.delivery]: 'shop-old', [ANNOTATIONS.promotedAt]: SWITCHED_AT });
    const [old] = recorded([named('shop-old', OLD, 'Verifying')], svc);
    expect(old?.status).toMatchObject({ phase: 'Verifying', liveIn: ['production'] });
    expect(old?.status.replaced).toBeUndefined();
  });

  it("a rollout's switch: the new Delivery is live, the one live before is replaced by it at the switch, and both phases stay as they are", () => {
    const svc = switchedToNew();
    const before = [named('shop-old', OLD, 'Live', { liveIn: ['production'] }), named('shop-new', NEW, 'Deploying')];
    expect(decideLiveness(facts({ service: svc }), before).map((c) => [c.delivery.metadata.name, c.kind])).toEqual([
      ['shop-new', 'live'],
      ['shop-old', 'replaced'],
    ]);
    const [old, next] = recorded(before, svc);
    expect(next?.status).toMatchObject({ phase: 'Deploying', liveIn: ['production'] });
    expect(old?.status).toMatchObject({ phase: 'Live', replaced: [{ environment: 'production', by: 'shop-new', at: SWITCHED_AT }] });
    expect(old?.status.liveIn).toBeUndefined();
    // Decided again (the next event, a restarted deployer): nothing left to write.
    expect(decideLiveness(facts({ service: svc }), [must(old), must(next)])).toEqual([]);
  });

  it('an automatic rollback: the Delivery rolled back to is live again, the rolled-back one replaced by it', () => {
    const [old, next] = recorded([named('shop-old', OLD, 'Live', { liveIn: ['production'] }), named('shop-new', NEW, 'Deploying')], switchedToNew());
    const sick = [pod('b1', 'blue', OLD), pod('g1', 'green', NEW, { ready: false })];
    const baking = switchedToNew();
    const step = decideStep({ ...must(next), status: { ...must(next).status, phase: 'Verifying' } }, facts({ service: baking, deployments, pods: sick, now: NOW + 1_000 }), options);
    if (step.kind !== 'rollback') throw new Error(`expected a rollback, got ${step.kind}`);
    const [oldAgain, rolledBack] = recorded([must(old), must(next)], withAnnotations(baking, step.to, step.annotations));
    expect(oldAgain?.status).toMatchObject({ phase: 'Live', liveIn: ['production'] });
    expect(oldAgain?.status.replaced).toBeUndefined();
    expect(rolledBack?.status.replaced).toEqual([{ environment: 'production', by: 'shop-old', at: new Date(NOW + 1_000).toISOString() }]);
    expect(rolledBack?.status.liveIn).toBeUndefined();
  });

  it('a manual rollback switching back: the older Delivery is live again, the newer one replaced by it', () => {
    const verified = withAnnotations(switchedToNew(), 'green', { [ANNOTATIONS.verifiedRevision]: NEW });
    const [old, next] = recorded([named('shop-old', OLD, 'Live', { liveIn: ['production'] }), named('shop-new', NEW, 'Live')], verified);
    const withAction = { ...application, metadata: { ...application.metadata, annotations: { [ANNOTATIONS.action]: 'rollback' } } };
    const manual = decideManual({ ...facts({ service: verified, deployments, pods }), application: withAction, now: NOW + 60_000 }, false);
    if (manual.kind !== 'rollback') throw new Error(`expected a rollback, got ${manual.kind}`);
    const [oldAgain, newer] = recorded([must(old), must(next)], withAnnotations(verified, manual.to, manual.annotations));
    expect(oldAgain?.status.liveIn).toEqual(['production']);
    expect(newer?.status).toMatchObject({ phase: 'Live', replaced: [{ environment: 'production', by: 'shop-old', at: new Date(NOW + 60_000).toISOString() }] });
  });

  it("a manual rollback's redeploy: the rollback Delivery is live, the Delivery it rolled back from replaced by it", () => {
    const rollbackSvc = service('blue', {
      [ANNOTATIONS.revision]: OLD,
      [ANNOTATIONS.delivery]: 'shop-rollback-a0000000-x',
      [ANNOTATIONS.promotedAt]: SWITCHED_AT,
    });
    const rollback = named('shop-rollback-a0000000-x', OLD, 'Verifying');
    const [newer, again, old] = recorded([named('shop-new', NEW, 'Live', { liveIn: ['production'] }), rollback, named('shop-old', OLD, 'Live', { replaced: [{ environment: 'production', by: 'shop-new', at: '2026-01-01T11:00:00.000Z' }] })], rollbackSvc);
    expect(again?.status.liveIn).toEqual(['production']);
    expect(newer?.status.replaced).toEqual([{ environment: 'production', by: 'shop-rollback-a0000000-x', at: SWITCHED_AT }]);
    // The Delivery that first made the revision live keeps saying when it was replaced: the redeploy is another Delivery.
    expect(old?.status.replaced?.[0]?.by).toBe('shop-new');
  });

  it('records nothing for a Service that names no Delivery, or a revision its Delivery did not build (edited by hand)', () => {
    const before = [named('shop-old', OLD, 'Live', { liveIn: ['production'] }), named('shop-new', NEW, 'Live')];
    expect(decideLiveness(facts({ service: service('blue', { [ANNOTATIONS.revision]: OLD }) }), before)).toEqual([]);
    expect(decideLiveness(facts({ service: service('green', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.delivery]: 'shop-new' }) }), before)).toEqual([]);
    expect(decideLiveness(facts({}), before)).toEqual([]);
  });

  it('a decision that is stale by the time it is written changes nothing: only a Delivery live there is marked replaced', () => {
    const svc = switchedToNew();
    const [change] = decideLiveness(facts({ service: svc }), [named('shop-old', OLD, 'Live', { liveIn: ['production'] })]);
    // Meanwhile a rollback made it live again and another switch replaced it: the fresh status wins.
    const fresh = named('shop-old', OLD, 'Live', { replaced: [{ environment: 'production', by: 'shop-newest', at: '2026-01-01T13:00:00.000Z' }] }).status;
    expect(change?.change(fresh, new Date(NOW))).toBeUndefined();
  });
});
