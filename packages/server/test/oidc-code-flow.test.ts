/**
 * OpenID Connect, authorization code + PKCE, signed in by a QR scan. The
 * relying party is the real `openid-client` from npm; the browser is a
 * cookie jar that follows redirects hop by hop; the phone makes the app
 * calls. Time is a ManualClock: expiry is moved, never waited for.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { ManualClock } from '../src/domain/clock.js';
import {
  appLogin,
  assertError,
  assertOk,
  call,
  createTenant,
  startTestServer,
  type TestServer,
} from './helpers.js';
import {
  authorizationRequest,
  authorize,
  Browser,
  interactionUid,
  POST_LOGOUT_URI,
  qrSignIn,
  REDIRECT_URI,
  registerClient,
  relyingParty,
  resolveCode,
} from './support/oidc.js';

/** The OAuth error of a refused openid-client call. */
async function oauthError(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => assert.fail('expected the call to be refused'),
    (e: unknown) => e,
  );
  const code = (err as { error?: unknown; code?: unknown; cause?: { error?: unknown } }).error;
  return String(code ?? (err as { code?: unknown }).code ?? err);
}

/** A raw token request (what a client library would send), to see the provider's own answer. */
async function redeem(s: TestServer, appId: string, secret: string, code: string, verifier: string) {
  const res = await fetch(`${s.url}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${appId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('OpenID Connect: authorization code + PKCE, signed in by a QR scan', () => {
  const clock = new ManualClock(Date.now());
  let s: TestServer;
  let appId: string;
  let secret: string;
  let rp: client.Configuration;
  let alice: string;

  before(async () => {
    s = await startTestServer({ clock });
    appId = s.seed.app.id;
    secret = s.seed.app.secret;
    await registerClient(s, appId);
    rp = await relyingParty(s, appId, secret);
    alice = await appLogin(s, 'alice');
  });
  after(() => s?.close());

  /** A full sign-in by a new browser; returns the RP's tokens and what it needed. */
  async function signIn(browser = new Browser(), extra: Record<string, string> = {}) {
    const req = await authorizationRequest(rp, extra);
    const callback = await authorize(s, browser, req.url, appId, alice);
    const tokens = await client.authorizationCodeGrant(rp, callback, {
      pkceCodeVerifier: req.verifier,
      expectedState: req.state,
      expectedNonce: req.nonce,
    });
    return { tokens, browser, req, callback };
  }

  const webSessions = async () =>
    assertOk(
      await call(s.url, 'GET', '/api/v2/qrcode/web-sessions', {
        headers: { authorization: alice },
        jar: false,
      }),
    ) as { id: string; app: { id: string }; origin: string | null }[];

  it('discovery names every endpoint it serves, with our issuer and our keys', async () => {
    const m = rp.serverMetadata();
    assert.equal(m.issuer, s.url);
    for (const endpoint of [
      m.authorization_endpoint,
      m.token_endpoint,
      m.userinfo_endpoint,
      m.device_authorization_endpoint,
      m.end_session_endpoint,
      m.revocation_endpoint,
      m.introspection_endpoint,
    ]) {
      assert.ok(endpoint?.startsWith(`${s.url}/oidc/`), `endpoint ${endpoint}`);
      // Each is served (a request without parameters or credentials is refused, not unknown).
      const statuses = [(await fetch(endpoint!)).status, (await fetch(endpoint!, { method: 'POST' })).status];
      assert.ok(
        statuses.some((st) => st !== 404),
        `${endpoint}: ${statuses}`,
      );
    }
    assert.equal(m.jwks_uri, `${s.url}/.well-known/jwks.json`);
    assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(m.response_types_supported, ['code']);
    assert.deepEqual(m.id_token_signing_alg_values_supported, ['ES256']);
    assert.ok(m.grant_types_supported?.includes('urn:ietf:params:oauth:grant-type:device_code'));
    assert.ok(!m.grant_types_supported?.includes('implicit'));
    // The JWKS is the key ring's: the same document our own tokens are verified with.
    const jwks = await (await fetch(m.jwks_uri!)).json();
    assert.deepEqual(jwks, s.services.keys.jwks);
    // RFC 8414's name for the same document.
    const oauth = await (await fetch(`${s.url}/.well-known/oauth-authorization-server`)).json();
    assert.equal(oauth.token_endpoint, m.token_endpoint);
  });

  it('signs in: ID token validated by openid-client, userinfo, refresh, one web session of the user', async () => {
    const { tokens } = await signIn();
    const claims = tokens.claims()!;
    const user = assertOk(
      await call(s.url, 'GET', '/api/v2/qrcode/web-sessions', {
        headers: { authorization: alice },
        jar: false,
      }),
    );
    assert.equal(claims.iss, s.url);
    assert.equal(claims.aud, appId);
    assert.deepEqual(claims.amr, ['qr']);
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString());
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, s.services.keys.signer.kid, 'signed with the key ring’s current key');
    const info = await client.fetchUserInfo(rp, tokens.access_token, claims.sub);
    assert.equal(info.name, 'Alice');
    assert.equal(info.preferred_username, 'alice');
    assert.equal(info.email, 'alice@example.com');
    const refreshed = await client.refreshTokenGrant(rp, tokens.refresh_token!);
    assert.equal((await client.fetchUserInfo(rp, refreshed.access_token, claims.sub)).sub, claims.sub);
    // The sign-in is one of Alice's web sessions, on the phone's list, from our sign-in page.
    assert.ok(
      user.some(
        (w: { app: { id: string }; origin: string }) =>
          w.app.id === appId && w.origin === new URL(s.url).origin,
      ),
    );
    const history = assertOk(
      await call(s.url, 'GET', '/api/v2/qrcode/history', { headers: { authorization: alice }, jar: false }),
    );
    assert.deepEqual(
      history
        .slice(0, 2)
        .map((h: { outcome: string }) => h.outcome)
        .sort(),
      ['approved', 'redeemed'],
    );
    // An ID token is not one of our tokens: the wire's validation refuses it.
    const validate = await call(s.url, 'POST', '/api/v2/token/validate', {
      body: { token: tokens.id_token },
      jar: false,
    });
    assert.notEqual(validate.body.data?.active, true);
  });

  it('signs with the key ring: a rotated key is published at once and signs ID tokens once active', async () => {
    const keys = s.services.keys;
    const old = keys.signer.kid;
    const fresh = await keys.rotate();
    const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid;
    const published = (await (await fetch(`${s.url}/.well-known/jwks.json`)).json()).keys.map(
      (k: { kid: string }) => k.kid,
    );
    assert.ok(published.includes(old) && published.includes(fresh), 'both keys published');
    assert.equal(kidOf((await signIn()).tokens.id_token!), old, 'the new key does not sign yet');
    clock.advance(s.services.config.keyActivationDelay * 1000 + 1000);
    const after = (await signIn()).tokens;
    assert.equal(kidOf(after.id_token!), fresh, 'the provider follows the key ring');
    // Our own tokens are signed by the same key at the same moment.
    assert.equal(kidOf(await appLogin(s, 'bob')), fresh);
  });

  it('a tampered state is refused by the relying party, a wrong PKCE verifier by the provider', async () => {
    const req = await authorizationRequest(rp);
    const callback = await authorize(s, new Browser(), req.url, appId, alice);
    const tampered = new URL(callback);
    tampered.searchParams.set('state', client.randomState());
    await assert.rejects(
      client.authorizationCodeGrant(rp, tampered, {
        pkceCodeVerifier: req.verifier,
        expectedState: req.state,
      }),
      (err: Error) => /state/.test(String((err.cause as Error | undefined)?.message)),
    );
    assert.equal(
      await oauthError(
        client.authorizationCodeGrant(rp, callback, {
          pkceCodeVerifier: client.randomPKCECodeVerifier(),
          expectedState: req.state,
        }),
      ),
      'invalid_grant',
    );
  });

  it('refuses an authorization request without PKCE, and one with an unregistered redirect_uri', async () => {
    const browser = new Browser();
    const noPkce = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state: 's',
    });
    const hop = await browser.request(noPkce);
    assert.equal(new URL(hop.location!).searchParams.get('error'), 'invalid_request');
    // A redirect URI the app did not register: an error page here, never a redirect there.
    const req = await authorizationRequest(rp, { redirect_uri: 'https://evil.example/callback' });
    const page = await browser.request(req.url);
    assert.equal(page.location, null);
    assert.equal(page.status, 400);
    assert.match(page.body, /redirect_uri/);
  });

  it('refuses client authentication with a wrong secret, and with the stored hash presented as the secret', async () => {
    const req = await authorizationRequest(rp);
    const callback = await authorize(s, new Browser(), req.url, appId, alice);
    const code = callback.searchParams.get('code')!;
    const hash = createHash('sha256').update(secret).digest('hex');
    for (const wrong of ['not-the-secret', hash]) {
      const r = await redeem(s, appId, wrong, code, req.verifier);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_client');
    }
    // The refused attempts spent nothing: the right secret still redeems the code.
    const ok = await redeem(s, appId, secret, code, req.verifier);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  it('a code redeemed twice at once has one winner; a replay revokes what the first one got', async () => {
    const req = await authorizationRequest(rp);
    const callback = await authorize(s, new Browser(), req.url, appId, alice);
    const code = callback.searchParams.get('code')!;
    const [a, b] = await Promise.all([
      redeem(s, appId, secret, code, req.verifier),
      redeem(s, appId, secret, code, req.verifier),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 400]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    assert.equal(loser.body.error, 'invalid_grant');
    // RFC 6749 §4.1.2: the tokens issued for a replayed code are revoked.
    const info = await fetch(`${s.url}/oidc/me`, {
      headers: { authorization: `Bearer ${winner.body.access_token}` },
    });
    assert.equal(info.status, 401);
  });

  it('an authorization code expires on the service clock (no waiting)', async () => {
    const req = await authorizationRequest(rp);
    const callback = await authorize(s, new Browser(), req.url, appId, alice);
    clock.advance(61_000);
    const r = await redeem(s, appId, secret, callback.searchParams.get('code')!, req.verifier);
    assert.equal(r.body.error, 'invalid_grant');
  });

  it('revoking the web session on the phone ends the grant: refresh, userinfo and introspection stop, the browser must scan again', async () => {
    const before = new Set((await webSessions()).map((w) => w.id));
    const { tokens, browser } = await signIn();
    const fresh = (await webSessions()).filter((w) => !before.has(w.id));
    assert.equal(fresh.length, 1, 'one new web session');
    assertOk(
      await call(s.url, 'DELETE', `/api/v2/qrcode/web-sessions/${fresh[0]!.id}`, {
        headers: { authorization: alice },
        jar: false,
      }),
    );
    assert.equal(await oauthError(client.refreshTokenGrant(rp, tokens.refresh_token!)), 'invalid_grant');
    const info = await fetch(`${s.url}/oidc/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(info.status, 401);
    const intro = await client.tokenIntrospection(rp, tokens.access_token);
    assert.equal(intro.active, false);
    // The same browser asks again: the sign-in page, not a silent redirect.
    const again = await browser.follow((await authorizationRequest(rp)).url, s.url);
    assert.equal(again.status, 200);
    assert.match(again.body, /Sign in to/);
  });

  it('the same browser is signed in again without a scan while its sign-in lives; another client needs its own', async () => {
    const { browser } = await signIn();
    const again = await browser.follow((await authorizationRequest(rp)).url, s.url);
    assert.ok(again.location?.startsWith(REDIRECT_URI), 'straight back to the client with a code');
    assert.ok(new URL(again.location!).searchParams.get('code'));
    const tenant = await createTenant(s);
    await registerClient(s, tenant.appId);
    const other = await relyingParty(s, tenant.appId, tenant.appSecret);
    const page = await browser.follow((await authorizationRequest(other)).url, s.url);
    assert.equal(page.status, 200);
    assert.match(page.body, /Sign in to/);
  });

  it('RP-initiated logout ends the browser session, the grant and the web session', async () => {
    const before = new Set((await webSessions()).map((w) => w.id));
    const { tokens, browser } = await signIn();
    assert.equal((await webSessions()).filter((w) => !before.has(w.id)).length, 1);
    const logoutUrl = client.buildEndSessionUrl(rp, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: 'bye',
    });
    const page = await browser.follow(logoutUrl, s.url);
    assert.equal(page.status, 200);
    const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(action && xsrf, 'the logout form');
    const confirmed = await browser.request(new URL(action!.replaceAll('&amp;', '&'), s.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }),
    });
    // The provider's last hop is the client's post-logout URI (nobody listens there in this test).
    let hop = confirmed;
    while (hop.location && new URL(hop.location).origin === new URL(s.url).origin)
      hop = await browser.request(hop.location);
    assert.ok(hop.location?.startsWith(POST_LOGOUT_URI), `back to the client: ${hop.location}`);
    assert.equal(await oauthError(client.refreshTokenGrant(rp, tokens.refresh_token!)), 'invalid_grant');
    assert.equal(
      (await webSessions()).filter((w) => !before.has(w.id)).length,
      0,
      'the web session ended too',
    );
    const again = await browser.follow((await authorizationRequest(rp)).url, s.url);
    assert.match(again.body, /Sign in to/);
  });

  it('asks consent when the client asks for it: Allow issues the code, Deny answers access_denied and undoes the sign-in', async () => {
    for (const allow of [true, false]) {
      const before = new Set((await webSessions()).map((w) => w.id));
      const browser = new Browser();
      const req = await authorizationRequest(rp, {
        prompt: 'consent',
        scope: 'openid profile offline_access',
      });
      const page = await browser.follow(req.url, s.url);
      const { redirectTo } = await qrSignIn(s, browser, page.url, appId, alice);
      const consent = await browser.follow(redirectTo, s.url);
      assert.match(consent.body, /Allow/);
      const answer = await browser.pageCall(s, `/oidc/interaction/${interactionUid(consent.url)}/consent`, {
        allow,
      });
      const back = await browser.follow(answer.body.data.redirectTo, s.url);
      const callback = new URL(back.location!);
      const fresh = (await webSessions()).filter((w) => !before.has(w.id));
      if (allow) {
        const tokens = await client.authorizationCodeGrant(rp, callback, {
          pkceCodeVerifier: req.verifier,
          expectedState: req.state,
          expectedNonce: req.nonce,
        });
        assert.ok(tokens.refresh_token);
        assert.match(tokens.scope ?? '', /offline_access/);
        assert.equal(fresh.length, 1);
      } else {
        assert.equal(callback.searchParams.get('error'), 'access_denied');
        assert.equal(fresh.length, 0, 'the sign-in that led here is revoked');
      }
    }
  });

  it('Cancel on the sign-in page answers the client access_denied', async () => {
    const browser = new Browser();
    const page = await browser.follow((await authorizationRequest(rp)).url, s.url);
    const answer = await browser.pageCall(s, `/oidc/interaction/${interactionUid(page.url)}/abort`);
    const back = await browser.follow(answer.body.data.redirectTo, s.url);
    assert.equal(new URL(back.location!).searchParams.get('error'), 'access_denied');
  });

  it("the page's short code stands for its QR code: the phone types it instead of scanning", async () => {
    const browser = new Browser();
    const req = await authorizationRequest(rp);
    const page = await browser.follow(req.url, s.url);
    const uid = interactionUid(page.url);
    const { redirectTo } = await qrSignIn(s, browser, page.url, appId, async (publicId, random) => {
      // The page asks for the letters of the code it shows (by its `random`, which only it knows).
      const short = await browser.pageCall(s, `/oidc/interaction/${uid}/short-code`, { random });
      assert.equal(short.body.code, 200, JSON.stringify(short.body));
      assert.match(short.body.data.code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      // The phone: "Enter a code", typed in lower case with a space.
      const typed = short.body.data.code.toLowerCase().replace('-', ' ');
      const resolved = assertOk(await resolveCode(s, alice, typed));
      assert.equal(resolved.kind, 'qr');
      const payload = JSON.parse(resolved.payload);
      assert.equal(payload.random, publicId, 'the code on show, signed like the QR code');
      assert.equal(typeof payload.sig, 'string');
      assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/scanned', {
          body: { random: publicId },
          headers: { authorization: alice },
          jar: false,
        }),
      );
      assertOk(
        await call(s.url, 'POST', '/api/v2/qrcode/confirm', {
          body: { random: publicId },
          headers: { authorization: alice },
          jar: false,
        }),
      );
    });
    const back = await browser.follow(redirectTo, s.url);
    const tokens = await client.authorizationCodeGrant(rp, new URL(back.location!), {
      pkceCodeVerifier: req.verifier,
      expectedState: req.state,
      expectedNonce: req.nonce,
    });
    assert.ok(tokens.id_token);
  });

  it('gives short codes only for a waiting code of this sign-in page', async () => {
    const browser = new Browser();
    const page = await browser.follow((await authorizationRequest(rp)).url, s.url);
    const uid = interactionUid(page.url);
    // A code some website made (no Origin of ours) is not this page's.
    const site = assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': appId },
        jar: false,
      }),
    );
    const r = await browser.pageCall(s, `/oidc/interaction/${uid}/short-code`, { random: site.random });
    assert.equal(r.body.code, 2243);
    // Nor another site's call to the interaction (Origin check), nor a browser without its cookie.
    const foreign = await browser.pageCall(
      s,
      `/oidc/interaction/${uid}/short-code`,
      { random: site.random },
      {
        origin: 'https://evil.example',
      },
    );
    assert.equal(foreign.body.code, 2104);
    const stranger = await new Browser().pageCall(s, `/oidc/interaction/${uid}/short-code`, {
      random: site.random,
    });
    assertError(
      { status: stranger.status, headers: stranger.headers, body: stranger.body },
      'SIGN_IN_EXPIRED',
    );
  });
});

describe('OpenID Connect with the signing keys stored sealed (KEY_ENCRYPTION_KEY)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ env: { KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') } });
  });
  after(() => s?.close());

  it('the provider signs with the opened keys, never the sealed values', async () => {
    const stored = await s.services.storage.keys.listKeys();
    assert.ok(stored.length >= 1);
    for (const k of stored) assert.match(k.privateJwk, /^sl-sealed:/);
    const appId = s.seed.app.id;
    await registerClient(s, appId);
    const rp = await relyingParty(s, appId, s.seed.app.secret);
    const req = await authorizationRequest(rp);
    const callback = await authorize(s, new Browser(), req.url, appId, await appLogin(s, 'alice'));
    const tokens = await client.authorizationCodeGrant(rp, callback, {
      pkceCodeVerifier: req.verifier,
      expectedState: req.state,
      expectedNonce: req.nonce,
    });
    // openid-client checked the signature against /.well-known/jwks.json; the key is the ring's.
    const kid = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()).kid;
    assert.equal(kid, s.services.keys.signer.kid);
  });
});
