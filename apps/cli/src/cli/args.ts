import { DEFAULT_NAMESPACE } from '@sluice/delivery';
import { parseArgs } from 'node:util';
import { usage } from './errors.js';
import { COMMANDS, COMMAND_NAMES, GLOBAL_OPTIONS, isCommandName, type CommandName, type OptionSpec } from './spec.js';
import { checkName } from './values.js';

/** Option values as parseArgs returns them. */
export type Values = Readonly<Record<string, string | boolean | undefined>>;

/** Options every command gets. */
export interface GlobalOptions {
  /** `--kubeconfig`; unset: `$KUBECONFIG`, else `~/.kube/config` (or in-cluster). */
  readonly kubeconfig: string | undefined;
  readonly namespace: string;
}

/** What the command line asks for. */
export type CommandLine =
  | { readonly kind: 'help'; readonly command?: CommandName }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly command: CommandName; readonly globals: GlobalOptions; readonly values: Values; readonly args: readonly string[] };

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function toParseArgs(options: Readonly<Record<string, OptionSpec>>): ParseArgsOptions {
  return Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
}

/** Every option of every command: lets a first, lenient pass find the command wherever the options are. */
const ALL_OPTIONS: ParseArgsOptions = toParseArgs(Object.assign({}, GLOBAL_OPTIONS, ...COMMAND_NAMES.map((c) => COMMANDS[c].options)));

/**
 * Parses `argv` (without `node` and the script): `sluice [global options]
 * <command> [arguments] [options]`, options anywhere. Throws a usage
 * `CliError` with one readable line for anything it cannot accept.
 */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CommandLine {
  const { values, tokens } = parseArgs({ args: [...argv], options: ALL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const positionals = tokens.filter((t) => t.kind === 'positional');
  const first = positionals[0];
  if (first?.value === 'help') {
    const topic = positionals[1]?.value;
    if (topic !== undefined && !isCommandName(topic)) throw usage(`unknown command "${topic}"; commands: ${COMMAND_NAMES.join(', ')}`);
    return topic === undefined ? { kind: 'help' } : { kind: 'help', command: topic };
  }
  if (first === undefined) {
    if (values['version'] === true) return { kind: 'version' };
    return { kind: 'help' };
  }
  if (!isCommandName(first.value)) throw usage(`unknown command "${first.value}"; commands: ${COMMAND_NAMES.join(', ')} (see 'sluice --help')`);
  const command = first.value;
  if (values['help'] === true) return { kind: 'help', command };
  if (values['version'] === true) return { kind: 'version' };

  const rest = argv.filter((_, i) => i !== first.index);
  const strict = strictParse(command, rest);
  const spec = COMMANDS[command];
  if (strict.positionals.length < spec.args.length) {
    throw usage(`${command} needs ${spec.args.join(' ')} (see 'sluice ${command} --help')`);
  }
  if (strict.positionals.length > spec.args.length) {
    throw usage(`${command}: unexpected argument "${strict.positionals[spec.args.length]}" (see 'sluice ${command} --help')`);
  }
  for (const arg of strict.positionals) checkName(arg, `${spec.args[0]?.toLowerCase() ?? 'object'} name`);
  return { kind: 'run', command, globals: globalOptions(strict.values, env), values: strict.values, args: strict.positionals };
}

function strictParse(command: CommandName, args: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: toParseArgs({ ...GLOBAL_OPTIONS, ...COMMANDS[command].options }),
      strict: true,
      allowPositionals: true,
    });
    return { values, positionals };
  } catch (err) {
    throw usage(`${command}: ${parseArgsProblem(err)} (see 'sluice ${command} --help')`);
  }
}

/** parseArgs' message, first sentence only, in our words where it is long-winded. */
function parseArgsProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `option ${missing[1]} needs a value`;
  return (message.split('. ')[0] ?? message).replace(/\.$/, '');
}

function globalOptions(values: Values, env: Readonly<Record<string, string | undefined>>): GlobalOptions {
  const namespace = stringValue(values['namespace']) ?? (env['SLUICE_NAMESPACE'] || DEFAULT_NAMESPACE);
  checkName(namespace, 'namespace');
  return { kubeconfig: stringValue(values['kubeconfig']), namespace };
}

/** A string option's value; booleans cannot occur for string options after the strict pass. */
export function stringValue(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
