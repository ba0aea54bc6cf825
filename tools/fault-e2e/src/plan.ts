/**
 * The seeded schedule of one fault run: which push goes to which branch with
 * which kind of revision and when, when the active replica of each
 * controller is SIGKILLed, and when the GitLab stand-in answers 429 or 502.
 * Pure: the same seed gives the same plan, which is how a run is replayed
 * (`SLUICE_FAULT_SEED`).
 */

/** The controllers whose active replica is killed. */
export const KILLED_SERVICES = ['test-runner', 'deployer', 'notifier'] as const;
export type KilledService = (typeof KILLED_SERVICES)[number];

/** What a commit does: tests pass and it stays healthy; a test fails; tests pass but it turns unhealthy once it serves traffic. */
export type RevisionKind = 'passing' | 'failing' | 'unhealthy';

export interface PlannedPush {
  /** 0-based, in the order they are sent. */
  readonly index: number;
  readonly branch: string;
  readonly kind: RevisionKind;
  /** When it is sent, ms after the start of the push window. */
  readonly atMs: number;
}

export interface PlannedKill {
  readonly service: KilledService;
  readonly atMs: number;
}

export interface PlannedFault {
  /** 429 (with `Retry-After`) or 502. */
  readonly status: 429 | 502;
  readonly fromMs: number;
  readonly untilMs: number;
  /** Seconds, for 429. */
  readonly retryAfter?: number;
}

export interface FaultPlan {
  readonly seed: number;
  readonly branches: readonly string[];
  readonly pushes: readonly PlannedPush[];
  readonly kills: readonly PlannedKill[];
  readonly gitlabFaults: readonly PlannedFault[];
  /** When the last kill or GitLab fault is scheduled to end, ms after the window's start. */
  readonly faultsEndMs: number;
}

/** The knobs of a plan; the defaults are the figures. */
export interface PlanOptions {
  readonly branches?: readonly string[];
  /** Pushes in the window. Default 50. */
  readonly pushes?: number;
  /** The window the pushes are sent in. Default 28 s (inside the 30 s). */
  readonly pushWindowMs?: number;
  /** Kills per controller. Default 4 (12 in all). */
  readonly killsPerService?: number;
  /** Kills and GitLab faults are spread over this span from the window's start. Default 42 s (the pushes and a bit after). */
  readonly faultSpanMs?: number;
  /** Bursts of pushes per branch. Default 2. */
  readonly bursts?: number;
  /** GitLab fault stretches. Default 4, alternating 429 and 502. */
  readonly gitlabStretches?: number;
  /** Shares of the revision kinds. Default passing 0.5, failing 0.25, unhealthy 0.25. */
  readonly shares?: { readonly passing: number; readonly failing: number; readonly unhealthy: number };
}

export const DEFAULT_BRANCHES = ['alpha', 'bravo', 'charlie', 'delta', 'echo'] as const;

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; enough to replay a schedule. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from `SLUICE_FAULT_SEED` (decimal, 0 … 2^32-1), else a fresh one. */
export function seedFrom(env: Readonly<Record<string, string | undefined>>, fresh: () => number = () => Math.floor(Math.random() * 2 ** 32)): number {
  const raw = env['SLUICE_FAULT_SEED'];
  if (raw === undefined || raw.trim() === '') return fresh();
  const seed = Number(raw.trim());
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`SLUICE_FAULT_SEED must be an integer from 0 to 4294967295, got "${raw}"`);
  return seed;
}

