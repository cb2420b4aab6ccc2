/**
 * The companion served by a live service: every built file with its type and
 * headers, the policy of the pages, the service worker's scope, revalidation,
 * and the API left untouched beside it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMPANION_CSP } from '../../../packages/server/src/http/companion.js';
import { call, startTestServer, type TestServer } from '../../../packages/server/test/helpers.js';
import { buildCompanion } from './build.js';

describe('companion mounted on the service at /companion/', () => {
  let s: TestServer;
  let dist: string;
  before(async () => {
    dist = buildCompanion();
    s = await startTestServer({ env: { COMPANION: dist } });
  });
  after(() => s?.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${s.url}${path}`, { headers, redirect: 'manual' });

  it('serves the page with a strict Content-Security-Policy and camera permission for itself', async () => {
    const res = await get('/companion/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.equal(csp, COMPANION_CSP);
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ]) {
      assert.ok(csp.includes(directive), `CSP has ${directive}`);
    }
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    assert.match(res.headers.get('permissions-policy') ?? '', /camera=\(self\)/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const html = await res.text();
    assert.equal(html, readFileSync(join(dist, 'index.html'), 'utf8'));
    // Everything the page loads is relative, so it stays on this origin.
    assert.ok(!/(src|href)="(https?:)?\/\//.test(html), 'no asset from another host');
    assert.ok(!/<script>|<style>|\sstyle="|\son[a-z]+="/.test(html), 'no inline script or style');
    assert.match(html, /<link rel="manifest" href="manifest.webmanifest">/);
    assert.match(html, /<script type="module" src="app.js"><\/script>/);
  });

  it('redirects /companion to /companion/ so relative URLs resolve', async () => {
    const res = await get('/companion');
    assert.equal(res.status, 308);
    assert.equal(res.headers.get('location'), '/companion/');
  });

  it('serves every built file with its content type', async () => {
    const expected: Record<string, string> = {
      'app.js': 'text/javascript; charset=utf-8',
      'sw.js': 'text/javascript; charset=utf-8',
      'app.css': 'text/css; charset=utf-8',
      'manifest.webmanifest': 'application/manifest+json; charset=utf-8',
      'icon.svg': 'image/svg+xml',
      'icon-192.png': 'image/png',
      'icon-512.png': 'image/png',
      'icon-maskable-512.png': 'image/png',
      'index.html': 'text/html; charset=utf-8',
    };
    for (const [file, type] of Object.entries(expected)) {
      const res = await get(`/companion/${file}`);
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('content-type'), type, file);
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'same-origin', file);
      const body = Buffer.from(await res.arrayBuffer());
      assert.ok(body.equals(readFileSync(join(dist, file))), `${file} is the built file`);
    }
    const css = readFileSync(join(dist, 'app.css'), 'utf8');
    assert.ok(!/url\(|@import/.test(css), 'the stylesheet loads nothing');
  });

  it('gives the service worker its scope and keeps it fresh', async () => {
    const res = await get('/companion/sw.js');
    assert.equal(res.headers.get('service-worker-allowed'), '/companion/');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const sw = await res.text();
    // The shell list is baked in; the API is never part of it.
    const shell = JSON.parse(/files:(\[[^\]]*\])/.exec(sw)?.[1] ?? 'null') as string[];
    assert.ok(
      shell.includes('./') && shell.includes('app.js') && shell.includes('app.css'),
      sw.slice(0, 300),
    );
    assert.ok(!shell.some((f) => f.includes('api')), 'no API path in the shell');
    assert.ok(!shell.includes('sw.js'));
  });

  it('has an installable manifest whose icons are served', async () => {
    const manifest = (await (await get('/companion/manifest.webmanifest')).json()) as {
      start_url: string;
      scope: string;
      display: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.scope, './');
    assert.equal(manifest.display, 'standalone');
    const sizes = manifest.icons.map((i) => i.sizes);
    assert.ok(sizes.includes('192x192') && sizes.includes('512x512'));
    for (const icon of manifest.icons) {
      const res = await get(`/companion/${icon.src}`);
      assert.equal(res.status, 200, icon.src);
      assert.equal(res.headers.get('content-type'), icon.type);
    }
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await get('/companion/app.js');
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const again = await get('/companion/app.js', { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal((await again.arrayBuffer()).byteLength, 0);
    const other = await get('/companion/app.js', { 'if-none-match': '"something-else"' });
    assert.equal(other.status, 200);
  });

  it('knows no other file, and leaves the API as it was', async () => {
    for (const path of ['/companion/nope.js', '/companion/..%2Fpackage.json', '/companion/build.mjs']) {
      const res = await call(s.url, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.code, 1004, path);
    }
    const health = await call(s.url, 'GET', '/health');
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('content-security-policy'), null, 'the API keeps its own headers');
  });
});

describe('companion mounted without a build', () => {
  let s: TestServer;
  before(async () => {
    const empty = mkdtempSync(join(tmpdir(), 'companion-empty-'));
    s = await startTestServer({ env: { COMPANION: empty } });
  });
  after(() => s?.close());

  it('says how to build it', async () => {
    const res = await fetch(`${s.url}/companion/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build/);
  });
});

describe('COMPANION=off', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ env: { COMPANION: 'off' } });
  });
  after(() => s?.close());

  it('serves no phone app at all', async () => {
    assert.equal((await fetch(`${s.url}/companion/`)).status, 404);
    assert.equal((await fetch(`${s.url}/companion/app.js`)).status, 404);
  });
});
