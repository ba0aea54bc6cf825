/** Command-line flags of the node agent's main.ts. */

export const FLAGS = ['kubeconfig', 'node-name', 'work-dir', 'tls-cert', 'tls-key', 'port', 'pod-cidr-base', 'log-level'] as const;
export type Flag = (typeof FLAGS)[number];

/** Parses `--flag value` / `--flag=value` arguments; throws on unknown flags or missing values. */
export function parseArgs(argv: readonly string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(FLAGS as readonly string[]).includes(m[1]!)) throw new Error(`unknown argument: ${arg}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    out[m[1] as Flag] = value;
  }
  return out;
}
