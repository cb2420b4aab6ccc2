import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import { locateIp } from '../src/domain/geo.js';
import { openCountryLookup } from '../src/geoip.js';
import { appLogin, call, generate, startTestServer, type TestServer } from './helpers.js';

describe('locateIp', () => {
  const fixed = { country: (ip: string) => (ip === '203.0.113.7' ? 'DE' : null) };

  it('never sends loopback or private addresses to the database', () => {
    const never = {
      country: () => {
        throw new Error('looked up');
      },
    };
    assert.equal(locateIp('127.0.0.1', never).place, 'This machine');
    assert.equal(locateIp('::1', never).place, 'This machine');
    assert.equal(locateIp('::ffff:127.0.0.1', never).kind, 'loopback');
    for (const ip of ['10.1.2.3', '172.20.0.1', '192.168.1.5', '100.64.0.9', 'fd00::1', 'fe80::1']) {
      const p = locateIp(ip, never);
      assert.equal(p.kind, 'private', ip);
      assert.equal(p.place, 'Local network');
    }
  });

  it('names the country of a public address and its network', () => {
    const p = locateIp('203.0.113.7', fixed);
    assert.deepEqual(p, {
      ip: '203.0.113.7',
      kind: 'public',
      country: 'DE',
      place: 'Germany',
      network: '203.0.113.0/24',
    });
    assert.equal(locateIp('203.0.114.7', fixed).place, null, 'unknown country: no place');
    assert.equal(locateIp('2001:db8:1234:5::1', null).network, '2001:db8:1234::/48');
  });

  it('treats garbage as invalid', () => {
    for (const ip of ['', 'not-an-ip', '999.1.1.1', null, undefined])
      assert.equal(locateIp(ip, fixed).kind, 'invalid');
  });

  it('reads the bundled offline database', () => {
    const lookup = openCountryLookup('bundled');
    assert.ok(lookup, 'the database package is installed');
    assert.equal(locateIp('8.8.8.8', lookup).place, 'United States');
    assert.equal(locateIp('81.2.69.160', lookup).country, 'GB');
    assert.equal(openCountryLookup('off'), null);
  });
});

describe('the confirm screen context names the place of the requesting browser', () => {
  let s: TestServer;
  before(async () => {
    // Behind a proxy the client address comes from X-Forwarded-For.
    // On a frozen clock the code cannot expire on its own, however slow a run is.
    s = await startTestServer({ clock: new ManualClock(), env: { TRUST_PROXY: '1' } });
  });
  after(() => s.close());

  it('shows the country of a public IP', async () => {
    const { random } = await generate(s, { 'x-forwarded-for': '81.2.69.160' });
    const token = await appLogin(s);
    await call(s.url, 'POST', '/api/v2/qrcode/scanned', {
      body: { random },
      headers: { authorization: token },
    });
    const ctx = await call(s.url, 'GET', `/api/v2/qrcode/context?random=${random}`, {
      headers: { authorization: token },
    });
    assert.equal(ctx.body.data.ip, '81.2.69.160');
    assert.equal(ctx.body.data.place, 'United Kingdom');
  });
});
