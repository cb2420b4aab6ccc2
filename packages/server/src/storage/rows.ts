/**
 * Rows to records, once for both SQL adapters. SQLite and PostgreSQL hold the
 * same tables with the same column names (see their migrations); they differ
 * only in how a row comes back: JSON as text or already decoded (jsonb),
 * booleans as 0/1 or true/false. A `Dialect` says which; everything else is
 * shared, so a field added to a record is mapped in one place.
 */
import {
  type AppRecord,
  type AppSessionRecord,
  type AuditRecord,
  DEFAULT_POOL_SECURITY,
  type PoolRecord,
  type SigningKeyRecord,
  type UserRecord,
  type WebSessionRecord,
} from '../domain/ports.js';

export type Row = Record<string, unknown>;

/** How one database returns what has no plain column type. */
export interface Dialect {
  /** A JSON column's value, decoded; null for SQL NULL. */
  json(value: unknown): unknown;
  bool(value: unknown): boolean;
}

export const sqliteDialect: Dialect = {
  json: (v) => (typeof v === 'string' ? JSON.parse(v) : null),
  bool: (v) => v === 1,
};

export const postgresDialect: Dialect = {
  json: (v) => v ?? null,
  bool: (v) => v === true,
};

const text = (v: unknown): string | null => (v as string | null) ?? null;
const time = (v: unknown): number | null => (v as number | null) ?? null;

/** The record mappers of one dialect. */
export function rowsOf(d: Dialect) {
  const object = (v: unknown): Record<string, unknown> => (d.json(v) as Record<string, unknown> | null) ?? {};
  return {
    pool: (r: Row): PoolRecord => ({
      id: r.id as string,
      name: r.name as string,
      rsaPublicKey: r.rsa_public_key as string,
      rsaPrivateKey: r.rsa_private_key as string,
      // Settings added later take their defaults in pools stored before them.
      security: { ...DEFAULT_POOL_SECURITY, ...object(r.security) },
      createdAt: r.created_at as number,
    }),
    /** `allowed_origins` comes with the row (PostgreSQL aggregates them) or separately (SQLite). */
    app: (r: Row, allowedOrigins: string[] = r.allowed_origins as string[]): AppRecord => ({
      id: r.id as string,
      poolId: r.pool_id as string,
      name: r.name as string,
      logo: text(r.logo),
      secretHash: r.secret_hash as string,
      allowedOrigins,
      qr: d.json(r.qr_settings) as AppRecord['qr'],
      createdAt: r.created_at as number,
    }),
    user: (r: Row): UserRecord => ({
      id: r.id as string,
      poolId: r.pool_id as string,
      username: text(r.username),
      email: text(r.email),
      phone: text(r.phone),
      passwordHash: text(r.password_hash),
      nickname: text(r.nickname),
      photo: text(r.photo),
      blocked: d.bool(r.blocked),
      customData: object(r.custom_data),
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    }),
    key: (r: Row): SigningKeyRecord => ({
      kid: r.kid as string,
      alg: r.alg as 'ES256',
      privateJwk: r.private_jwk as string,
      publicJwk: r.public_jwk as string,
      createdAt: r.created_at as number,
      retiredAt: time(r.retired_at),
    }),
    audit: (r: Row): AuditRecord => ({
      id: r.id as string,
      at: r.at as number,
      poolId: r.pool_id as string,
      userId: r.user_id as string,
      appId: r.app_id as string,
      random: r.random as string,
      outcome: r.outcome as AuditRecord['outcome'],
      requestContext: d.json(r.request_context) as AuditRecord['requestContext'],
      deviceIp: text(r.device_ip),
    }),
    webSession: (r: Row): WebSessionRecord => ({
      id: r.id as string,
      poolId: r.pool_id as string,
      userId: r.user_id as string,
      appId: r.app_id as string,
      random: r.random as string,
      createdAt: r.created_at as number,
      expiresAt: r.expires_at as number,
      revokedAt: time(r.revoked_at),
      requestContext: d.json(r.request_context) as WebSessionRecord['requestContext'],
    }),
    appSession: (r: Row): AppSessionRecord => ({
      id: r.id as string,
      poolId: r.pool_id as string,
      userId: r.user_id as string,
      appId: text(r.app_id),
      createdAt: r.created_at as number,
      expiresAt: r.expires_at as number,
      revokedAt: time(r.revoked_at),
      requestContext: d.json(r.request_context) as AppSessionRecord['requestContext'],
    }),
  };
}
