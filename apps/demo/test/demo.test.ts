import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  appLogin,
  call,
  generate,
  startTestServer,
  type TestServer,
} from '../../../packages/server/test/helpers.js';
import { SESSION_COOKIE, startDemo } from '../src/index.js';

describe('demo website backend', () => {
  let s: TestServer;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  const bundle = join(mkdtempSync(join(tmpdir(), 'demo-')), 'sdk.js');

  before(async () => {
    writeFileSync(bundle, '/* sdk */');
    s = await startTestServer();
    demo = await startDemo({
      appHost: s.services.config.publicUrl,
      appId: s.seed.app.id,
      appSecret: s.seed.app.secret,
      port: 0,
      sdkBundlePath: bundle,
    });
  });
  after(async () => {
    await demo.close();
    await s.close();
  });

  /** A ticket for alice, approved through the app calls. */
  async function approvedTicket(): Promise<string> {
    const token = await appLogin(s);
    const { random } = await generate(s);
    for (const step of ['scanned', 'confirm']) {
      await call(s.url, 'POST', `/api/v2/qrcode/${step}`, {
        body: { random },
        headers: { authorization: token },
      });
    }
    return (await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`)).body.data.ticket;
  }

  const get = (path: string, cookie?: string) =>
    fetch(demo.url + path, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  it('sends visitors without a session to the login page, which embeds the widget', async () => {
    const root = await get('/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/login');
    const login = await get('/login');
    const html = await login.text();
    assert.ok(html.includes(s.seed.app.id));
    assert.ok(html.includes('/sdk/scanlogin.js'));
    assert.equal((await get('/profile')).headers.get('location'), '/login');
  });

  it('redeems the ticket server-side, sets an HttpOnly cookie, and shows the user', async () => {
    const ticket = await approvedTicket();
    const res = await fetch(`${demo.url}/auth/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket }),
    });
    assert.equal(res.status, 200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, new RegExp(`^${SESSION_COOKIE}=`));
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    const cookie = setCookie.split(';')[0]!;

    const profile = await get('/profile', cookie);
    assert.equal(profile.status, 200);
    assert.match(await profile.text(), /Welcome, Alice/);
    const me = await (await get('/api/me', cookie)).json();
    assert.equal(me.sub, (await s.services.storage.directory.findUserByAccount(s.seed.pool.id, 'alice'))?.id);

    // The same ticket cannot log in twice.
    const again = await fetch(`${demo.url}/auth/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket }),
    });
    assert.equal(again.status, 401);

    const out = await fetch(`${demo.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie },
    });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  });

  it('verifies the cookie on every request: a forged or foreign token is no session', async () => {
    const forged = `${SESSION_COOKIE}=eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln`;
    assert.equal((await get('/profile', forged)).headers.get('location'), '/login');
    // The phone's own token is not a website session.
    const phone = `${SESSION_COOKIE}=${await appLogin(s)}`;
    assert.equal((await get('/api/me', phone)).status, 401);
  });

  it('a malformed session cookie is no session, never a 500 (regression: an unguarded decodeURIComponent)', async () => {
    for (const cookie of [
      `${SESSION_COOKIE}=%E0%A4%A`,
      `${SESSION_COOKIE}=%`,
      `${SESSION_COOKIE}="unterminated`,
      `${SESSION_COOKIE}=a=b=c; ${SESSION_COOKIE}=%ZZ`,
      `other=%E0%A4%A; ${SESSION_COOKIE}=`,
      ';;;=;',
    ]) {
      const page = await get('/profile', cookie);
      assert.equal(page.status, 302, cookie);
      assert.equal(page.headers.get('location'), '/login', cookie);
      assert.equal((await get('/api/me', cookie)).status, 401, cookie);
      const out = await fetch(`${demo.url}/logout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie },
      });
      assert.equal(out.status, 303, cookie);
    }
  });

  it('refuses a bad ticket body', async () => {
    const res = await fetch(`${demo.url}/auth/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: 42 }),
    });
    assert.equal(res.status, 400);
  });
});
