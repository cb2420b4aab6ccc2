#!/usr/bin/env node
// The CommonJS build of @scanlogin/verify (dist/index.cjs), for backends that
// `require()` it. jose is ESM-only, and `require()` of ES modules only works
// on recent Node versions, so jose is bundled into this file; the ESM build
// (dist/index.js, from tsc) imports it as a normal dependency. The
// declarations are copied as index.d.cts so TypeScript knows the CJS entry.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const here = new URL('.', import.meta.url).pathname;
await build({
  entryPoints: [join(here, 'src/index.ts')],
  outfile: join(here, 'dist/index.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'inline',
  logLevel: 'warning',
});
copyFileSync(join(here, 'dist/index.d.ts'), join(here, 'dist/index.d.cts'));
