import type { Child } from 'hono/jsx';
import type { Tone } from './model.js';
import { STYLESHEET } from './styles.js';

/** The frame of every run page: head (title, stylesheet, reload while something moves), top bar, content. */
export function Layout(props: { readonly title: string; readonly listHref: string; readonly refreshSeconds?: number | undefined; readonly children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        {props.refreshSeconds !== undefined && <meta http-equiv="refresh" content={String(props.refreshSeconds)} />}
        <title>{props.title} · Sluice</title>
        <style>{STYLESHEET}</style>
      </head>
      <body>
        <header class="top">
          <a href={props.listHref}>Sluice deliveries</a>
          {props.refreshSeconds !== undefined && <span class="note">updating every {props.refreshSeconds} s</span>}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** A coloured state label; a pulsing dot while it runs. */
export function Badge(props: { readonly tone: Tone; readonly text: string; readonly attrs?: Record<string, string> }) {
  return (
    <span class={`badge tone-${props.tone}`} {...props.attrs}>
      {props.tone === 'running' && <span class="pulse" />}
      {props.text}
    </span>
  );
}

/** The page for a Delivery name that is not known (or not a name at all); the name is shown only when it is a valid one. */
export function NotFoundPage(props: { readonly name?: string | undefined; readonly listHref: string }) {
  return (
    <Layout title="Delivery not found" listHref={props.listHref}>
      <h1>Delivery not found</h1>
      <p>
        {props.name === undefined ? 'That is not a Delivery name.' : <>No Delivery named <code>{props.name}</code> is known here (it may have been removed).</>}{' '}
        <a href={props.listHref}>All deliveries</a>
      </p>
    </Layout>
  );
}
