import { ANNOTATIONS, DeliverySchema, promotionApprovedAnnotation, WAITING_FOR_PROMOTION } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import type { ParsedDelivery } from './facts.js';
import { NEW, NOW, OLD, application, available, delivery, deployment, facts, options, pod, service } from './fixtures.testkit.js';
import { environmentQueue } from './queue.js';
import { rollbackDelivery } from './rollback.js';
import { decideStep, previousOnSwitch } from './step.js';

const running = { state: 'running' as const, startedAt: new Date(NOW - 5_000).toISOString() };
const manualApp = {
  ...application,
  spec: { ...application.spec, environments: { ...application.spec.environments, production: { ...application.spec.environments.production, promotion: 'manual' as const } } },
};
const ready = () =>
  facts({
    service: service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.verifiedRevision]: OLD }),
    deployments: { blue: deployment('blue', OLD, available), green: deployment('green', NEW, available) },
    pods: [pod('b1', 'blue', OLD), pod('b2', 'blue', OLD), pod('g1', 'green', NEW), pod('g2', 'green', NEW)],
  });
const passed = { ...options, prePromotionPassed: true };

function withAnnotations(d: ParsedDelivery, annotations: Record<string, string>): ParsedDelivery {
  return { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, ...annotations } } };
}

describe('manual promotion', () => {
  it('stops before the switch, saying so on the stage, until a promote action is consumed into an approval', () => {
    const f = { ...ready(), application: manualApp };
    const d = delivery(NEW, running, 'Deploying');
    const step = decideStep(d, f, passed);
    expect(step).toMatchObject({ kind: 'status', why: WAITING_FOR_PROMOTION });
    if (step.kind !== 'status') return;
    const waiting = step.change(d.status, new Date(NOW));
    expect(waiting?.stages.find((s) => s.name === 'deploy')).toMatchObject({ state: 'running', promotion: 'waiting', message: WAITING_FOR_PROMOTION });
    const waitingDelivery = delivery(NEW, { ...running, promotion: 'waiting', message: WAITING_FOR_PROMOTION }, 'Deploying');
    expect(decideStep(waitingDelivery, f, passed)).toMatchObject({ kind: 'wait' });
    // A stage that only says so (written before the field existed) gets the field.
    expect(decideStep(delivery(NEW, { ...running, message: WAITING_FOR_PROMOTION }, 'Deploying'), f, passed)).toMatchObject({ kind: 'status', why: WAITING_FOR_PROMOTION });
    expect(decideStep(withAnnotations(waitingDelivery, { [ANNOTATIONS.action]: 'promote' }), f, passed)).toEqual({
      kind: 'approve',
      annotations: { [ANNOTATIONS.action]: null, [promotionApprovedAnnotation('production')]: new Date(NOW).toISOString() },
    });
    // The consumed action's record becomes the stage's state, and only the state lets the switch go.
    const at = '2026-01-01T11:59:00.000Z';
    const recorded = decideStep(withAnnotations(waitingDelivery, { [promotionApprovedAnnotation('production')]: at }), f, passed);
    expect(recorded).toMatchObject({ kind: 'status', why: 'promotion approved' });
    const approved = recorded.kind === 'status' ? recorded.change(waitingDelivery.status, new Date(NOW)) : undefined;
    expect(approved?.stages.find((s) => s.name === 'deploy')).toMatchObject({ promotion: 'approved', approvedAt: at });
    expect(decideStep({ ...waitingDelivery, status: approved ?? waitingDelivery.status }, f, passed)).toMatchObject({ kind: 'switch', color: 'green' });
    // Automatic (default): straight to the switch.
    expect(decideStep(d, ready(), passed)).toMatchObject({ kind: 'switch' });
  });

  it('a newer push supersedes a delivery waiting (unapproved) for promotion, but never one that was approved', () => {
    const waiting = delivery(OLD, { ...running, promotion: 'waiting', message: WAITING_FOR_PROMOTION }, 'Deploying');
    const newer = DeliverySchema.parse({ ...delivery(NEW), spec: { ...delivery(NEW).spec, receivedAt: '2026-01-01T11:30:00.000Z' } }) as ParsedDelivery;
    const q = environmentQueue([waiting, newer], 'production');
    expect(q.current?.spec.checkoutSha).toBe(NEW);
    expect(q.superseded.map((d) => d.spec.checkoutSha)).toEqual([OLD]);
    const approved = withAnnotations(waiting, { [promotionApprovedAnnotation('production')]: 'x' });
    expect(environmentQueue([approved, newer], 'production')).toMatchObject({ current: { spec: { checkoutSha: OLD } }, superseded: [] });
  });
});