/** The plan for `seed`. */
export function makePlan(seed: number, options: PlanOptions = {}): FaultPlan {
  const random = prng(seed);
  const branches = options.branches ?? DEFAULT_BRANCHES;
  const count = options.pushes ?? 50;
  const windowMs = options.pushWindowMs ?? 28_000;
  const spanMs = options.faultSpanMs ?? 42_000;
  const shares = options.shares ?? { passing: 0.5, failing: 0.25, unhealthy: 0.25 };

  // Per branch the same number of pushes (± 1), in bursts: a few pushes a fraction of a second apart,
  // then a quiet stretch. The last push of a burst gets to deploy; the next burst arrives while it
  // deploys or bakes, or before — both cases the oracle tells apart.
  const perBranch = branches.map((_, i) => Math.floor(count / branches.length) + (i < count % branches.length ? 1 : 0));
  const bursts = options.bursts ?? 2;
  const raw: { branch: string; at: number }[] = [];
  branches.forEach((branch, b) => {
    const n = perBranch[b] as number;
    const sizes = Array.from({ length: bursts }, (_, j) => Math.floor(n / bursts) + (j < n % bursts ? 1 : 0));
    shuffle(sizes, random);
    sizes.forEach((size, j) => {
      let at = (j / bursts) * windowMs + random() * (windowMs / bursts) * 0.5;
      for (let k = 0; k < size; k++) {
        raw.push({ branch, at });
        at += 150 + random() * 750;
      }
    });
  });
  raw.sort((a, b) => a.at - b.at);
  // At least 100 ms between any two pushes, the first at 0, the last inside the window.
  const minGap = 100;
  const spaced: number[] = [];
  for (const [i, r] of raw.entries()) spaced.push(i === 0 ? 0 : Math.max(r.at - (raw[0]?.at ?? 0), (spaced[i - 1] as number) + minGap));
  const last = spaced.at(-1) ?? 0;
  const scale = last > windowMs ? windowMs / last : 1;
  const times = spaced.map((t, i) => (i === 0 ? 0 : Math.max(Math.round(t * scale), 0)));
  for (let i = 1; i < times.length; i++) times[i] = Math.max(times[i] as number, (times[i - 1] as number) + minGap);
  const order = raw.map((r) => r.branch);
  const kinds = drawKinds(count, shares, random);
  const pushes = order.map((branch, index) => ({ index, branch, kind: kinds[index] as RevisionKind, atMs: times[index] as number }));

  // Kills: per controller, one in each of `n` equal slots of the span, in the slot's first half
  // (so consecutive kills of one controller are at least half a slot apart: the standby has led by then).
  const n = options.killsPerService ?? 4;
  const start = 2_000;
  const slot = (spanMs - start) / n;
  const kills: PlannedKill[] = [];
  for (const service of KILLED_SERVICES) {
    for (let i = 0; i < n; i++) kills.push({ service, atMs: Math.round(start + i * slot + random() * slot * 0.5) });
  }
  kills.sort((a, b) => a.atMs - b.atMs);

  // GitLab: stretches of 2–4 s, one per slot, alternating 429 (Retry-After 1 s) and 502, starting with either.
  const stretches = options.gitlabStretches ?? 4;
  const fSlot = (spanMs - start) / stretches;
  const first = random() < 0.5 ? 429 : 502;
  const gitlabFaults: PlannedFault[] = [];
  for (let i = 0; i < stretches; i++) {
    const fromMs = Math.round(start + i * fSlot + random() * (fSlot - 4_000));
    const status = (i % 2 === 0 ? first : first === 429 ? 502 : 429) as 429 | 502;
    const untilMs = fromMs + 2_000 + Math.round(random() * 2_000);
    gitlabFaults.push(status === 429 ? { status, fromMs, untilMs, retryAfter: 1 } : { status, fromMs, untilMs });
  }
  const faultsEndMs = Math.max(...kills.map((k) => k.atMs), ...gitlabFaults.map((f) => f.untilMs));
  return { seed, branches: [...branches], pushes, kills, gitlabFaults, faultsEndMs };
}

/** Kinds in the given shares (rounded, at least one of each), in a random order. */
function drawKinds(count: number, shares: { readonly passing: number; readonly failing: number; readonly unhealthy: number }, random: () => number): RevisionKind[] {
  const sum = shares.passing + shares.failing + shares.unhealthy;
  const failing = Math.max(1, Math.round((count * shares.failing) / sum));
  const unhealthy = Math.max(1, Math.round((count * shares.unhealthy) / sum));
  const kinds: RevisionKind[] = [
    ...Array<RevisionKind>(Math.max(0, count - failing - unhealthy)).fill('passing'),
    ...Array<RevisionKind>(failing).fill('failing'),
    ...Array<RevisionKind>(unhealthy).fill('unhealthy'),
  ].slice(0, count);
  shuffle(kinds, random);
  return kinds;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
