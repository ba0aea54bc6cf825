import { EXIT } from '../cli/errors.js';
import { showOptions } from '../cli/options.js';
import { findRawApplication, getDelivery } from '../cluster/read.js';
import { readyOf } from '../format/applications.js';
import { forOutput, toJson, toYaml } from '../format/objects.js';
import { renderShow } from '../format/show.js';
import { stylesOf, target, type Command } from './context.js';

/** `sluice show <delivery> [-o json|yaml]`. */
export const show: Command = async (ctx) => {
  const options = showOptions(ctx.values);
  const { raw, delivery } = await getDelivery(ctx.cluster().client, ctx.globals.namespace, target(ctx));
  if (options.output === 'json') ctx.io.out(toJson(forOutput(raw)));
  else if (options.output === 'yaml') ctx.io.out(toYaml(forOutput(raw)));
  else {
    const publicUrl = ctx.io.env['SLUICE_PUBLIC_URL'] || undefined;
    const application = await findRawApplication(ctx.cluster().client, ctx.globals.namespace, delivery.spec.application);
    const applicationReady = application && readyOf(application);
    ctx.io.out(renderShow(delivery, { now: ctx.io.now(), styles: stylesOf(ctx), ...(publicUrl && { publicUrl }), ...(applicationReady && { applicationReady }) }));
  }
  return EXIT.ok;
};
