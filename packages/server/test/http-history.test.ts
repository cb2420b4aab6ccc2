import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import { appLogin, basic, call, generate, startTestServer, type TestServer } from './helpers.js';

describe('QR login history and audit log', () => {
  let s: TestServer;
  // Moved by hand between steps, so the order of records is certain.
  const clock = new ManualClock(Date.now());
  before(async () => {
    s = await startTestServer({ clock });
  });
  after(() => s.close());

  it('records approvals, refusals and redemptions with the request context', async () => {
    const alice = await appLogin(s);
    const ua =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
    const auth = { authorization: alice };

    const first = await generate(s, { 'user-agent': ua });
    await call(s.url, 'POST', '/api/v2/qrcode/scanned', { body: { random: first.random }, headers: auth });
    await call(s.url, 'POST', '/api/v2/qrcode/cancel', { body: { random: first.random }, headers: auth });
    clock.advance(1000);

    const second = await generate(s, { 'user-agent': ua });
    await call(s.url, 'POST', '/api/v2/qrcode/scanned', { body: { random: second.random }, headers: auth });
    await call(s.url, 'POST', '/api/v2/qrcode/confirm', { body: { random: second.random }, headers: auth });
    clock.advance(1000);
    const ticket = (await call(s.url, 'GET', `/api/v2/qrcode/check?random=${second.random}`)).body.data
      .ticket;
    await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket },
      headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
    });

    const history = await call(s.url, 'GET', '/api/v2/qrcode/history', { headers: auth });
    assert.equal(history.status, 200);
    assert.equal(history.headers.get('cache-control'), 'no-store');
    assert.deepEqual(
      history.body.data.map((h: { outcome: string; random: string }) => [h.outcome, h.random]),
      [
        ['redeemed', second.random],
        ['approved', second.random],
        ['denied', first.random],
      ],
    );
    const entry = history.body.data[1];
    assert.equal(entry.app.name, 'Demo website');
    assert.equal(entry.browser, 'Safari 17');
    assert.equal(entry.os, 'macOS');
    assert.equal(entry.ip, '127.0.0.1');
    assert.equal(entry.deviceIp, '127.0.0.1');

    // Bob sees none of it.
    const bob = await call(s.url, 'GET', '/api/v2/qrcode/history', {
      headers: { authorization: await appLogin(s, 'bob') },
    });
    assert.deepEqual(bob.body.data, []);
    assert.equal((await call(s.url, 'GET', '/api/v2/qrcode/history')).body.code, 2000);

    // Admins read the pool's log.
    const admin = { authorization: `Bearer ${s.seed.adminToken}` };
    const audit = await call(s.url, 'GET', `/api/admin/audit?userPoolId=${s.seed.pool.id}`, {
      headers: admin,
    });
    assert.equal(audit.body.data.length, 3);
    const older = await call(
      s.url,
      'GET',
      `/api/admin/audit?userPoolId=${s.seed.pool.id}&before=${encodeURIComponent(audit.body.data[1].at)}`,
      { headers: admin },
    );
    assert.ok(older.body.data.every((r: { at: string }) => r.at < audit.body.data[1].at));
    assert.equal((await call(s.url, 'GET', `/api/admin/audit?userPoolId=${s.seed.pool.id}`)).status, 401);
    assert.equal(
      (
        await call(s.url, 'GET', `/api/admin/audit?userPoolId=${s.seed.pool.id}&before=yesterday`, {
          headers: admin,
        })
      ).body.code,
      1001,
    );
  });
});
