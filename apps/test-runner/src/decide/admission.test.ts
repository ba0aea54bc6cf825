import type { Delivery } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { admittedDeliveries, waitingReason, type AdmissionInput } from './admission.js';

type Test = 'pending' | 'running' | 'failed';

/** A Delivery of project `project` pushed `second` seconds after midnight. */
function delivery(name: string, second: number, options: { project?: number; phase?: 'Pending' | 'Testing' | 'Building' | 'Failed'; test?: Test; build?: Test } = {}): Delivery {
  const { project = 1, phase = 'Pending', test = 'pending', build } = options;
  return {
    metadata: { name },
    spec: { application: `app-${project}`, project: { id: project, path: `team/p${project}` }, receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString() },
    status: { phase, stages: [{ name: 'test', state: test }, ...(build ? [{ name: 'build', state: build }] : [])], posted: {} },
  } as unknown as Delivery;
}
const running = (name: string, second: number, project = 1) => delivery(name, second, { project, phase: 'Testing', test: 'running' });

const names = (ds: Delivery[]) => ds.map((d) => d.metadata.name);
const base: Omit<AdmissionInput, 'deliveries'> = { starting: new Set<string>(), canStart: () => true, maxConcurrentJobs: 2, maxConcurrentJobsPerProject: 2 };

/**
 * Runs the queue to the end: admit, then the Job started first finishes, admit again…
 * Returns the order in which Deliveries got a slot.
 */
function drain(waiting: Delivery[], input: Omit<AdmissionInput, 'deliveries'>): string[] {
  let queue = [...waiting];
  const runningNow: Delivery[] = [];
  const order: string[] = [];
  for (let step = 0; step < 100 && (queue.length > 0 || runningNow.length > 0); step++) {
    const admitted = admittedDeliveries({ ...input, deliveries: [...queue, ...runningNow] });
    order.push(...names(admitted));
    queue = queue.filter((d) => !admitted.includes(d));
    runningNow.push(...admitted.map((d) => running(d.metadata.name, 0, d.spec.project.id)));
    runningNow.shift();
  }
  return order;
}

describe('admittedDeliveries', () => {
  it('admits the oldest pushes of one project first, as many as there are free slots', () => {
    const ds = [delivery('c', 3), delivery('a', 1), delivery('b', 2)];
    expect(names(admittedDeliveries({ ...base, deliveries: ds }))).toEqual(['a', 'b']);
  });

  it('gives a project with one push a slot in the first round, though another project queued 10 older ones', () => {
    const flood = Array.from({ length: 10 }, (_, i) => delivery(`a${i}`, i, { project: 1 }));
    const single = delivery('b0', 30, { project: 2 });
    expect(names(admittedDeliveries({ ...base, maxConcurrentJobs: 2, maxConcurrentJobsPerProject: 2, deliveries: [...flood, single] }))).toEqual(['a0', 'b0']);
  });

  it('gives the next free slot to the project with the fewest Jobs running, even when the other\'s push is older', () => {
    const ds = [running('a-run', 0, 1), delivery('a1', 1, { project: 1 }), delivery('b1', 9, { project: 2 })];
    expect(names(admittedDeliveries({ ...base, deliveries: ds }))).toEqual(['b1']);
  });

  it('breaks a tie between projects by their oldest waiting push', () => {
    const ds = [delivery('b1', 5, { project: 2 }), delivery('a1', 1, { project: 1 }), delivery('c1', 3, { project: 3 })];
    expect(names(admittedDeliveries({ ...base, maxConcurrentJobs: 1, maxConcurrentJobsPerProject: 1, deliveries: ds }))).toEqual(['a1']);
  });

  it('never lets one project hold more than its share, even with every other slot free', () => {
    const ds = [running('a-run', 0, 1), ...Array.from({ length: 5 }, (_, i) => delivery(`a${i}`, i + 1, { project: 1 }))];
    expect(names(admittedDeliveries({ ...base, maxConcurrentJobs: 5, maxConcurrentJobsPerProject: 2, deliveries: ds }))).toEqual(['a0']);
  });

  it('counts a running build Job against the project\'s share too', () => {
    const ds = [delivery('a-build', 0, { project: 1, phase: 'Building', test: 'running', build: 'running' }), delivery('a1', 1, { project: 1 })];
    expect(admittedDeliveries({ ...base, maxConcurrentJobs: 5, maxConcurrentJobsPerProject: 1, deliveries: ds })).toEqual([]);
  });

  it('serves every push in the end, each project in push order, taking turns while both wait', () => {
    const flood = Array.from({ length: 4 }, (_, i) => delivery(`a${i}`, i, { project: 1 }));
    const few = [delivery('b0', 10, { project: 2 }), delivery('b1', 11, { project: 2 })];
    expect(drain([...flood, ...few], base)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'a3']);
  });

  it('counts running test Jobs and starts in flight against the limit; ended Deliveries hold nothing', () => {
    const ds = [running('run', 0, 1), delivery('x', 5, { project: 2 }), delivery('gone', 0, { phase: 'Failed', test: 'failed' })];
    expect(names(admittedDeliveries({ ...base, deliveries: ds }))).toEqual(['x']);
    expect(admittedDeliveries({ ...base, deliveries: ds, starting: new Set(['y']) })).toEqual([]);
  });

  it('skips Deliveries that cannot start (no Application), so they do not hold up the line', () => {
    const ds = [delivery('orphan', 0), delivery('ok', 9)];
    expect(names(admittedDeliveries({ ...base, maxConcurrentJobs: 1, deliveries: ds, canStart: (d) => d.metadata.name !== 'orphan' }))).toEqual(['ok']);
  });
});

describe('waitingReason', () => {
  it('says a project waits for its own share, not for the cluster, when its share is taken', () => {
    const ds = [running('a-run', 0, 1), delivery('a1', 1, { project: 1 })];
    expect(waitingReason(ds[1] as Delivery, { ...base, maxConcurrentJobs: 5, maxConcurrentJobsPerProject: 1, deliveries: ds })).toBe(
      'waiting for a test slot: project team/p1 has 1 of its 1 Jobs running',
    );
  });

  it('says every slot is in use when they all are, and that older pushes of the project go first when that is why', () => {
    const ds = [running('a-run', 0, 1), running('b-run', 0, 2), delivery('c1', 1, { project: 3 })];
    expect(waitingReason(ds[2] as Delivery, { ...base, deliveries: ds })).toBe('waiting for a test slot: all 2 are in use');
    const queued = [delivery('c1', 1, { project: 3 }), delivery('c2', 2, { project: 3 })];
    expect(waitingReason(queued[1] as Delivery, { ...base, maxConcurrentJobs: 1, deliveries: queued })).toBe('waiting for a test slot: older pushes of project team/p3 go first');
  });
});
