/**
 * Redaction of what the runner stores from a Job's pod (log tails,
 * termination messages, JUnit failure names): the values of the Secrets the
 * Job mounts, and common credential shapes, become {@link REDACTED} before
 * anything reaches the Delivery's status. Pure.
 */
import type { JobOutcome } from './job-outcome.js';

/** What a redacted credential becomes. */
export const REDACTED = '[redacted]';

/** Secret values shorter than this are not searched for: they would blank out ordinary words (a username `ci`). */
const MIN_SECRET_LENGTH = 4;
/** A piece of a secret cut by the edge of the tail is redacted when at least this long. */
const MIN_CUT_LENGTH = 6;

/** The parts of a pod spec that name Secrets a container can read. */
export interface PodSecretRefs {
  readonly volumes?: readonly {
    readonly secret?: { readonly secretName?: string };
    readonly projected?: { readonly sources?: readonly { readonly secret?: { readonly name?: string } }[] };
  }[];
  readonly initContainers?: readonly ContainerSecretRefs[];
  readonly containers?: readonly ContainerSecretRefs[];
}

interface ContainerSecretRefs {
  readonly env?: readonly { readonly valueFrom?: { readonly secretKeyRef?: { readonly name?: string } } }[];
  readonly envFrom?: readonly { readonly secretRef?: { readonly name?: string } }[];
}

/** Names of every Secret the pod mounts or reads into env, each once, sorted. */
export function secretsOfPod(spec: PodSecretRefs | undefined): string[] {
  const names = new Set<string>();
  const add = (name: string | undefined) => {
    if (name) names.add(name);
  };
  for (const v of spec?.volumes ?? []) {
    add(v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) add(s.secret?.name);
  }
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const e of c.env ?? []) add(e.valueFrom?.secretKeyRef?.name);
    for (const e of c.envFrom ?? []) add(e.secretRef?.name);
  }
  return [...names].sort();
}

function jsonStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) jsonStrings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) jsonStrings(v, out);
}

function decodedBase64(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/**
 * The strings to hide, from the decoded values of the mounted Secrets: each
 * value (trimmed), each line of a multi-line value (a key printed line by
 * line), its base64 form, and inside a JSON value (`.dockerconfigjson`) each
 * string — an `auth` field decoded to `user:password` and its password too.
 * Longest first, so a value is replaced before a part of it.
 */
export function secretNeedles(values: readonly string[]): string[] {
  const found = new Set<string>();
  const add = (s: string | undefined) => {
    const t = s?.trim();
    if (t !== undefined && t.length >= MIN_SECRET_LENGTH) found.add(t);
  };
  for (const value of values) {
    add(value);
    add(Buffer.from(value.trim()).toString('base64'));
    for (const line of value.split(/\r?\n/)) add(line);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      continue;
    }
    const strings: string[] = [];
    jsonStrings(parsed, strings);
    for (const s of strings) {
      add(s);
      const decoded = decodedBase64(s);
      if (decoded !== undefined) {
        add(decoded);
        const colon = decoded.indexOf(':');
        if (colon !== -1) add(decoded.slice(colon + 1));
      }
    }
  }
  return [...found].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

const PEM_BEGIN = String.raw`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----`;
const PEM_END = String.raw`-----END [A-Z0-9 ]*PRIVATE KEY-----`;
/** Credential shapes, each with its replacement (what names the credential is kept). */
const SHAPES: readonly (readonly [RegExp, string])[] = [
  // A whole private key block; one whose BEGIN was cut off by the start of the tail; one whose END is past its end.
  [new RegExp(`${PEM_BEGIN}[\\s\\S]*?${PEM_END}`, 'g'), REDACTED],
  [new RegExp(`^(?:(?!${PEM_BEGIN})[\\s\\S])*?${PEM_END}`), REDACTED],
  [new RegExp(`${PEM_BEGIN}[\\s\\S]*$`), REDACTED],
  // GitLab tokens: glpat-, gldt-, glrt-, gloas-, glcbt-, … (the random part has a digit or capital; `global-settings` is left alone).
  [/\bgl[a-z]{1,8}-(?=[0-9A-Za-z_.-]*[0-9A-Z])[0-9A-Za-z_.-]{16,}/g, REDACTED],
  // Authorization headers (any scheme) and bare Bearer tokens.
  [/(authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|digest)\s+)?[^\s"',;]+/gi, `$1${REDACTED}`],
  [/\b(bearer\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1${REDACTED}`],
  // Credentials in URLs: scheme://user:secret@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
];

/** Replaces a piece of a needle cut by either edge of `text` (the tail starts or ends inside a secret). */
function redactCuts(text: string, needles: readonly string[]): string {
  let out = text;
  for (const needle of needles) {
    for (let n = needle.length - 1; n >= MIN_CUT_LENGTH; n--) {
      if (out.startsWith(needle.slice(needle.length - n))) {
        out = REDACTED + out.slice(n);
        break;
      }
    }
    for (let n = needle.length - 1; n >= MIN_CUT_LENGTH; n--) {
      if (out.endsWith(needle.slice(0, n))) {
        out = out.slice(0, out.length - n) + REDACTED;
        break;
      }
    }
  }
  return out;
}

/**
 * `text` with every secret value (see {@link secretNeedles}) and every
 * credential shape — private key blocks (also cut by either edge), GitLab
 * `gl…-` tokens, Authorization headers and Bearer tokens, `user:secret@`
 * in URLs — replaced by {@link REDACTED}. `text` is the end of a log: a
 * secret cut by its first or last character is redacted too.
 */
export function redact(text: string, needles: readonly string[]): string {
  let out = text;
  for (const needle of needles) out = out.split(needle).join(REDACTED);
  out = redactCuts(out, needles);
  for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
  return out;
}

/** A finished Job's outcome with what came from the pod (message, JUnit failure names) redacted. */
export function redactOutcome<O extends Exclude<JobOutcome, { kind: 'running' }>>(outcome: O, needles: readonly string[]): O {
  const summary = outcome.testSummary;
  return {
    ...outcome,
    message: redact(outcome.message, needles),
    ...(summary && { testSummary: { ...summary, firstFailures: summary.firstFailures.map((f) => redact(f, needles)) } }),
  };
}
