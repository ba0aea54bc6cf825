import type { DeliverySpec } from '../delivery.js';
import type { RefType } from '../git.js';

/**
 * One line of work: the pushes to one ref of one project (a merge request's
 * by its iid). A newer push on a line supersedes the older ones that have not
 * started an environment (see `endEarly`).
 */
export interface DeliveryLine {
  readonly projectId: number;
  readonly refType: RefType;
  readonly ref: string;
  /** Merge requests from different forks may share a branch name; the iid keeps them apart. */
  readonly mergeRequestIid?: number;
}

/** The line a Delivery's push belongs to. */
export function lineOf(spec: Pick<DeliverySpec, 'project' | 'refType' | 'ref' | 'mergeRequest'>): DeliveryLine {
  return {
    projectId: spec.project.id,
    refType: spec.refType,
    ref: spec.ref,
    ...(spec.mergeRequest !== undefined && { mergeRequestIid: spec.mergeRequest.iid }),
  };
}

/** A line as one string, to index or compare lines by. */
export function lineKey(line: DeliveryLine): string {
  // Spaces cannot occur in a Git ref name or a ref type, so the parts cannot run into each other.
  return `${line.projectId} ${line.refType} ${line.ref} ${line.mergeRequestIid ?? ''}`;
}
