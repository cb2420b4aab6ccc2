import type { KeyStore, SigningKeyRecord } from '../../domain/ports.js';
import { postgresDialect, rowsOf } from '../rows.js';
import type { Db } from './db.js';

const records = rowsOf(postgresDialect);

export class PgKeys implements KeyStore {
  constructor(private readonly db: Db) {}

  async listKeys(): Promise<SigningKeyRecord[]> {
    return (await this.db.rows('SELECT * FROM signing_keys ORDER BY created_at, kid')).map(records.key);
  }
  async insertKey(k: SigningKeyRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, retired_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt, k.retiredAt],
    );
  }
  async retireKey(kid: string, at: number): Promise<void> {
    // A key keeps the time it was first retired.
    await this.db.query('UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL', [
      kid,
      at,
    ]);
  }
  async swapPrivateJwk(kid: string, expected: string, next: string): Promise<boolean> {
    const sql = 'UPDATE signing_keys SET private_jwk = $3 WHERE kid = $1 AND private_jwk = $2';
    return (await this.db.count(sql, [kid, expected, next])) === 1;
  }
  async deleteKey(kid: string): Promise<void> {
    await this.db.query('DELETE FROM signing_keys WHERE kid = $1', [kid]);
  }
}
