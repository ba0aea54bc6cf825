import { Badge, Layout } from './layout.js';
import type { ListPageModel, ListRow } from './list-model.js';

function Row({ row }: { readonly row: ListRow }) {
  return (
    <tr data-delivery={row.name}>
      <td>
        <Badge tone={row.tone} text={row.phase} />
        {row.reason !== undefined && <div class="muted mono">{row.reason}</div>}
        {row.liveIn !== undefined && <div data-live-in={row.liveIn.join(' ')}>live in {row.liveIn.join(', ')}</div>}
        {row.replaced && <div class="muted" data-replaced="">replaced</div>}
      </td>
      <td>
        <a href={row.applicationHref}>{row.application}</a>
      </td>
      <td>
        <a href={row.refHref}>{row.ref}</a>
        {row.mergeRequest !== undefined && <span class="muted"> {row.mergeRequest}</span>}
      </td>
      <td class="title">
        <a href={row.href}>
          <code>{row.shortSha}</code>
        </a>{' '}
        {row.title}
      </td>
      <td>
        <div class="stage-dots">
          {row.stages.map((stage) => (
            <Badge tone={stage.tone} text={stage.label} attrs={{ title: `${stage.label}: ${stage.state}` }} />
          ))}
        </div>
      </td>
      <td class="muted">
        {row.receivedAt}
        {row.elapsed !== undefined && <div>{row.elapsed}</div>}
      </td>
    </tr>
  );
}

/** The list of Deliveries, with its filters. */
export function ListPage({ model }: { readonly model: ListPageModel }) {
  const { query } = model;
  const filtered = query.application !== undefined || query.branch !== undefined;
  return (
    <Layout title="Deliveries" listHref={model.listHref} refreshSeconds={model.refreshSeconds}>
      <h1>Deliveries</h1>
      <form class="filters" method="get" action={model.listHref}>
        <label>
          Application
          <select name="application">
            <option value="">all</option>
            {model.applications.map((name) => (
              <option value={name} selected={name === query.application}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Branch
          <input type="text" name="branch" value={query.branch ?? ''} placeholder="any" maxlength={256} />
        </label>
        <button type="submit">Filter</button>
        {filtered && <a href={model.listHref}>clear</a>}
      </form>
      {model.liveNow.length > 0 && (
        <p data-live-now="">
          Live now:{' '}
          {model.liveNow.map((l, i) => (
            <>
              {i > 0 && ' · '}
              {l.application} {l.environment} <a href={l.href}>{l.name}</a>
            </>
          ))}
        </p>
      )}
      <p class="muted" data-matching={String(model.matching)}>
        {model.matching === 0
          ? filtered
            ? 'No delivery matches these filters.'
            : 'No deliveries yet.'
          : `${model.matching} ${model.matching === 1 ? 'delivery' : 'deliveries'}, newest first${query.page > 1 ? ` (page ${query.page})` : ''}.`}
      </p>
      {model.rows.length > 0 && (
        <table class="deliveries">
          <thead>
            <tr>
              <th>Phase</th>
              <th>Application</th>
              <th>Ref</th>
              <th>Commit</th>
              <th>Stages</th>
              <th>Received</th>
            </tr>
          </thead>
          <tbody>
            {model.rows.map((row) => (
              <Row row={row} />
            ))}
          </tbody>
        </table>
      )}
      {(model.newerHref !== undefined || model.olderHref !== undefined) && (
        <nav class="pages">
          {model.newerHref !== undefined && <a href={model.newerHref}>← newer</a>}
          {model.olderHref !== undefined && <a href={model.olderHref}>older →</a>}
        </nav>
      )}
    </Layout>
  );
}
