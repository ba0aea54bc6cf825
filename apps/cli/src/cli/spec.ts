/** What each command accepts: drives parsing (`args.ts`) and help (`help.ts`). */

/** One option as `node:util` parseArgs takes it, plus its help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder in help, e.g. `N`, `ENV`. */
  readonly value?: string;
  readonly help: string;
}

/** One command. */
export interface CommandSpec {
  readonly name: CommandName;
  readonly summary: string;
  /** Positional arguments, all required. */
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly string[];
}

/** The commands. */
export const COMMAND_NAMES = ['deliveries', 'show', 'logs', 'rollback', 'promote', 'applications'] as const;
/** One of {@link COMMAND_NAMES}. */
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  kubeconfig: { type: 'string', value: 'PATH', help: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' },
  namespace: { type: 'string', short: 'n', value: 'NS', help: 'namespace of Applications and Deliveries (default: $SLUICE_NAMESPACE, else sluice-system)' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', help: 'print the version' },
};

const WAIT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'no-wait': { type: 'boolean', help: 'set the annotation and return without waiting for the deployer' },
  timeout: { type: 'string', value: 'DURATION', help: 'how long to wait for the deployer (default 60s; e.g. 30s, 5m)' },
};

/** Every command, in help order. */
export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  deliveries: {
    name: 'deliveries',
    summary: 'list deliveries, newest push first (or watch them change)',
    args: [],
    options: {
      app: { type: 'string', value: 'APP', help: 'only this application' },
      branch: { type: 'string', value: 'BRANCH', help: 'only this branch (a merge request counts by its source branch)' },
      limit: { type: 'string', value: 'N', help: 'at most N rows (default 20; 0 = all)' },
      watch: { type: 'boolean', short: 'w', help: 'keep the list up to date as deliveries change; Ctrl-C to stop' },
      output: { type: 'string', short: 'o', value: 'json', help: 'print JSON instead of a table (with --watch: one object per line per change)' },
    },
    examples: ['sluice deliveries', 'sluice deliveries --app shop --branch main --limit 5', 'sluice deliveries --watch', 'sluice deliveries -o json'],
  },
  show: {
    name: 'show',
    summary: 'everything about one delivery: commit, stages, tests, log tail, trace',
    args: ['DELIVERY'],
    options: {
      output: { type: 'string', short: 'o', value: 'json|yaml', help: 'print the Delivery object instead' },
    },
    examples: ['sluice show main-3f2a9c1-0b7e41d2', 'sluice show main-3f2a9c1-0b7e41d2 -o yaml'],
  },
  logs: {
    name: 'logs',
    summary: "logs of a delivery's test (or build) Job; the recorded log tail once the pod is gone",
    args: ['DELIVERY'],
    options: {
      container: { type: 'string', short: 'c', value: 'clone|install|test|build', help: 'only this step (default: every step of the test Job, in order)' },
      follow: { type: 'boolean', short: 'f', help: 'stream the log as it is written; waits for the pod; Ctrl-C to stop' },
      tail: { type: 'string', value: 'N', help: 'only the last N lines' },
      'test-namespace': { type: 'string', value: 'NS', help: 'namespace of the test Jobs (default: $SLUICE_TEST_NAMESPACE, else sluice-test)' },
      'build-namespace': { type: 'string', value: 'NS', help: 'namespace of the build Jobs (default: $SLUICE_BUILD_NAMESPACE, else sluice-build)' },
    },
    examples: ['sluice logs main-3f2a9c1-0b7e41d2', 'sluice logs main-3f2a9c1-0b7e41d2 --follow', 'sluice logs main-3f2a9c1-0b7e41d2 -c install'],
  },
  rollback: {
    name: 'rollback',
    summary: 'return an application to its previous good revision',
    args: ['APPLICATION'],
    options: {
      env: { type: 'string', value: 'production|staging', help: 'environment to roll back (default production)' },
      ...WAIT_OPTIONS,
    },
    examples: ['sluice rollback shop', 'sluice rollback shop --env staging --no-wait'],
  },
  promote: {
    name: 'promote',
    summary: 'let a delivery waiting at a manual promotion gate switch traffic',
    args: ['DELIVERY'],
    options: {
      env: { type: 'string', value: 'ENV', help: 'refuse unless it waits in this environment' },
      ...WAIT_OPTIONS,
    },
    examples: ['sluice promote main-3f2a9c1-0b7e41d2', 'sluice promote main-3f2a9c1-0b7e41d2 --env production'],
  },
  applications: {
    name: 'applications',
    summary: 'list applications with their project and whether they are Ready (and why not)',
    args: [],
    options: {
      output: { type: 'string', short: 'o', value: 'json', help: 'print the Application objects as JSON instead of a table' },
    },
    examples: ['sluice applications', 'sluice applications -o json'],
  },
};

/** True when `name` is a command. */
export function isCommandName(name: string | undefined): name is CommandName {
  return (COMMAND_NAMES as readonly (string | undefined)[]).includes(name);
}
