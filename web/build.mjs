// Bundles src/main.js into dist/app.js, the one script both pages load. The output is
// committed (cargo build embeds it without needing npm), so the build must be reproducible:
// no timestamps, no source maps, no absolute paths; CI rebuilds and compares the bytes.

import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

await build({
  absWorkingDir: here,
  entryPoints: [join(here, 'src/main.js')],
  outfile: join(here, 'dist/app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
});
