import { ANNOTATIONS } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { NEW, NOW, OLD, available, delivery, deployment, facts, options, pod, service } from './fixtures.testkit.js';
import { decideStep } from './step.js';

const running = { state: 'running' as const, startedAt: new Date(NOW - 5_000).toISOString() };
const liveBlue = () => service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.verifiedRevision]: OLD, [ANNOTATIONS.receivedAt]: '2026-01-01T10:00:00.000Z' });
const bluePods = [pod('b1', 'blue', OLD), pod('b2', 'blue', OLD)];

describe('decideStep', () => {
  it('starts the deploy stage at the hand-off point', () => {
    const step = decideStep(delivery(NEW), facts({ service: liveBlue() }), options);
    expect(step).toMatchObject({ kind: 'status', why: 'start deploy stage' });
    if (step.kind !== 'status') return;
    expect(step.change(delivery(NEW).status, new Date(NOW))).toMatchObject({ phase: 'Deploying' });
  });

  it('refuses a revision that was rolled back before, without touching the cluster', () => {
    const svc = service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.rejected]: `${NEW}` });
    const step = decideStep(delivery(NEW), facts({ service: svc }), options);
    expect(step).toMatchObject({ kind: 'status', why: 'rejected revision' });
    if (step.kind !== 'status') return;
    expect(step.change(delivery(NEW).status, new Date(NOW))).toMatchObject({ phase: 'Failed', reason: 'PostPromotionUnhealthy' });
  });

  it('supersedes a delivery older than the live one', () => {
    const svc = service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.receivedAt]: '2026-01-01T11:30:00.000Z' });
    expect(decideStep(delivery(NEW), facts({ service: svc }), options)).toMatchObject({ kind: 'status', why: 'older than live' });
  });

  it('renders the idle color with the live replica count', () => {
    const step = decideStep(delivery(NEW, running, 'Deploying'), facts({ service: liveBlue(), deployments: { blue: deployment('blue', OLD, available, 3) } }), options);
    expect(step).toMatchObject({ kind: 'render', color: 'green' });
    if (step.kind !== 'render') return;
    expect(step.deployment.spec?.replicas).toBe(3);
    expect(step.deployment.metadata.annotations?.[ANNOTATIONS.revision]).toBe(NEW);
  });

  it('runs the image by the digest the build recorded, never by tag', () => {
    const d = delivery(NEW, running, 'Deploying');
    const step = decideStep(d, facts({ service: liveBlue(), deployments: { blue: deployment('blue', OLD, available) } }), options);
    if (step.kind !== 'render') throw new Error(`expected render, got ${step.kind}`);
    const images = (step.deployment.spec?.template as { spec: { containers: { image: string }[] } }).spec.containers.map((c) => c.image);
    expect(images).toEqual([d.status.image]);
    expect(images[0]).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('refuses to start a deploy stage when the Delivery holds no image digest', () => {
    const d = delivery(NEW);
    const { image: _dropped, ...withoutImage } = d.status;
    const step = decideStep({ ...d, status: withoutImage }, facts({ service: liveBlue() }), options);
    expect(step).toMatchObject({ kind: 'status', why: 'no image digest' });
    if (step.kind !== 'status') return;
    expect(step.change(withoutImage, new Date(NOW))).toMatchObject({ phase: 'Failed', reason: 'InternalError', message: expect.stringContaining('deploys by digest only') });
  });

  it('waits while the new color rolls out, and fails as CrashLoop without a traffic step when pods crash', () => {
    const base = { service: liveBlue(), deployments: { blue: deployment('blue', OLD, available), green: deployment('green', NEW, { replicas: 1 }) } };
    expect(decideStep(delivery(NEW, running, 'Deploying'), facts({ ...base, pods: [pod('g1', 'green', NEW, { ready: false })] }), options)).toMatchObject({ kind: 'wait' });
    const crashing = facts({ ...base, pods: [pod('g1', 'green', NEW, { ready: false, restarts: 3, waiting: 'CrashLoopBackOff' })] });
    expect(decideStep(delivery(NEW, running, 'Deploying'), crashing, options)).toMatchObject({ kind: 'end', outcome: 'failed', reason: 'CrashLoop', color: 'green' });
  });

  it('fails with ReadinessFailed at the deadline when pods run but never get ready', () => {
    const late = { state: 'running' as const, startedAt: new Date(NOW - 31_000).toISOString() };
    const f = facts({ service: liveBlue(), deployments: { blue: deployment('blue', OLD, available), green: deployment('green', NEW, { replicas: 2 }) }, pods: [pod('g1', 'green', NEW, { ready: false })] });
    expect(decideStep(delivery(NEW, late, 'Deploying'), f, options)).toMatchObject({ kind: 'end', reason: 'ReadinessFailed' });
  });

  it('checks the new pods, then switches traffic recording what it replaces', () => {
    const f = facts({
      service: liveBlue(),
      deployments: { blue: deployment('blue', OLD, available), green: deployment('green', NEW, available) },
      pods: [...bluePods, pod('g1', 'green', NEW, { ip: '127.1.0.5' }), pod('g2', 'green', NEW, { ip: '127.1.0.6' })],
    });
    expect(decideStep(delivery(NEW, running, 'Deploying'), f, options)).toEqual({ kind: 'precheck', urls: ['http://127.1.0.5:8080/healthz', 'http://127.1.0.6:8080/healthz'] });
    const step = decideStep(delivery(NEW, running, 'Deploying'), f, { ...options, prePromotionPassed: true });
    expect(step).toMatchObject({ kind: 'switch', color: 'green' });
    if (step.kind !== 'switch') return;
    expect(step.annotations).toMatchObject({ [ANNOTATIONS.revision]: NEW, [ANNOTATIONS.previousColor]: 'blue', [ANNOTATIONS.previousRevision]: OLD });
  });

  it('waits for the pod cache when the Deployment already counts the new pods ready (two watches), then checks them all; at the deadline, what there is', () => {
    const base = { service: liveBlue(), deployments: { blue: deployment('blue', OLD, available), green: deployment('green', NEW, available) } };
    const lagging = facts({ ...base, pods: [...bluePods, pod('g1', 'green', NEW, { ip: '127.1.0.5' }), pod('g2', 'green', NEW, { ready: false })] });
    expect(decideStep(delivery(NEW, running, 'Deploying'), lagging, options)).toMatchObject({ kind: 'wait', recheckAtMs: NOW - 5_000 + 30_000 });
    expect(decideStep(delivery(NEW, running, 'Deploying'), facts({ ...base, pods: bluePods }), options)).toMatchObject({ kind: 'wait' });
    const caughtUp = facts({ ...base, pods: [...bluePods, pod('g1', 'green', NEW, { ip: '127.1.0.5' }), pod('g2', 'green', NEW, { ip: '127.1.0.6' })] });
    expect(decideStep(delivery(NEW, running, 'Deploying'), caughtUp, options)).toMatchObject({ kind: 'precheck', urls: ['http://127.1.0.5:8080/healthz', 'http://127.1.0.6:8080/healthz'] });
    const late = { state: 'running' as const, startedAt: new Date(NOW - 31_000).toISOString() };
    expect(decideStep(delivery(NEW, late, 'Deploying'), lagging, options)).toEqual({ kind: 'precheck', urls: ['http://127.1.0.5:8080/healthz'] });
  });

  const promoted = (promotedAt: number) =>
    service('green', {
      [ANNOTATIONS.revision]: NEW,
      [ANNOTATIONS.previousColor]: 'blue',
      [ANNOTATIONS.previousRevision]: OLD,
      [ANNOTATIONS.promotedAt]: new Date(promotedAt).toISOString(),
      [ANNOTATIONS.restartsAtPromotion]: '0',
    });
  const deployments = { blue: deployment('blue', OLD, available), green: deployment('green', NEW, available) };

  it('bakes, then ends the stage and schedules the old color for scale-down', () => {
    const healthy = [...bluePods, pod('g1', 'green', NEW), pod('g2', 'green', NEW)];
    expect(decideStep(delivery(NEW, running, 'Verifying'), facts({ service: promoted(NOW - 2_000), deployments, pods: healthy }), options)).toMatchObject({
      kind: 'wait',
      recheckAtMs: NOW + 8_000,
    });
    const done = decideStep(delivery(NEW, running, 'Verifying'), facts({ service: promoted(NOW - 10_000), deployments, pods: healthy }), options);
    expect(done).toMatchObject({ kind: 'end', outcome: 'succeeded', color: 'blue' });
  });

  it('rolls back to the previous color when the new one turns unhealthy during bake, remembering the revision', () => {
    const sick = [...bluePods, pod('g1', 'green', NEW, { ready: false }), pod('g2', 'green', NEW)];
    const step = decideStep(delivery(NEW, running, 'Verifying'), facts({ service: promoted(NOW - 2_000), deployments, pods: sick }), options);
    expect(step).toMatchObject({ kind: 'rollback', to: 'blue', from: 'green' });
    if (step.kind !== 'rollback') return;
    expect(step.annotations[ANNOTATIONS.revision]).toBe(OLD);
    expect(step.annotations[ANNOTATIONS.rejected]).toBe(NEW);
  });

  it('a restart during bake is unhealthy too', () => {
    const restarted = [...bluePods, pod('g1', 'green', NEW, { restarts: 1 }), pod('g2', 'green', NEW)];
    expect(decideStep(delivery(NEW, running, 'Verifying'), facts({ service: promoted(NOW - 2_000), deployments, pods: restarted }), options)).toMatchObject({ kind: 'rollback' });
  });

  it('after a crash between the switch back and the status write, finishes as RolledBack', () => {
    const back = service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.rejected]: NEW });
    const step = decideStep(delivery(NEW, running, 'Verifying'), facts({ service: back, deployments }), options);
    expect(step).toMatchObject({ kind: 'end', outcome: 'failed', reason: 'PostPromotionUnhealthy', color: 'green' });
    if (step.kind !== 'end') return;
    expect(step.change(delivery(NEW, running, 'Verifying').status, new Date(NOW))).toMatchObject({ phase: 'RolledBack' });
  });

  it('without a previous color with ready pods, a bad bake fails as RollbackFailed and leaves traffic alone', () => {
    const sick = [pod('g1', 'green', NEW, { ready: false }), pod('g2', 'green', NEW)];
    expect(decideStep(delivery(NEW, running, 'Verifying'), facts({ service: promoted(NOW - 2_000), deployments, pods: sick }), options)).toMatchObject({
      kind: 'end',
      reason: 'RollbackFailed',
    });
  });
});
