import { COMMANDS, COMMAND_NAMES, GLOBAL_OPTIONS, type CommandName, type OptionSpec } from './spec.js';

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}

const FOOTER = ['Exit codes: 0 ok, 1 failure or not found, 2 usage error.'];

/** `sluice --help`. */
export function generalHelp(version: string): string {
  const usages = COMMAND_NAMES.map((name) => [`${name}${COMMANDS[name].args.map((a) => ` ${a}`).join('')}`, COMMANDS[name].summary] as const);
  const width = Math.max(...usages.map(([u]) => u.length));
  return [
    `sluice ${version}: Sluice deliveries from the terminal`,
    '',
    'Usage: sluice <command> [arguments] [options]',
    '',
    'Commands:',
    ...usages.map(([u, summary]) => `  ${u.padEnd(width)}  ${summary}`),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    "Run 'sluice <command> --help' for a command's options.",
    ...FOOTER,
    '',
  ].join('\n');
}

/** `sluice <command> --help`. */
export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  return [
    `Usage: sluice ${name}${spec.args.map((a) => ` ${a}`).join('')} [options]`,
    '',
    `${spec.summary[0]?.toUpperCase() ?? ''}${spec.summary.slice(1)}.`,
    '',
    'Options:',
    ...optionLines(spec.options),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
    ...FOOTER,
    '',
  ].join('\n');
}
