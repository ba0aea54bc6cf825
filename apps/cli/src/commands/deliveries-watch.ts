import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { EXIT, type ExitCode } from '../cli/errors.js';
import type { DeliveriesOptions } from '../cli/options.js';
import { deliveriesPath, readDelivery } from '../cluster/read.js';
import { watchUntilInterrupted } from '../cluster/watch.js';
import { matches, selectDeliveries } from '../decide/select.js';
import { DELIVERY_HEADER, deliveryRow, rowSignature } from '../format/deliveries.js';
import { forOutput, toJsonLine } from '../format/objects.js';
import { columnWidths, renderRow, renderTable } from '../format/table.js';
import { stylesOf, type CommandContext } from './context.js';

/** On a terminal, ages move even when nothing changes: redraw this often. */
const REDRAW_MS = 2_000;
const CLEAR = '\x1b[H\x1b[2J';

/**
 * `sluice deliveries --watch`, through an informer. On a terminal the table
 * is redrawn in place; otherwise (a pipe, a file) the table is printed once
 * and then one line per delivery whose row changed; with `-o json`, one JSON
 * object per line per change. Runs until Ctrl-C, then exits 0.
 */
export async function watchDeliveries(ctx: CommandContext, client: KubeClient, options: DeliveriesOptions): Promise<ExitCode> {
  const { io } = ctx;
  const s = stylesOf(ctx);
  const known = new Map<string, Delivery>();
  const printed = new Map<string, string>();
  let widths: number[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  const redrawInPlace = io.tty && options.output === 'table';

  const redraw = () => {
    const now = io.now();
    const { shown, total } = selectDeliveries([...known.values()], options.filter, options.limit);
    const table = renderTable(DELIVERY_HEADER, shown.map((d) => deliveryRow(d, now, s)));
    const footer = s.dim(`${shown.length} of ${total} · namespace ${ctx.globals.namespace} · ${now.toISOString().slice(11, 19)} · Ctrl-C to stop`);
    io.out(`${CLEAR}${table.join('\n')}\n\n${footer}\n`);
  };
  const printRow = (d: Delivery, deleted: boolean) => {
    const row = deliveryRow(d, io.now(), s);
    if (deleted) row[4] = { text: 'Deleted', style: s.dim };
    widths = columnWidths(DELIVERY_HEADER, [row], widths);
    io.out(`${renderRow(row, widths)}\n`);
  };

  const onSynced = (objects: readonly KubeObject[]) => {
    for (const o of objects) remember(known, o);
    const { shown } = selectDeliveries([...known.values()], options.filter, options.limit);
    for (const d of known.values()) printed.set(d.metadata.name, rowSignature(d));
    if (options.output === 'json') for (const d of [...shown].reverse()) io.out(toJsonLine({ type: 'ADDED', object: forOutput(d) }));
    else if (redrawInPlace) {
      redraw();
      timer = setInterval(redraw, REDRAW_MS);
    } else {
      const rows = shown.map((d) => deliveryRow(d, io.now(), s));
      widths = columnWidths(DELIVERY_HEADER, rows);
      io.out(`${renderTable(DELIVERY_HEADER, rows, widths).join('\n')}\n`);
    }
  };
  const onEvent = (event: { type: string; object?: KubeObject }) => {
    if (event.type === 'RESYNC' || event.object === undefined) return;
    const d = remember(known, event.object, event.type === 'DELETED');
    if (!d || !matches(d, options.filter)) return;
    const signature = event.type === 'DELETED' ? 'deleted' : rowSignature(d);
    if (printed.get(d.metadata.name) === signature) return;
    printed.set(d.metadata.name, signature);
    if (options.output === 'json') io.out(toJsonLine({ type: event.type, object: forOutput(d) }));
    else if (redrawInPlace) redraw();
    else printRow(d, event.type === 'DELETED');
  };

  try {
    await watchUntilInterrupted<KubeObject>(client, { path: deliveriesPath(ctx.globals.namespace) }, { onSynced, onEvent }, io.interrupt);
  } finally {
    clearInterval(timer);
  }
  return EXIT.ok;
}

/** Updates the cache from one object; returns it parsed (invalid objects are left out). */
function remember(known: Map<string, Delivery>, raw: KubeObject, deleted = false): Delivery | undefined {
  const read = readDelivery(raw);
  if (!read.ok) return undefined;
  if (deleted) known.delete(read.delivery.metadata.name);
  else known.set(read.delivery.metadata.name, read.delivery);
  return read.delivery;
}
