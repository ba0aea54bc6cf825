/**
 * A failure to answer instead of the real behaviour, for the next `times`
 * matching requests.
 */
export interface FaultSpec {
  /** HTTP status to answer, e.g. 409, 429, 500, 502. Omit for a delay-only fault. */
  readonly status?: number;
  /** Wait this long before answering (the fault's status, or the real answer). */
  readonly delayMs?: number;
  /** How many matching requests it applies to. Default 1. */
  readonly times?: number;
  /** `Retry-After` header value (seconds or HTTP-date). */
  readonly retryAfter?: number | string;
  /** Message in the answer; defaults to what GitLab says for that status. */
  readonly message?: string;
  /** Only requests with this method (any case). */
  readonly method?: string;
  /** Only API paths (after `/api/v4`) containing this string or matching this pattern. */
  readonly path?: string | RegExp;
}

/** What GitLab (or the proxy in front of it) says for each injected status. */
export function defaultFaultBody(status: number): { readonly contentType: string; readonly body: string } {
  switch (status) {
    case 409:
      return json({ message: 'Another update to this commit status is in progress' });
    case 429:
      // Rack::Attack's throttle answer is plain text.
      return { contentType: 'text/plain', body: 'Retry later\n' };
    case 502:
      return { contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>\n' };
    default:
      return json({ message: `${status} ${STATUS_TEXT[status] ?? 'Error'}` });
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function json(value: unknown) {
  return { contentType: 'application/json', body: JSON.stringify(value) };
}

interface ArmedFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** Armed faults, first match wins; each use counts down. */
export class FaultQueue {
  #faults: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    if (spec.status === undefined && spec.delayMs === undefined) throw new Error('a fault needs a status, a delayMs, or both');
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error('fault times must be a positive integer');
    this.#faults.push({ spec, remaining: times });
  }

  /** Takes one use of the first fault matching the request, if any. */
  take(method: string, apiPath: string): FaultSpec | undefined {
    const index = this.#faults.findIndex(({ spec }) => matches(spec, method, apiPath));
    const armed = this.#faults[index];
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining === 0) this.#faults.splice(index, 1);
    return armed.spec;
  }

  clear(): void {
    this.#faults = [];
  }

  get pending(): number {
    return this.#faults.reduce((sum, f) => sum + f.remaining, 0);
  }
}

function matches(spec: FaultSpec, method: string, apiPath: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.path === undefined) return true;
  return typeof spec.path === 'string' ? apiPath.includes(spec.path) : spec.path.test(apiPath);
}
