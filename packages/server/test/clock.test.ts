/** The ManualClock that tests drive time with, and the timers it owns. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../src/domain/clock.js';

test('timers fire when the clock passes them, in order, each seeing its own due time', () => {
  const clock = new ManualClock(1000);
  const fired: [string, number][] = [];
  clock.setTimer(() => fired.push(['b', clock.now()]), 200);
  clock.setTimer(() => fired.push(['a', clock.now()]), 100);
  const cancel = clock.setTimer(() => fired.push(['cancelled', clock.now()]), 150);
  cancel();
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(500);
  assert.deepEqual(fired, [
    ['a', 1100],
    ['b', 1200],
  ]);
  assert.equal(clock.now(), 1599);
  assert.equal(clock.pendingTimers, 0);
});

test('a timer set while others fire fires too if it falls due before the new time', () => {
  const clock = new ManualClock(0);
  const fired: number[] = [];
  clock.setTimer(() => {
    fired.push(clock.now());
    clock.setTimer(() => fired.push(clock.now()), 10);
  }, 10);
  clock.advance(25);
  assert.deepEqual(fired, [10, 20]);
});

test('a timer of no delay is due at once: it fires in the next turn without the clock moving', async () => {
  const clock = new ManualClock(0);
  let fired = false;
  clock.setTimer(() => {
    fired = true;
  }, 0);
  assert.equal(fired, false, 'not synchronously');
  await new Promise((r) => setImmediate(r));
  assert.equal(fired, true);
  assert.equal(clock.now(), 0);
});
