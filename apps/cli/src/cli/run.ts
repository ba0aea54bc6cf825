import type { Cluster } from '../cluster/connect.js';
import { connect } from '../cluster/connect.js';
import { applications } from '../commands/applications.js';
import { deliveries } from '../commands/deliveries.js';
import { logs } from '../commands/logs.js';
import { promote } from '../commands/promote.js';
import { rollback } from '../commands/rollback.js';
import { show } from '../commands/show.js';
import type { Command } from '../commands/context.js';
import { printable } from '../format/printable.js';
import { parseCommandLine } from './args.js';
import { EXIT, describeError, type ExitCode } from './errors.js';
import { commandHelp, generalHelp } from './help.js';
import type { Io } from './io.js';
import type { CommandName } from './spec.js';

const COMMANDS: Readonly<Record<CommandName, Command>> = { deliveries, show, logs, rollback, promote, applications };

/**
 * Runs one command line and returns the exit code; never throws. Expected
 * failures print one line on stderr (`sluice: …`); an unexpected error also
 * prints its stack when `SLUICE_DEBUG` is set.
 */
export async function run(argv: readonly string[], io: Io, version: string): Promise<ExitCode> {
  try {
    const line = parseCommandLine(argv, io.env);
    if (line.kind === 'version') {
      io.out(`${version}\n`);
      return EXIT.ok;
    }
    if (line.kind === 'help') {
      io.out(line.command ? commandHelp(line.command) : generalHelp(version));
      return EXIT.ok;
    }
    let cluster: Cluster | undefined;
    return await COMMANDS[line.command]({
      io,
      globals: line.globals,
      values: line.values,
      args: line.args,
      cluster: () => (cluster ??= connect(line.globals, io.env)),
    });
  } catch (err) {
    const { line, code, stack } = describeError(err);
    // Messages may quote the cluster's objects (written by whoever pushed) or the API's answers.
    io.err(`sluice: ${printable(line)}\n`);
    if (stack !== undefined && io.env['SLUICE_DEBUG']) io.err(`${stack}\n`);
    return code;
  }
}
