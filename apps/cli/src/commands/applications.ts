import { API_GROUP_VERSION } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';
import { stringValue } from '../cli/args.js';
import { EXIT } from '../cli/errors.js';
import { parseOutput } from '../cli/values.js';
import { APPLICATION_HEADER, applicationRow } from '../format/applications.js';
import { forOutput, toJson } from '../format/objects.js';
import { renderTable } from '../format/table.js';
import { stylesOf, type Command } from './context.js';

/**
 * `sluice applications [-o json]`: every Application of the namespace with its
 * project and the deployer's Ready condition (reason, and the message when not
 * Ready). Listed raw, so an Application that does not validate is shown too.
 */
export const applications: Command = async (ctx) => {
  const output = stringValue(ctx.values['output']);
  const format = output === undefined ? 'table' : parseOutput(output, ['json']);
  const { client } = ctx.cluster();
  const namespace = ctx.globals.namespace;
  const { items } = await client.list<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Application', namespace });
  const sorted = [...items].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  if (format === 'json') {
    ctx.io.out(toJson(sorted.map(forOutput)));
    return EXIT.ok;
  }
  if (sorted.length === 0) {
    ctx.io.err(`No applications found in namespace ${namespace}.\n`);
    return EXIT.ok;
  }
  const now = ctx.io.now();
  const s = stylesOf(ctx);
  ctx.io.out(`${renderTable(APPLICATION_HEADER, sorted.map((app) => applicationRow(app, now, s))).join('\n')}\n`);
  return EXIT.ok;
};
