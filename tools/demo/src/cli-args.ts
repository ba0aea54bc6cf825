import type { OutputMode } from './view/live.js';

/** What the command line asks for. */
export interface DemoArgs {
  readonly help: boolean;
  readonly keep: boolean;
  readonly output: OutputMode;
  readonly color: boolean;
}

/** Usage text of `bash tools/demo.sh`. */
export const USAGE = `Usage: bash tools/demo.sh [--keep] [--plain] [--no-color]

Starts a local control plane, installs deploy/ (local overlay), runs the four
Sluice services, a GitLab stand-in and a trace receiver, then pushes four
versions of a sample app with real commits and signed webhooks:
v1 goes live, v2 goes live on the other color, v3 fails its tests,
v4 goes live but turns unhealthy and is rolled back to v2.
Exit code 0 only when everything behaved as expected.

  --keep      leave everything running after the summary, until Ctrl-C
  --plain     one line per change instead of a table redrawn in place
              (the default when stdout is not a terminal)
  --no-color  no colours (also when NO_COLOR is set)
  -h, --help  this text
`;

/** Parses the arguments; throws with a message naming an unknown one. */
export function parseDemoArgs(argv: readonly string[], env: { readonly isTTY: boolean; readonly noColor: boolean }): DemoArgs {
  let keep = false;
  let plain = !env.isTTY;
  let color = env.isTTY && !env.noColor;
  let help = false;
  for (const arg of argv) {
    switch (arg) {
      case '--keep':
        keep = true;
        break;
      case '--plain':
        plain = true;
        break;
      case '--no-color':
        color = false;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new Error(`unknown argument "${arg}" (see --help)`);
    }
  }
  return { help, keep, output: plain ? 'lines' : 'tty', color };
}
