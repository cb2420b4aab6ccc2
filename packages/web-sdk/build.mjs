#!/usr/bin/env node
// Builds @scanlogin/web-sdk into dist/:
//   dist/index.js            ESM for bundlers (tree-shakable; @scanlogin/protocol inlined)
//   dist/scanlogin.iife.js   minified, for a plain <script> tag: the global `ScanLogin`
//   dist/types/*.d.ts        declarations (skip with --no-types)
// Usage: node build.mjs [--no-types]   (or: npm run build -w @scanlogin/web-sdk)
// scripts/check-size.mjs imports `iifeOptions` so it measures exactly what ships.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'src/index.ts');
export const distDir = join(here, 'dist');
export const iifePath = join(distDir, 'scanlogin.iife.js');

const common = {
  entryPoints: [entry],
  bundle: true,
  platform: 'browser',
  // Evergreen browsers: private class fields and optional chaining are kept as written.
  target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
  legalComments: 'none',
  logLevel: 'warning',
};

/** The IIFE bundle's esbuild options (`write: false` to get it in memory). */
export function iifeOptions(write = true) {
  return {
    ...common,
    format: 'iife',
    globalName: 'ScanLogin',
    minify: true,
    outfile: iifePath,
    write,
  };
}

async function emitTypes() {
  const { default: ts } = await import('typescript');
  const program = ts.createProgram([entry], {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: join(distDir, 'types'),
    rootDir: join(here, 'src'),
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    strict: true,
    skipLibCheck: true,
    types: [],
  });
  const result = program.emit();
  const errors = ts
    .getPreEmitDiagnostics(program)
    .concat(result.diagnostics)
    .filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => here, getNewLine: () => '\n' };
    throw new Error(ts.formatDiagnostics(errors, host));
  }
}

export async function build({ types = true } = {}) {
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  await Promise.all([
    esbuild.build({ ...common, format: 'esm', outfile: join(distDir, 'index.js'), sourcemap: true }),
    esbuild.build(iifeOptions()),
  ]);
  if (types) await emitTypes();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build({ types: !process.argv.includes('--no-types') });
  console.log(`built ${distDir}`);
}
