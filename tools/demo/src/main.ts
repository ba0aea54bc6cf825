/**
 * `bash tools/demo.sh`: runs the demo, prints the summary, exits 0 only when
 * everything behaved as expected. Ctrl-C (or SIGTERM) stops everything it
 * started; so does a crash.
 */
import { parseDemoArgs, USAGE } from './cli-args.js';
import type { DemoResult } from './result.js';
import { runDemo } from './scenario.js';
import { runAllTeardowns } from './stack/teardown.js';
import { waterfall } from './stack/trace.js';
import { renderSummary } from './view/summary.js';

const write = (text: string) => void process.stdout.write(text);

let args;
try {
  args = parseDemoArgs(process.argv.slice(2), { isTTY: process.stdout.isTTY === true, noColor: (process.env['NO_COLOR'] ?? '') !== '' });
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(2);
}
if (args.help) {
  write(USAGE);
  process.exit(0);
}

let kept: DemoResult | undefined;
let stopping = false;
async function stopAndExit(code: number, why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\ndemo: ${why}; stopping everything…\n`);
  await kept?.stop?.();
  await runAllTeardowns();
  process.exit(code);
}
process.on('SIGINT', () => void stopAndExit(kept ? (kept.ok ? 0 : 1) : 130, kept ? 'done' : 'interrupted'));
process.on('SIGTERM', () => void stopAndExit(143, 'terminated'));
process.on('uncaughtException', (error) => {
  process.stderr.write(`demo: crashed: ${error.stack ?? error.message}\n`);
  void stopAndExit(1, 'crashed');
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`demo: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  void stopAndExit(1, 'crashed');
});

const result = await runDemo({ output: args.output, color: args.color, write, keepStack: args.keep });
write(renderSummary(result, { color: args.color, ...(result.trace && { waterfall: waterfall([...result.trace.spans], args.color) }) }));
if (result.diagnostics) write(`\nWhat the services logged last:\n${result.diagnostics}\n`);

if (args.keep && result.stop) {
  kept = result;
  const e = result.endpoints;
  write(
    [
      '',
      'Everything keeps running; Ctrl-C stops it. Look around:',
      `  run pages      ${e.gatewayUrl ?? '?'}/deliveries/<name>${result.deliveries[0]?.url ? `  e.g. ${result.deliveries[0].url}` : ''}`,
      // Jaeger's query API only: the receiver serves no UI (its assets are not in the Go module); the printed waterfall is the viewer.
      ...(e.traceQueryUrl
        ? [
            `  trace API      ${e.traceQueryUrl}/api/v3/traces/${result.trace?.traceId ?? '<trace id>'}   (JSON, no UI: ${result.trace ? `the waterfall above is this trace` : 'every trace id is in the summary'})`,
          ]
        : []),
      `  GitLab API     curl -H 'PRIVATE-TOKEN: ${e.gitlabToken ?? '?'}' ${e.gitlabUrl ?? '?'}/api/v4/projects/demo%2Fsample-app/repository/commits/<sha>/statuses`,
      `  KUBECONFIG     export KUBECONFIG=${e.kubeconfig ?? '?'}`,
      '  kubectl        "$(bash tools/local-cluster/build.sh | tail -1)/kubectl" get deliveries,pods -A',
      '  service logs   "$(bash tools/local-cluster/build.sh | tail -1)/kubectl" logs -n sluice-system deployment/<webhook-gateway|test-runner|deployer|notifier>',
      `  sluice CLI     node --import tsx apps/cli/src/main.ts deliveries   (or: show <delivery>, logs <delivery>, rollback ${'sample-app'})`,
      '',
    ].join('\n'),
  );
} else {
  process.exit(result.ok ? 0 : 1);
}
