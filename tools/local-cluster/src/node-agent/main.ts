/**
 * CLI for the node agent, spawned by the local cluster's supervisor:
 *
 *   node --import tsx tools/local-cluster/src/node-agent/main.ts --kubeconfig X \
 *     --node-name N --work-dir D --tls-cert C --tls-key K --port P [--pod-cidr-base 127.1]
 *
 * Flags take `--flag value` or `--flag=value`. SIGTERM/SIGINT stop every pod
 * process and exit 0.
 */
import { pino } from 'pino';
import { startNodeAgent } from './agent.js';
import { parseArgs } from './cli-args.js';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const logger = pino({ level: args['log-level'] ?? 'info', base: { pid: process.pid } });
  const missing = (['kubeconfig', 'work-dir', 'tls-cert', 'tls-key', 'port'] as const).filter((f) => !args[f]);
  if (missing.length) throw new Error(`missing ${missing.map((f) => `--${f}`).join(', ')}`);
  const agent = await startNodeAgent({
    kubeconfigPath: args.kubeconfig!,
    nodeName: args['node-name'],
    workDir: args['work-dir']!,
    kubeletTls: { certFile: args['tls-cert']!, keyFile: args['tls-key']! },
    kubeletPort: Number(args.port),
    podCidrBase: args['pod-cidr-base'],
    logger,
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    // The supervisor SIGKILLs after 5 s; pdeathsig then takes the pods along anyway.
    setTimeout(() => process.exit(0), 4500).unref();
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`node-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
