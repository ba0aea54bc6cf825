import { Badge, Layout } from './layout.js';
import type { RunPageModel, StageModel } from './model.js';

function Link(props: { readonly href: string | undefined; readonly text: string; readonly mono?: boolean }) {
  const text = props.mono ? <code>{props.text}</code> : props.text;
  return props.href === undefined ? text : <a href={props.href}>{text}</a>;
}

function Stage({ stage }: { readonly stage: StageModel }) {
  const tests = stage.tests;
  return (
    <li class={`stage tone-${stage.tone}`} data-stage={stage.label} data-state={stage.state}>
      <div class="stage-head">
        <strong>{stage.label}</strong>
        <Badge tone={stage.tone} text={stage.state} />
        {stage.startedAt !== undefined && <span class="muted">started {stage.startedAt}</span>}
        {stage.finishedAt !== undefined && <span class="muted">finished {stage.finishedAt}</span>}
        {stage.duration !== undefined && <span>{stage.state === 'running' ? `running for ${stage.duration}` : `took ${stage.duration}`}</span>}
      </div>
      {(stage.reason !== undefined || stage.message !== undefined) && (
        <p>
          {stage.reason !== undefined && <strong class="mono">{stage.reason}</strong>}
          {stage.reason !== undefined && stage.message !== undefined && ': '}
          {stage.message}
        </p>
      )}
      {(stage.exitCode !== undefined || stage.job !== undefined) && (
        <p class="muted">
          {stage.job !== undefined && <>Job <code>{stage.job}</code> </>}
          {stage.exitCode !== undefined && <>exit code <code>{String(stage.exitCode)}</code></>}
        </p>
      )}
      {tests !== undefined && (
        <div class="tests" data-tests="">
          <span class="badge tone-success">{tests.passed} passed</span> <span class={`badge tone-${tests.failed > 0 ? 'failure' : 'neutral'}`}>{tests.failed} failed</span>{' '}
          <span class="badge tone-neutral">{tests.skipped} skipped</span> <span class="muted">of {tests.total}</span>
          {tests.firstFailures.length > 0 && (
            <ul>
              {tests.firstFailures.map((name) => (
                <li>
                  <code>{name}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {stage.logTail !== undefined && <pre class="log">{stage.logTail}</pre>}
    </li>
  );
}

/** The run page of one Delivery. */
export function RunPage({ model }: { readonly model: RunPageModel }) {
  const mr = model.mergeRequest;
  return (
    <Layout title={`${model.application} ${model.shortSha} ${model.phase}`} listHref={model.links.list} refreshSeconds={model.refreshSeconds}>
      <p class="muted">
        <a href={model.links.application}>{model.application}</a> · {model.refKind} <a href={model.links.ref}>{model.ref}</a>
        {mr !== undefined && (
          <>
            {' '}
            → {mr.target} (<Link href={mr.url} text={mr.label} />)
          </>
        )}
      </p>
      <h1 data-title="">{model.title}</h1>
      <Badge tone={model.tone} text={model.phase} attrs={{ 'data-phase': model.phase }} />
      {model.reason !== undefined || model.message !== undefined || model.supersededBy !== undefined ? (
        <div class={`outcome tone-${model.tone}`} data-outcome="">
          {model.reason !== undefined && <strong class="mono">{model.reason}</strong>}
          {model.message !== undefined && <p>{model.message}</p>}
          {model.supersededBy !== undefined && (
            <p>
              Superseded by <a href={model.supersededBy.href}>{model.supersededBy.name}</a>
            </p>
          )}
        </div>
      ) : undefined}
      {(model.liveIn !== undefined || model.replaced !== undefined) && (
        <div class={`outcome tone-${model.liveIn !== undefined ? 'success' : 'neutral'}`} data-traffic="">
          {model.liveIn !== undefined && (
            <p data-live-in={model.liveIn.join(' ')}>
              Live in {model.liveIn.join(' and ')}
            </p>
          )}
          {model.replaced?.map((r) => (
            <p data-replaced={r.environment}>
              Replaced by <a href={r.by.href}>{r.by.name}</a> at {r.at} in {r.environment}
            </p>
          ))}
        </div>
      )}
      {model.supersedeRequested !== undefined && (
        <p class="note" data-supersede-requested="">
          Superseded by <a href={model.supersedeRequested.href}>{model.supersedeRequested.name}</a> once this environment is finished (bake, and
          rollback if unhealthy)
        </p>
      )}
      <dl class="facts">
        <dt>Delivery</dt>
        <dd>
          <code>{model.name}</code>
        </dd>
        <dt>Commit</dt>
        <dd>
          <Link href={model.commitUrl} text={model.sha} mono />
        </dd>
        <dt>Project</dt>
        <dd>
          <Link href={model.projectUrl} text={model.project} />
        </dd>
        {model.author !== undefined && (
          <>
            <dt>Author</dt>
            <dd>{model.author}</dd>
          </>
        )}
        <dt>Pushed by</dt>
        <dd>{model.pusher}</dd>
        <dt>Received</dt>
        <dd>{model.receivedAt}</dd>
        {model.elapsed !== undefined && (
          <>
            <dt>{model.final ? 'Took' : 'Running for'}</dt>
            <dd>{model.elapsed}</dd>
          </>
        )}
        {model.traceId !== undefined && (
          <>
            <dt>Trace</dt>
            <dd>
              <code data-trace-id="">{model.traceId}</code>
              {model.grafanaUrl !== undefined && (
                <>
                  {' '}
                  · <a href={model.grafanaUrl}>open in Grafana</a>
                </>
              )}
            </dd>
          </>
        )}
      </dl>
      <h2>Stages</h2>
      <ol class="stages">
        {model.stages.map((stage) => (
          <Stage stage={stage} />
        ))}
      </ol>
      {model.refreshSeconds !== undefined && <footer class="refresh">This page reloads every {model.refreshSeconds} s until the delivery ends.</footer>}
    </Layout>
  );
}
