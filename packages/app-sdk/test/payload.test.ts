import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatQrPayload } from '@scanlogin/protocol';
import fc from 'fast-check';
import {
  isExpired,
  MAX_QR_TEXT_LENGTH,
  type ParsedQr,
  parseQrPayload,
  QrPayloadError,
  type QrPayloadErrorReason,
} from '../src/index.js';

// The example printed in all three editions of Authing's guide.
const AUTHING_EXAMPLE = `{
    "scene": "APP_AUTH",
    "random": "5e05f0c57fde537d950f7da5",
    "userPoolId": "5e04ae0d5f3cee22fb37612b",
    "createdAt": "2019-12-27T11:53:41.260Z",
    "expireAt": "2019-12-27T11:55:41.260Z",
    "customData": { "hello": "world" }
}`;
const AUTHING_CREATED = Date.UTC(2019, 11, 27, 11, 53, 41, 260);
const AUTHING_NOW = AUTHING_CREATED + 30_000;

const base = {
  scene: 'APP_AUTH',
  random: 'r-123',
  userPoolId: 'pool-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  expireAt: '2026-01-01T00:02:00.000Z',
  customData: {},
};
const T0 = Date.UTC(2026, 0, 1);

/** The payload `base` with some fields replaced (`undefined` removes one). */
function payload(patch: Record<string, unknown> = {}): string {
  const o: Record<string, unknown> = { ...base, ...patch };
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return JSON.stringify(o);
}

function rejects(text: string, reason: QrPayloadErrorReason, field?: string, now = T0): QrPayloadError {
  try {
    parseQrPayload(text, { now });
  } catch (err) {
    assert.ok(err instanceof QrPayloadError, `expected QrPayloadError, got ${String(err)}`);
    assert.equal(err.name, 'QrPayloadError');
    assert.equal(err.reason, reason, err.message);
    if (field !== undefined) assert.equal(err.field, field);
    assert.ok(err.message.length > 0);
    return err;
  }
  assert.fail(`expected a ${reason} rejection`);
}

describe('parseQrPayload: accepted codes', () => {
  test("Authing's example payload", () => {
    const qr = parseQrPayload(AUTHING_EXAMPLE, { now: AUTHING_NOW });
    assert.deepEqual(qr, {
      random: '5e05f0c57fde537d950f7da5',
      userPoolId: '5e04ae0d5f3cee22fb37612b',
      createdAt: new Date('2019-12-27T11:53:41.260Z'),
      expiresAt: new Date('2019-12-27T11:55:41.260Z'),
      customData: { hello: 'world' },
      sig: null,
      raw: AUTHING_EXAMPLE,
    } satisfies ParsedQr);
  });

  test('the edition with expiresIn (seconds after createdAt) instead of expireAt', () => {
    const qr = parseQrPayload(payload({ expireAt: undefined, expiresIn: 120 }), { now: T0 });
    assert.equal(qr.createdAt.getTime(), T0);
    assert.equal(qr.expiresAt.getTime(), T0 + 120_000);
    const fractional = parseQrPayload(payload({ expireAt: undefined, expiresIn: 1.5 }), { now: T0 });
    assert.equal(fractional.expiresAt.getTime(), T0 + 1500);
  });

  test('expireAt wins when a code carries both', () => {
    const qr = parseQrPayload(payload({ expiresIn: 999 }), { now: T0 });
    assert.equal(qr.expiresAt.getTime(), T0 + 120_000);
  });

  test('what formatQrPayload writes today parses back', () => {
    const text = formatQrPayload({
      random: 'abc',
      userPoolId: 'p',
      createdAt: T0,
      expiresAt: T0 + 60_000,
      customData: null,
    });
    const qr = parseQrPayload(text, { now: T0 });
    assert.deepEqual([qr.random, qr.userPoolId, qr.customData], ['abc', 'p', {}]);
  });

  test('a missing or null customData is {}; unknown fields are ignored; sig is read, not checked', () => {
    assert.deepEqual(parseQrPayload(payload({ customData: undefined }), { now: T0 }).customData, {});
    assert.deepEqual(parseQrPayload(payload({ customData: null }), { now: T0 }).customData, {});
    const qr = parseQrPayload(payload({ future: { x: 1 }, sig: 'a.b.c' }), { now: T0 });
    assert.equal(qr.sig, 'a.b.c');
    assert.equal('future' in qr, false);
  });

  test('surrounding whitespace and a byte-order mark are tolerated', () => {
    assert.equal(parseQrPayload(`\uFEFF  ${payload()}\n`, { now: T0 }).random, 'r-123');
  });

  test('RFC 3339 forms: offsets, no fraction, no seconds, lowercase t and z', () => {
    const qr = parseQrPayload(
      payload({ createdAt: '2026-01-01T08:00:00+08:00', expireAt: '2026-01-01t00:02z' }),
      { now: T0 },
    );
    assert.equal(qr.createdAt.getTime(), T0);
    assert.equal(qr.expiresAt.getTime(), T0 + 120_000);
    const nano = parseQrPayload(payload({ createdAt: '2025-12-31T19:00:00.123456789-0500' }), { now: T0 });
    assert.equal(nano.createdAt.getTime(), T0 + 123);
  });

  test('years 0000-0099 stay in the first century (Date.UTC would shift them to 19xx)', () => {
    const qr = parseQrPayload(
      payload({ createdAt: '0050-06-01T00:00:00.000Z', expireAt: '0050-06-01T00:02:00.000Z' }),
      { now: new Date('0050-06-01T00:01:00.000Z').getTime() },
    );
    assert.equal(qr.createdAt.getUTCFullYear(), 50);
  });

  test('a clock tolerance accepts a code just past its expiry', () => {
    const text = payload();
    rejects(text, 'expired', undefined, T0 + 120_000);
    const qr = parseQrPayload(text, { now: T0 + 120_000, clockToleranceMs: 5_000 });
    assert.equal(qr.random, 'r-123');
  });
});

