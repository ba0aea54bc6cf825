import type { StandInProject } from './options.js';
import type { StandInStore } from './store.js';

/** Hono environment of the stand-in app. */
export interface StandInEnv {
  Variables: {
    /** Query and body parameters merged, as Grape sees them. */
    params: Record<string, unknown>;
    /** The project named by `:id`, once resolved. */
    project: StandInProject;
  };
}

/** What every route module gets. */
export interface RouteContext {
  readonly store: StandInStore;
}

/** GitLab's user entity for the token's user. */
export function authorEntity(store: StandInStore, origin: string) {
  const { id, name, username } = store.user;
  return { id, name, username, state: 'active', avatar_url: null, web_url: `${origin}/${username}` };
}

/** A string parameter, or `undefined` when absent or not a string. */
export function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Grape's answer when required parameters are missing. */
export function missingParams(names: readonly string[]) {
  return { error: names.map((n) => `${n} is missing`).join(', ') };
}

/** Applies GitLab's offset pagination to `items` and returns the page plus its headers. */
export function paginate<T>(items: readonly T[], params: Record<string, unknown>, url: string) {
  const perPage = clamp(Number(stringParam(params, 'per_page') ?? 20), 1, 100);
  const page = Math.max(1, Number(stringParam(params, 'page') ?? 1) || 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const headers: Record<string, string> = {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-total': String(items.length),
    'x-total-pages': String(totalPages),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
  };
  if (page < totalPages) {
    const next = new URL(url);
    next.searchParams.set('page', String(page + 1));
    next.searchParams.set('per_page', String(perPage));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return { items: items.slice((page - 1) * perPage, page * perPage), headers };
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : min;
}
