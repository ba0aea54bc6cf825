// Bundles the app in the current directory into one runnable ESM file,
// dist/main.js, that starts with plain `node` (libs and node_modules inlined).
import { build } from 'esbuild';
import { trimSourceMap } from './own-code-source-map.mjs';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle still call require() for builtins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

// Only our own code is mapped: see own-code-source-map.mjs (the full map cost ~95 MB per service).
await trimSourceMap('dist/main.js.map');
