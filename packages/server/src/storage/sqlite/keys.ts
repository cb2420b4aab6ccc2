/** Signing keys, in SQLite. */
import type Database from 'better-sqlite3';
import type { KeyStore, SigningKeyRecord } from '../../domain/ports.js';
import { type Row, rowsOf, sqliteDialect } from '../rows.js';
import { writeUnique } from './db.js';
import type { GroupCommit } from './group-commit.js';

const records = rowsOf(sqliteDialect);

export class SqliteKeys implements KeyStore {
  readonly #s;
  constructor(
    db: Database.Database,
    private readonly writes: GroupCommit,
  ) {
    this.#s = {
      list: db.prepare('SELECT * FROM signing_keys ORDER BY created_at, kid'),
      insert: db.prepare(
        'INSERT INTO signing_keys (kid, alg, private_jwk, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      retire: db.prepare('UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL'),
      delete: db.prepare('DELETE FROM signing_keys WHERE kid = ?'),
      swap: db.prepare('UPDATE signing_keys SET private_jwk = ? WHERE kid = ? AND private_jwk = ?'),
    };
  }
  async listKeys(): Promise<SigningKeyRecord[]> {
    return (this.#s.list.all() as Row[]).map(records.key);
  }
  insertKey(k: SigningKeyRecord): Promise<void> {
    return writeUnique(this.writes, () => {
      this.#s.insert.run(k.kid, k.alg, k.privateJwk, k.publicJwk, k.createdAt, k.retiredAt);
    });
  }
  retireKey(kid: string, at: number): Promise<void> {
    return this.writes.run(() => {
      this.#s.retire.run(at, kid);
    });
  }
  swapPrivateJwk(kid: string, expected: string, next: string): Promise<boolean> {
    return this.writes.run(() => this.#s.swap.run(next, kid, expected).changes === 1);
  }
  deleteKey(kid: string): Promise<void> {
    return this.writes.run(() => {
      this.#s.delete.run(kid);
    });
  }
}