describe('previous good revision', () => {
  it('is the live revision only when it baked healthily; otherwise the one recorded before, with no color to switch to', () => {
    const base = { [ANNOTATIONS.revision]: NEW, [ANNOTATIONS.previousColor]: 'blue', [ANNOTATIONS.previousRevision]: OLD, [ANNOTATIONS.previousDelivery]: 'd-old' };
    expect(previousOnSwitch({ ...base, [ANNOTATIONS.verifiedRevision]: NEW }, 'green')).toMatchObject({
      [ANNOTATIONS.previousColor]: 'green',
      [ANNOTATIONS.previousRevision]: NEW,
    });
    expect(previousOnSwitch(base, 'green')).toMatchObject({ [ANNOTATIONS.previousColor]: '', [ANNOTATIONS.previousRevision]: OLD, [ANNOTATIONS.previousDelivery]: 'd-old' });
  });

  it('is recorded as verified at the end of a healthy bake', () => {
    const svc = service('green', {
      [ANNOTATIONS.revision]: NEW,
      [ANNOTATIONS.previousColor]: 'blue',
      [ANNOTATIONS.promotedAt]: new Date(NOW - 60_000).toISOString(),
      [ANNOTATIONS.restartsAtPromotion]: '0',
    });
    const f = facts({ service: svc, deployments: { blue: deployment('blue', OLD, available), green: deployment('green', NEW, available) }, pods: [pod('g1', 'green', NEW), pod('g2', 'green', NEW)] });
    expect(decideStep(delivery(NEW, running, 'Verifying'), f, options)).toMatchObject({ kind: 'end', outcome: 'succeeded', color: 'blue', verify: { [ANNOTATIONS.verifiedRevision]: NEW } });
  });
});

describe('rollback delivery', () => {
  it('reuses the previous delivery, keeps its push time, is handed off to the environment and passes the older-than-live rule', () => {
    const previous = delivery(OLD);
    const rb = rollbackDelivery({ application, environment: 'production', revision: OLD, receivedAt: '2026-01-01T10:00:00.000Z', previous, now: NOW });
    expect(rb.object.metadata.annotations[ANNOTATIONS.rollback]).toBe('production');
    expect(rb.object.spec).toMatchObject({ checkoutSha: OLD, receivedAt: '2026-01-01T10:00:00.000Z', ref: 'main' });
    expect(rb.status.stages.map((s) => `${s.name}:${s.state}`)).toEqual(['test:succeeded', 'build:succeeded', 'deploy:pending']);
    const parsed = DeliverySchema.parse({ ...rb.object, status: rb.status }) as ParsedDelivery;
    const svc = service('green', { [ANNOTATIONS.revision]: NEW, [ANNOTATIONS.receivedAt]: '2026-01-01T11:30:00.000Z' });
    expect(decideStep(parsed, facts({ service: svc }), options)).toMatchObject({ kind: 'status', why: 'start deploy stage' });
    const fromApp = rollbackDelivery({ application, environment: 'production', revision: OLD, receivedAt: '2026-01-01T10:00:00.000Z', previous: undefined, now: NOW });
    expect(() => DeliverySchema.parse({ ...fromApp.object, status: fromApp.status })).not.toThrow();
  });
});