describe('parseQrPayload: each rejection reason', () => {
  test('too-long', () => {
    rejects(' '.repeat(MAX_QR_TEXT_LENGTH) + payload(), 'too-long');
  });

  test('not-json: URLs, Wi-Fi codes, empty text, truncated JSON', () => {
    for (const text of [
      'https://example.com/login',
      'WIFI:S:home;T:WPA;P:secret;;',
      '',
      '{"scene":"APP_AUTH"',
    ]) {
      rejects(text, 'not-json');
    }
  });

  test('not-login-code: other JSON, another scene, no scene', () => {
    for (const text of ['12345', '"APP_AUTH"', 'null', '[{"scene":"APP_AUTH"}]', '{}']) {
      rejects(text, 'not-login-code');
    }
    const other = rejects(payload({ scene: 'WXAPP_AUTH' }), 'not-login-code');
    assert.match(other.message, /WXAPP_AUTH/);
    rejects(payload({ scene: undefined }), 'not-login-code');
    rejects(payload({ scene: 'app_auth' }), 'not-login-code');
  });

  test('missing-field names the field', () => {
    rejects(payload({ random: undefined }), 'missing-field', 'random');
    rejects(payload({ random: '' }), 'missing-field', 'random');
    rejects(payload({ userPoolId: undefined }), 'missing-field', 'userPoolId');
    rejects(payload({ createdAt: undefined }), 'missing-field', 'createdAt');
    rejects(payload({ expireAt: undefined }), 'missing-field', 'expireAt');
    rejects(payload({ expireAt: null, expiresIn: null }), 'missing-field', 'expireAt');
  });

  test('bad-field: wrong types and sizes', () => {
    rejects(payload({ random: 42 }), 'bad-field', 'random');
    rejects(payload({ random: 'x'.repeat(129) }), 'bad-field', 'random');
    rejects(payload({ userPoolId: ['p'] }), 'bad-field', 'userPoolId');
    rejects(payload({ customData: [1, 2] }), 'bad-field', 'customData');
    rejects(payload({ customData: 'hello' }), 'bad-field', 'customData');
    rejects(payload({ sig: 7 }), 'bad-field', 'sig');
  });

  test('bad-date: unreadable dates, impossible dates, bad lifetimes', () => {
    rejects(payload({ createdAt: 'yesterday' }), 'bad-date', 'createdAt');
    rejects(payload({ createdAt: 1767225600000 }), 'bad-date', 'createdAt');
    rejects(payload({ createdAt: '2026-01-01' }), 'bad-date', 'createdAt');
    rejects(payload({ createdAt: 'Thu, 01 Jan 2026 00:00:00 GMT' }), 'bad-date', 'createdAt');
    rejects(payload({ createdAt: '2026-02-29T00:00:00Z' }), 'bad-date', 'createdAt');
    rejects(payload({ createdAt: '2026-01-01T24:00:00Z' }), 'bad-date', 'createdAt');
    rejects(payload({ createdAt: '2026-01-01T00:00:00' }), 'bad-date', 'createdAt'); // no zone: ambiguous
    rejects(payload({ expireAt: '2026-13-01T00:00:00Z' }), 'bad-date', 'expireAt');
    rejects(payload({ expireAt: '2025-12-31T23:59:59Z' }), 'bad-date', 'expireAt');
    rejects(payload({ expireAt: base.createdAt }), 'bad-date', 'expireAt');
    for (const expiresIn of ['120', 0, -5, true, 1e300]) {
      rejects(payload({ expireAt: undefined, expiresIn }), 'bad-date', 'expiresIn');
    }
    // Leap years are known: 2024-02-29 exists.
    assert.ok(parseQrPayload(payload({ createdAt: '2024-02-29T00:00:00Z' }), { now: T0 }));
  });

  test('expired: at and after expireAt, and in the expiresIn edition', () => {
    const err = rejects(payload(), 'expired', undefined, T0 + 120_000);
    assert.equal(isExpired(err), true);
    rejects(AUTHING_EXAMPLE, 'expired', undefined, Date.UTC(2026, 0, 1));
    rejects(payload({ expireAt: undefined, expiresIn: 60 }), 'expired', undefined, T0 + 60_000);
    assert.equal(parseQrPayload(payload(), { now: T0 + 119_999 }).random, 'r-123');
  });
});

