import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTerminalStatus, QrStatus } from '@scanlogin/protocol';
import { effectiveStatus, isOpen, Transitions } from '../src/domain/qr-login/state-machine.js';

describe('the transitions table', () => {
  it('starts every rule from an open status', () => {
    assert.deepEqual(Object.keys(Transitions).sort(), [
      'cancel',
      'confirm',
      'fail',
      'refuse',
      'scan',
      'scanNeedsStepUp',
      'stepUp',
    ]);
    for (const rule of Object.values(Transitions)) for (const from of rule.from) assert.ok(isOpen(from));
  });

  it('scans only from Pending, by any user of the pool', () => {
    assert.deepEqual(Transitions.scan, {
      from: [QrStatus.Pending],
      to: QrStatus.Scanned,
      actor: 'pool-user',
    });
    assert.deepEqual(Transitions.scanNeedsStepUp.from, [QrStatus.Pending]);
    assert.deepEqual(Transitions.refuse.from, [QrStatus.Pending]);
  });

  it('confirms only from Scanned, cancels from Scanned or StepUp, both by the scanner', () => {
    assert.deepEqual(Transitions.confirm, {
      from: [QrStatus.Scanned],
      to: QrStatus.Authorized,
      actor: 'scanner',
      guard: 'checkCode',
    });
    assert.deepEqual(Transitions.cancel, {
      from: [QrStatus.Scanned, QrStatus.StepUp],
      to: QrStatus.Cancelled,
      actor: 'scanner',
    });
    assert.deepEqual(Transitions.stepUp, {
      from: [QrStatus.StepUp],
      to: QrStatus.Scanned,
      actor: 'scanner',
      guard: 'password',
    });
  });

  it('guards the check code and the step-up password inside the transition, and nothing else', () => {
    const guarded = Object.entries(Transitions)
      .filter(([, rule]) => 'guard' in rule)
      .map(([action, rule]) => [action, (rule as { guard: string }).guard]);
    assert.deepEqual(guarded.sort(), [
      ['confirm', 'checkCode'],
      ['stepUp', 'password'],
    ]);
  });

  it('never leaves a terminal status', () => {
    const froms = new Set<number>(Object.values(Transitions).flatMap((r) => [...r.from]));
    for (const terminal of [QrStatus.Authorized, QrStatus.Cancelled, QrStatus.Error]) {
      assert.ok(!froms.has(terminal));
      assert.ok(isTerminalStatus(terminal));
    }
  });

  it('stops any open code with status 5, by the service itself (issue 17)', () => {
    assert.deepEqual(Transitions.fail, {
      from: [QrStatus.Pending, QrStatus.Scanned, QrStatus.StepUp],
      to: QrStatus.Error,
      actor: 'service',
    });
    // Every open status can be stopped; only `fail` reaches 5.
    for (const s of [QrStatus.Pending, QrStatus.Scanned, QrStatus.StepUp] as const) assert.ok(isOpen(s));
    const intoError = Object.entries(Transitions).filter(([, r]) => r.to === QrStatus.Error);
    assert.deepEqual(
      intoError.map(([action]) => action),
      ['fail'],
    );
    assert.equal(isOpen(QrStatus.Error), false);
  });
});

describe('effectiveStatus', () => {
  it('turns open statuses into Expired at expiresAt, not before', () => {
    for (const s of [QrStatus.Pending, QrStatus.Scanned, QrStatus.StepUp] as const) {
      assert.equal(effectiveStatus(s, 1000, 999), s);
      assert.equal(effectiveStatus(s, 1000, 1000), QrStatus.Expired);
    }
  });

  it('keeps decided statuses after expiry', () => {
    assert.equal(effectiveStatus(QrStatus.Authorized, 1000, 5000), QrStatus.Authorized);
    assert.equal(effectiveStatus(QrStatus.Cancelled, 1000, 5000), QrStatus.Cancelled);
    assert.equal(effectiveStatus(QrStatus.Error, 1000, 5000), QrStatus.Error);
  });
});
