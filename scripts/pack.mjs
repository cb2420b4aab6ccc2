#!/usr/bin/env node
// Builds the publishable packages and packs each into a tarball, exactly what
// `npm publish` would upload. CI installs these tarballs into a project of its
// own (e2e/release/packages.test.ts, e2e/release/examples.test.ts) and the Dockerfile installs
// them into its image, so the one thing that ships is the thing that is tested.
//
//   node scripts/pack.mjs                  build, then pack into ./tarballs/
//   node scripts/pack.mjs --out DIR        pack into DIR (created; old tarballs in it removed)
//   node scripts/pack.mjs --no-build       pack what is built already (the test run builds first,
//                                          and a second build would rewrite dist/ under running tests)
//
// Prints the directory, then one line per tarball: file, size, unpacked size, file count.
// Also writes DIR/tarballs.json ({ "<package name>": "<file name>" }) for scripts that install them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** In dependency order, so a reader of the list sees what each one needs before it. */
const PACKAGES = [
  '@scanlogin/protocol',
  '@scanlogin/verify',
  '@scanlogin/app-sdk',
  '@scanlogin/web-sdk',
  '@scanlogin/server',
];

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
if (outAt !== -1 && !args[outAt + 1]) {
  console.error('pack: --out needs a directory');
  process.exit(2);
}
const outDir = resolve(outAt === -1 ? join(root, 'tarballs') : args[outAt + 1]);

if (!args.includes('--no-build')) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

mkdirSync(outDir, { recursive: true });
// A tarball left from an older version would be installed beside the new one by a glob.
for (const name of readdirSync(outDir)) if (name.endsWith('.tgz')) rmSync(join(outDir, name));

const packed = spawnSync(
  'npm',
  ['pack', '--json', '--pack-destination', outDir, ...PACKAGES.flatMap((p) => ['--workspace', p])],
  // stdout is the JSON report; npm's notices go to stderr, kept out of the way unless it fails.
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
);
if (packed.status !== 0) {
  process.stderr.write(packed.stderr);
  console.error('pack: npm pack failed');
  process.exit(packed.status ?? 1);
}

/** @type {{ name: string, filename: string, size: number, unpackedSize: number, entryCount: number }[]} */
const report = JSON.parse(packed.stdout);
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log(`tarballs in ${outDir}`);
for (const t of report) {
  console.log(
    `  ${t.filename.padEnd(32)} ${kB(t.size).padStart(9)}  unpacked ${kB(t.unpackedSize).padStart(9)}  ` +
      `${String(t.entryCount).padStart(3)} files`,
  );
}
writeFileSync(
  join(outDir, 'tarballs.json'),
  `${JSON.stringify(Object.fromEntries(report.map((t) => [t.name, t.filename])), null, 2)}\n`,
);
