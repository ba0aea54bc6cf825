import { DEFAULT_BUILD_NAMESPACE, DEFAULT_TEST_NAMESPACE } from '@sluice/delivery';
import type { EnvironmentName } from '@sluice/delivery';
import type { LogContainer } from './values.js';
import type { DeliveryFilter } from '../decide/select.js';
import { stringValue, type Values } from './args.js';
import { checkName, parseContainer, parseCount, parseDuration, parseEnvironment, parseOutput } from './values.js';

/** Rows shown by default: enough for a screen, not a flood on a busy cluster. */
export const DEFAULT_LIMIT = 20;
/** How long `rollback` and `promote` wait for the deployer by default. */
export const DEFAULT_WAIT_MS = 60_000;

/** `sluice deliveries` options. */
export interface DeliveriesOptions {
  readonly filter: DeliveryFilter;
  readonly limit: number;
  readonly watch: boolean;
  readonly output: 'table' | 'json';
}

/** `sluice show` options. */
export interface ShowOptions {
  readonly output: 'text' | 'json' | 'yaml';
}

/** `sluice logs` options. */
export interface LogsOptions {
  /** Unset: every step of the test Job, in order. */
  readonly container: LogContainer | undefined;
  readonly follow: boolean;
  readonly tail: number | undefined;
  readonly testNamespace: string;
  /** Where the build Jobs run (`--container build`). */
  readonly buildNamespace: string;
}

/** `sluice rollback` and `sluice promote` options. */
export interface ActionOptions {
  readonly env: EnvironmentName | undefined;
  /** `undefined`: do not wait (`--no-wait`). */
  readonly waitMs: number | undefined;
}

/** Validates `sluice deliveries` options. */
export function deliveriesOptions(values: Values): DeliveriesOptions {
  const app = stringValue(values['app']);
  const branch = stringValue(values['branch']);
  const limit = stringValue(values['limit']);
  const output = stringValue(values['output']);
  return {
    filter: { ...(app !== undefined && { app: checkName(app, 'application name') }), ...(branch !== undefined && { branch }) },
    limit: limit === undefined ? DEFAULT_LIMIT : parseCount(limit, 'limit'),
    watch: values['watch'] === true,
    output: output === undefined ? 'table' : parseOutput(output, ['json']),
  };
}

/** Validates `sluice show` options. */
export function showOptions(values: Values): ShowOptions {
  const output = stringValue(values['output']);
  return { output: output === undefined ? 'text' : parseOutput(output, ['json', 'yaml']) };
}

/** Validates `sluice logs` options. */
export function logsOptions(values: Values, env: Readonly<Record<string, string | undefined>>): LogsOptions {
  const container = stringValue(values['container']);
  const tail = stringValue(values['tail']);
  const testNamespace = stringValue(values['test-namespace']) ?? (env['SLUICE_TEST_NAMESPACE'] || DEFAULT_TEST_NAMESPACE);
  const buildNamespace = stringValue(values['build-namespace']) ?? (env['SLUICE_BUILD_NAMESPACE'] || DEFAULT_BUILD_NAMESPACE);
  return {
    container: container === undefined ? undefined : parseContainer(container),
    follow: values['follow'] === true,
    tail: tail === undefined ? undefined : parseCount(tail, 'tail'),
    testNamespace: checkName(testNamespace, 'test namespace'),
    buildNamespace: checkName(buildNamespace, 'build namespace'),
  };
}

/** Validates `sluice rollback` / `sluice promote` options. */
export function actionOptions(values: Values): ActionOptions {
  const env = stringValue(values['env']);
  const timeout = stringValue(values['timeout']);
  const waitMs = timeout === undefined ? DEFAULT_WAIT_MS : parseDuration(timeout, 'timeout');
  return { env: env === undefined ? undefined : parseEnvironment(env), waitMs: values['no-wait'] === true ? undefined : waitMs };
}
