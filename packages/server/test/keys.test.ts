import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';
import { KeyRing } from '../src/domain/tokens/keys.js';
import { SqliteStorage } from '../src/storage/sqlite/index.js';

const DELAY = 120_000;
const RETENTION = 86_400_000;

it('a rotation right after install keeps the old key signing until the new one matures', async () => {
  // Regression: with every key younger than the delay, the newest used to win, and keys
  // created in the same millisecond were picked at random.
  const clock = new ManualClock();
  const storage = new SqliteStorage(':memory:');
  const ring = new KeyRing(storage.keys, clock, RETENTION, DELAY);
  await ring.init();
  const first = ring.signer.kid;
  const second = await ring.rotate(); // same millisecond as the first key
  assert.notEqual(second, first);
  assert.equal(ring.signer.kid, first, 'the key that was signing keeps signing');
  assert.deepEqual(ring.jwks.keys.map((k) => k.kid).sort(), [first, second].sort(), 'both published');

  clock.advance(DELAY);
  assert.equal(ring.signer.kid, second, 'the new key signs once it has been published long enough');
  assert.ok(await ring.publicKey(first), 'the old key still verifies');

  clock.advance(RETENTION);
  await ring.reload();
  assert.deepEqual(
    ring.jwks.keys.map((k) => k.kid),
    [second],
    'the old key leaves the JWKS after the retention period',
  );
  await storage.close();
});

it('another instance sharing the store signs with the same key', async () => {
  const clock = new ManualClock();
  const storage = new SqliteStorage(':memory:');
  const a = new KeyRing(storage.keys, clock, RETENTION, DELAY);
  await a.init();
  const b = new KeyRing(storage.keys, clock, RETENTION, DELAY);
  await b.init();
  assert.equal(b.signer.kid, a.signer.kid);
  await storage.close();
});
