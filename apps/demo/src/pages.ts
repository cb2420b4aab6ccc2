/** The demo's HTML. Plain strings: no template engine, no asset from another host. */

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const layout = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Scanlogin demo</title>
<style>
  :root { font-family: system-ui, sans-serif; color: #1c2430; background: #f4f6f9; }
  body { margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; border-radius: 14px; box-shadow: 0 4px 24px #0001; padding: 32px 40px; max-width: 420px; text-align: center; }
  h1 { font-size: 1.4rem; margin: 0 0 8px; }
  p { color: #4a5566; }
  #qrcode { margin: 16px auto; }
  .avatar { width: 72px; height: 72px; border-radius: 50%; }
  button { font: inherit; padding: 8px 18px; border-radius: 8px; border: 1px solid #c5ccd6; background: #fff; cursor: pointer; }
  dl { text-align: left; display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; }
  dt { color: #6b7685; } dd { margin: 0; word-break: break-all; }
</style>
</head>
<body><main>${body}</main></body>
</html>`;

export function loginPage(opts: { appId: string; appHost: string; sdkPath: string }): string {
  const config = JSON.stringify({ appId: opts.appId, appHost: opts.appHost }).replace(/</g, '\\u003c');
  return layout(
    'Log in',
    `<h1>Log in to the demo site</h1>
<p>Scan the code with the Scanlogin companion app, or any app that speaks the QR login protocol.</p>
<div id="qrcode"></div>
<details id="cant-scan"><summary>Can't scan?</summary>
  <p>The code's id, for the app calls by hand (see the README): <code id="code-random"></code></p>
</details>
<p id="login-error" role="alert" hidden></p>
<script src="${esc(opts.sdkPath)}"></script>
<script>
  const config = ${config};
  const client = new ScanLogin.AuthenticationClient({ appId: config.appId, appHost: config.appHost, lang: 'en-US' });
  client.qrcode.startScanning('qrcode', {
    autoExchangeUserInfo: false,
    // What a phone sends is the id in the picture: with rotation (the default) it is not the
    // code's random, and it changes every rotation.
    onStart: (handle) => {
      document.getElementById('code-random').textContent = handle.publicId;
    },
    onCodeRotate: (_random, publicId) => {
      document.getElementById('code-random').textContent = publicId;
    },
    onSuccess: async (userInfo, ticket) => {
      // The ticket goes to our own backend, which redeems it with the app secret.
      const res = await fetch('/auth/ticket', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ticket }),
      });
      if (res.ok) location.assign('/profile');
      else {
        const el = document.getElementById('login-error');
        el.textContent = 'Login failed: ' + (await res.json()).message;
        el.hidden = false;
      }
    },
  });
</script>`,
  );
}

export interface Profile {
  sub: string;
  nickname: string | null;
  photo: string | null;
  username: string | null;
  email: string | null;
}

export function profilePage(p: Profile, claims: { exp?: number; sid?: string }): string {
  const photo = p.photo ? `<img class="avatar" alt="" src="${esc(p.photo)}">` : '';
  return layout(
    'Your profile',
    `${photo}
<h1 id="welcome">Welcome, ${esc(p.nickname ?? p.username ?? p.sub)}</h1>
<p>You are logged in to the demo site with a session of its own.</p>
<dl>
  <dt>user id</dt><dd id="user-id">${esc(p.sub)}</dd>
  <dt>username</dt><dd>${esc(p.username)}</dd>
  <dt>email</dt><dd>${esc(p.email)}</dd>
  <dt>session</dt><dd>${esc(claims.sid)}</dd>
  <dt>expires</dt><dd>${claims.exp ? new Date(claims.exp * 1000).toISOString() : ''}</dd>
</dl>
<form method="post" action="/logout"><button type="submit">Log out</button></form>`,
  );
}
