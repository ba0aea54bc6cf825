import { boolean, ConfigError, duration, string } from '@sluice/config';
import { timingProblems, type LeaderTiming } from './decide.js';

/**
 * The leader-election variables every controller shares, to spread into the
 * app's schema: `z.object({ ...serviceEnv(…), ...leaderEnv(), ...appFields })`.
 *
 * - `SLUICE_LEADER_ELECTION` (default `true`): `false` runs this replica as the sole active one (tests, dev).
 * - `SLUICE_LEADER_IDENTITY`: the Lease holder identity. Default `POD_NAME` (set from the downward API), else `<hostname>-<pid>`.
 * - `SLUICE_LEADER_LEASE_DURATION` (default `15s`): a standby takes an unrenewed Lease after this long.
 * - `SLUICE_LEADER_RENEW_DEADLINE` (default `10s`): the leader stops writing and exits when it could not renew for this long.
 * - `SLUICE_LEADER_RETRY_PERIOD` (default `2s`): how often the leader renews and a standby tries.
 */
export function leaderEnv() {
  return {
    SLUICE_LEADER_ELECTION: boolean().default(true),
    SLUICE_LEADER_IDENTITY: string().optional(),
    /** Set from the downward API (`metadata.name`) in deploy/. */
    POD_NAME: string().optional(),
    SLUICE_LEADER_LEASE_DURATION: duration({ unit: 'ms', min: 1_000, max: 600_000 }).default(15_000),
    SLUICE_LEADER_RENEW_DEADLINE: duration({ unit: 'ms', min: 500, max: 600_000 }).default(10_000),
    SLUICE_LEADER_RETRY_PERIOD: duration({ unit: 'ms', min: 100, max: 600_000 }).default(2_000),
  };
}

/** The parsed variables of {@link leaderEnv}. */
export interface LeaderConfig {
  readonly SLUICE_LEADER_ELECTION: boolean;
  readonly SLUICE_LEADER_IDENTITY?: string | undefined;
  readonly POD_NAME?: string | undefined;
  readonly SLUICE_LEADER_LEASE_DURATION: number;
  readonly SLUICE_LEADER_RENEW_DEADLINE: number;
  readonly SLUICE_LEADER_RETRY_PERIOD: number;
}

/** Leader election as plain data. */
export interface LeaderSettings {
  /** False: no election, this replica is the sole active one. */
  readonly enabled: boolean;
  readonly identity: string;
  readonly timing: LeaderTiming;
}

/**
 * The election settings from the parsed config; `host` is the hostname and
 * pid the identity falls back to. Throws `ConfigError` when the renew deadline
 * is not below the lease duration or the retry period not below the renew deadline.
 */
export function leaderSettingsFromConfig(config: LeaderConfig, host: { readonly hostname: string; readonly pid: number }): LeaderSettings {
  const timing: LeaderTiming = {
    leaseDurationMs: config.SLUICE_LEADER_LEASE_DURATION,
    renewDeadlineMs: config.SLUICE_LEADER_RENEW_DEADLINE,
    retryPeriodMs: config.SLUICE_LEADER_RETRY_PERIOD,
  };
  const problems = timingProblems(timing);
  if (problems.length > 0) throw new ConfigError('invalid_config', problems.map((p) => `SLUICE_LEADER_*: ${p}`));
  return {
    enabled: config.SLUICE_LEADER_ELECTION,
    identity: config.SLUICE_LEADER_IDENTITY ?? config.POD_NAME ?? `${host.hostname}-${host.pid}`,
    timing,
  };
}
