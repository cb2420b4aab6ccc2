// A website's backend as an integrator writes it with the published packages:
// copied into a project where they were installed from their tarballs and run
// there with plain `node` (see e2e/packages.test.ts). It serves the login page
// (with page.js, bundled from @scanlogin/web-sdk), redeems the ticket the page
// hands it with the app secret, and keeps the website token in an HttpOnly
// cookie. @scanlogin/verify is loaded both ways a backend can load it: the
// ticket route checks the fresh token with the ES module build (`import`),
// /me checks the cookie on later requests with the CommonJS build (`require()`).
//
// Settings: SCANLOGIN_URL, SCANLOGIN_APP_ID, SCANLOGIN_APP_SECRET, PORT.
// Prints one JSON line when it listens: { url, esm, cjs } (the files each form resolved to).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createVerifier as createVerifierEsm, TokenVerificationError } from '@scanlogin/verify';

const require = createRequire(import.meta.url);
const cjs = require('@scanlogin/verify');

const serviceUrl = process.env.SCANLOGIN_URL;
const appId = process.env.SCANLOGIN_APP_ID;
const appSecret = process.env.SCANLOGIN_APP_SECRET;
const options = { issuer: serviceUrl, audience: appId };
const verifyImported = createVerifierEsm(options);
const verifyRequired = cjs.createVerifier(options);

const page = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Packages check</title>
<div id="qrcode" data-app-id="${appId}" data-app-host="${serviceUrl}"></div>
<p id="who" data-state="signed-out"></p>
<script src="/page.js"></script>
</html>`;
const pageJs = readFileSync(fileURLToPath(new URL('page.bundle.js', import.meta.url)));

const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

async function readJson(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 4096) return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Redeems the ticket, server to server, with the app secret: the ticket alone is not enough. */
async function redeem(ticket) {
  const res = await fetch(`${serviceUrl}/api/v2/qrcode/userinfo`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}`,
    },
    body: JSON.stringify({ ticket }),
  });
  const answer = await res.json();
  return answer.code === 200 ? answer.data : null;
}

function sessionCookie(req) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'session') return value.join('=');
  }
  return null;
}

const server = createServer(async (req, res) => {
  try {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (req.method === 'GET' && path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(pageJs);
    } else if (req.method === 'POST' && path === '/ticket') {
      const body = await readJson(req);
      if (typeof body?.ticket !== 'string' || !body.ticket)
        return send(res, 400, { error: 'ticket required' });
      const user = await redeem(body.ticket);
      if (!user) return send(res, 401, { error: 'the ticket was refused' });
      const claims = await verifyImported(user.token);
      const maxAge = claims.exp - Math.floor(Date.now() / 1000);
      send(
        res,
        200,
        { nickname: user.nickname, sub: claims.sub },
        { 'set-cookie': `session=${user.token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAge}` },
      );
    } else if (req.method === 'GET' && path === '/me') {
      const token = sessionCookie(req);
      if (!token) return send(res, 401, { error: 'not signed in' });
      const claims = await verifyRequired(token).catch((err) => {
        if (err instanceof cjs.TokenVerificationError) return null;
        throw err;
      });
      if (!claims) return send(res, 401, { error: 'invalid session' });
      send(res, 200, { sub: claims.sub, aud: claims.aud, verifiedWith: 'require' });
    } else send(res, 404, { error: 'not found' });
  } catch (err) {
    // Only a bug lands here; say so in the output the test shows when it fails.
    console.error(err instanceof TokenVerificationError ? `token refused: ${err.message}` : err);
    if (!res.headersSent) send(res, 500, { error: 'internal' });
  }
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(
    JSON.stringify({
      url: `http://127.0.0.1:${server.address().port}`,
      esm: fileURLToPath(import.meta.resolve('@scanlogin/verify')),
      cjs: require.resolve('@scanlogin/verify'),
    }),
  );
});
