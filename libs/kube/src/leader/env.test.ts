import { ConfigError } from '@sluice/config';
import { describe, expect, it } from 'vitest';
import { leaderSettingsFromConfig, type LeaderConfig } from './env.js';

const defaults: LeaderConfig = { SLUICE_LEADER_ELECTION: true, SLUICE_LEADER_LEASE_DURATION: 15_000, SLUICE_LEADER_RENEW_DEADLINE: 10_000, SLUICE_LEADER_RETRY_PERIOD: 2_000 };
const host = { hostname: 'laptop', pid: 42 };

describe('leaderSettingsFromConfig', () => {
  it('takes the identity from SLUICE_LEADER_IDENTITY, else POD_NAME, else hostname and pid', () => {
    expect(leaderSettingsFromConfig({ ...defaults, SLUICE_LEADER_IDENTITY: 'me', POD_NAME: 'pod' }, host).identity).toBe('me');
    expect(leaderSettingsFromConfig({ ...defaults, POD_NAME: 'deployer-7d9-abc' }, host).identity).toBe('deployer-7d9-abc');
    expect(leaderSettingsFromConfig(defaults, host).identity).toBe('laptop-42');
  });

  it('refuses a renew deadline that is not below the lease duration', () => {
    expect(() => leaderSettingsFromConfig({ ...defaults, SLUICE_LEADER_RENEW_DEADLINE: 15_000 }, host)).toThrow(ConfigError);
    expect(() => leaderSettingsFromConfig({ ...defaults, SLUICE_LEADER_RETRY_PERIOD: 10_000 }, host)).toThrow(/retry period/);
  });
});
