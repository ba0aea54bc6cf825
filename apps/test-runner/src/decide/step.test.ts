import type { Application, Delivery, DeliveryStatus } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import type { JobFacts } from './facts.js';
import type { Snapshot } from './step.js';
import { decideStep } from './step.js';

const application = {
  metadata: { name: 'app' },
  spec: { rules: [{ refs: 'main', kind: 'branch', environments: ['production'] }], environments: { production: {} } },
} as unknown as Application;

function snapshot(status: Partial<DeliveryStatus> | undefined, extra: Partial<Snapshot> = {}): Snapshot {
  const delivery = {
    metadata: { name: 'main-abc' },
    spec: { application: 'app', ref: 'main', refType: 'branch', checkoutSha: 'a'.repeat(40), receivedAt: '2026-01-01T00:00:00Z', environments: ['production'] },
    ...(status && { status: { phase: 'Pending', stages: [], posted: {}, ...status } }),
  } as unknown as Delivery;
  return {
    delivery,
    application: { kind: 'found', value: application },
    jobs: {},
    pods: {},
    events: [],
    admitted: true,
    nowMs: Date.parse('2026-01-01T00:01:00Z'),
    limits: { quotaWaitMs: 60_000, podPendingGraceMs: 60_000 },
    ...extra,
  };
}

const runningJob: JobFacts = { metadata: { name: 'main-abc-test' }, status: { active: 1 } };

describe('decideStep', () => {
  it('plans test, build and deploy stages from the environments the gateway planned when nobody did', () => {
    const step = decideStep(snapshot(undefined, { admitted: false }));
    expect(step).toMatchObject({ kind: 'writeStatus', why: 'plan stages', status: { phase: 'Pending' } });
    expect(step.kind === 'writeStatus' && step.status.stages.map((s) => s.name)).toEqual(['test', 'build', 'deploy']);
    // With a free slot, planning and starting the test are one write.
    const start = decideStep(snapshot(undefined));
    expect(start).toMatchObject({ kind: 'writeStatus', why: 'start test', status: { phase: 'Testing' } });
    expect(start.kind === 'writeStatus' && start.status.stages.map((s) => `${s.name}:${s.state}`)).toEqual(['test:running', 'build:pending', 'deploy:pending']);
  });

  it('waits for a slot, then starts the test stage (Testing, Job name recorded) before any Job exists', () => {
    const pending = { stages: [{ name: 'test', state: 'pending' }] } as Partial<DeliveryStatus>;
    expect(decideStep(snapshot(pending, { admitted: false }))).toMatchObject({ kind: 'wait', why: 'waiting for a free Job slot' });
    const step = decideStep(snapshot(pending));
    expect(step).toMatchObject({ kind: 'writeStatus', status: { phase: 'Testing', stages: [{ name: 'test', state: 'running', jobName: 'main-abc-test' }] } });
  });

  it('records on the pending test stage why it waits, once, and drops it when the test starts', () => {
    const pending = { stages: [{ name: 'test', state: 'pending' }] } as Partial<DeliveryStatus>;
    const why = 'waiting for a test slot: project shop/web has 2 of its 2 Jobs running';
    const noted = decideStep(snapshot(pending, { admitted: false, waiting: why }));
    expect(noted).toMatchObject({ kind: 'writeStatus', why, status: { stages: [{ name: 'test', state: 'pending', message: why }] } });
    const said = { stages: [{ name: 'test', state: 'pending', message: why }] } as Partial<DeliveryStatus>;
    expect(decideStep(snapshot(said, { admitted: false, waiting: why }))).toEqual({ kind: 'wait', why });
    const started = decideStep(snapshot(said));
    expect(started.kind === 'writeStatus' && started.status.stages[0]).toEqual(expect.not.objectContaining({ message: expect.anything() }));
    expect(started).toMatchObject({ kind: 'writeStatus', status: { stages: [{ state: 'running' }] } });
  });

  const running = { phase: 'Testing', stages: [{ name: 'test', state: 'running', startedAt: '2026-01-01T00:00:30Z' }] } as Partial<DeliveryStatus>;

  it('creates the Job when the stage runs without one (e.g. after a crash), but not while its own create is in flight', () => {
    expect(decideStep(snapshot(running))).toEqual({ kind: 'createJob', job: 'test' });
    expect(decideStep(snapshot(running, { jobsInFlight: ['test'] }))).toMatchObject({ kind: 'wait' });
  });

  it('never records a built image of another repository than the Application\'s: the build fails NotOwned', () => {
    const building = { phase: 'Building', stages: [{ name: 'test', state: 'succeeded' }, { name: 'build', state: 'running', startedAt: '2026-01-01T00:00:30Z' }] } as Partial<DeliveryStatus>;
    const own = { ...application, spec: { ...application.spec, build: { repository: 'registry.example.com/shop/web' } } } as Application;
    const digest = `sha256:${'b'.repeat(64)}`;
    const finished = (reported: string) => {
      const pod = { metadata: { name: 'main-abc-build-x' }, status: { phase: 'Succeeded', containerStatuses: [{ name: 'build', state: { terminated: { exitCode: 0, message: `built ${reported}:${'a'.repeat(40)} ${digest}` } } }] } };
      const job: JobFacts = { metadata: { name: 'main-abc-build' }, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } };
      return decideStep(snapshot(building, { application: { kind: 'found', value: own }, jobs: { build: job }, pods: { build: [pod] } }));
    };
    expect(finished('registry.example.com/shop/web')).toMatchObject({ kind: 'finishStage', job: 'build', outcome: { kind: 'succeeded', image: `registry.example.com/shop/web@${digest}` } });
    const foreign = finished('registry.example.com/bank/api');
    expect(foreign).toMatchObject({ kind: 'finishStage', job: 'build', outcome: { kind: 'failed', reason: 'NotOwned' } });
    expect(foreign.kind === 'finishStage' && foreign.outcome).not.toHaveProperty('image');
  });

  it('follows a running Job without acting', () => {
    expect(decideStep(snapshot(running, { jobs: { test: runningJob } }))).toMatchObject({ kind: 'wait', why: 'test Job running' });
  });

  it('gives up as QuotaExceeded when the Job object itself stays refused past the wait', () => {
    expect(decideStep(snapshot(running, { createRefused: 'exceeded quota: q' }))).toEqual({ kind: 'createJob', job: 'test' });
    const late = decideStep(snapshot(running, { createRefused: 'exceeded quota: q', nowMs: Date.parse('2026-01-01T00:01:31Z') }));
    expect(late).toMatchObject({ kind: 'finishStage', outcome: { kind: 'failed', reason: 'QuotaExceeded' } });
  });

  it('deletes the Jobs of a Superseded or Canceled Delivery, finished or not', () => {
    const finished: JobFacts = { metadata: { name: 'main-abc-test' }, status: { conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(decideStep(snapshot({ phase: 'Superseded' }, { jobs: { test: finished } }))).toEqual({ kind: 'deleteJobs', names: ['main-abc-test'], why: 'delivery Superseded' });
    expect(decideStep(snapshot({ phase: 'Canceled' }))).toMatchObject({ kind: 'done' });
  });

  it('leaves Deliveries past the runner\'s part to the deployer', () => {
    expect(decideStep(snapshot({ phase: 'Deploying' }))).toMatchObject({ kind: 'done' });
  });

  it('waits for a missing Application instead of failing', () => {
    expect(decideStep(snapshot({ stages: [] }, { application: { kind: 'missing' } }))).toMatchObject({ kind: 'wait', why: 'Application app not found' });
  });
});
