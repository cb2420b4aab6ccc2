// An Express site that signs users in through Scanlogin's OpenID Connect provider: the user is
// sent to the service's hosted sign-in page, scans its QR code with their phone, and comes back
// signed in. Nothing here is specific to Scanlogin; any OpenID Connect client library would do.
//
//   OIDC_ISSUER=http://127.0.0.1:3000 OIDC_CLIENT_ID=<app id> OIDC_CLIENT_SECRET=<app secret> npm start
//
// /login starts an authorization code flow with PKCE, state and nonce; /auth/callback lets
// openid-client check the answer (state, issuer), redeem the code and validate the ID token, then
// reads userinfo and keeps what it shows in a signed, HttpOnly cookie; /logout ends the session
// here and at the provider (RP-initiated logout).
import { randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express from 'express';
import * as oidc from 'openid-client';

function setting(name, fallback) {
  const value = process.env[name] || fallback;
  if (value === undefined) throw new Error(`set ${name} (see README.md)`);
  return value;
}
/** The provider: the service's PUBLIC_URL. Its discovery document is read once, at start. */
const ISSUER = new URL(setting('OIDC_ISSUER'));
const CLIENT_ID = setting('OIDC_CLIENT_ID');
const CLIENT_SECRET = setting('OIDC_CLIENT_SECRET');
const PORT = Number(setting('PORT', '3003'));
const HOST = setting('HOST', '127.0.0.1');
/** Where browsers reach this site (behind a proxy: its public https:// address). */
const BASE_URL = setting('BASE_URL', `http://${HOST}:${PORT}`).replace(/\/+$/, '');
/** The two addresses to register with the provider for this client. */
const REDIRECT_URI = `${BASE_URL}/auth/callback`;
const POST_LOGOUT_URI = `${BASE_URL}/`;
/**
 * Signs the cookies. Without SESSION_SECRET a random one is made at start, so sessions end when
 * the process does, and several processes behind one address would not accept each other's.
 */
const SESSION_SECRET = setting('SESSION_SECRET', randomBytes(32).toString('base64url'));
/** How long a sign-in lasts on this site; the provider's own session is separate. */
const SESSION_MS = 8 * 60 * 60 * 1000;

const config = await oidc.discovery(
  ISSUER,
  CLIENT_ID,
  undefined,
  // The provider registers its clients for HTTP Basic authentication at the token endpoint.
  oidc.ClientSecretBasic(CLIENT_SECRET),
  // openid-client refuses plain HTTP; allow it only when the issuer itself is http:// (a
  // provider on this machine, for development). Never with a public one.
  ISSUER.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
);

/** The sign-in under way (PKCE verifier, state, nonce): only the callback needs it. */
const TX = 'oidc_tx';
const CALLBACK_PATH = '/auth/callback';
/** The signed-in user: what userinfo said, the ID token (for logout), when it ends. */
const SESSION = 'session';
const cookieOptions = {
  httpOnly: true,
  // Lax: sent on the provider's top-level redirect back to the callback, not on cross-site posts.
  sameSite: 'lax',
  secure: BASE_URL.startsWith('https:'),
};

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>${body}</body></html>`;

/** The session from the signed cookie, or null (none, a bad signature, or over). */
function currentUser(req) {
  const s = req.signedCookies[SESSION];
  if (!s || typeof s !== 'object' || typeof s.exp !== 'number' || s.exp <= Date.now()) return null;
  return s;
}

/**
 * Whether a callback failed because of what the browser brought (a state that is not ours, a
 * used or expired code, the user cancelling at the provider): a 400 and "sign in again". Anything
 * else (the provider unreachable or misbehaving) is the site's problem, a 502.
 */
function refusedCallback(err) {
  if (err instanceof oidc.AuthorizationResponseError) return true;
  if (err instanceof oidc.ResponseBodyError) return err.error === 'invalid_grant';
  return (
    err instanceof oidc.ClientError &&
    ['OAUTH_INVALID_RESPONSE', 'OAUTH_JWT_CLAIM_COMPARISON_FAILED'].includes(err.code)
  );
}

function signInFailed(res, status, message) {
  res
    .status(status)
    .send(
      page(
        'Sign-in failed',
        `<h1>Sign-in failed</h1>\n<p id="error">${escapeHtml(message)}</p>\n<p><a href="/login">Sign in again</a></p>`,
      ),
    );
}

const app = express();
app.disable('x-powered-by');
app.use(cookieParser(SESSION_SECRET));

app.get('/', (req, res) => {
  if (currentUser(req)) return res.redirect('/profile');
  res.send(
    page(
      'Welcome',
      `<h1>Welcome</h1>\n<p id="signed-out">You are not signed in.</p>\n<p><a href="/login">Sign in with your phone</a></p>`,
    ),
  );
});

app.get('/login', async (_req, res) => {
  const tx = {
    verifier: oidc.randomPKCECodeVerifier(),
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(tx.verifier),
    code_challenge_method: 'S256',
    state: tx.state,
    nonce: tx.nonce,
  });
  // A browser-session cookie: the user may take their time finding their phone; the provider
  // bounds how long the sign-in page stays valid.
  res.cookie(TX, tx, { ...cookieOptions, signed: true, path: CALLBACK_PATH });
  res.redirect(303, url.href);
});

app.get(CALLBACK_PATH, async (req, res) => {
  const tx = req.signedCookies[TX];
  // One use, whatever happens next.
  res.clearCookie(TX, { ...cookieOptions, path: CALLBACK_PATH });
  if (!tx || typeof tx !== 'object') {
    return signInFailed(res, 400, 'No sign-in was started in this browser, or it has already finished.');
  }
  let tokens;
  let userinfo;
  try {
    // Checks state and the issuer of the answer, redeems the code with the PKCE verifier, and
    // validates the ID token (signature, issuer, audience, expiry, nonce).
    tokens = await oidc.authorizationCodeGrant(config, new URL(req.originalUrl, BASE_URL), {
      pkceCodeVerifier: tx.verifier,
      expectedState: tx.state,
      expectedNonce: tx.nonce,
      idTokenExpected: true,
    });
    // userinfo must be about the same subject as the ID token; the library checks that too.
    userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
  } catch (err) {
    console.warn(
      `sign-in callback: ${err.message}${err.cause ? ` (${err.cause.message ?? err.cause})` : ''}`,
    );
    if (refusedCallback(err)) {
      const said =
        err instanceof oidc.AuthorizationResponseError ? ` (${err.error_description ?? err.error})` : '';
      return signInFailed(res, 400, `The sign-in response was refused${said}. Start again from this site.`);
    }
    return signInFailed(res, 502, 'The sign-in could not be completed with the provider. Try again later.');
  }
  const exp = Date.now() + SESSION_MS;
  res.cookie(
    SESSION,
    { sub: userinfo.sub, userinfo, idToken: tokens.id_token, exp },
    { ...cookieOptions, signed: true, path: '/', maxAge: SESSION_MS },
  );
  res.redirect(303, '/profile');
});

app.get('/profile', (req, res) => {
  const user = currentUser(req);
  if (!user) return res.redirect('/');
  const name = user.userinfo.name ?? user.userinfo.preferred_username ?? user.sub;
  const rows = Object.entries(user.userinfo)
    .map(
      ([k, v]) =>
        `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`,
    )
    .join('\n');
  res.send(
    page(
      'Profile',
      `<h1 id="welcome">Welcome, ${escapeHtml(name)}</h1>
<p>User id <code id="user-id">${escapeHtml(user.sub)}</code>. What the provider's userinfo says:</p>
<dl id="userinfo">
${rows}
</dl>
<form method="post" action="/logout"><button>Sign out</button></form>`,
    ),
  );
});

app.post('/logout', (req, res) => {
  const user = currentUser(req);
  res.clearCookie(SESSION, { ...cookieOptions, path: '/' });
  if (!user) return res.redirect(303, '/');
  // RP-initiated logout: the provider ends its own session too (after asking the user) and sends
  // the browser back to POST_LOGOUT_URI, registered for this client.
  const url = oidc.buildEndSessionUrl(config, {
    id_token_hint: user.idToken,
    post_logout_redirect_uri: POST_LOGOUT_URI,
  });
  res.redirect(303, url.href);
});

// Anything unexpected: a plain page, never a stack trace.
app.use((err, _req, res, _next) => {
  console.error(err);
  res.status(500).send(page('Error', '<h1>Something went wrong</h1>'));
});

app.listen(PORT, HOST, () => {
  console.log(`example site listening on http://${HOST}:${PORT}`);
  console.log(`register with the provider: redirect URI ${REDIRECT_URI}, post-logout URI ${POST_LOGOUT_URI}`);
});
