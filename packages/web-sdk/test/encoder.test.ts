import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatQrPayload } from '@scanlogin/protocol';
import QRCode from 'qrcode';
import { dataCodewords, type EcLevel, encodeQr, type QrMatrix, versionFor } from '../src/qr/encoder.js';
import { encodeToFit, MIN_MODULE_PX, QUIET_ZONE, qrPathData } from '../src/qr/render.js';
import { decodePixels, rasterize } from './support.js';

const LEVELS: EcLevel[] = ['L', 'M', 'Q', 'H'];
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Deterministic filler text of `n` bytes. */
const text = (n: number) =>
  Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 37) % 94))).join('');

function decode(m: QrMatrix): Uint8Array | null {
  const { data, width } = rasterize(m);
  return decodePixels(data, width);
}

describe('QR encoder', () => {
  test('jsQR reads back payloads of many lengths at every level', () => {
    for (const level of LEVELS) {
      for (const n of [1, 17, 32, 78, 150, 271, 400, 700]) {
        const input = text(n);
        const m = encodeQr(input, { ecLevel: level });
        assert.equal(m.size, m.version * 4 + 17);
        assert.deepEqual(decode(m), utf8(input), `level ${level}, ${n} bytes, version ${m.version}`);
      }
    }
  });

  test('a real payload with custom data, Chinese and emoji is read back byte for byte', () => {
    const payload = formatQrPayload({
      random: 'qr_9d8f7e6a5b4c3d2e1f0a9b8c7d6e5f4a',
      userPoolId: 'pool_0123456789abcdef',
      createdAt: Date.UTC(2026, 0, 1),
      expiresAt: Date.UTC(2026, 0, 1, 0, 2),
      customData: { source: '官网登录', note: 'Grüße 🚀', n: 42 },
    });
    const m = encodeQr(payload);
    assert.equal(m.ecLevel, 'M');
    const bytes = decode(m);
    assert.ok(bytes, 'decodes');
    assert.equal(new TextDecoder().decode(bytes), payload);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)).customData.source, '官网登录');
  });

  test('every mask produces a readable symbol', () => {
    const input = text(120);
    for (let mask = 0; mask < 8; mask++) {
      const m = encodeQr(input, { mask });
      assert.equal(m.mask, mask);
      assert.deepEqual(decode(m), utf8(input), `mask ${mask}`);
    }
  });

  // The qrcode package is an independent implementation of the same standard:
  // with the same version, level and mask, both must place every module alike.
  // At full capacity this exercises each version's block table and interleaving.
  test('matches the qrcode package module for module, all 40 versions × 4 levels', () => {
    for (const level of LEVELS) {
      for (let version = 1; version <= 40; version++) {
        const capacity = dataCodewords(version, level) - (version < 10 ? 2 : 3);
        const bytes = utf8(text(capacity));
        const mask = version % 8;
        const mine = encodeQr(new TextDecoder().decode(bytes), { ecLevel: level, mask });
        assert.equal(mine.version, version, `${level}: ${capacity} bytes fill version ${version}`);
        const ref = QRCode.create([{ data: bytes, mode: 'byte' }], {
          errorCorrectionLevel: level,
          version,
          maskPattern: mask as QRCode.QRCodeMaskPattern,
        });
        assert.equal(ref.modules.size, mine.size);
        const diff = mine.modules.findIndex((v, i) => v !== (ref.modules.data[i] ? 1 : 0));
        assert.equal(diff, -1, `level ${level} version ${version}: first differing module ${diff}`);
      }
    }
  });

  test('picks the smallest version that fits, honours minVersion, refuses what cannot fit', () => {
    assert.equal(encodeQr('hello').version, 1);
    assert.equal(encodeQr('hello', { minVersion: 5 }).version, 5);
    // Version 1-M holds 14 bytes in byte mode; 15 need version 2.
    assert.equal(encodeQr(text(14)).version, 1);
    assert.equal(encodeQr(text(15)).version, 2);
    assert.throws(() => encodeQr(text(2332), { ecLevel: 'M' }), RangeError);
    assert.equal(encodeQr(text(2331), { ecLevel: 'M' }).version, 40);
    assert.equal(versionFor(2332, 'M'), 41, 'versionFor says "none" as 41');
    for (const level of LEVELS) {
      for (const n of [1, 100, 517, 1000])
        assert.equal(versionFor(n, level), encodeQr(text(n), { ecLevel: level }).version);
    }
  });
});

describe('a code sized for the widget', () => {
  // What the service sends now: Authing's JSON plus a compact JWS (ES256) over the public id, pool,
  // expiry and the digest of the rest.
  const signed = formatQrPayload({
    random: 'jO7kMXLmyWdCg76hYdQqig',
    userPoolId: 'a690e1c4e40d9a84c2f13ee8',
    createdAt: Date.UTC(2026, 10, 21, 6, 53, 58),
    expiresAt: Date.UTC(2026, 10, 21, 6, 54, 28),
    sig: `eyJhbGciOiJFUzI1NiIsInR5cCI6InNjYW5sb2dpbi1xcitqd3QiLCJraWQiOiJINnpYUGF5aUU2THpHNGZuSFFUNUtoOC1fOFpxXy1WV0JXOW52dzNQMlcwIn0.eyJzdWIiOiJqTzdrTVhMbXlXZENnNzZoWWRRcWlnIiwiYXVkIjoiYTY5MGUxYzRlNDBkOWE4NGMyZjEzZWU4IiwiZXhwIjoxNzk1MjQ0MDY5LCJkaWciOiItS0ZfTk55YVMxZ3ZMRXB6SjFlYjVZdUZjbW40QkhzNEszdmJzZnBWamFVIn0.${'x'.repeat(86)}`,
  });
  const modulePx = (m: QrMatrix, side: number) => side / (m.size + QUIET_ZONE * 2);

  test('a signed payload at the default 240 px drops to level L for modules of about 2.7 px', () => {
    assert.ok(signed.length > 560 && signed.length < 620, `${signed.length} bytes`);
    assert.equal(encodeQr(signed).version, 19, 'at M: 101 modules with the quiet zone, 2.4 px each');
    const m = encodeToFit(signed, 240);
    assert.equal(m.ecLevel, 'L');
    assert.equal(m.version, 16);
    assert.ok(modulePx(m, 240) > 2.69);
    assert.equal(new TextDecoder().decode(decode(m) ?? new Uint8Array()), signed);
  });

  test('level M wherever its modules are big enough', () => {
    const big = encodeToFit(signed, 320);
    assert.equal(big.ecLevel, 'M');
    assert.ok(modulePx(big, 320) >= MIN_MODULE_PX);
    const short = encodeToFit(text(120), 240);
    assert.equal(short.ecLevel, 'M', 'an unsigned code (older services) stays at M');
  });
});

describe('SVG path of a symbol', () => {
  test('covers exactly the dark modules, offset by the quiet zone', () => {
    for (const n of [5, 90, 300]) {
      const m = encodeQr(text(n));
      const drawn = new Uint8Array(m.size * m.size);
      const runs = qrPathData(m).matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g);
      let count = 0;
      for (const [, x, y, w, back] of runs) {
        assert.equal(w, back);
        for (let i = 0; i < Number(w); i++) {
          const at = (Number(y) - 4) * m.size + Number(x) - 4 + i;
          assert.equal(drawn[at], 0, 'no module drawn twice');
          drawn[at] = 1;
        }
        count++;
      }
      assert.ok(count > 0);
      assert.deepEqual(drawn, m.modules);
    }
  });
});
