/**
 * One factory for the QR session records storage tests write straight into an
 * adapter (the conformance suite and the Redis adapter's own tests), so that a
 * field added to `QrSessionRecord` is given its default in one place.
 */
import { randomUUID } from 'node:crypto';
import { QrStatus } from '@scanlogin/protocol';
import type { QrSessionRecord } from '../../src/domain/ports.js';

/** The instant the records are made at; tests pass `now` relative to it. */
export const T0 = Date.UTC(2026, 0, 1);

/**
 * A pending code made at {@link T0} that lives two minutes, with a random
 * id of its own (also its public id) and nothing else set; `over` replaces
 * any field.
 */
export function qrSession(over: Partial<QrSessionRecord> = {}): QrSessionRecord {
  const random = over.random ?? `qr-${randomUUID()}`;
  return {
    random,
    publicId: random,
    publicIdExpiresAt: null,
    appId: 'app-1',
    poolId: 'pool-1',
    status: QrStatus.Pending,
    createdAt: T0,
    expiresAt: T0 + 120_000,
    customData: null,
    withCustomData: false,
    pageContext: null,
    errorCode: null,
    approverSessionId: null,
    userId: null,
    ticket: null,
    ticketExpiresAt: null,
    ticketUsed: false,
    seq: 0,
    requestContext: null,
    checkCode: null,
    checkChoices: null,
    bindingHash: null,
    ...over,
  };
}
