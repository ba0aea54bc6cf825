/**
 * A stand-in for a container process whose behaviour comes from
 * `sim.sluice.dev/*` annotations: it "runs" until its simulated exit or until
 * stopped, writing the optional `logs` text to its log.
 */
import type { ContainerLog } from './container-log.js';
import type { ExitInfo, RunningContainer } from './process-runner.js';
import type { SimBehaviour } from './simulation.js';

export function startSimulated(sim: SimBehaviour, log: ContainerLog): RunningContainer {
  if (sim.logs) log.write('stdout', sim.logs.endsWith('\n') ? sim.logs : `${sim.logs}\n`);
  let resolveExit!: (info: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((r) => (resolveExit = r));
  let timer: NodeJS.Timeout | undefined;
  if (sim.exit) {
    const { code, afterMs } = sim.exit;
    timer = setTimeout(() => resolveExit({ exitCode: code }), afterMs);
  }
  return {
    pid: 0,
    started: Promise.resolve(true),
    exited,
    stop: async () => {
      clearTimeout(timer);
      resolveExit({ exitCode: 143, signal: 'SIGTERM' });
      return exited;
    },
    exec: async () => ({ exitCode: 0, output: '' }),
  };
}
