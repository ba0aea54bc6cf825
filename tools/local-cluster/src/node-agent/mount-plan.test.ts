import { describe, expect, it } from 'vitest';
import { buildMountScript, canonicalPath, type MountPlanInput } from './mount-plan.js';

const hostFs: Record<string, 'dir' | 'file'> = {
  '/etc': 'dir',
  '/etc/hosts': 'file',
  '/etc/ssl': 'dir',
  '/tmp': 'dir',
  '/dev': 'dir',
  '/dev/shm': 'dir',
  '/usr': 'dir',
  '/pods/v/creds': 'dir',
  '/pods/v/creds/token': 'file',
  '/pods/v/work': 'dir',
  '/pods/c/tmp': 'dir',
  '/pods/c/termination-log': 'file',
};

function input(over: Partial<MountPlanInput> = {}): MountPlanInput {
  return {
    rootDir: '/pods/c/root',
    shadowDir: '/pods/c/shadow',
    topLevel: [
      { name: 'etc', type: 'dir' },
      { name: 'tmp', type: 'dir' },
      { name: 'dev', type: 'dir' },
      { name: 'usr', type: 'dir' },
      { name: 'bin', type: 'symlink', link: 'usr/bin' },
    ],
    hostMounts: ['/', '/dev', '/dev/shm', '/dev/pts', '/proc'],
    mounts: [],
    workingDir: '/',
    hostname: 'web-1',
    hostEntry: (p) => hostFs[p],
    bins: { mount: 'mount', mkdir: 'mkdir', touch: 'touch', ln: 'ln', chroot: 'chroot', setpriv: 'setpriv', sh: '/bin/sh' },
    ...over,
  };
}

describe('buildMountScript', () => {
  it('mirrors the host root and execs the command through chroot and setpriv', () => {
    const s = buildMountScript(input());
    expect(s).toContain(`'mount' -t tmpfs -o mode=0755 sluice-root '/pods/c/root'`);
    expect(s).toContain(`'mkdir' '/pods/c/root/etc' && 'mount' --rbind '/etc' '/pods/c/root/etc'`);
    expect(s).toContain(`'ln' -s 'usr/bin' '/pods/c/root/bin'`);
    expect(s).toMatch(/exec 'chroot' '\/pods\/c\/root' '\/bin\/sh' -c [\s\S]* sluice-init '\/' "\$@"\n$/);
    expect(s).toContain(`'\\''setpriv'\\'' --pdeathsig KILL -- "$@" &`);
    expect(s).toContain(`printf '%s' 'web-1' > /proc/sys/kernel/hostname`);
  });

  it('creates a missing top-level mount point on the private root, without overlays', () => {
    const s = buildMountScript(input({ mounts: [{ target: '/workspace', source: '/pods/v/work', readOnly: false, type: 'dir' }] }));
    expect(s).toContain(`'mkdir' '/pods/c/root/workspace' 2>&3`);
    expect(s).toContain(`'mount' --rbind '/pods/v/work' '/pods/c/root/workspace'`);
    expect(s).not.toContain('overlay');
  });

  it('overlays a host directory to create a mount point inside it, read-only when asked', () => {
    const s = buildMountScript(
      input({ mounts: [{ target: '/etc/git-credentials', source: '/pods/v/creds', readOnly: true, type: 'dir' }] }),
    );
    expect(s).toContain(`-t overlay sluice-overlay -o 'lowerdir=/etc,upperdir=/pods/c/shadow/0/u,workdir=/pods/c/shadow/0/w' '/pods/c/root/etc'`);
    expect(s).toContain(`'mkdir' '/pods/c/root/etc/git-credentials'`);
    expect(s).toContain(`'mount' -o remount,bind,ro '/pods/c/root/etc/git-credentials'`);
  });

  it('binds host mounts back over an overlaid directory', () => {
    const s = buildMountScript(
      input({ mounts: [{ target: '/dev/termination-log', source: '/pods/c/termination-log', readOnly: false, type: 'file' }] }),
    );
    expect(s).toContain(`lowerdir=/dev,`);
    expect(s).toContain(`'mount' --rbind '/dev/shm' '/pods/c/root/dev/shm'`);
    expect(s).toContain(`'mount' --rbind '/dev/pts' '/pods/c/root/dev/pts'`);
    expect(s).toContain(`'touch' '/pods/c/root/dev/termination-log'`);
  });

  it('binds over existing paths directly and creates nested mount points inside volumes', () => {
    const s = buildMountScript(
      input({
        mounts: [
          { target: '/workspace/creds', source: '/pods/v/creds', readOnly: true, type: 'dir' },
          { target: '/workspace', source: '/pods/v/work', readOnly: false, type: 'dir' },
          { target: '/tmp', source: '/pods/c/tmp', readOnly: false, type: 'dir' },
          { target: '/etc/hosts', source: '/pods/c/hosts', readOnly: false, type: 'file' },
        ],
      }),
    );
    expect(s.indexOf(`--rbind '/pods/v/work'`)).toBeLessThan(s.indexOf(`'/pods/c/root/workspace/creds'`));
    expect(s).toContain(`'mkdir' '/pods/c/root/workspace/creds'`);
    expect(s).toContain(`'mount' --rbind '/pods/c/tmp' '/pods/c/root/tmp'`);
    expect(s).toContain(`'mount' --rbind '/pods/c/hosts' '/pods/c/root/etc/hosts'`);
    expect(s).not.toContain('overlay');
  });

  it('creates the working directory and drops privileges when asked', () => {
    const s = buildMountScript(input({ workingDir: '/srv/app', user: { uid: 1000, gid: 2000, groups: [2000, 3000] } }));
    expect(s).toContain(`'mkdir' '/pods/c/root/srv'`);
    expect(s).toContain(`'mkdir' '/pods/c/root/srv/app'`);
    expect(s).toContain('--regid=2000 --reuid=1000 --groups=2000,3000');
  });

  it('mounts a fresh /proc when the container has its own PID namespace', () => {
    const s = buildMountScript(input({ topLevel: [{ name: 'proc', type: 'dir' }], freshProc: true }));
    expect(s).toContain(`'mkdir' '/pods/c/root/proc' && 'mount' -t proc proc '/pods/c/root/proc'`);
  });

  it('refuses a directory mount over a file', () => {
    expect(() =>
      buildMountScript(input({ mounts: [{ target: '/etc/hosts', source: '/pods/v/work', readOnly: false, type: 'dir' }] })),
    ).toThrow(/cannot mount a dir at \/etc\/hosts/);
  });
});

describe('canonicalPath', () => {
  it('resolves host symlinks in the existing prefix', () => {
    const real: Record<string, string> = { '/var': '/var', '/var/run': '/run' };
    expect(canonicalPath('/var/run/secrets/x', (p) => real[p])).toBe('/run/secrets/x');
    expect(canonicalPath('/workspace/', () => undefined)).toBe('/workspace/');
  });
});
