/**
 * OpenID Connect and the device grant on PostgreSQL + Redis, with two
 * instances behind one issuer, as behind a load balancer: each step of a
 * sign-in may reach either instance (the relying party's and the device's
 * calls are sent to both in turn), and the polling pace holds across them.
 * Both instances run in this process on one ManualClock.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import { loadConfig } from '../src/config/load.js';
import { ManualClock } from '../src/domain/clock.js';
import { buildHttp } from '../src/http/app.js';
import { createRuntime } from '../src/runtime.js';
import type { Runtime } from '../src/services.js';
import {
  appAction,
  appLogin,
  assertOk,
  call,
  freePort,
  GENEROUS_LIMITS,
  startTestServer,
  type TestServer,
} from './helpers.js';
import {
  authorizationRequest,
  authorize,
  Browser,
  deviceAuthorization,
  deviceDecision,
  devicePoll,
  registerClient,
  relyingParty,
  resolveCode,
} from './support/oidc.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { startRedis, type TestRedis } from './support/redis.js';

describe('OpenID Connect on PostgreSQL + Redis, two instances behind one issuer', () => {
  const clock = new ManualClock(Date.now());
  let pg: TestPostgres;
  let redis: TestRedis;
  let a: TestServer;
  let b: { url: string; app: FastifyInstance; services: Runtime };
  let alice: string;

  before(async () => {
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    const env = {
      DATABASE_URL: await pg.createDatabase(),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `oidc-${randomUUID()}:`,
      DEVICE_POLL_INTERVAL: '1',
    };
    a = await startTestServer({ clock, env });
    // The second instance: same storage, same issuer (the first one's URL), its own port.
    const port = await freePort();
    const config = loadConfig(
      { LOG_LEVEL: 'silent', PORT: String(port), ...GENEROUS_LIMITS, ...env },
      { publicUrl: a.url },
    );
    const services = await createRuntime(config, { clock });
    const app = await buildHttp(services);
    await app.listen({ host: '127.0.0.1', port });
    b = { url: `http://127.0.0.1:${port}`, app, services };
    await registerClient(a, a.seed.app.id);
    alice = await appLogin(a, 'alice');
  });
  after(async () => {
    await b?.app.close();
    await b?.services.storage.close();
    await a?.close();
    await Promise.allSettled([pg?.stop(), redis?.stop()]);
  });

  /** Sends every other call of a client library to the second instance (a load balancer's turns). */
  function alternate(config: client.Configuration, onToken?: () => void): void {
    let turn = 0;
    config[client.customFetch] = (url, options) => {
      const target = new URL(url);
      if (target.pathname === '/oidc/token') onToken?.();
      if (turn++ % 2 === 1) target.host = new URL(b.url).host;
      return fetch(target, options as RequestInit);
    };
  }

  it('authorization code + PKCE: signed in on one instance, redeemed and refreshed on either; revocation reaches both', async () => {
    const appId = a.seed.app.id;
    const rp = await relyingParty(a, appId, a.seed.app.secret);
    alternate(rp);
    const req = await authorizationRequest(rp);
    // The browser starts at the first instance; the phone approves through the second.
    const onB = { ...a, url: b.url } as TestServer;
    const callback = await authorize(a, new Browser(), req.url, appId, async (publicId) => {
      assertOk(await appAction(onB, 'scanned', publicId, alice));
      assertOk(await appAction(onB, 'confirm', publicId, alice));
    });
    const tokens = await client.authorizationCodeGrant(rp, callback, {
      pkceCodeVerifier: req.verifier,
      expectedState: req.state,
      expectedNonce: req.nonce,
    });
    const sub = tokens.claims()!.sub;
    assert.equal((await client.fetchUserInfo(rp, tokens.access_token, sub)).name, 'Alice');
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    assert.equal((await client.fetchUserInfo(rp, refreshed.access_token, sub)).sub, sub);
    // The web session is revoked through the second instance; the first one stops the grant too.
    const sessions = assertOk(
      await call(b.url, 'GET', '/api/v2/qrcode/web-sessions', {
        headers: { authorization: alice },
        jar: false,
      }),
    );
    const ws = sessions.find((w: { app: { id: string } }) => w.app.id === appId);
    assertOk(
      await call(b.url, 'DELETE', `/api/v2/qrcode/web-sessions/${ws.id}`, {
        headers: { authorization: alice },
        jar: false,
      }),
    );
    for (const base of [a.url, b.url]) {
      const r = await fetch(`${base}/oidc/me`, {
        headers: { authorization: `Bearer ${refreshed.access_token}` },
      });
      assert.equal(r.status, 401, base);
    }
  });

  it('the device grant: polls paced across instances, approve, deny and expiry', async () => {
    const appId = a.seed.app.id;
    const secret = a.seed.app.secret;
    const onB = { ...a, url: b.url } as TestServer;
    // Pace: a poll on one instance right after one on the other is too soon.
    const paced = await deviceAuthorization(a, appId, secret);
    assert.equal((await devicePoll(a, appId, secret, paced.device_code)).body.error, 'authorization_pending');
    assert.equal((await devicePoll(onB, appId, secret, paced.device_code)).body.error, 'slow_down');

    // Approve: the companion on one instance, the stock client polling both in turns.
    const device = await relyingParty(a, appId, secret);
    let interval = 1000;
    alternate(device, () => clock.advance(interval));
    const started = await client.initiateDeviceAuthorization(device, { scope: 'openid profile' });
    assert.equal(assertOk(await resolveCode(onB, alice, started.user_code)).kind, 'device');
    const polling = client.pollDeviceAuthorizationGrant(device, started, undefined, {
      signal: new AbortController().signal,
    });
    assertOk(await deviceDecision(a, alice, 'approve', started.user_code));
    const tokens = await polling;
    assert.equal(tokens.claims()?.aud, appId);
    interval = 1000;

    const denied = await deviceAuthorization(onB, appId, secret);
    assertOk(await deviceDecision(onB, alice, 'deny', denied.user_code));
    clock.advance(1000);
    assert.equal((await devicePoll(a, appId, secret, denied.device_code)).body.error, 'access_denied');

    const late = await deviceAuthorization(a, appId, secret);
    clock.advance(late.expires_in * 1000 + 1);
    assert.equal((await devicePoll(onB, appId, secret, late.device_code)).body.error, 'expired_token');
  });
});
