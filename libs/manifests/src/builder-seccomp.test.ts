import { describe, expect, it } from 'vitest';
import { BUILDER_SECCOMP_PROFILE_PATH, builderSeccompProfile } from './builder-seccomp.js';

const denied = () => builderSeccompProfile().syscalls.flatMap((rule) => (rule.action === 'SCMP_ACT_ERRNO' ? rule.names : []));

describe('builderSeccompProfile', () => {
  it('allows by default and denies with EPERM', () => {
    const profile = builderSeccompProfile();
    expect(profile.defaultAction).toBe('SCMP_ACT_ALLOW');
    expect(profile.syscalls).toEqual([expect.objectContaining({ action: 'SCMP_ACT_ERRNO', errnoRet: 1 })]);
    expect(profile.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  });

  it('denies what Docker denies to a process without capabilities', () => {
    for (const name of ['kexec_load', 'ptrace', 'bpf', 'init_module', 'reboot', 'open_by_handle_at', 'clock_settime', 'io_uring_setup', 'userfaultfd', 'perf_event_open']) {
      expect(denied(), name).toContain(name);
    }
  });

  it('does not deny the user-namespace, mount and keyring calls rootless BuildKit needs', () => {
    const needed = ['clone', 'clone3', 'unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'keyctl', 'add_key', 'request_key', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr'];
    for (const name of needed) expect(denied(), name).not.toContain(name);
  });

  it('lists each name once, sorted, and is deterministic', () => {
    const names = denied();
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
    expect(JSON.stringify(builderSeccompProfile())).toBe(JSON.stringify(builderSeccompProfile()));
  });

  it('is named relative to the kubelet seccomp directory', () => {
    expect(BUILDER_SECCOMP_PROFILE_PATH).toBe('sluice/builder.json');
  });
});
