// An Express site with "scan the QR code to log in" through Scanlogin.
//
//   SCANLOGIN_URL=http://127.0.0.1:3000 SCANLOGIN_APP_ID=... SCANLOGIN_APP_SECRET=... npm start
//
// /login shows the code (the web SDK from a <script> tag); the page hands the
// one-time ticket to POST /auth/ticket, which redeems it server to server with
// the app secret and keeps the website token it gets in an HttpOnly cookie;
// every later request verifies that token with @scanlogin/verify.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createVerifier, TokenVerificationError } from '@scanlogin/verify';
import cookieParser from 'cookie-parser';
import express from 'express';

function setting(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`set ${name} (see README.md)`);
  return value;
}
/** Where the browser and this server reach the service. */
const SCANLOGIN_URL = setting('SCANLOGIN_URL').replace(/\/+$/, '');
const APP_ID = setting('SCANLOGIN_APP_ID');
const APP_SECRET = setting('SCANLOGIN_APP_SECRET');
const PORT = Number(setting('PORT', '3002'));
const HOST = setting('HOST', '127.0.0.1');

const verify = createVerifier({
  // The service's PUBLIC_URL, which it signs tokens with; the same as SCANLOGIN_URL unless this
  // server reaches the service at an internal address.
  issuer: setting('SCANLOGIN_ISSUER', SCANLOGIN_URL),
  audience: APP_ID,
  jwksUrl: `${SCANLOGIN_URL}/.well-known/jwks.json`,
});

const SESSION = 'session';
/** The user's name, for display only: who they are is the verified token's `sub`. */
const NAME = 'session_name';

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>${body}</body></html>`;

/** The signed-in user's claims, or null (no cookie, or a token that does not verify). */
async function currentUser(req) {
  const token = req.cookies[SESSION];
  if (!token) return null;
  try {
    return await verify(token);
  } catch (err) {
    if (err instanceof TokenVerificationError) return null;
    throw err;
  }
}

/** Redeems a ticket once, with the app secret: the user and a token minted for this site. */
async function redeemTicket(ticket) {
  const res = await fetch(`${SCANLOGIN_URL}/api/v2/qrcode/userinfo`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${APP_ID}:${APP_SECRET}`).toString('base64')}`,
    },
    body: JSON.stringify({ ticket }),
  });
  const answer = await res.json();
  return answer.code === 200 ? answer.data : null;
}

const app = express();
app.disable('x-powered-by');
app.use(cookieParser());
app.use(express.static(fileURLToPath(new URL('public', import.meta.url))));

// The web SDK's browser bundle, straight from the installed package (global `ScanLogin`).
const sdkBundle = createRequire(import.meta.url).resolve('@scanlogin/web-sdk/iife');
app.get('/scanlogin.js', (_req, res) => res.sendFile(sdkBundle));

app.get('/', async (req, res) => res.redirect((await currentUser(req)) ? '/profile' : '/login'));

app.get('/login', async (req, res) => {
  if (await currentUser(req)) return res.redirect('/profile');
  res.send(
    page(
      'Log in',
      `<h1>Log in</h1>
<p>Scan the code with your phone.</p>
<div id="qrcode" data-app-id="${escapeHtml(APP_ID)}" data-app-host="${escapeHtml(SCANLOGIN_URL)}"></div>
<p id="login-error" role="alert" hidden></p>
<script src="/scanlogin.js"></script>
<script src="/login.js"></script>`,
    ),
  );
});

app.post('/auth/ticket', express.json({ limit: '4kb' }), async (req, res) => {
  const ticket = req.body?.ticket;
  if (typeof ticket !== 'string' || !ticket || ticket.length > 256) {
    return res.status(400).json({ message: 'ticket is required' });
  }
  const user = await redeemTicket(ticket);
  if (!user) return res.status(401).json({ message: 'the ticket was refused' });
  // The token was just minted for us; if it does not verify, the settings disagree (the issuer).
  const claims = await verify(user.token).catch(() => null);
  if (!claims) return res.status(502).json({ message: 'the token does not verify: check SCANLOGIN_ISSUER' });
  const cookie = {
    httpOnly: true,
    sameSite: 'lax',
    // HTTPS only, when served over HTTPS (behind a TLS proxy: app.set('trust proxy', 1)).
    secure: req.secure,
    path: '/',
    maxAge: claims.exp * 1000 - Date.now(),
  };
  res.cookie(SESSION, user.token, cookie);
  res.cookie(NAME, user.nickname ?? user.username ?? '', cookie);
  res.json({ ok: true });
});

app.get('/profile', async (req, res) => {
  const user = await currentUser(req);
  if (!user) return res.redirect('/login');
  res.send(
    page(
      'Profile',
      `<h1 id="welcome">Welcome, ${escapeHtml(req.cookies[NAME] || user.sub)}</h1>
<p>User id <code id="user-id">${escapeHtml(user.sub)}</code>, signed in until
<time>${new Date(user.exp * 1000).toISOString()}</time>.</p>
<form method="post" action="/logout"><button>Log out</button></form>`,
    ),
  );
});

app.post('/logout', (_req, res) => {
  res.clearCookie(SESSION, { path: '/' }).clearCookie(NAME, { path: '/' });
  res.redirect(303, '/login');
});

app.listen(PORT, HOST, () => console.log(`example site listening on http://${HOST}:${PORT}`));
