/**
 * Issue 13, finding 9: the token signing keys (`privateJwk`) and the pools'
 * RSA private keys sat in plain text in the database, so a copy of it (or of
 * a backup) gave them away. With KEY_ENCRYPTION_KEY they are stored sealed
 * (AES-256-GCM); rows from before are sealed at the next start; a missing or
 * wrong key stops the start with one clear line instead of failing later or
 * producing garbage. Run on the embedded SQLite file and on PostgreSQL (+ Redis).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createLocalJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { type RunningServer, startServer } from '../src/cli/serve.js';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { KeySealer, parseKeyEncryptionKey, sealLabels } from '../src/domain/key-sealing.js';
import { call, rsaEncrypt } from './helpers.js';
import { BACKENDS } from './support/backends.js';

const ADMIN_TOKEN = `admin-${randomBytes(24).toString('hex')}`;
const newKey = () => randomBytes(32).toString('base64');
const KEY_A = newKey();
const KEY_B = randomBytes(32).toString('hex'); // the other accepted spelling

interface Row {
  id: string;
  value: string;
}

/** The private-key columns as stored: signing_keys.private_jwk and pools.rsa_private_key. */
type ReadStored = () => Promise<{ keys: Row[]; pools: Row[] }>;

const tmp = mkdtempSync(join(tmpdir(), 'scanlogin-sealed-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

for (const backend of BACKENDS) {
  describe(`private keys in plain text in the database, on ${backend.name}`, () => {
    let env: Record<string, string>;
    let readStored: ReadStored;
    let tamper: (sql: string, values: string[]) => Promise<void>;
    let appId: string;
    let closeClient = async () => {};
    after(() => closeClient());

    before(async () => {
      const dataDir = mkdtempSync(join(tmp, 'data-'));
      // DATABASE_FILE counts only without DATABASE_URL: the embedded run keeps a file of its own.
      env = {
        ...(await backend.env()),
        DATA_DIR: dataDir,
        DATABASE_FILE: join(dataDir, 'scanlogin.db'),
        ADMIN_TOKEN,
      };
      const select = {
        keys: 'SELECT kid AS id, private_jwk AS value FROM signing_keys ORDER BY kid',
        pools: 'SELECT id, rsa_private_key AS value FROM pools ORDER BY id',
      };
      if (env.DATABASE_URL) {
        const client = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 });
        closeClient = () => client.end();
        readStored = async () => ({
          keys: (await client.query<Row>(select.keys)).rows,
          pools: (await client.query<Row>(select.pools)).rows,
        });
        tamper = async (sql, values) => {
          let n = 0;
          await client.query(
            sql.replace(/\?/g, () => `$${++n}`),
            values,
          );
        };
      } else {
        const file = env.DATABASE_FILE!;
        readStored = async () => {
          const db = new Database(file, { readonly: true });
          try {
            return {
              keys: db.prepare(select.keys).all() as Row[],
              pools: db.prepare(select.pools).all() as Row[],
            };
          } finally {
            db.close();
          }
        };
        tamper = async (sql, values) => {
          const db = new Database(file);
          try {
            db.prepare(sql).run(...values);
          } finally {
            db.close();
          }
        };
      }
    });

    const start = (extra: Record<string, string> = {}) =>
      startServer(loadConfig({ LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', ...env, ...extra }), {
        quiet: true,
      });

    /** Logs alice in with a password encrypted for the pool's key, and checks the token's signature. */
    async function assertWorks(server: RunningServer): Promise<void> {
      const known = await call(server.url, 'GET', '/api/v2/.well-known', {
        headers: { 'x-authing-app-id': appId },
        jar: false,
      });
      const login = await call(server.url, 'POST', '/api/v2/login/account', {
        body: { account: 'alice', password: rsaEncrypt(known.body.data.publicKey, 'alice-demo-pass') },
        headers: { 'x-authing-app-id': appId },
        jar: false,
      });
      assert.equal(login.body.code, 200, JSON.stringify(login.body));
      const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
      const { payload } = await jwtVerify(login.body.data.token, createLocalJWKSet(jwks), {
        issuer: server.services.config.publicUrl,
      });
      assert.equal(payload.sub, login.body.data.id);
    }

    /** No stored value holds a private key in clear, only what `sealer` sealed. */
    async function assertSealed(sealer: KeySealer): Promise<void> {
      const { keys, pools } = await readStored();
      assert.ok(keys.length >= 1 && pools.length >= 1);
      for (const [rows, label] of [
        [keys, sealLabels.signingKey],
        [pools, sealLabels.poolRsaKey],
      ] as const) {
        for (const { id, value } of rows) {
          assert.ok(sealer.isCurrent(value), `${label(id)} is sealed with the current key`);
          assert.match(value, /^sl-sealed:v1:/);
          assert.doesNotMatch(value, /PRIVATE KEY|"d"|"kty"/);
          // The secret parts themselves appear nowhere in what is stored.
          const plain = sealer.open(value, label(id));
          const secret = plain.startsWith('{')
            ? (JSON.parse(plain).d as string)
            : plain.split('\n').filter((l) => l && !l.startsWith('-----'))[3]!;
          assert.ok(secret.length > 20);
          assert.equal(value.includes(secret), false);
        }
      }
    }

    const refused = async (extra: Record<string, string>, message: RegExp) => {
      await assert.rejects(start(extra), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.equal(err.problems.length, 1);
        assert.match(err.problems[0]!, message);
        assert.doesNotMatch(err.problems[0]!, /\n/);
        for (const key of [KEY_A, KEY_B]) assert.equal(err.message.includes(key), false, 'no key echoed');
        return true;
      });
    };

    it('rows stored in plain text before are sealed at the next start, and keep working', async () => {
      const first = await start();
      appId = first.firstStart!.app!.id;
      await assertWorks(first);
      const kidsBefore = (await readStored()).keys.map((k) => k.id);
      await first.close();
      assert.match((await readStored()).keys[0]!.value, /^\{/, 'plain JWK before the key is set');

      const sealed = await start({ KEY_ENCRYPTION_KEY: KEY_A });
      try {
        await assertSealed(new KeySealer(parseKeyEncryptionKey(KEY_A)));
        assert.deepEqual(
          (await readStored()).keys.map((k) => k.id),
          kidsBefore,
          'the same keys, re-sealed, not new ones',
        );
        await assertWorks(sealed);
        // Keys made from now on (a rotation, a new pool) are stored sealed from the start.
        await call(sealed.url, 'POST', '/api/admin/keys/rotate', {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        await call(sealed.url, 'POST', '/api/admin/pools', {
          body: { name: 'another pool' },
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        assert.equal((await readStored()).keys.length, kidsBefore.length + 1);
        await assertSealed(new KeySealer(parseKeyEncryptionKey(KEY_A)));
      } finally {
        await sealed.close();
      }
    });

    it('a sealed database without the key, or with another one, refuses to start in one clear line', async () => {
      await refused({}, /stored encrypted, but KEY_ENCRYPTION_KEY is not set/);
      await refused(
        { KEY_ENCRYPTION_KEY: KEY_B },
        /encrypted with a key-encryption key \(id [\w-]+\) that is neither/,
      );
      await refused(
        { KEY_ENCRYPTION_KEY: newKey(), KEY_ENCRYPTION_KEY_PREVIOUS: newKey() },
        /KEY_ENCRYPTION_KEY_PREVIOUS/,
      );
    });

    it('the key is rotated with KEY_ENCRYPTION_KEY_PREVIOUS: every row is re-sealed with the new key', async () => {
      const rotating = await start({ KEY_ENCRYPTION_KEY: KEY_B, KEY_ENCRYPTION_KEY_PREVIOUS: KEY_A });
      try {
        await assertSealed(new KeySealer(parseKeyEncryptionKey(KEY_B)));
        await assertWorks(rotating);
      } finally {
        await rotating.close();
      }
      // Once every row is re-sealed the former key may go; from then on it opens nothing.
      const rotated = await start({ KEY_ENCRYPTION_KEY: KEY_B });
      await assertWorks(rotated);
      await rotated.close();
      await refused({ KEY_ENCRYPTION_KEY: KEY_A }, /that is neither KEY_ENCRYPTION_KEY nor/);
    });

    it('a sealed value copied onto another row does not open: the start is refused, nothing is decrypted wrongly', async () => {
      const { pools } = await readStored();
      assert.ok(pools.length >= 2, 'two pools, from the test above');
      const [a, b] = pools as [Row, Row];
      await tamper('UPDATE pools SET rsa_private_key = ? WHERE id = ?', [a.value, b.id]);
      try {
        await refused(
          { KEY_ENCRYPTION_KEY: KEY_B },
          new RegExp(`RSA private key of pool ${b.id} does not decrypt.*damaged or was copied`),
        );
      } finally {
        await tamper('UPDATE pools SET rsa_private_key = ? WHERE id = ?', [b.value, b.id]);
      }
      const again = await start({ KEY_ENCRYPTION_KEY: KEY_B });
      await assertWorks(again);
      await again.close();
    });

    it('the former key alone (KEY_ENCRYPTION_KEY_PREVIOUS, no KEY_ENCRYPTION_KEY) turns encryption off', async () => {
      const plain = await start({ KEY_ENCRYPTION_KEY_PREVIOUS: KEY_B });
      try {
        await assertWorks(plain);
        const { keys, pools } = await readStored();
        for (const { value } of keys) assert.match(value, /^\{"/);
        for (const { value } of pools) assert.match(value, /^-----BEGIN PRIVATE KEY-----/);
      } finally {
        await plain.close();
      }
    });
  });
}

describe('KEY_ENCRYPTION_KEY is checked at start and never echoed', () => {
  it('takes 32 bytes as hex or base64, and refuses anything else without repeating it', () => {
    assert.equal(loadConfig({ KEY_ENCRYPTION_KEY: KEY_A }).keyEncryptionKey, KEY_A);
    assert.equal(loadConfig({ KEY_ENCRYPTION_KEY: KEY_B }).keyEncryptionKey, KEY_B);
    for (const bad of [
      'short-secret-value',
      randomBytes(16).toString('hex'),
      randomBytes(48).toString('base64'),
    ]) {
      for (const name of ['KEY_ENCRYPTION_KEY', 'KEY_ENCRYPTION_KEY_PREVIOUS']) {
        assert.throws(
          () => loadConfig({ [name]: bad }),
          (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            assert.match(err.message, new RegExp(`${name}=\\(hidden\\): expected 32 random bytes`));
            assert.equal(err.message.includes(bad), false);
            return true;
          },
        );
      }
    }
  });
});
