/**
 * The seccomp profile of the build pods (rootless BuildKit). `RuntimeDefault`
 * cannot run them: rootless BuildKit makes its own user namespace and mounts
 * inside it, and the runtimes' default profiles deny `unshare`, `clone` with
 * namespace flags, `setns`, `mount`, `pivot_root` and the keyring calls to a
 * process without CAP_SYS_ADMIN. `Unconfined` would also allow everything
 * else. This profile sits between: everything Docker's default profile
 * denies to a process without capabilities is still denied, except the
 * user-namespace, mount and keyring calls BuildKit needs.
 *
 * The kubelet reads it from `<root-dir>/seccomp/` on every node (normally
 * `/var/lib/kubelet/seccomp/`): a build pod names it with
 * `seccompProfile: { type: 'Localhost', localhostProfile: BUILDER_SECCOMP_PROFILE_PATH }`.
 * Both Pod Security levels admit a `Localhost` profile; what keeps build pods
 * out of `restricted` is what `newuidmap`/`newgidmap` need (privilege
 * escalation, CAP_SETUID and CAP_SETGID), hence the `baseline` build namespace.
 */

/** The build pods' `seccompProfile.localhostProfile`, relative to the kubelet's `<root-dir>/seccomp/`. */
export const BUILDER_SECCOMP_PROFILE_PATH = 'sluice/builder.json';

/** An OCI / Docker seccomp profile (the JSON the kubelet hands to the runtime). */
export interface SeccompProfile {
  readonly defaultAction: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
  readonly architectures: readonly string[];
  readonly syscalls: readonly { readonly names: readonly string[]; readonly action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO'; readonly errnoRet?: number }[];
}

/**
 * Denied, by why Docker's default profile denies them to a process without
 * capabilities. Not here, so allowed: `clone`, `clone3`, `unshare`, `setns`
 * (user and mount namespaces), `mount`, `umount2`, `pivot_root` and the new
 * mount API (`fsopen`, `fsconfig`, `fsmount`, `fspick`, `move_mount`,
 * `open_tree`, `mount_setattr`) for the rootfs inside that namespace, and
 * `keyctl`, `add_key`, `request_key` (runc gives each container its own
 * session keyring). The kernel still checks capabilities against the user
 * namespace, so these reach only what the build's own namespace owns.
 */
const DENIED: Readonly<Record<string, readonly string[]>> = {
  // Kernel modules and replacing or rebooting the kernel (CAP_SYS_MODULE, CAP_SYS_BOOT).
  kernel: ['create_module', 'delete_module', 'finit_module', 'get_kernel_syms', 'init_module', 'kexec_file_load', 'kexec_load', 'query_module', 'reboot'],
  // The node's clock (CAP_SYS_TIME).
  clock: ['clock_adjtime', 'clock_settime', 'settimeofday', 'stime'],
  // Reading or writing other processes' memory (CAP_SYS_PTRACE).
  processes: ['kcmp', 'process_vm_readv', 'process_vm_writev', 'ptrace'],
  // Kernel tracing and programs (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN).
  tracing: ['bpf', 'lookup_dcookie', 'perf_event_open'],
  // Host-wide administration: accounting, quotas, swap, the kernel log (CAP_SYS_PACCT, CAP_SYS_ADMIN, CAP_SYSLOG).
  host: ['acct', 'quotactl', 'quotactl_fd', 'swapoff', 'swapon', 'syslog'],
  // Opening files by handle, past the mount namespace (CAP_DAC_READ_SEARCH: the "shocker" escape).
  handles: ['name_to_handle_at', 'open_by_handle_at'],
  // Raw I/O ports and the x86 virtual-8086 mode (CAP_SYS_RAWIO).
  rawIo: ['ioperm', 'iopl', 'vm86', 'vm86old'],
  // Obsolete calls nothing needs.
  obsolete: ['_sysctl', 'nfsservctl', 'sysfs', 'uselib', 'ustat'],
  // Large kernel attack surface, a frequent exploit primitive: io_uring and userfaultfd.
  exploitSurface: ['io_uring_enter', 'io_uring_register', 'io_uring_setup', 'userfaultfd'],
};

/** The architectures the profile covers: 64- and 32-bit x86 and Arm (a call made through another ABI is filtered the same). */
const ARCHITECTURES = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] as const;

/**
 * The build pods' seccomp profile: allow by default, deny {@link DENIED}
 * with EPERM (errno 1), names sorted. A new object on every call.
 */
export function builderSeccompProfile(): SeccompProfile {
  const names = [...new Set(Object.values(DENIED).flat())].sort();
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: [...ARCHITECTURES],
    syscalls: [{ names, action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
  };
}
