import type { QrSessionRecord } from '../../domain/ports.js';

/**
 * A QR session is stored as one hash with a field per record property, so the
 * scripts can read and write single fields without decoding JSON in Lua
 * (cjson would turn `[]` into `{}` and print numbers with 14 digits).
 * Every value is a string: numbers in decimal, booleans as '1'/'0', objects
 * and arrays as JSON. A null property is a missing field.
 */
type Kind = 'string' | 'number' | 'boolean' | 'json';

const FIELDS = {
  random: 'string',
  publicId: 'string',
  publicIdExpiresAt: 'number',
  appId: 'string',
  poolId: 'string',
  status: 'number',
  createdAt: 'number',
  expiresAt: 'number',
  customData: 'json',
  withCustomData: 'boolean',
  pageContext: 'json',
  errorCode: 'number',
  userId: 'string',
  ticket: 'string',
  ticketExpiresAt: 'number',
  ticketUsed: 'boolean',
  seq: 'number',
  requestContext: 'json',
  checkCode: 'number',
  checkChoices: 'json',
  bindingHash: 'string',
  approverSessionId: 'string',
} as const satisfies Record<keyof QrSessionRecord, Kind>;

function encodeValue(kind: Kind, value: unknown): string {
  switch (kind) {
    case 'string':
      return value as string;
    case 'number':
      return String(value);
    case 'boolean':
      return value ? '1' : '0';
    case 'json':
      return JSON.stringify(value);
  }
}

function decodeValue(kind: Kind, raw: string | undefined): unknown {
  if (kind === 'boolean') return raw === '1';
  if (raw === undefined) return null;
  switch (kind) {
    case 'string':
      return raw;
    case 'number':
      return Number(raw);
    case 'json':
      return JSON.parse(raw);
  }
}

/** A stored value for a property, or null when the field should be absent. */
export function encodeField<K extends keyof QrSessionRecord>(
  field: K,
  value: QrSessionRecord[K],
): string | null {
  const kind = FIELDS[field];
  return value === null || value === undefined ? (kind === 'boolean' ? '0' : null) : encodeValue(kind, value);
}

/** The record as HSET's field/value pairs (null properties left out). */
export function encodeSession(session: QrSessionRecord): string[] {
  const pairs: string[] = [];
  for (const field of Object.keys(FIELDS) as (keyof QrSessionRecord)[]) {
    const value = encodeField(field, session[field]);
    if (value !== null) pairs.push(field, value);
  }
  return pairs;
}

/** The record from HGETALL's object, or null for a missing session (an empty hash). */
export function decodeSession(hash: Record<string, string>): QrSessionRecord | null {
  if (hash.random === undefined) return null;
  const record: Record<string, unknown> = {};
  for (const [field, kind] of Object.entries(FIELDS)) record[field] = decodeValue(kind, hash[field]);
  return record as unknown as QrSessionRecord;
}

/** The record from a script's HGETALL reply (a flat [field, value, ...] array), or null for nil. */
export function decodeSessionReply(reply: unknown): QrSessionRecord | null {
  if (!Array.isArray(reply)) return null;
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) hash[String(reply[i])] = String(reply[i + 1]);
  return decodeSession(hash);
}
