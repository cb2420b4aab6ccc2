// How statuses become Authing's callbacks, whatever the transport delivers
// (repeats from polling, step-up round trips, unknown statuses), and the tips.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveTips } from '../src/i18n.js';
import { isFinalStatus, statusDispatcher } from '../src/status.js';
import type { QrCodeStatus } from '../src/types.js';

const at = (status: number, extra: Partial<QrCodeStatus> = {}): QrCodeStatus =>
  ({
    random: 'r',
    status,
    ticket: null,
    userInfo: { nickname: 'Alice', photo: null },
    ...extra,
  }) as QrCodeStatus;

function recorder() {
  const calls: string[] = [];
  const dispatch = statusDispatcher({
    onResult: (d) => calls.push(`result:${d.status}`),
    onScanned: (u) => calls.push(`scanned:${u.nickname}`),
    onSuccess: (_u, ticket) => calls.push(`success:${ticket}`),
    onCancel: () => calls.push('cancel'),
    onExpired: () => calls.push('expired'),
    onMfa: (code, message) => calls.push(`mfa:${code}:${message}`),
    onFailed: (code, message) => calls.push(`failed:${code}:${message}`),
  });
  return { calls, dispatch };
}

describe('statusDispatcher', () => {
  test('repeats call onResult each time, onScanned once; the final status once, then nothing', () => {
    const { calls, dispatch } = recorder();
    assert.equal(dispatch(at(0)), false);
    assert.equal(dispatch(at(1)), false);
    assert.equal(dispatch(at(1)), false);
    assert.equal(dispatch(at(2, { ticket: 't1' })), true);
    assert.equal(dispatch(at(2, { ticket: 't1' })), true);
    assert.deepEqual(calls, ['result:0', 'result:1', 'scanned:Alice', 'result:1', 'result:2', 'success:t1']);
  });

  test('step-up (4) calls onMfa on each entry and keeps waiting: our service goes 4 → 1 → 2', () => {
    const { calls, dispatch } = recorder();
    const stepUp = at(4, { scannedResult: { code: 2250, message: 'prove more' } });
    for (const d of [at(0), stepUp, stepUp, at(1), at(2, { ticket: 't' })]) dispatch(d);
    assert.deepEqual(
      calls.filter((c) => !c.startsWith('result')),
      ['mfa:2250:prove more', 'scanned:Alice', 'success:t'],
    );
  });

  test('cancel, expiry and the error status 5 are final', () => {
    for (const [status, expected] of [
      [3, 'cancel'],
      [-1, 'expired'],
      [5, 'failed:5:boom'],
    ] as const) {
      const { calls, dispatch } = recorder();
      assert.equal(dispatch(at(status, { scannedResult: { errmsg: 'boom' } as never })), true);
      assert.deepEqual(calls, [`result:${status}`, expected]);
    }
  });

  test('status 5 (issue 17): the reason from errmsg as our service sends it, {code, message}', () => {
    const { calls, dispatch } = recorder();
    const stopped = {
      code: 2101,
      message: 'The application does not exist.',
      errmsg: { code: 2101, message: 'The application does not exist.' },
    };
    assert.equal(dispatch(at(5, { scannedResult: stopped as never })), true);
    assert.equal(dispatch(at(5, { scannedResult: stopped as never })), true);
    assert.deepEqual(calls, ['result:5', 'failed:2101:The application does not exist.']);
    // Whatever else a service sends, the login still ends with one failure and a message.
    const odd = recorder();
    assert.equal(odd.dispatch(at(5)), true);
    assert.equal(odd.dispatch(at(5, { scannedResult: { errmsg: 42 } as never })), true);
    assert.deepEqual(odd.calls, ['result:5', 'failed:5:error']);
  });

  test('unknown statuses are reported and waited through, as Authing does', () => {
    assert.equal(isFinalStatus(7), false);
    assert.equal(isFinalStatus(4), false);
    const { calls, dispatch } = recorder();
    assert.equal(dispatch(at(7)), false);
    assert.deepEqual(calls, ['result:7']);
  });
});

describe('resolveTips', () => {
  test('zh-CN for zh*, en-US otherwise; string overrides win, anything else is ignored', () => {
    assert.equal(resolveTips('zh-CN').expired, '二维码已过期');
    assert.equal(resolveTips('zh-TW').expired, '二维码已过期');
    assert.equal(resolveTips('en-US').expired, 'The QR code has expired');
    assert.equal(resolveTips(undefined).expired, 'The QR code has expired');
    const t = resolveTips('en-US', { title: 'Hi', retry: 3 as never, nope: 'x' } as never);
    assert.equal(t.title, 'Hi');
    assert.equal(t.retry, 'Refresh the code');
    assert.equal('nope' in t, false);
  });
});
