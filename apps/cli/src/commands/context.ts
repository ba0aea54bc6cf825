import type { GlobalOptions, Values } from '../cli/args.js';
import type { ExitCode } from '../cli/errors.js';
import type { Io } from '../cli/io.js';
import type { Cluster } from '../cluster/connect.js';
import { styles, type Styles } from '../format/color.js';

/** What every command gets. */
export interface CommandContext {
  readonly io: Io;
  readonly globals: GlobalOptions;
  readonly values: Values;
  /** The positional arguments, already checked against the command's spec. */
  readonly args: readonly string[];
  /** Connects on first use, so a usage error never needs credentials. */
  readonly cluster: () => Cluster;
}

/** A command: validates its options, acts, and says how to exit. */
export type Command = (ctx: CommandContext) => Promise<ExitCode>;

/** The output styles for this run (plain when not a terminal or with `NO_COLOR`). */
export function stylesOf(ctx: CommandContext): Styles {
  return styles(ctx.io.color);
}

/** The first positional argument (the spec guarantees it is there). */
export function target(ctx: CommandContext): string {
  return ctx.args[0] as string;
}
