import {
  isTerminal,
  liveEnvironments,
  liveNow,
  MAX_REF_NAME_LENGTH,
  replacementsOf,
  runPagePath,
  shortSha,
  shownStages,
  stageLabel,
  type Delivery,
  type EnvironmentName,
  type Phase,
} from '@sluice/delivery';
import { formatDuration, formatUtc } from './format.js';
import { elapsedMs, listHref, phaseTone, REFRESH_SECONDS, stageTone, type PageContext, type StageModel, type Tone } from './model.js';

/** Deliveries per page of the list. */
export const PAGE_SIZE = 50;
/** Highest page number accepted (50 000 Deliveries back). */
const MAX_PAGE = 1000;

/** The list's filters, from the query string. Empty filters are left out. */
export interface ListQuery {
  readonly application?: string;
  readonly branch?: string;
  /** 1-based. */
  readonly page: number;
}

/** One row of the list. */
export interface ListRow {
  readonly name: string;
  readonly href: string;
  readonly application: string;
  readonly applicationHref: string;
  readonly ref: string;
  readonly refHref: string;
  /** `!12` for a merge request. */
  readonly mergeRequest?: string;
  readonly shortSha: string;
  readonly title: string;
  readonly phase: Phase;
  readonly tone: Tone;
  readonly reason?: string;
  /** Environments its revision serves now. */
  readonly liveIn?: readonly EnvironmentName[];
  /** It served somewhere and another Delivery's revision serves there now (the run page says which). */
  readonly replaced?: true;
  readonly receivedAt: string;
  readonly elapsed?: string;
  readonly stages: readonly Pick<StageModel, 'label' | 'state' | 'tone'>[];
}

/** Everything the list page shows. */
export interface ListPageModel {
  readonly query: ListQuery;
  readonly rows: readonly ListRow[];
  /** Deliveries matching the filters, on every page. */
  readonly matching: number;
  /** Application names known from the Deliveries, for the filter. */
  readonly applications: readonly string[];
  /** The Delivery live now in each environment, of the filtered application (or all), whichever page or branch it is on. */
  readonly liveNow: readonly { readonly application: string; readonly environment: EnvironmentName; readonly name: string; readonly href: string }[];
  readonly listHref: string;
  readonly newerHref?: string;
  readonly olderHref?: string;
  /** Set while a shown Delivery is not final: the page reloads itself. */
  readonly refreshSeconds?: number;
}

/**
 * The list's filters from raw query parameters. Filters longer than any
 * application or branch name could be match nothing and are kept short;
 * a page that is not a positive number is the first.
 */
export function parseListQuery(params: { readonly application?: string; readonly branch?: string; readonly page?: string }): ListQuery {
  const application = params.application?.trim().slice(0, 64);
  const branch = params.branch?.trim().slice(0, MAX_REF_NAME_LENGTH + 1);
  const page = Number.parseInt(params.page ?? '1', 10);
  return {
    ...(application && { application }),
    ...(branch && { branch }),
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
  };
}

function receivedMs(delivery: Delivery): number {
  const ms = Date.parse(delivery.spec.receivedAt);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Newest first (by when the webhook arrived), then by name so the order is stable. */
function newestFirst(a: Delivery, b: Delivery): number {
  return receivedMs(b) - receivedMs(a) || a.metadata.name.localeCompare(b.metadata.name);
}

function rowOf(delivery: Delivery, context: PageContext): ListRow {
  const { spec, metadata } = delivery;
  const phase = delivery.status?.phase ?? 'Pending';
  const elapsed = elapsedMs(delivery, context.now);
  const liveIn = liveEnvironments(delivery);
  return {
    name: metadata.name,
    href: runPagePath(context.basePath, metadata.name),
    application: spec.application,
    applicationHref: listHref(context.basePath, { application: spec.application }),
    ref: spec.ref,
    refHref: listHref(context.basePath, { application: spec.application, branch: spec.ref }),
    ...(spec.mergeRequest && { mergeRequest: `!${spec.mergeRequest.iid}` }),
    shortSha: shortSha(spec.checkoutSha),
    title: spec.commit?.title || spec.mergeRequest?.title || '',
    phase,
    tone: phaseTone(phase),
    ...(delivery.status?.reason !== undefined && { reason: delivery.status.reason }),
    ...(liveIn.length > 0 && { liveIn }),
    ...(liveIn.length === 0 && replacementsOf(delivery).length > 0 && { replaced: true as const }),
    receivedAt: formatUtc(spec.receivedAt),
    ...(elapsed !== undefined && { elapsed: formatDuration(elapsed) }),
    stages: shownStages(delivery).map((stage) => ({ label: stageLabel(stage), state: stage.state, tone: stageTone(stage.state) })),
  };
}

/**
 * Builds the list page: the Deliveries matching the filters (application by
 * name, branch by ref — a merge request's source branch), newest first,
 * {@link PAGE_SIZE} per page. Pure.
 */
export function listPageModel(deliveries: Iterable<Delivery>, query: ListQuery, context: PageContext): ListPageModel {
  const all = [...deliveries];
  const applications = [...new Set(all.map((d) => d.spec.application))].sort();
  const matching = all
    .filter((d) => (query.application === undefined || d.spec.application === query.application) && (query.branch === undefined || d.spec.ref === query.branch))
    .sort(newestFirst);
  const start = (query.page - 1) * PAGE_SIZE;
  const shown = matching.slice(start, start + PAGE_SIZE);
  const filter = { ...(query.application && { application: query.application }), ...(query.branch && { branch: query.branch }) };
  const moving = shown.some((d) => !isTerminal(d.status?.phase ?? 'Pending'));
  return {
    query,
    rows: shown.map((d) => rowOf(d, context)),
    matching: matching.length,
    applications,
    liveNow: liveNow(all.filter((d) => query.application === undefined || d.spec.application === query.application)).map((l) => ({
      application: l.application,
      environment: l.environment,
      name: l.delivery,
      href: runPagePath(context.basePath, l.delivery),
    })),
    listHref: listHref(context.basePath),
    ...(query.page > 1 && { newerHref: listHref(context.basePath, { ...filter, page: query.page - 1 }) }),
    ...(start + PAGE_SIZE < matching.length && { olderHref: listHref(context.basePath, { ...filter, page: query.page + 1 }) }),
    ...(moving && { refreshSeconds: REFRESH_SECONDS }),
  };
}
