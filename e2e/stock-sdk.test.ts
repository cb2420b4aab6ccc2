/**
 * The real authing-js-sdk@4.23.55 browser bundle, unchanged, on a page served
 * from another origin than our API: startScanning must show the code and finish
 * a login against our server. This exercises credentialed CORS (axios with
 * withCredentials) and the QR image's CORS (the SDK draws it on a canvas).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { createVerifier } from '@scanlogin/verify';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../packages/server/src/domain/clock.js';
import { appLogin, call, startTestServer, type TestServer } from '../packages/server/test/helpers.js';
import { eventually, launchChromium, newContext, type StaticSite, serveStatic } from './support.js';

const require = createRequire(import.meta.url);
const bundle = readFileSync(require.resolve('authing-js-sdk/build/browser/index.min.js'));

describe('stock authing-js-sdk in Chromium, cross-origin', () => {
  let s: TestServer;
  let site: StaticSite;
  let browser: Browser;
  let appId: string;

  before(async () => {
    // The service's time stands still, so the code cannot expire however long the page takes;
    // the stock SDK polls on the page's own timers, which the test does not depend on.
    // Behind a proxy that names the client's address, so the step-up test can put the page far away.
    s = await startTestServer({ clock: new ManualClock(Date.now()), env: { TRUST_PROXY: '1' } });
    // The page's origin is only known once its server listens; the page reads the config from its URL.
    site = await serveStatic({
      '/authing.js': { type: 'text/javascript', body: bundle },
      '/': {
        type: 'text/html',
        body: `<!doctype html><meta charset="utf-8"><div id="qrcode"></div>
<script src="/authing.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  window.events = [];
  const client = new Authing.AuthenticationClient({ appId: q.get('appId'), appHost: q.get('host') });
  client.qrcode.startScanning('qrcode', {
    autoExchangeUserInfo: true,
    customData: q.has('customData') ? JSON.parse(q.get('customData')) : undefined,
    withCustomData: q.has('withCustomData'),
    onCodeShow: (random) => { window.random = random; window.events.push('show'); },
    onCodeLoaded: () => window.events.push('loaded'),
    onCodeLoadFailed: (m) => window.events.push('loadFailed:' + m),
    onScanned: (u) => window.events.push('scanned:' + u.nickname),
    onSuccess: (user, ticket) => { window.result = { user, ticket }; window.events.push('success'); },
    onError: (m) => window.events.push('error:' + m),
    onMfa: (code) => window.events.push('mfa:' + code),
  });
</script>`,
      },
    });
    const created = await call(s.url, 'POST', '/api/admin/apps', {
      headers: { authorization: `Bearer ${s.seed.adminToken}` },
      body: {
        userPoolId: s.seed.pool.id,
        name: 'Stock SDK site',
        allowedOrigins: [site.url],
        allowExchangeUserInfoFromBrowser: true,
      },
    });
    appId = created.body.data.id;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await s?.close();
  });

  it('shows the code and completes the login, exchanging the ticket in the browser', async () => {
    const page = await (await newContext(browser)).newPage();
    // Cross-origin (another port) but same-site (localhost), as a site and its login API on
    // sibling subdomains would be: the binding cookie is SameSite=Lax over plain HTTP.
    const apiHost = s.url.replace('127.0.0.1', 'localhost');
    await page.goto(`${site.url}/?appId=${appId}&host=${encodeURIComponent(apiHost)}`);
    const random = await eventually(() =>
      page.evaluate(() => (window as unknown as { random?: string }).random),
    );
    await eventually(async () =>
      (await page.evaluate(() => (window as unknown as { events: string[] }).events)).includes('loaded')
        ? true
        : null,
    );

    const token = await appLogin(s);
    const scanned = await call(s.url, 'POST', '/api/v2/qrcode/scanned', {
      body: { random },
      headers: { authorization: token },
    });
    assert.equal(scanned.body.code, 200);
    await eventually(async () =>
      (await page.evaluate(() => (window as unknown as { events: string[] }).events)).includes(
        'scanned:Alice',
      )
        ? true
        : null,
    );
    await call(s.url, 'POST', '/api/v2/qrcode/confirm', {
      body: { random },
      headers: { authorization: token },
    });

    const result = await eventually(() =>
      page.evaluate(
        () => (window as unknown as { result?: { user: Record<string, unknown>; ticket: string } }).result,
      ),
    );
    const events = await page.evaluate(() => (window as unknown as { events: string[] }).events);
    assert.ok(!events.some((e) => e.startsWith('error') || e.startsWith('loadFailed')), events.join(', '));
    assert.ok(result.ticket);
    assert.equal(result.user.username, 'alice');
    const claims = await createVerifier({ issuer: s.services.config.publicUrl, audience: appId })(
      String(result.user.token),
    );
    assert.equal(claims.token_use, 'web');
    await page.context().close();
  });

  /** An app of the seeded pool that the static site may call from its origin. */
  const siteApp = async (name: string): Promise<string> => {
    const created = await call(s.url, 'POST', '/api/admin/apps', {
      headers: { authorization: `Bearer ${s.seed.adminToken}` },
      body: {
        userPoolId: s.seed.pool.id,
        name,
        allowedOrigins: [site.url],
        allowExchangeUserInfoFromBrowser: true,
      },
    });
    return created.body.data.id;
  };
  /** The page's events, once one of them starts with `prefix`. */
  const eventsWith = (page: Page, prefix: string) =>
    eventually(async () => {
      const events = await page.evaluate(() => (window as unknown as { events: string[] }).events);
      return events.some((e) => e.startsWith(prefix)) ? events : null;
    });

  it('hands customData back with the user when the page asks withCustomData (issue 17)', async () => {
    const page = await (await newContext(browser)).newPage();
    const apiHost = s.url.replace('127.0.0.1', 'localhost');
    const customData = encodeURIComponent(JSON.stringify({ cart: 'c-42', items: [1, 2] }));
    await page.goto(
      `${site.url}/?appId=${appId}&host=${encodeURIComponent(apiHost)}&customData=${customData}&withCustomData=1`,
    );
    const random = await eventually(() =>
      page.evaluate(() => (window as unknown as { random?: string }).random),
    );
    const token = await appLogin(s);
    for (const action of ['scanned', 'confirm']) {
      const r = await call(s.url, 'POST', `/api/v2/qrcode/${action}`, {
        body: { random },
        headers: { authorization: token },
      });
      assert.equal(r.body.code, 200);
    }
    const result = await eventually(() =>
      page.evaluate(() => (window as unknown as { result?: { user: Record<string, unknown> } }).result),
    );
    assert.deepEqual(result.user.customData, { cart: 'c-42', items: [1, 2] });
    const claims = await createVerifier({ issuer: s.services.config.publicUrl, audience: appId })(
      String(result.user.token),
    );
    assert.deepEqual(claims.custom_data, { cart: 'c-42', items: [1, 2] });
    await page.context().close();
  });

  it('tells the page when its app is deleted mid-login: status 5 reaches onError with the reason (issue 17)', async () => {
    const doomed = await siteApp('Deleted while a code waits');
    const page = await (await newContext(browser)).newPage();
    const apiHost = s.url.replace('127.0.0.1', 'localhost');
    await page.goto(`${site.url}/?appId=${doomed}&host=${encodeURIComponent(apiHost)}`);
    const random = await eventually(() =>
      page.evaluate(() => (window as unknown as { random?: string }).random),
    );
    const token = await appLogin(s);
    await call(s.url, 'POST', '/api/v2/qrcode/scanned', {
      body: { random },
      headers: { authorization: token },
    });
    await eventsWith(page, 'scanned:Alice');
    const deleted = await call(s.url, 'DELETE', `/api/admin/apps/${doomed}`, {
      headers: { authorization: `Bearer ${s.seed.adminToken}` },
    });
    assert.equal(deleted.body.code, 200);
    // startScanning's handler passes on the `message` of scannedResult.errmsg.
    const events = await eventsWith(page, 'error:');
    assert.deepEqual(events.slice(-2), ['scanned:Alice', 'error:The application does not exist.']);
    await page.context().close();
  });

  it('on a step-up pool it keeps waiting while the phone steps up, and logs in when it approves (issue 13)', async () => {
    const admin = { authorization: `Bearer ${s.seed.adminToken}` };
    const pool = await call(s.url, 'POST', '/api/admin/pools', {
      headers: admin,
      body: { name: 'step-up pool', proximityPolicy: 'step-up' },
    });
    const poolId = pool.body.data.id as string;
    const app = await call(s.url, 'POST', '/api/admin/apps', {
      headers: admin,
      body: {
        userPoolId: poolId,
        name: 'Far site',
        allowedOrigins: [site.url],
        allowExchangeUserInfoFromBrowser: true,
      },
    });
    const farAppId = app.body.data.id as string;
    await call(s.url, 'POST', '/api/admin/users', {
      headers: admin,
      body: { userPoolId: poolId, username: 'frank', password: 'frank-step-up-pass' },
    });

    const context = await newContext(browser);
    const apiHost = s.url.replace('127.0.0.1', 'localhost');
    // The page appears to be in the United Kingdom (added below the page, which needs no CORS approval).
    await context.route(`${apiHost}/**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), 'x-forwarded-for': '81.2.69.160' } }),
    );
    const page = await context.newPage();
    await page.goto(`${site.url}/?appId=${farAppId}&host=${encodeURIComponent(apiHost)}`);
    const events = () => page.evaluate(() => (window as unknown as { events: string[] }).events);
    const random = await eventually(() =>
      page.evaluate(() => (window as unknown as { random?: string }).random),
    );
    await eventually(async () => ((await events()).includes('loaded') ? true : null));

    // The phone, in the United States: far from the page, so it must prove more.
    const login = await call(s.url, 'POST', '/api/v2/login/account', {
      body: { account: 'frank', password: 'frank-step-up-pass' },
      headers: { 'x-authing-app-id': farAppId },
    });
    const phone = { authorization: login.body.data.token as string, 'x-forwarded-for': '8.8.8.8' };
    const act = (action: string, body: Record<string, unknown> = {}) =>
      call(s.url, 'POST', `/api/v2/qrcode/${action}`, { body: { random, ...body }, headers: phone });
    assert.equal((await act('scanned')).body.data.status, 4);
    // The stock SDK is shown status 1 (at 4 it would call onMfa and stop polling for good).
    await eventually(async () =>
      (await events()).some((e) => e.startsWith('scanned:') || e.startsWith('mfa:')) ? true : null,
    );
    assert.ok((await events()).includes('scanned:frank'), (await events()).join(', '));
    assert.equal((await act('step-up', { password: 'frank-step-up-pass' })).body.data.status, 1);
    assert.equal((await act('confirm')).body.data.status, 2);

    const result = await eventually(() =>
      page.evaluate(
        () => (window as unknown as { result?: { user: Record<string, unknown>; ticket: string } }).result,
      ),
    );
    assert.equal(result.user.username, 'frank');
    const seen = await events();
    assert.ok(!seen.some((e) => /^(mfa|error|loadFailed)/.test(e)), seen.join(', '));
    await context.close();
  });

  // Issue 13, finding 4: each code has a binding of its own, in a cookie of its own, so two tabs
  // of one browser (one cookie jar) never overwrite each other's.
  it('two tabs of one browser, each with its own code, both log in (approved in the other order)', async () => {
    const context = await newContext(browser);
    const apiHost = s.url.replace('127.0.0.1', 'localhost');
    type Tab = {
      random?: string;
      events: string[];
      result?: { user: Record<string, unknown>; ticket: string };
    };
    const tabs = [await context.newPage(), await context.newPage()];
    const randoms: string[] = [];
    for (const tab of tabs) {
      await tab.goto(`${site.url}/?appId=${appId}&host=${encodeURIComponent(apiHost)}`);
      randoms.push(await eventually(() => tab.evaluate(() => (window as unknown as Tab).random)));
      await eventually(async () =>
        (await tab.evaluate(() => (window as unknown as Tab).events)).includes('loaded') ? true : null,
      );
    }
    assert.notEqual(randoms[0], randoms[1]);
    const cookies = (await context.cookies(`${apiHost}/api/v2/qrcode/check`)).filter((c) =>
      c.name.startsWith('scanlogin_binding_'),
    );
    assert.deepEqual(cookies.map((c) => c.name).sort(), randoms.map((r) => `scanlogin_binding_${r}`).sort());

    const token = await appLogin(s);
    for (const i of [1, 0]) {
      for (const action of ['scanned', 'confirm']) {
        const r = await call(s.url, 'POST', `/api/v2/qrcode/${action}`, {
          body: { random: randoms[i] },
          headers: { authorization: token },
        });
        assert.equal(r.body.code, 200, JSON.stringify(r.body));
      }
    }
    for (const tab of tabs) {
      const result = await eventually(() => tab.evaluate(() => (window as unknown as Tab).result));
      const events = await tab.evaluate(() => (window as unknown as Tab).events);
      assert.ok(!events.some((e) => e.startsWith('error') || e.startsWith('loadFailed')), events.join(', '));
      assert.equal(result.user.username, 'alice');
      assert.ok(result.user.token);
    }
    await context.close();
  });
});
