import type { TestSummary } from '@sluice/delivery';
import { MAX_FIRST_FAILURES } from '@sluice/delivery';

/** A step container's termination message, read back. */
export interface StepReport {
  /** The step's own one-line result (`test failed: command 1/2 exited 1: npm test`). */
  readonly summary?: string;
  /** From the JUnit report, when the Application names one and the test step wrote it. */
  readonly testSummary?: TestSummary;
  /** True when a report was expected (the wrapper ran) but the file was not there. */
  readonly reportMissing: boolean;
}

/**
 * The image a build step pushed, by digest, from its `built <reference> <sha256:…>`
 * line (the build scripts write it from the builder's own metadata): the
 * reference's repository (its tag dropped) `@` the digest. Undefined when the
 * line is missing or malformed — a build that cannot name its digest pushed
 * nothing the deployer may run. Pure.
 */
export function parseBuiltImage(message: string | undefined): string | undefined {
  for (const line of (message ?? '').split('\n')) {
    const m = /^built (\S+) (sha256:[0-9a-f]{64})$/.exec(line.trim());
    if (!m) continue;
    const [, reference = '', digest = ''] = m;
    const withoutDigest = reference.split('@')[0] ?? '';
    const slash = withoutDigest.lastIndexOf('/');
    const colon = withoutDigest.lastIndexOf(':');
    const repository = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
    return `${repository}@${digest}`;
  }
  return undefined;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/**
 * Parses what the test wrapper leaves in the termination message: the step
 * line, then `junit total=N failed=N skipped=N` and `junit-failure <name>`
 * lines (see `JUNIT_AWK`). Anything else is ignored; a message without the
 * JUnit lines has no test summary. Pure.
 */
export function parseStepReport(message: string | undefined): StepReport {
  const lines = (message ?? '').split('\n').map((l) => l.trimEnd());
  const summary = lines.find((l) => l !== '' && !l.startsWith('junit'));
  const counts = lines.map((l) => /^junit total=(\d+) failed=(\d+) skipped=(\d+)$/.exec(l)).find((m) => m !== null);
  const reportMissing = lines.includes('junit missing');
  if (!counts) return { ...(summary !== undefined && { summary }), reportMissing };
  const [total, failed, skipped] = [counts[1], counts[2], counts[3]].map((n) => Number(n)) as [number, number, number];
  const firstFailures = lines
    .filter((l) => l.startsWith('junit-failure '))
    .map((l) => decodeXml(l.slice('junit-failure '.length)).trim())
    .filter((n) => n !== '')
    .slice(0, MAX_FIRST_FAILURES);
  return {
    ...(summary !== undefined && { summary }),
    testSummary: { total, failed, skipped, passed: Math.max(0, total - failed - skipped), firstFailures },
    reportMissing,
  };
}
