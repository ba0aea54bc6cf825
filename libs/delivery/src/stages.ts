import type { EnvironmentName } from './application.js';
import { MAX_FIRST_FAILURES, MAX_LOG_TAIL_LENGTH } from './delivery.js';
import type { DeliveryStatus, Stage, StageName, StageState, TestSummary } from './delivery.js';
import type { FailureReason } from './reasons.js';

/** Identifies a stage: its name and, for `deploy`, its environment. */
export interface StageKey {
  readonly name: StageName;
  readonly environment?: EnvironmentName;
}

/** How a stage ended. */
export type StageOutcome =
  | {
      readonly state: 'succeeded';
      readonly reason?: never;
      readonly message?: string;
      readonly exitCode?: number;
      readonly logTail?: string;
      readonly testSummary?: TestSummary;
    }
  | {
      readonly state: 'failed';
      readonly reason: FailureReason;
      readonly message?: string;
      readonly exitCode?: number;
      readonly logTail?: string;
      readonly testSummary?: TestSummary;
    }
  | { readonly state: 'skipped' | 'canceled'; readonly reason?: FailureReason; readonly message?: string };

/** A refused stage change, as a value. */
export interface StageError {
  readonly code: 'already_finished';
  readonly stage: StageKey;
  readonly message: string;
}

/** Outcome of a stage change: the new status (the same object when nothing changed) or why not. */
export type StageResult = { readonly ok: true; readonly status: DeliveryStatus } | { readonly ok: false; readonly error: StageError };

const FINAL_STATES: readonly StageState[] = ['succeeded', 'failed', 'skipped', 'canceled'];
const MAX_MESSAGE_LENGTH = 2048;
const MAX_FAILURE_NAME_LENGTH = 512;

/** True for the states a stage ends in. */
export function isFinalStageState(state: StageState): boolean {
  return FINAL_STATES.includes(state);
}

/** True when `stage` is the stage `key` names. */
export function isStage(stage: Stage, key: StageKey): boolean {
  return stage.name === key.name && stage.environment === key.environment;
}

/** The stage `key` names, if the status has it. */
export function findStage(status: DeliveryStatus, key: StageKey): Stage | undefined {
  return status.stages.find((stage) => isStage(stage, key));
}

/** `test`, `build`, `deploy:production`: a stage's name as the CLI shows it and GitLab status names end. */
export function stageName(stage: Pick<Stage, 'name' | 'environment'>): string {
  return stage.environment === undefined ? stage.name : `${stage.name}:${stage.environment}`;
}

/** `test`, `build`, `deploy/production` — for run pages, messages and logs. */
export function stageLabel(key: StageKey): string {
  return key.environment === undefined ? key.name : `${key.name}/${key.environment}`;
}

/**
 * The end of a log, at most {@link MAX_LOG_TAIL_LENGTH} characters; a cut
 * tail starts with "…" so nobody mistakes it for the whole log.
 */
export function clipLogTail(log: string): string {
  return log.length <= MAX_LOG_TAIL_LENGTH ? log : `…${log.slice(log.length - MAX_LOG_TAIL_LENGTH + 1)}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function clipSummary(summary: TestSummary): TestSummary {
  return {
    ...summary,
    firstFailures: summary.firstFailures.slice(0, MAX_FIRST_FAILURES).map((name) => clip(name, MAX_FAILURE_NAME_LENGTH)),
  };
}

function replaceStage(status: DeliveryStatus, key: StageKey, next: Stage): DeliveryStatus {
  const index = status.stages.findIndex((stage) => isStage(stage, key));
  const stages = index === -1 ? [...status.stages, next] : status.stages.map((stage, i) => (i === index ? next : stage));
  return { ...status, stages };
}

function blankStage(key: StageKey): Stage {
  return key.environment === undefined ? { name: key.name, state: 'pending' } : { name: key.name, environment: key.environment, state: 'pending' };
}

function finished(key: StageKey, state: StageState): StageResult {
  return { ok: false, error: { code: 'already_finished', stage: key, message: `stage ${stageLabel(key)} already ended as ${state}` } };
}

/**
 * Marks a stage running. Idempotent: starting a running stage returns the
 * status unchanged (filling in `jobName` if it was missing); a stage that
 * is not in the status yet is appended; a finished stage is refused.
 */
export function startStage(status: DeliveryStatus, key: StageKey, options: { readonly now: Date; readonly jobName?: string }): StageResult {
  const current = findStage(status, key) ?? blankStage(key);
  if (isFinalStageState(current.state)) return finished(key, current.state);
  if (current.state === 'running') {
    if (current.jobName !== undefined || options.jobName === undefined) return { ok: true, status };
    return { ok: true, status: replaceStage(status, key, { ...current, jobName: options.jobName }) };
  }
  const next: Stage = { ...current, state: 'running', startedAt: options.now.toISOString() };
  if (options.jobName !== undefined) next.jobName = options.jobName;
  return { ok: true, status: replaceStage(status, key, next) };
}

/**
 * Records how a stage ended, clipping the log tail, message and test summary
 * to what the status may hold. Idempotent: finishing a stage again with the
 * same state returns the status unchanged; a different final state is refused.
 */
export function finishStage(status: DeliveryStatus, key: StageKey, outcome: StageOutcome, now: Date): StageResult {
  const current = findStage(status, key) ?? blankStage(key);
  if (isFinalStageState(current.state)) {
    return current.state === outcome.state ? { ok: true, status } : finished(key, current.state);
  }
  const next: Stage = { ...current, state: outcome.state, finishedAt: now.toISOString() };
  if (outcome.reason !== undefined) next.reason = outcome.reason;
  if (outcome.message !== undefined) next.message = clip(outcome.message, MAX_MESSAGE_LENGTH);
  if (outcome.state === 'succeeded' || outcome.state === 'failed') {
    if (outcome.exitCode !== undefined) next.exitCode = outcome.exitCode;
    if (outcome.logTail !== undefined) next.logTail = clipLogTail(outcome.logTail);
    if (outcome.testSummary !== undefined) next.testSummary = clipSummary(outcome.testSummary);
  }
  return { ok: true, status: replaceStage(status, key, next) };
}

/**
 * Ends every stage that has not ended yet with `state` (e.g. `canceled` with
 * reason `Superseded` when a newer push arrives, `skipped` for what follows a
 * failure). Finished stages are left as they are.
 */
export function closeOpenStages(
  status: DeliveryStatus,
  options: { readonly state: 'skipped' | 'canceled'; readonly reason?: FailureReason; readonly message?: string; readonly now: Date },
): DeliveryStatus {
  if (status.stages.every((stage) => isFinalStageState(stage.state))) return status;
  const finishedAt = options.now.toISOString();
  const stages = status.stages.map((stage): Stage => {
    if (isFinalStageState(stage.state)) return stage;
    const next: Stage = { ...stage, state: options.state, finishedAt };
    if (options.reason !== undefined) next.reason = options.reason;
    if (options.message !== undefined) next.message = clip(options.message, MAX_MESSAGE_LENGTH);
    return next;
  });
  return { ...status, stages };
}