describe('parseQrPayload: properties', () => {
  const id = fc.string({ minLength: 1, maxLength: 128, unit: 'grapheme-ascii' });
  const anyId = fc.oneof(id, fc.string({ minLength: 1, maxLength: 64, unit: 'binary' }));
  // Every instant `Date` can represent whose expiry (up to an hour later) is representable too.
  const instant = fc.integer({ min: -8.64e15, max: 8.64e15 - 3_600_000 });
  const lifetime = fc.integer({ min: 1, max: 3_600_000 });
  const customData = fc.option(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }), { nil: null });

  test('whatever formatQrPayload writes parses back to the same fields', () => {
    fc.assert(
      fc.property(
        anyId,
        anyId,
        instant,
        lifetime,
        customData,
        (random, userPoolId, createdAt, life, data) => {
          const text = formatQrPayload({
            random,
            userPoolId,
            createdAt,
            expiresAt: createdAt + life,
            customData: data,
          });
          const qr = parseQrPayload(text, { now: createdAt + life - 1 });
          assert.equal(qr.random, random);
          assert.equal(qr.userPoolId, userPoolId);
          assert.equal(qr.createdAt.getTime(), createdAt);
          assert.equal(qr.expiresAt.getTime(), createdAt + life);
          // What survives JSON (a -0 becomes 0, for instance).
          assert.deepEqual(qr.customData, JSON.parse(JSON.stringify(data ?? {})));
          assert.equal(qr.raw, text);
          assert.equal(qr.sig, null);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('the expiresIn edition agrees with the expireAt edition', () => {
    fc.assert(
      fc.property(id, instant, fc.integer({ min: 1, max: 3600 }), (random, createdAt, seconds) => {
        const iso = new Date(createdAt).toISOString();
        const text = JSON.stringify({
          scene: 'APP_AUTH',
          random,
          userPoolId: 'p',
          createdAt: iso,
          expiresIn: seconds,
        });
        const qr = parseQrPayload(text, { now: createdAt });
        assert.equal(qr.expiresAt.getTime(), createdAt + seconds * 1000);
      }),
    );
  });

  test('any text either parses or is refused with a QrPayloadError, never another error', () => {
    const loginish = fc
      .record(
        {
          scene: fc.constantFrom('APP_AUTH', 'OTHER', 1),
          random: fc.jsonValue(),
          userPoolId: fc.jsonValue(),
          createdAt: fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          expireAt: fc.oneof(fc.string(), fc.jsonValue()),
          expiresIn: fc.jsonValue(),
          customData: fc.jsonValue(),
          sig: fc.jsonValue(),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), loginish), (text) => {
        try {
          parseQrPayload(text, { now: 0 });
        } catch (err) {
          assert.ok(err instanceof QrPayloadError, String(err));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
