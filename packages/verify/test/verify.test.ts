import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../server/src/domain/clock.js';
import {
  appLogin,
  basic,
  call,
  generate,
  startTestServer,
  type TestServer,
} from '../../server/test/helpers.js';
import { createVerifier, TokenVerificationError } from '../src/index.js';

describe('@scanlogin/verify against a live service', () => {
  let s: TestServer;
  let webToken: string;
  let appToken: string;
  // Real "now", but moved only by the test (jose checks expiry against the real clock).
  const clock = new ManualClock(Date.now());

  before(async () => {
    s = await startTestServer({ clock });
    appToken = await appLogin(s);
    const { random } = await generate(s);
    const auth = { authorization: appToken };
    await call(s.url, 'POST', '/api/v2/qrcode/scanned', { body: { random }, headers: auth });
    await call(s.url, 'POST', '/api/v2/qrcode/confirm', { body: { random }, headers: auth });
    const check = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`);
    const user = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket: check.body.data.ticket },
      headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
    });
    webToken = user.body.data.token;
  });
  after(() => s.close());

  it('accepts the website token, bare or with Bearer, and returns its claims', async () => {
    const verify = createVerifier({ issuer: s.services.config.publicUrl, audience: s.seed.app.id });
    const claims = await verify(webToken);
    assert.equal(claims.token_use, 'web');
    assert.equal(claims.aud, s.seed.app.id);
    assert.equal(claims.userpool_id, s.seed.pool.id);
    assert.deepEqual(claims.amr, ['qr']);
    assert.equal((await verify(`Bearer ${webToken}`)).jti, claims.jti);
  });

  it('refuses the phone token unless told to accept app tokens', async () => {
    const verify = createVerifier({ issuer: s.services.config.publicUrl, audience: s.seed.app.id });
    await assert.rejects(verify(appToken), TokenVerificationError);
    const lax = createVerifier({
      issuer: s.services.config.publicUrl,
      audience: s.seed.app.id,
      webOnly: false,
    });
    assert.equal((await lax(appToken)).token_use, 'app');
  });

  it('refuses another audience, another issuer and a tampered token', async () => {
    const other = createVerifier({ issuer: s.services.config.publicUrl, audience: 'another-app' });
    await assert.rejects(other(webToken), TokenVerificationError);
    const wrongIss = createVerifier({
      issuer: 'https://elsewhere.example',
      audience: s.seed.app.id,
      jwksUrl: `${s.url}/.well-known/jwks.json`,
    });
    await assert.rejects(wrongIss(webToken), TokenVerificationError);
    const verify = createVerifier({ issuer: s.services.config.publicUrl, audience: s.seed.app.id });
    const [h, p, sig] = webToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${sig}`;
    await assert.rejects(verify(forged), TokenVerificationError);
  });

  it('follows a key rotation: the new key is published before it signs', async () => {
    const kidOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid;
    const user = { id: 'u', poolId: s.seed.pool.id, blocked: false };
    const issue = async () =>
      (await s.services.tokens.issue({ user, audience: s.seed.app.id, use: 'web' })).token;
    const oldKid = kidOf(await issue());
    const kid = await s.services.keys.rotate();
    const jwks = await call(s.url, 'GET', '/.well-known/jwks.json');
    assert.ok((jwks.body as unknown as { keys: { kid: string }[] }).keys.some((k) => k.kid === kid));
    assert.equal(kidOf(await issue()), oldKid, 'the old key signs until the new one is widely known');

    clock.advance(s.services.config.keyActivationDelay * 1000);
    const fresh = await issue();
    assert.equal(kidOf(fresh), kid);
    const verify = createVerifier({ issuer: s.services.config.publicUrl, audience: s.seed.app.id });
    assert.equal((await verify(fresh)).sub, 'u');
    assert.equal((await verify(webToken)).token_use, 'web', 'tokens of the old key still verify');
  });

  it('with checkRevocation, a session the user signed out from the phone fails at once', async () => {
    const verify = createVerifier({
      issuer: s.services.config.publicUrl,
      audience: s.seed.app.id,
      checkRevocation: true,
      serviceUrl: s.url,
    });
    const offline = createVerifier({ issuer: s.services.config.publicUrl, audience: s.seed.app.id });
    const { sid } = await verify(webToken);
    assert.ok(sid);
    const revoked = await call(s.url, 'DELETE', `/api/v2/qrcode/web-sessions/${sid}`, {
      headers: { authorization: `Bearer ${appToken}` },
    });
    assert.equal(revoked.status, 200);
    await assert.rejects(verify(webToken), /revoked/);
    // The signature alone still checks out: that is why the online check exists.
    assert.equal((await offline(webToken)).sid, sid);
  });

  it('with checkRevocation, an unreachable service fails closed', async () => {
    const verify = createVerifier({
      issuer: s.services.config.publicUrl,
      audience: s.seed.app.id,
      checkRevocation: true,
      serviceUrl: s.url,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    await assert.rejects(verify(webToken), /could not reach/);
  });

  it('never accepts a signed QR code as a token', async () => {
    const verify = createVerifier({
      issuer: s.services.config.publicUrl,
      audience: s.seed.pool.id,
      webOnly: false,
    });
    const { payload } = await generate(s);
    await assert.rejects(verify(JSON.parse(payload).sig), TokenVerificationError);
  });
});
