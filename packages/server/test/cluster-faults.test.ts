/**
 * Backend outages on a running instance (`scanlogin serve` on PostgreSQL +
 * Redis): while Redis or PostgreSQL is stopped, the calls that need it answer
 * 503 STORAGE_UNAVAILABLE in the envelope with Retry-After, nothing crashes,
 * and when the backend returns the service recovers by itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Answer, assertOk, basic, CookieJar, call } from './helpers.js';
import { type Instance, startInstance, untilHealthy } from './support/instances.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { startRedis, type TestRedis } from './support/redis.js';

const ADMIN_TOKEN = 'faults-admin-token-0123456789abcdef';

describe('backend outages on PostgreSQL + Redis', () => {
  let pg: TestPostgres;
  let redis: TestRedis;
  let server: Instance;
  let appId: string;
  let appSecret: string;
  const password = 'erin-faults-pass';

  const admin = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(server.url, method, path, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body ? { body } : {}),
    });
  const login = () =>
    call(server.url, 'POST', '/api/v2/login/account', {
      body: { account: 'erin', password },
      headers: { 'x-authing-app-id': appId },
    });
  const gene = (jar: CookieJar) =>
    call(server.url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': appId },
      jar,
    });
  const act = (action: string, random: string, token: string) =>
    call(server.url, 'POST', `/api/v2/qrcode/${action}`, {
      body: { random },
      headers: { authorization: `Bearer ${token}` },
    });

  /** A whole login: code, scan, approve, ticket, redeem. */
  async function wholeLogin(): Promise<void> {
    const page = new CookieJar();
    const code = assertOk(await gene(page));
    const token = assertOk(await login()).token;
    assertOk(await act('scanned', code.random, token));
    assertOk(await act('confirm', code.random, token));
    const { ticket } = assertOk(
      await call(server.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: page }),
    );
    const user = assertOk(
      await call(server.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { authorization: basic(appId, appSecret) },
      }),
    );
    assert.equal(user.username, 'erin');
  }

  function assertUnavailable(r: Answer, what: string): void {
    assert.equal(r.status, 503, `${what}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(
      { code: r.body.code, data: r.body.data },
      { code: 5030, data: null },
      `${what} answers in the envelope`,
    );
    assert.ok(Number(r.headers.get('retry-after')) > 0, `${what} says when to retry`);
  }

  before(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    server = await startInstance('faults', {
      DATABASE_URL: await pg.createDatabase(),
      REDIS_URL: redis.url,
      ADMIN_TOKEN,
    });
    const pool = assertOk(
      await admin('POST', '/api/admin/pools', { name: 'faults', proximityPolicy: 'allow' }),
      201,
    );
    const app = assertOk(
      await admin('POST', '/api/admin/apps', { userPoolId: pool.id, name: 'faults app' }),
      201,
    );
    appId = app.id;
    appSecret = app.secret;
    assertOk(
      await admin('POST', '/api/admin/users', { userPoolId: pool.id, username: 'erin', password }),
      201,
    );
    await wholeLogin();
  });
  after(async () => {
    await server?.stop();
    await Promise.allSettled([pg?.stop(), redis?.stop()]);
  });

  it('Redis stopped mid-flow: 503 in the envelope, no crash; it recovers when Redis returns', async () => {
    const page = new CookieJar();
    const code = assertOk(await gene(page));
    const token = assertOk(await login()).token;
    assertOk(await act('scanned', code.random, token));

    const outage = server.stderr.mark();
    await redis.stopServer();
    // The instance has noticed: both of its connections report the loss.
    await Promise.all([
      server.untilStderr('redis (commands) unavailable', outage),
      server.untilStderr('redis (events) unavailable', outage),
    ]);
    assertUnavailable(await act('confirm', code.random, token), 'confirm');
    assertUnavailable(
      await call(server.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: page }),
      'check',
    );
    assertUnavailable(await gene(new CookieJar()), 'gene');
    assertUnavailable(await call(server.url, 'GET', '/health'), 'health');
    // The durable side still answers what needs only it.
    assert.equal((await admin('GET', '/api/admin/pools')).status, 200);

    await redis.startServerAgain();
    // It comes back by itself: both connections report it, and then it is healthy.
    await Promise.all([
      server.untilStderr('redis (commands) available again', outage),
      server.untilStderr('redis (events) available again', outage),
    ]);
    assertOk(await call(server.url, 'GET', '/health'));
    await wholeLogin();
    assert.ok(server.running(), 'still the same process');
    // Crashes, unhandled rejections and ioredis's own error reports go to stderr,
    // which the process writes synchronously: whatever the outage made it write
    // there came before the 'available again' lines awaited above, so it is in
    // the output already. (A failed request would have failed the answers above.)
    assert.equal(server.output().includes('Error:'), false, 'nothing crashed or went unhandled');
  });

  it('PostgreSQL stopped mid-flow: 503 in the envelope, no crash; it recovers when PostgreSQL returns', async () => {
    const token = assertOk(await login()).token;
    await pg.stopServer();
    assertUnavailable(await login(), 'login');
    assertUnavailable(await admin('GET', '/api/admin/pools'), 'admin');
    assertUnavailable(await call(server.url, 'GET', '/health'), 'health');
    // An app call: the token is verified with the keys in memory, the user is read from PostgreSQL.
    const page = new CookieJar();
    const code = await gene(page);
    if (code.status === 200) assertUnavailable(await act('scanned', code.body.data.random, token), 'scanned');
    else assertUnavailable(code, 'gene');

    await pg.startServerAgain();
    // It comes back by itself (asked until it says so; no deadline, fails if the process exits).
    await untilHealthy(server);
    await wholeLogin();
    assert.ok(server.running(), 'still the same process');
  });
});
