/**
 * `npm run deploy:gen` writes deploy/ from @sluice/manifests;
 * `npm run deploy:gen -- --check` writes nothing and exits 1 when deploy/ is stale.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDeploy } from './render.js';
import { staleFiles, writeFiles } from './write.js';

const dir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../deploy');
const files = renderDeploy();
if (process.argv.includes('--check')) {
  const stale = await staleFiles(dir, files);
  if (stale.length > 0) {
    console.error(`deploy-gen: deploy/ is stale — run \`npm run deploy:gen\` and commit the result:\n${stale.map((s) => `  ${s}`).join('\n')}`);
    process.exit(1);
  }
  console.error(`deploy-gen: deploy/ is up to date (${files.size} files)`);
} else {
  await writeFiles(dir, files);
  console.error(`deploy-gen: wrote ${files.size} files to deploy/`);
}
