import { readFileSync } from 'node:fs';

/** The sign-in pages' own scripts and styles (./assets/), read once. The web SDK bundle is served beside them. */
export function pageAssets(): Map<string, { type: string; body: Buffer }> {
  const file = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url));
  const js = 'text/javascript; charset=utf-8';
  return new Map([
    ['sign-in.js', { type: js, body: file('sign-in.js') }],
    ['consent.js', { type: js, body: file('consent.js') }],
    ['pages.css', { type: 'text/css; charset=utf-8', body: file('pages.css') }],
  ]);
}
