/**
 * Several instances of the service (separate `scanlogin serve` processes) on
 * one throwaway PostgreSQL and one Redis, as behind a load balancer: any
 * instance answers any step of a login, and losing one mid-flow loses nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createVerifier } from '@scanlogin/verify';
import { type Answer, assertOk, basic, CookieJar, call, type Json } from './helpers.js';
import { type Instance, pollUntil, startInstance } from './support/instances.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { openSse } from './support/sse.js';

const ADMIN_TOKEN = 'cluster-admin-token-0123456789abcdef';
// What a load balancer would expose: every instance issues tokens under this one name.
const PUBLIC_URL = 'http://scanlogin.cluster.test';

describe('three instances on PostgreSQL + Redis', () => {
  let pg: TestPostgres;
  let redis: TestRedis;
  let env: Record<string, string>;
  let a: Instance;
  let b: Instance;
  let c: Instance;
  let appId: string;
  let appSecret: string;
  const password = 'dana-cluster-pass';

  const admin = (i: Instance, method: string, path: string, body?: unknown): Promise<Answer> =>
    call(i.url, method, path, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body ? { body } : {}),
    });
  const login = async (i: Instance): Promise<string> =>
    assertOk(
      await call(i.url, 'POST', '/api/v2/login/account', {
        body: { account: 'dana', password },
        headers: { 'x-authing-app-id': appId },
      }),
    ).token;
  const act = (i: Instance, action: string, random: string, token: string) =>
    call(i.url, 'POST', `/api/v2/qrcode/${action}`, {
      body: { random },
      headers: { authorization: `Bearer ${token}` },
    });
  const gene = async (i: Instance, jar: CookieJar) =>
    assertOk(
      await call(i.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': appId },
        jar,
      }),
    );
  const redeem = (i: Instance, ticket: string) =>
    call(i.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket },
      headers: { authorization: basic(appId, appSecret) },
    });

  before(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    env = {
      DATABASE_URL: await pg.createDatabase(),
      REDIS_URL: redis.url,
      PUBLIC_URL,
      ADMIN_TOKEN,
      // Keys rotated on one instance are seen by the others within a second.
      KEY_RELOAD_INTERVAL: '1',
      KEY_ACTIVATION_DELAY: '2',
    };
    // All three start at once on the empty database: migrations and first-start seeding race.
    [a, b, c] = await Promise.all([
      startInstance('a', env),
      startInstance('b', env),
      startInstance('c', env),
    ]);
    const pool = assertOk(
      await admin(a, 'POST', '/api/admin/pools', { name: 'cluster pool', proximityPolicy: 'allow' }),
      201,
    );
    const app = assertOk(
      await admin(b, 'POST', '/api/admin/apps', { userPoolId: pool.id, name: 'cluster app' }),
      201,
    );
    appId = app.id;
    appSecret = app.secret;
    assertOk(
      await admin(c, 'POST', '/api/admin/users', { userPoolId: pool.id, username: 'dana', password }),
      201,
    );
  });
  after(async () => {
    await Promise.allSettled([a, b, c].filter(Boolean).map((i) => i.stop()));
    await Promise.allSettled([pg?.stop(), redis?.stop()]);
  });

  it('instances started together on a new database seeded it once', async () => {
    const pools = assertOk(await admin(c, 'GET', '/api/admin/pools')) as Json[];
    assert.equal(pools.filter((p) => p.name === 'Default pool').length, 1);
  });

  it('a page streaming from A hears a confirm made through B; the ticket is redeemed on C; the token verifies on A', async () => {
    const page = new CookieJar();
    const code = await gene(a, page);
    const stream = await openSse(`${a.url}/api/v2/qrcode/events?random=${code.random}`, {
      cookie: page.header(),
    });
    const token = await login(b);
    assertOk(await act(b, 'scanned', code.random, token));
    const scanned = await stream.until((f) => f.data.status === 1);
    assert.equal(scanned?.data.userInfo.nickname, 'dana', 'the page shows who scanned, through A');
    assertOk(await act(b, 'confirm', code.random, token));
    const approved = await stream.until((f) => f.data.status === 2);
    await stream.close();
    assert.equal(typeof approved?.data.ticket, 'string', 'the bound page got the ticket through A');

    const user = assertOk(await redeem(c, approved!.data.ticket));
    assert.equal(user.username, 'dana');
    assert.equal(
      (await redeem(a, approved!.data.ticket)).body.code,
      2246,
      'single use across instances (TICKET_INVALID)',
    );

    const validated = assertOk(
      await call(a.url, 'POST', '/api/v2/token/validate', { body: { token: user.token } }),
    );
    assert.equal(validated.active, true);
    const verify = createVerifier({
      issuer: PUBLIC_URL,
      audience: appId,
      jwksUrl: `${a.url}/.well-known/jwks.json`,
    });
    assert.equal((await verify(user.token)).sub, user.id);
  });

  it('a key rotated on B signs on every instance, and every instance verifies its tokens', async () => {
    const kidOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid;
    const { kid } = assertOk(await admin(b, 'POST', '/api/admin/keys/rotate'));
    // The other instances learn of it at their next periodic key reload (their
    // own timers, in their own processes): asked until they publish it, without a deadline.
    for (const i of [a, c]) {
      await pollUntil(`${i.name} publishes the key made on B`, async () => {
        const jwks = (await (await fetch(`${i.url}/.well-known/jwks.json`)).json()) as {
          keys: { kid: string }[];
        };
        return jwks.keys.some((k) => k.kid === kid);
      }, [a, b, c]);
    }
    // After the activation delay every instance signs with it (until then, C keeps the old key).
    let token = '';
    await pollUntil('C signs with the key B made', async () => {
      token = await login(c);
      return kidOf(token) === kid;
    }, [a, b, c]);
    for (const i of [a, b]) {
      const v = assertOk(await call(i.url, 'POST', '/api/v2/token/validate', { body: { token } }));
      assert.equal(v.active, true, `${i.name} verifies it`);
    }
  });

  it('1,000 concurrent confirm/cancel calls spread over the instances: exactly one wins', async () => {
    const page = new CookieJar();
    const code = await gene(a, page);
    const token = await login(a);
    assertOk(await act(b, 'scanned', code.random, token));
    const instances = [a, b, c];
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        act(instances[i % 3]!, i % 2 ? 'confirm' : 'cancel', code.random, token),
      ),
    );
    assert.equal(answers.filter((r) => r.body.code === 200).length, 1);
    assert.ok(
      answers.every((r) => r.status < 500),
      'no 5xx',
    );
  });

  it('1,000 concurrent exchanges of one ticket spread over the instances: exactly one succeeds', async () => {
    const page = new CookieJar();
    const code = await gene(b, page);
    const token = await login(b);
    assertOk(await act(c, 'scanned', code.random, token));
    assertOk(await act(c, 'confirm', code.random, token));
    const { ticket } = assertOk(
      await call(a.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: page }),
    );
    const instances = [a, b, c];
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => redeem(instances[i % 3]!, ticket)),
    );
    assert.equal(answers.filter((r) => r.body.code === 200).length, 1);
    assert.ok(
      answers.every((r) => r.status < 500),
      'no 5xx',
    );
  });

  it('the instance a page streams from is killed mid-flow: the page reconnects to another and finishes', async () => {
    const spare = await startInstance('d', env);
    try {
      const page = new CookieJar();
      const code = await gene(spare, page);
      const first = await openSse(`${spare.url}/api/v2/qrcode/events?random=${code.random}`, {
        cookie: page.header(),
      });
      const token = await login(a);
      assertOk(await act(a, 'scanned', code.random, token));
      const scanned = await first.until((f) => f.data.status === 1);
      assert.ok(scanned?.id, 'frames carry ids to resume from');
      await spare.kill();
      assert.equal(await first.next(), null, 'the stream ends with its instance');

      // The browser reconnects (EventSource does, with Last-Event-ID) and the load balancer picks B.
      const second = await openSse(`${b.url}/api/v2/qrcode/events?random=${code.random}`, {
        cookie: page.header(),
        'last-event-id': scanned!.id!,
      });
      assertOk(await act(c, 'confirm', code.random, token));
      const approved = await second.until((f) => f.data.status === 2);
      await second.close();
      assert.equal(typeof approved?.data.ticket, 'string');
      assert.equal(assertOk(await redeem(a, approved!.data.ticket)).username, 'dana');
    } finally {
      await spare.kill();
    }
  });

  it('text PostgreSQL cannot store (NUL characters) is a 400 in the envelope, not a 500', async () => {
    const answers = [
      await call(a.url, 'POST', '/api/v2/login/account', {
        body: { account: 'da\u0000na', password },
        headers: { 'x-authing-app-id': appId },
      }),
      await admin(b, 'POST', '/api/admin/users', { userPoolId: 'x', username: 'nul\u0000user' }),
      await call(c.url, 'POST', '/api/v2/qrcode/gene', {
        body: { customData: { note: 'a\u0000b' } },
        headers: { 'x-authing-app-id': appId },
      }),
    ];
    for (const r of answers) {
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.code, 1001);
    }
  });

  it('a web session revoked through one instance fails validation on the others at once', async () => {
    const page = new CookieJar();
    const code = await gene(c, page);
    const token = await login(c);
    assertOk(await act(a, 'scanned', code.random, token));
    assertOk(await act(a, 'confirm', code.random, token));
    const { ticket } = assertOk(
      await call(b.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: page }),
    );
    const user = assertOk(await redeem(b, ticket));
    const sid = JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url').toString()).sid;
    assertOk(
      await call(a.url, 'DELETE', `/api/v2/qrcode/web-sessions/${sid}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    for (const i of [a, b, c]) {
      const v = assertOk(
        await call(i.url, 'POST', '/api/v2/token/validate', { body: { token: user.token } }),
      );
      assert.equal(v.active, false, `${i.name} refuses it`);
    }
  });
});
