import { EXIT, failure, type ExitCode } from '../cli/errors.js';
import type { Io } from '../cli/io.js';
import { formatDuration } from '../format/time.js';

/**
 * The endings every wait for the deployer shares: a timeout is a failure
 * (the request stays set, the deployer may still take it), Ctrl-C is not.
 */
export function waitEnded(io: Io, result: { kind: 'timeout' | 'interrupted' }, what: string, where: string, waitMs: number, hint: string): ExitCode {
  if (result.kind === 'interrupted') {
    io.err(`stopped waiting; the ${what} request stays on ${where} for the deployer to take\n`);
    return EXIT.ok;
  }
  throw failure(`the deployer has not taken the ${what} within ${formatDuration(waitMs)} (${hint}); the request stays on ${where}`);
}
