#!/usr/bin/env node
// Builds the companion into dist/ (or --outdir): app.js and sw.js (esbuild, from src/), the
// static shell from public/, PNG and SVG icons drawn here (no image tool
// needed), and the manifest. The service worker is told which files form the
// shell and a hash of them, so each build installs a fresh offline copy.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { PNG } from 'pngjs';

const here = new URL('.', import.meta.url).pathname;
// `--outdir DIR` builds elsewhere (tests build into their own temporary directory).
const outArg = process.argv.indexOf('--outdir');
const dist = outArg > 0 && process.argv[outArg + 1] ? resolve(process.argv[outArg + 1]) : join(here, 'dist');
const quiet = process.argv.includes('--quiet');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// --- the icon: a rounded square with three finder patterns, like a QR code --------------------
const BRAND = [0x1d, 0x4e, 0xd8];
const WHITE = [0xff, 0xff, 0xff];

/** Shapes in unit coordinates: [x, y, w, h, colour]. */
function iconShapes(inset) {
  const s = (v) => inset + v * (1 - 2 * inset);
  const shapes = [];
  const finder = (x, y) => {
    const size = 0.3;
    const t = 0.06;
    shapes.push([s(x), s(y), size * (1 - 2 * inset), size * (1 - 2 * inset), WHITE]);
    shapes.push([
      s(x + t),
      s(y + t),
      (size - 2 * t) * (1 - 2 * inset),
      (size - 2 * t) * (1 - 2 * inset),
      BRAND,
    ]);
    shapes.push([
      s(x + 2 * t),
      s(y + 2 * t),
      (size - 4 * t) * (1 - 2 * inset),
      (size - 4 * t) * (1 - 2 * inset),
      WHITE,
    ]);
  };
  finder(0.15, 0.15);
  finder(0.55, 0.15);
  finder(0.15, 0.55);
  const dot = 0.1 * (1 - 2 * inset);
  for (const [x, y] of [
    [0.55, 0.55],
    [0.75, 0.55],
    [0.65, 0.65],
    [0.55, 0.75],
    [0.75, 0.75],
  ]) {
    shapes.push([s(x), s(y), dot, dot, WHITE]);
  }
  return shapes;
}

function insideRounded(x, y, r) {
  if (r <= 0) return true;
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Rasterises the icon with 4x4 supersampling. `maskable`: full bleed, content in the safe zone. */
function iconPng(size, maskable) {
  const radius = maskable ? 0 : 0.22;
  const shapes = iconShapes(maskable ? 0.12 : 0);
  const png = new PNG({ width: size, height: size });
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          if (!insideRounded(x, y, radius)) continue;
          let c = BRAND;
          for (const [x0, y0, w, h, colour] of shapes) {
            if (x >= x0 && x < x0 + w && y >= y0 && y < y0 + h) c = colour;
          }
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      const k = n * n;
      png.data[i] = a ? Math.round(r / a) : 0;
      png.data[i + 1] = a ? Math.round(g / a) : 0;
      png.data[i + 2] = a ? Math.round(b / a) : 0;
      png.data[i + 3] = Math.round((a / k) * 255);
    }
  }
  return PNG.sync.write(png);
}

function iconSvg() {
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const rects = iconShapes(0)
    .map(
      ([x, y, w, h, c]) =>
        `<rect x="${x * 100}" y="${y * 100}" width="${w * 100}" height="${h * 100}" fill="${hex(c)}"/>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="22" fill="${hex(BRAND)}"/>${rects}</svg>\n`;
}

writeFileSync(join(dist, 'icon-192.png'), iconPng(192, false));
writeFileSync(join(dist, 'icon-512.png'), iconPng(512, false));
writeFileSync(join(dist, 'icon-maskable-512.png'), iconPng(512, true));
writeFileSync(join(dist, 'icon.svg'), iconSvg());

// --- the manifest -------------------------------------------------------------------------------
const manifest = {
  id: './',
  name: 'Scanlogin companion',
  short_name: 'Scanlogin',
  description: "Scan a website's login code to log in there with your account.",
  start_url: './',
  scope: './',
  display: 'standalone',
  orientation: 'portrait',
  background_color: '#f4f6f9',
  theme_color: '#1d4ed8',
  icons: [
    { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
    { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
    { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
  ],
};
writeFileSync(join(dist, 'manifest.webmanifest'), `${JSON.stringify(manifest, null, 2)}\n`);

// --- static files and the app bundle ------------------------------------------------------------
for (const name of readdirSync(join(here, 'public')))
  copyFileSync(join(here, 'public', name), join(dist, name));

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome100', 'safari15', 'firefox100'],
  minify: true,
  legalComments: 'none',
  logLevel: quiet ? 'error' : 'warning',
};
await build({ ...common, entryPoints: [join(here, 'src/main.ts')], outfile: join(dist, 'app.js') });

// --- the service worker, told what the shell is -------------------------------------------------
const shellFiles = readdirSync(dist).sort();
const hash = createHash('sha256');
for (const name of shellFiles) hash.update(name).update(readFileSync(join(dist, name)));
const shell = {
  version: hash.digest('hex').slice(0, 16),
  // './' is the app's page (index.html served at /companion/).
  files: ['./', ...shellFiles.filter((f) => f !== 'index.html')],
};
await build({
  ...common,
  format: 'iife',
  entryPoints: [join(here, 'src/sw.ts')],
  outfile: join(dist, 'sw.js'),
  define: { __SHELL__: JSON.stringify(shell) },
});

if (!quiet) console.log(`companion built into ${dist} (shell ${shell.version}, ${shell.files.length} files)`);
