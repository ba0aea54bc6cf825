import { READY_CONDITION, type Condition } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';
import type { Styles } from './color.js';
import { printable } from './printable.js';
import type { Cell } from './table.js';
import { age } from './time.js';

/** Columns of `sluice applications` (the CRD's printer columns, plus the message). */
export const APPLICATION_HEADER = ['NAME', 'PROJECT', 'READY', 'REASON', 'AGE', 'MESSAGE'] as const;

/** An Application's `Ready` condition as the deployer wrote it; none yet (deployer not running, or not there yet): Unknown. */
export function readyOf(app: KubeObject): Pick<Condition, 'status' | 'reason' | 'message'> {
  const conditions = (app['status'] as { conditions?: unknown } | undefined)?.conditions;
  const ready = Array.isArray(conditions) ? (conditions as Condition[]).find((c) => c?.type === READY_CONDITION) : undefined;
  return ready ? { status: ready.status, reason: ready.reason, message: ready.message ?? '' } : { status: 'Unknown', reason: '', message: 'no Ready condition yet: is the deployer running?' };
}

/** One row, from the raw object: an invalid Application is exactly the one to show, so nothing here assumes a valid spec. */
export function applicationRow(app: KubeObject, now: Date, s: Styles): Cell[] {
  const project = (app['spec'] as { project?: { path?: unknown } } | undefined)?.project?.path;
  const ready = readyOf(app);
  const created = app.metadata['creationTimestamp'];
  return [
    { text: printable(app.metadata.name ?? '') },
    { text: typeof project === 'string' ? printable(project) : '' },
    { text: ready.status, style: ready.status === 'True' ? s.ok : ready.status === 'False' ? s.bad : s.busy },
    { text: printable(ready.reason) },
    { text: typeof created === 'string' ? age(created, now) : '' },
    { text: ready.status === 'True' ? '' : printable(ready.message) },
  ];
}
