/**
 * Issue 13, finding 8: a lone surrogate ("\ud800") in a user's customData
 * was a 500 on PostgreSQL, and in a username it was stored as U+FFFD there
 * but kept as is on SQLite. Now text must be well-formed Unicode everywhere:
 * a 400 in the envelope on every backend, and nothing is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  admin,
  appLogin,
  assertError,
  assertOk,
  basic,
  call,
  generate,
  type Json,
  type TestServer,
} from './helpers.js';
import { backends } from './support/backends.js';

const LONE = ['\ud800', 'a\udfffb', 'x\ud83d', '\ude00y'];
const PAIR = 'ok 😀';

/** A body with one text value replaced, as the JSON a client sends (lone surrogates escaped). */
const raw = (value: unknown) => JSON.stringify(value);
const json = { 'content-type': 'application/json' };

for (const backend of backends())
  describe(`lone surrogates are refused (${backend.name})`, () => {
    let s: TestServer;
    let pool: string;
    let alice: string;
    before(async () => {
      s = await backend.start();
      pool = s.seed.pool.id;
      alice = await appLogin(s);
    });
    after(() => s?.close());

    const users = async () =>
      assertOk(await admin(s, 'GET', `/api/admin/users?userPoolId=${pool}`)) as Json[];
    const adminRaw = (method: string, path: string, body: unknown) =>
      call(s.url, method, path, {
        raw: raw(body),
        headers: { ...json, authorization: `Bearer ${s.seed.adminToken}` },
      });

    it('a well-formed pair still passes (the rule is not "no astral characters")', async () => {
      const created = assertOk(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: pool,
          username: `pair-${Date.now()}`,
          nickname: PAIR,
          customData: { [PAIR]: PAIR },
        }),
        201,
      );
      assert.equal(created.nickname, PAIR);
      assert.deepEqual(assertOk(await admin(s, 'GET', `/api/admin/users/${created.id}`)).customData, {
        [PAIR]: PAIR,
      });
    });

    it('admin user create: every string field, customData keys and values: 400, nothing stored', async () => {
      const before = await users();
      const base = { userPoolId: pool, username: 'surrogate-target', password: 'long-enough-password' };
      const bodies: Json[] = [];
      for (const bad of LONE) {
        for (const field of ['username', 'email', 'phone', 'password', 'nickname', 'photo', 'userPoolId']) {
          bodies.push({ ...base, [field]: field === 'password' ? `${bad}-long-enough` : bad });
        }
        bodies.push({ ...base, customData: { note: bad } });
        bodies.push({ ...base, customData: { [bad]: 'value' } });
        bodies.push({ ...base, customData: { deep: [{ list: ['fine', bad] }] } });
        bodies.push({ ...base, customData: { deep: { [`k${bad}`]: 1 } } });
      }
      const answers = await Promise.all(bodies.map((b) => adminRaw('POST', '/api/admin/users', b)));
      answers.forEach((a, i) => {
        assertError(a, 'INVALID_REQUEST');
        assert.match(a.body.message, /well-formed Unicode/, JSON.stringify(bodies[i]));
      });
      assert.deepEqual(await users(), before, 'nothing was stored');
    });

    it('admin user update: every string field, customData keys and values: 400, the user unchanged', async () => {
      const target = assertOk(
        await admin(s, 'POST', '/api/admin/users', {
          userPoolId: pool,
          username: 'surrogate-update',
          nickname: 'Before',
          customData: { keep: 'me' },
        }),
        201,
      );
      const stored = assertOk(await admin(s, 'GET', `/api/admin/users/${target.id}`));
      const patches: Json[] = [];
      for (const bad of LONE) {
        for (const field of ['username', 'email', 'phone', 'nickname', 'photo'])
          patches.push({ [field]: bad });
        patches.push({ password: `${bad}-long-enough` });
        patches.push({ customData: { note: bad } });
        patches.push({ customData: { [bad]: 1 } });
      }
      const answers = await Promise.all(
        patches.map((p) => adminRaw('PATCH', `/api/admin/users/${target.id}`, p)),
      );
      for (const a of answers) assertError(a, 'INVALID_REQUEST');
      assert.deepEqual(assertOk(await admin(s, 'GET', `/api/admin/users/${target.id}`)), stored);
    });

    it('pools and apps: names, logos, origins, settings: 400, nothing stored', async () => {
      const pools = assertOk(await admin(s, 'GET', '/api/admin/pools')) as Json[];
      const apps = assertOk(await admin(s, 'GET', `/api/admin/apps?userPoolId=${pool}`)) as Json[];
      const answers = [];
      for (const bad of LONE) {
        answers.push(
          await adminRaw('POST', '/api/admin/pools', { name: bad }),
          await adminRaw('PATCH', `/api/admin/pools/${pool}`, { name: bad }),
          await adminRaw('POST', '/api/admin/apps', { userPoolId: pool, name: bad }),
          await adminRaw('POST', '/api/admin/apps', { userPoolId: pool, name: 'n', logo: bad }),
          await adminRaw('POST', '/api/admin/apps', {
            userPoolId: pool,
            name: 'n',
            allowedOrigins: [`https://${bad}.test`],
          }),
          await adminRaw('PATCH', `/api/admin/apps/${s.seed.app.id}`, { name: bad }),
        );
      }
      for (const a of answers) assertError(a, 'INVALID_REQUEST');
      assert.deepEqual(assertOk(await admin(s, 'GET', '/api/admin/pools')), pools);
      assert.deepEqual(assertOk(await admin(s, 'GET', `/api/admin/apps?userPoolId=${pool}`)), apps);
    });

    it('the public routes that take text: gene, login, app calls, exchange, token validation', async () => {
      const app = s.seed.app.id;
      const { random } = await generate(s);
      const answers = [];
      for (const bad of LONE) {
        const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
          call(s.url, 'POST', path, { raw: raw(body), headers: { ...json, ...headers } });
        answers.push(
          await send(
            '/api/v2/qrcode/gene',
            { scene: 'APP_AUTH', params: { note: bad } },
            { 'x-authing-app-id': app },
          ),
          await send('/api/v2/qrcode/gene', { customData: { [bad]: 1 } }, { 'x-authing-app-id': app }),
          await send('/api/v2/qrcode/gene', { context: { k: bad } }, { 'x-authing-app-id': app }),
          await send('/api/v2/qrcode/gene', { extIdpConnId: bad }, { 'x-authing-app-id': app }),
          await send('/api/v2/login/account', { account: bad, password: 'x' }, { 'x-authing-app-id': app }),
          await send(
            '/api/v2/login/account',
            { account: 'alice', password: bad },
            { 'x-authing-app-id': app },
          ),
          await send('/api/v2/qrcode/scanned', { random: `${random}${bad}` }, { authorization: alice }),
          await send('/api/v2/qrcode/confirm', { random: bad }, { authorization: alice }),
          await send('/api/v2/qrcode/cancel', { random: bad }, { authorization: alice }),
          await send('/api/v2/qrcode/step-up', { random, password: bad }, { authorization: alice }),
          await send('/api/v2/qrcode/rotate', { random: bad }),
          await send(
            '/api/v2/qrcode/userinfo',
            { ticket: bad },
            { authorization: basic(app, s.seed.app.secret) },
          ),
          await send('/api/v2/token/validate', { token: bad }),
        );
      }
      for (const a of answers) assertError(a, 'INVALID_REQUEST');
      // The code was never touched by any of it.
      assert.equal(assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`)).status, 0);
    });

    it('a surrogate encoded in a URL (CESU-8 bytes) never reaches a handler as one: no 500', async () => {
      // Such bytes do not decode as UTF-8, so the router and the query parser keep them escaped.
      const cesu = '%ED%A0%80';
      for (const path of [
        `/api/v2/qrcode/check?random=${cesu}`,
        `/api/v2/qrcode/events?random=${cesu}`,
        `/api/v2/qrcode/context?random=${cesu}`,
        `/api/v2/qrcode/image/${cesu}.png`,
        `/api/admin/users/${cesu}`,
        `/api/admin/users?userPoolId=${cesu}`,
      ]) {
        const a = await call(s.url, 'GET', path, {
          headers: { authorization: path.startsWith('/api/admin') ? `Bearer ${s.seed.adminToken}` : alice },
        });
        assert.ok(a.status < 500, `${path}: ${a.status} ${JSON.stringify(a.body)}`);
        assert.deepEqual(Object.keys(a.body).sort(), ['code', 'data', 'message'], path);
        if (a.status >= 400) assert.equal(a.body.data, null, path);
        else assert.deepEqual(a.body.data, [], `${path}: nothing matches`);
      }
    });
  });
