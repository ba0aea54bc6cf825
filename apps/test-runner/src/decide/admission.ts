import type { Delivery } from '@sluice/delivery';
import { awaitsTestStart, holdsJobSlot } from './status.js';

/** Inputs of {@link admittedDeliveries}. */
export interface AdmissionInput {
  /** Every Delivery the runner knows, as fresh as it knows them. */
  readonly deliveries: readonly Delivery[];
  /** Deliveries being started right now (status write in flight); they hold a slot already. */
  readonly starting: ReadonlySet<string>;
  /** Whether a Delivery can start at all (its Application exists); others do not hold up the line. */
  readonly canStart: (delivery: Delivery) => boolean;
  /** Job slots in all (`SLUICE_MAX_CONCURRENT_JOBS`). */
  readonly maxConcurrentJobs: number;
  /** Job slots one project may hold at once (`SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT`). */
  readonly maxConcurrentJobsPerProject: number;
}

function receivedAt(d: Delivery): number {
  const t = Date.parse(d.spec.receivedAt);
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
}

/** Oldest push first; the name breaks ties so every replica orders alike. */
export function byPushTime(a: Delivery, b: Delivery): number {
  return receivedAt(a) - receivedAt(b) || a.metadata.name.localeCompare(b.metadata.name);
}

/** The fairness unit: the GitLab project a Delivery was pushed to (its Application routes exactly one). */
export function projectOf(d: Delivery): string {
  return String(d.spec.project.id);
}

/** Where the slots are: who holds them, per project. */
interface Occupancy {
  readonly busy: ReadonlySet<string>;
  readonly perProject: Map<string, number>;
}

function occupancy(input: AdmissionInput): Occupancy {
  const busy = new Set<string>();
  const perProject = new Map<string, number>();
  const take = (d: Delivery) => {
    if (busy.has(d.metadata.name)) return;
    busy.add(d.metadata.name);
    perProject.set(projectOf(d), (perProject.get(projectOf(d)) ?? 0) + 1);
  };
  for (const d of input.deliveries) if (holdsJobSlot(d) || input.starting.has(d.metadata.name)) take(d);
  // A start in flight for a Delivery this view does not list (yet) still takes a slot, of no known project.
  for (const name of input.starting) busy.add(name);
  return { busy, perProject };
}

/** The Deliveries waiting for a test Job that could start, oldest push first, grouped by project. */
function waitingByProject(input: AdmissionInput, busy: ReadonlySet<string>): Map<string, Delivery[]> {
  const queues = new Map<string, Delivery[]>();
  const waiting = input.deliveries.filter((d) => !busy.has(d.metadata.name) && awaitsTestStart(d) && input.canStart(d)).sort(byPushTime);
  for (const d of waiting) {
    const queue = queues.get(projectOf(d));
    if (queue) queue.push(d);
    else queues.set(projectOf(d), [d]);
  }
  return queues;
}

/**
 * Which waiting Deliveries may start a test Job now. There are
 * `maxConcurrentJobs` slots (a running test or build Job, or a start in
 * flight, holds one) and one project holds at most
 * `maxConcurrentJobsPerProject` of them. Each free slot goes, in turn, to the
 * project with the fewest Jobs running (ties: the project whose oldest
 * waiting push is the oldest), and within a project to its oldest push
 * (`spec.receivedAt`). So a project that floods the queue never holds more
 * than its share, a project with one push waits at most for one slot to
 * free, and, since each project's oldest push is served first, nothing
 * waits forever. Pure.
 */
export function admittedDeliveries(input: AdmissionInput): Delivery[] {
  const { busy, perProject } = occupancy(input);
  let free = input.maxConcurrentJobs - busy.size;
  if (free <= 0) return [];
  const queues = waitingByProject(input, busy);
  const admitted: Delivery[] = [];
  while (free > 0) {
    let best: { project: string; head: Delivery; running: number } | undefined;
    for (const [project, queue] of queues) {
      const head = queue[0];
      const running = perProject.get(project) ?? 0;
      if (head === undefined || running >= input.maxConcurrentJobsPerProject) continue;
      if (!best || running < best.running || (running === best.running && byPushTime(head, best.head) < 0)) best = { project, head, running };
    }
    if (!best) break;
    admitted.push(best.head);
    queues.get(best.project)?.shift();
    perProject.set(best.project, best.running + 1);
    free--;
  }
  return admitted;
}

/**
 * Why `delivery`, waiting for its test Job and not admitted, waits — the
 * truth of {@link admittedDeliveries} in words: its project's own limit, or
 * all slots taken, older pushes of its project first, or none of these (a
 * slot is free for it: it starts on the next reconcile; undefined). Words that stay the
 * same while the cause does, so recording them costs one write per change.
 * Pure.
 */
export function waitingReason(delivery: Delivery, input: AdmissionInput): string | undefined {
  const { busy, perProject } = occupancy(input);
  const project = projectOf(delivery);
  const mine = perProject.get(project) ?? 0;
  if (mine >= input.maxConcurrentJobsPerProject) {
    return `waiting for a test slot: project ${delivery.spec.project.path} has ${mine} of its ${input.maxConcurrentJobsPerProject} Jobs running`;
  }
  if (busy.size >= input.maxConcurrentJobs) return `waiting for a test slot: all ${input.maxConcurrentJobs} are in use`;
  const queue = waitingByProject(input, busy).get(project) ?? [];
  if (queue.findIndex((d) => d.metadata.name === delivery.metadata.name) > 0) return `waiting for a test slot: older pushes of project ${delivery.spec.project.path} go first`;
  return undefined;
}
