#!/usr/bin/env node
// `npm run build`: compiles every package into its dist/, in dependency order,
// so that `npm start`, `npm run serve`, the `scanlogin` bin and `npm pack` all
// run compiled JavaScript (tsx and esbuild are development tools only).
//
//   node scripts/build.mjs              everything
//   node scripts/build.mjs server       the server and what it needs (for `npm run serve`)
//
// tsc builds are incremental (.tsbuildinfo beside each package), so a build
// with nothing changed takes a moment only.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

const steps = {
  protocol: () => tsc('packages/protocol'),
  verify: () => run('npm', ['run', 'build', '--silent'], 'packages/verify'),
  'app-sdk': () => tsc('packages/app-sdk'),
  'web-sdk': () => run(process.execPath, ['build.mjs'], 'packages/web-sdk'),
  companion: () => run(process.execPath, ['build.mjs', '--quiet'], 'apps/companion'),
  server: () => {
    tsc('packages/server');
    // The OpenID sign-in pages' scripts and styles are plain files beside the code that serves them.
    cpSync(join(root, 'packages/server/src/oidc/assets'), join(root, 'packages/server/dist/oidc/assets'), {
      recursive: true,
    });
    // The service serves the companion (COMPANION=bundled): its build ships inside the package.
    const target = join(root, 'packages/server/companion');
    rmSync(target, { recursive: true, force: true });
    cpSync(join(root, 'apps/companion/dist'), target, { recursive: true });
  },
  demo: () => tsc('apps/demo'),
};

/** What each target needs built first (the order of `steps` is a valid order). */
const needs = {
  protocol: [],
  verify: [],
  'app-sdk': ['protocol'],
  'web-sdk': ['protocol'],
  companion: ['app-sdk'],
  // The web SDK's browser bundle is what the OpenID sign-in page shows its QR code with.
  server: ['protocol', 'companion', 'web-sdk'],
  demo: ['server', 'verify', 'web-sdk'],
};

function run(cmd, args, dir) {
  const r = spawnSync(cmd, args, { cwd: join(root, dir), stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${dir}: ${cmd} ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

function tsc(dir) {
  // A dist/ deleted by hand leaves the incremental state behind, which would then emit nothing.
  if (!existsSync(join(root, dir, 'dist'))) rmSync(join(root, dir, '.tsbuildinfo'), { force: true });
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], dir);
}

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in steps)) {
    console.error(`build: unknown package "${name}"; one of: ${Object.keys(steps).join(', ')}`);
    process.exit(2);
  }
}
const chosen = new Set();
const add = (name) => {
  if (chosen.has(name)) return;
  for (const dep of needs[name]) add(dep);
  chosen.add(name);
};
for (const name of wanted.length ? wanted : Object.keys(steps)) add(name);
for (const name of Object.keys(steps)) if (chosen.has(name)) steps[name]();
