/**
 * Secrets never reach the logs: run a whole login with logging at `trace`,
 * then look for every secret of the flow in what was written.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { firstStart } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/load.js';
import { buildHttp, loggerOptions } from '../src/http/app.js';
import { createRuntime } from '../src/runtime.js';
import type { Runtime } from '../src/services.js';
import { basic, call, freePort, type Json } from './helpers.js';
import { LineLog } from './support/signals.js';

describe('logs', () => {
  const log = new LineLog();
  const sink = new Writable({
    write(chunk, _enc, done) {
      log.feed(String(chunk));
      done();
    },
  });
  let services: Runtime;
  let app: Awaited<ReturnType<typeof buildHttp>>;
  let url: string;

  before(async () => {
    const port = await freePort();
    services = await createRuntime(
      loadConfig({ DATABASE_FILE: ':memory:', PORT: String(port), LOG_LEVEL: 'trace' }),
    );
    app = await buildHttp(services, { logger: { ...(loggerOptions('trace') as object), stream: sink } });
    await app.listen({ host: '127.0.0.1', port });
    url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  it('hold no password, token, ticket, QR id or app secret after a whole login', async () => {
    const seed = (await firstStart(services))!;
    const appId = seed.app!.id;
    const secret = seed.app!.secret;
    const login = await call(url, 'POST', '/api/v2/login/account', {
      body: { account: 'alice', password: 'alice-demo-pass' },
      headers: { 'x-authing-app-id': appId },
    });
    const token = login.body.data.token as string;
    const gene = await call(url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': appId },
    });
    const random = gene.body.data.random as string;
    await call(url, 'GET', `/api/v2/qrcode/check?random=${random}`);
    await call(url, 'POST', '/api/v2/qrcode/scanned', {
      body: { random },
      headers: { authorization: token },
    });
    await call(url, 'POST', '/api/v2/qrcode/confirm', {
      body: { random },
      headers: { authorization: `Bearer ${token}` },
    });
    const ticket = (await call(url, 'GET', `/api/v2/qrcode/check?random=${random}`)).body.data
      .ticket as string;
    const user = await call(url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket },
      headers: { authorization: basic(appId, secret) },
    });
    const webToken = user.body.data.token as string;
    // authing-js-sdk's GraphQL login (right and wrong password), and signing out.
    const gql = async (password: string) =>
      (
        await call(url, 'POST', '/graphql/v2', {
          body: {
            query:
              'mutation loginByEmail($input: LoginByEmailInput!) { loginByEmail(input: $input) { id token } }',
            variables: { input: { email: 'alice@example.com', password } },
          },
          headers: { 'x-authing-app-id': appId },
        })
      ).body as unknown as Json;
    const gqlToken = (await gql('alice-demo-pass')).data.loginByEmail.token as string;
    assert.equal((await gql('wrong-graphql-pass')).errors.length, 1);
    await call(url, 'POST', '/api/v2/logout', { headers: { authorization: `Bearer ${gqlToken}` } });
    // A failing call logs too.
    const failed = await call(url, 'POST', '/api/v2/login/account', {
      body: { account: 'alice', password: 'wrong-password-123' },
      headers: { 'x-authing-app-id': appId },
    });
    assert.equal(failed.status, 401);
    // The request line is written once the answer is sent: wait for the last
    // one, after which everything the flow logged is in.
    await log.until(
      (line) =>
        line.includes('"route":"/api/v2/login/account"') &&
        line.includes('"statusCode":401') &&
        line.includes('request completed'),
    );

    const all = log.text();
    assert.ok(log.lines.length >= 8, 'requests were logged');
    assert.match(all, /"route":"\/api\/v2\/qrcode\/check"/);
    for (const [name, value] of Object.entries({
      password: 'alice-demo-pass',
      wrongPassword: 'wrong-password-123',
      wrongGraphqlPassword: 'wrong-graphql-pass',
      token,
      gqlToken,
      webToken,
      ticket,
      random,
      secret,
      basic: basic(appId, secret).slice(6),
    })) {
      assert.ok(!all.includes(value), `${name} appears in the logs`);
    }
  });
});
