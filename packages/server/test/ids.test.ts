import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newObjectId, newQrRandom, newTicket } from '../src/domain/ids.js';

test('object ids are 24 hex characters that sort by the second they were made in', () => {
  const t = Date.UTC(2026, 10, 21, 8, 0, 0);
  const early = newObjectId(t);
  const sameSecond = newObjectId(t + 999);
  const later = newObjectId(t + 1000);
  for (const id of [early, sameSecond, later]) assert.match(id, /^[0-9a-f]{24}$/);
  assert.equal(early.slice(0, 8), (t / 1000).toString(16), 'the first 4 bytes are the seconds');
  assert.equal(sameSecond.slice(0, 8), early.slice(0, 8));
  assert.ok(later > early && later > sameSecond);
  assert.notEqual(early.slice(8), sameSecond.slice(8), 'the rest is random');
});

test('QR ids and tickets are random, URL-safe and of their documented strength', () => {
  assert.match(newQrRandom(), /^[A-Za-z0-9_-]{22}$/); // 128 bits
  assert.match(newTicket(), /^[A-Za-z0-9_-]{43}$/); // 256 bits
  assert.notEqual(newTicket(), newTicket());
});
