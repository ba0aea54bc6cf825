/**
 * GitLab's commit status state machine (app/models/commit_status.rb) as far
 * as the Commit Status API can drive it, and the event each requested state
 * maps to (app/services/ci/create_commit_status_service.rb).
 */

/** States a status row can be in. API-created rows start as `created`. */
export type StatusState = 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped';

/** States the API accepts in `state`. */
export const REQUESTABLE_STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] as const;
export type RequestedState = (typeof REQUESTABLE_STATES)[number];

type StatusEvent = 'enqueue' | 'run' | 'success' | 'drop' | 'cancel' | 'skip';

// Only the states reachable through this API are listed; GitLab's table also
// names waiting_for_resource, preparing, manual and scheduled.
const ALLOWED_FROM: Record<StatusEvent, readonly StatusState[]> = {
  enqueue: ['created', 'skipped'],
  run: ['pending'],
  success: ['created', 'pending', 'running'],
  drop: ['created', 'pending', 'running'],
  cancel: ['created', 'pending', 'running'],
  skip: ['created', 'pending'],
};

const TARGET: Record<StatusEvent, StatusState> = {
  enqueue: 'pending',
  run: 'running',
  success: 'success',
  drop: 'failed',
  cancel: 'canceled',
  skip: 'skipped',
};

/** Result of applying a requested state: the new state, or GitLab's exact 400 message. */
export type Transition = { readonly ok: true; readonly state: StatusState } | { readonly ok: false; readonly message: string };

/**
 * Applies `requested` to a row in state `from`. `running` is "enqueue (if
 * possible), then run!", as in GitLab, so it works from `created` and
 * `pending` and fails from `running` with the `:run` message.
 */
export function transition(from: StatusState, requested: RequestedState): Transition {
  switch (requested) {
    case 'pending':
      return fire(from, 'enqueue');
    case 'running': {
      const enqueued = fire(from, 'enqueue');
      return fire(enqueued.ok ? enqueued.state : from, 'run');
    }
    case 'success':
      return fire(from, 'success');
    case 'failed':
      return fire(from, 'drop');
    case 'canceled':
      return fire(from, 'cancel');
    case 'skipped':
      return fire(from, 'skip');
  }
}

/** True for states a later post with the same name updates rather than replaces. */
export function isActive(state: StatusState): boolean {
  return state === 'pending' || state === 'running';
}

function fire(from: StatusState, event: StatusEvent): Transition {
  if (ALLOWED_FROM[event].includes(from)) return { ok: true, state: TARGET[event] };
  return {
    ok: false,
    message: `Cannot transition status via :${event} from :${from} (Reason(s): Status cannot transition via "${event}")`,
  };
}
