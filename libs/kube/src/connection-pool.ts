import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { RequestContext } from '@kubernetes/client-node';

// Agent options that decide which server and credentials a pooled connection belongs to.
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * Keeps API calls on a few long-lived connections.
 *
 * client-node 1.4 builds a new `https.Agent` (without keep-alive) for every
 * request in `applySecurityAuthentication`, so each call would pay a TCP and
 * TLS handshake — about 8 ms on the local control plane, and most of a busy
 * service's CPU. After authentication has set up a request, {@link adopt}
 * swaps that throwaway agent for one shared keep-alive agent with the same
 * TLS material (rebuilt only when the material changes, e.g. a rotated
 * client certificate). Credentials sent as headers (tokens) are untouched;
 * proxy agents are left alone.
 *
 * The shared agent gets its TLS material as one prebuilt secure context,
 * not as `ca`/`cert`/`key` options: Node names a pooled connection by its
 * options, turning those buffers into strings on every request, and built a
 * fresh context (parsing the CA) for every new connection.
 */
export class ConnectionPool {
  private shared: HttpAgent | undefined;
  /** The options (TLS material included) the shared agent was built from. */
  private sharedFrom: AgentOptions | undefined;

  constructor(private readonly maxSockets = 32) {}

  /** Points an authenticated request context at the shared keep-alive agent. */
  adopt(context: RequestContext): void {
    const fresh = context.getAgent();
    if (fresh === undefined || (fresh.constructor !== HttpsAgent && fresh.constructor !== HttpAgent)) return;
    const options = (fresh as HttpsAgent).options;
    let shared = this.shared;
    if (shared === undefined || shared.constructor !== fresh.constructor || !sameTls(this.sharedFrom ?? {}, options)) {
      shared?.destroy();
      const Ctor = fresh.constructor as typeof HttpsAgent;
      shared = this.shared = new Ctor({ ...agentOptions(Ctor, options), keepAlive: true, maxSockets: this.maxSockets });
      this.sharedFrom = options;
    }
    fresh.destroy();
    context.setAgent(shared);
  }

  /** Closes the pooled connections. */
  destroy(): void {
    this.shared?.destroy();
    this.shared = undefined;
    this.sharedFrom = undefined;
  }
}

/** `options` with the TLS material (for HTTPS) turned into one secure context. */
function agentOptions(Ctor: typeof HttpsAgent, options: AgentOptions): AgentOptions {
  if (Ctor !== HttpsAgent) return options;
  const { ca, cert, key, pfx, passphrase, ...rest } = options;
  return { ...rest, secureContext: createSecureContext({ ca, cert, key, pfx, passphrase }) };
}

function sameTls(a: AgentOptions, b: AgentOptions): boolean {
  return TLS_KEYS.every((key) => same(a[key], b[key]));
}

function same(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => same(item, b[i]));
  return a === b;
}
