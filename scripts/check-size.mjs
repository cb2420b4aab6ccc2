#!/usr/bin/env node
// The web SDK's size budget: the minified IIFE bundle (dist/scanlogin.iife.js,
// what a page loads with a <script> tag) must stay within 12 KB gzipped.
// Builds the bundle in memory with the package's own esbuild options, so the
// number is that of the current sources whether or not dist/ is fresh.
//   node scripts/check-size.mjs         exits 1 when over budget
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { iifeOptions } from '../packages/web-sdk/build.mjs';

const BUDGET = 12 * 1024;

const result = await esbuild.build(iifeOptions(false));
const code = result.outputFiles?.find((f) => f.path.endsWith('.js'));
if (!code) {
  console.error('check-size: esbuild produced no bundle');
  process.exit(2);
}
const gzipped = gzipSync(code.contents, { level: 9 }).length;
const verdict = gzipped <= BUDGET ? 'ok' : 'OVER BUDGET';
console.log(
  `web-sdk scanlogin.iife.js: ${code.contents.length} bytes minified, ${gzipped} bytes gzipped ` +
    `(budget ${BUDGET}): ${verdict}`,
);
process.exit(gzipped <= BUDGET ? 0 : 1);
