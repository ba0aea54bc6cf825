import { EXIT } from '../cli/errors.js';
import { deliveriesOptions } from '../cli/options.js';
import { listDeliveries } from '../cluster/read.js';
import { selectDeliveries } from '../decide/select.js';
import { DELIVERY_HEADER, deliveryRow, liveNowLine } from '../format/deliveries.js';
import { forOutput, toJson } from '../format/objects.js';
import { printable } from '../format/printable.js';
import { renderTable } from '../format/table.js';
import { stylesOf, type Command } from './context.js';
import { watchDeliveries } from './deliveries-watch.js';

/** `sluice deliveries [--app A] [--branch B] [--limit N] [--watch] [-o json]`. */
export const deliveries: Command = async (ctx) => {
  const options = deliveriesOptions(ctx.values);
  const { client } = ctx.cluster();
  const namespace = ctx.globals.namespace;
  // One plain list first, also before a watch: a missing CRD or missing access fails here, in one line.
  const { deliveries: all, invalid } = await listDeliveries(client, namespace);
  for (const bad of invalid) ctx.io.err(`warning: skipping Delivery ${bad.name}: ${printable(bad.problem)}\n`);
  if (options.watch) return watchDeliveries(ctx, client, options);

  const { shown, total } = selectDeliveries(all, options.filter, options.limit);
  if (options.output === 'json') {
    ctx.io.out(toJson(shown.map(forOutput)));
    return EXIT.ok;
  }
  if (total === 0) {
    ctx.io.err(`No deliveries found in namespace ${namespace}${options.filter.app || options.filter.branch ? ' matching the filter' : ''}.\n`);
    return EXIT.ok;
  }
  const now = ctx.io.now();
  const s = stylesOf(ctx);
  ctx.io.out(`${renderTable(DELIVERY_HEADER, shown.map((d) => deliveryRow(d, now, s))).join('\n')}\n`);
  // From every Delivery of the application(s), not only those shown: the live one may be older than --limit reaches, or of another branch.
  const live = liveNowLine(all.filter((d) => options.filter.app === undefined || d.spec.application === options.filter.app));
  if (live !== undefined) ctx.io.out(`${printable(live)}\n`);
  if (shown.length < total) ctx.io.err(`(${shown.length} of ${total} shown; --limit 0 shows all)\n`);
  return EXIT.ok;
};
