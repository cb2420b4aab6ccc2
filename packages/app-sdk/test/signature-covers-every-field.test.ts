/**
 * Issue 13, finding 7: the QR signature covered only `sub`, `aud` and `exp`,
 * so anybody could rewrite a genuine code's customData (or its times) and the
 * app would still show it as verified. Now the signature's `dig` covers the
 * whole payload, and the app SDK refuses a code with any field altered,
 * before anything reaches the service. Against a live server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QR_SIGNATURE_TYPE, QrStatus } from '@scanlogin/protocol';
import { ManualClock } from '../../server/src/domain/clock.js';
import { call, startTestServer, type TestServer } from '../../server/test/helpers.js';
import { QrPayloadError, ScanloginApp } from '../src/index.js';

type Payload = Record<string, unknown>;

describe('the QR signature covers every field the app shows or acts on', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let s: TestServer;
  let app: ScanloginApp;
  before(async () => {
    // Keys take effect a minute after rotation: the app refetches keys at most once a minute.
    s = await startTestServer({ clock, env: { KEY_ACTIVATION_DELAY: '60' } });
    app = new ScanloginApp({ host: s.url, appId: s.seed.app.id, now: () => clock.now() });
    await app.login('alice', 'alice-demo-pass');
  });
  after(() => s.close());

  /** A fresh genuine code with custom data, as the website's page shows it. */
  async function genuine(): Promise<{ random: string; text: string }> {
    const r = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: { scene: 'APP_AUTH', params: { order: 'A-1001', amount: 5 } },
      headers: { 'x-authing-app-id': s.seed.app.id },
    });
    assert.equal(r.body.code, 200);
    return { random: r.body.data.random, text: r.body.data.payload };
  }

  /** The text with `edit` applied to its fields; `sig` stays the last member, untouched. */
  function altered(text: string, edit: (fields: Payload) => Payload): string {
    const { sig, ...fields } = JSON.parse(text) as Payload;
    return JSON.stringify({ ...edit(fields), sig });
  }

  /** The id with its last character changed (to another one, whatever it was). */
  const otherLast = (id: string) => `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
  const statusOf = async (random: string) =>
    (await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`)).body.data.status;

  async function refused(text: string, reasons = ['bad-signature']) {
    await assert.rejects(
      app.scan(text),
      (err) => err instanceof QrPayloadError && reasons.includes(err.reason),
      text.slice(0, 300),
    );
  }

  test('an untouched code verifies and scans (a byte-order mark and whitespace around it do not count)', async () => {
    const a = await genuine();
    const first = await app.scan(`\uFEFF ${a.text}\n`);
    assert.deepEqual(first.verification.status, 'verified');
    assert.deepEqual(first.qr.customData, { order: 'A-1001', amount: 5 });
    assert.equal(await statusOf(a.random), QrStatus.Scanned);
  });

  test('altering any single field makes the app refuse the code, and nothing reaches the service', async () => {
    const code = await genuine();
    const iso = (v: unknown, ms: number) => new Date(Date.parse(String(v)) + ms).toISOString();
    const alterations: [string, string, string[]?][] = [
      [
        'customData: a value',
        altered(code.text, (f) => ({ ...f, customData: { order: 'A-1001', amount: 500 } })),
      ],
      [
        'customData: a key added',
        altered(code.text, (f) => ({ ...f, customData: { order: 'A-1001', amount: 5, to: 'x' } })),
      ],
      ['customData: a key removed', altered(code.text, (f) => ({ ...f, customData: { order: 'A-1001' } }))],
      ['customData: emptied', altered(code.text, (f) => ({ ...f, customData: {} }))],
      [
        'customData: keys reordered',
        altered(code.text, (f) => ({ ...f, customData: { amount: 5, order: 'A-1001' } })),
      ],
      ['scene: another scene', altered(code.text, (f) => ({ ...f, scene: 'APP_PAY' })), ['not-login-code']],
      [
        'scene: the same value, other bytes',
        code.text.replace('"scene":"APP_AUTH"', '"scene":"APP\\u005fAUTH"'),
      ],
      ['userPoolId', altered(code.text, (f) => ({ ...f, userPoolId: '000000000000000000000000' }))],
      ['createdAt: one millisecond', altered(code.text, (f) => ({ ...f, createdAt: iso(f.createdAt, 1) }))],
      [
        'expireAt: one millisecond later',
        altered(code.text, (f) => ({ ...f, expireAt: iso(f.expireAt, 1) })),
      ],
      [
        'expireAt: an hour later',
        altered(code.text, (f) => ({ ...f, expireAt: iso(f.expireAt, 3_600_000) })),
      ],
      [
        'expireAt: one millisecond earlier',
        altered(code.text, (f) => ({ ...f, expireAt: iso(f.expireAt, -1) })),
      ],
      [
        'expireAt replaced by expiresIn',
        altered(code.text, ({ expireAt: _e, ...f }) => ({ ...f, expiresIn: 3600 })),
      ],
      ['random', altered(code.text, (f) => ({ ...f, random: otherLast(String(f.random)) }))],
      ['a field added', altered(code.text, (f) => ({ ...f, note: 'approve quickly' }))],
      [
        'sig not the last member',
        (() => {
          const { sig, ...fields } = JSON.parse(code.text) as Payload;
          return JSON.stringify({ sig, ...fields });
        })(),
      ],
    ];
    for (const [what, text, reasons] of alterations) {
      assert.notEqual(text, code.text, what);
      await refused(text, reasons);
    }
    assert.equal(await statusOf(code.random), QrStatus.Pending, 'no refused code was marked scanned');
    // The genuine text still works after all of it.
    assert.equal((await app.scan(code.text)).verification.status, 'verified');
  });

  test('a signature of the first edition (sub, aud, exp only) no longer passes: it left the rest unchecked', async () => {
    const code = await genuine();
    const fields = JSON.parse(code.text) as Payload;
    const old = s.services.keys.signer.sign(
      {
        sub: fields.random,
        aud: fields.userPoolId,
        exp: Math.ceil(Date.parse(String(fields.expireAt)) / 1000),
      },
      QR_SIGNATURE_TYPE,
    );
    await refused(code.text.replace(String(fields.sig), old));
    assert.equal(await statusOf(code.random), QrStatus.Pending);
  });

  test('after a key rotation, codes signed by the new key verify, and those of the old one still do', async () => {
    const before = await genuine();
    const kidOf = (text: string) =>
      JSON.parse(Buffer.from(String(JSON.parse(text).sig).split('.')[0]!, 'base64url').toString()).kid;
    const rotated = await call(s.url, 'POST', '/api/admin/keys/rotate', {
      headers: { authorization: `Bearer ${s.seed.adminToken}` },
    });
    const kid = rotated.body.data.kid as string;
    clock.advance(s.services.config.keyActivationDelay * 1000);
    const after = await genuine();
    assert.equal(kidOf(after.text), kid, 'the new key signs');
    assert.notEqual(kidOf(before.text), kid);
    assert.equal((await app.scan(after.text)).verification.status, 'verified');
    assert.equal(
      (await app.scan(before.text)).verification.status,
      'verified',
      'the old key is still published',
    );
    // A tampered code under the new key is refused just the same.
    const next = await genuine();
    await refused(altered(next.text, (f) => ({ ...f, customData: { order: 'A-1001', amount: 6 } })));
    assert.equal(await statusOf(next.random), QrStatus.Pending);
  });
});
