/**
 * Makes the pods' /16 local. `127.x` needs nothing: all of 127.0.0.0/8 is
 * local on Linux. Any other range (say `10.244`) is added to `lo` as
 * `<base>.0.1/16`, which makes every address in it local too, and removed
 * again on stop if this agent added it. A non-loopback range is what
 * Services need: EndpointSlice validation refuses 127.0.0.0/8 addresses.
 */
import { execFileSync } from 'node:child_process';
import type { Logger } from 'pino';

export interface PodNetwork {
  release(): void;
}

export function isLoopbackBase(base: string): boolean {
  return base.split('.')[0] === '127';
}

export function ensurePodNetwork(base: string, logger: Logger): PodNetwork {
  if (isLoopbackBase(base)) return { release: () => undefined };
  const cidr = `${base}.0.1/16`;
  const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  let present: string;
  try {
    present = ip('-o', '-4', 'addr', 'show', 'dev', 'lo');
  } catch (err) {
    throw new Error(`pod range ${base}.0.0/16 needs the "ip" tool to put it on lo: ${(err as Error).message}`);
  }
  if (present.includes(` ${cidr} `)) return { release: () => undefined };
  try {
    ip('addr', 'add', cidr, 'dev', 'lo');
  } catch (err) {
    throw new Error(`cannot add ${cidr} to lo (needs root), or use a 127.x pod range: ${(err as Error).message}`);
  }
  logger.info({ cidr }, 'pod range added to lo');
  return {
    release: () => {
      try {
        ip('addr', 'del', cidr, 'dev', 'lo');
      } catch (err) {
        logger.warn({ err, cidr }, 'could not remove the pod range from lo');
      }
    },
  };
}
