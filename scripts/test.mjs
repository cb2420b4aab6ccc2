#!/usr/bin/env node
// Runs every *.test.ts under packages/*/test, apps/*/test and e2e/ with node's
// test runner (TypeScript through tsx). Node 20 has no glob support in --test,
// so the files are listed here. Pass paths or substrings to run a subset:
//   node scripts/test.mjs state-machine http
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'apps', 'e2e'];

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((r) => walk(join(root, r), []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The browser tests serve the built web SDK, and the release tests pack every package's dist/.
// Build once, before any test starts: a build while tests run (web-sdk's empties its dist/
// first) would pull files from under the tests beside it. Incremental, so a rerun is quick.
if (files.some((f) => f.startsWith('e2e/'))) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
// No test has a deadline of its own (however slow the machine, it waits for what it waits for);
// this guard only stops a test that hangs, so that a run ends with its name instead of never.
// Node applies it to each file as a whole too. The release tests (e2e/release/) install the
// packed packages with npm, compiling better-sqlite3 and building a Next.js site: minutes of
// CPU, several times that on a machine kept busy (scripts/stress-tests.sh took one past 10
// minutes), so they run after the others, in a run of their own with a longer guard.
const HANG_GUARD_MS = 10 * 60 * 1000;
const RELEASE_HANG_GUARD_MS = 30 * 60 * 1000;
const isRelease = (f) => f.startsWith('e2e/release/');

function runTests(list, guardMs) {
  if (list.length === 0) return 0;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-concurrency=2',
      `--test-timeout=${guardMs}`,
      ...list,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
  );
  return result.status ?? 1;
}

const status = runTests(
  files.filter((f) => !isRelease(f)),
  HANG_GUARD_MS,
);
const releaseStatus = runTests(files.filter(isRelease), RELEASE_HANG_GUARD_MS);
process.exit(status || releaseStatus);
