/**
 * The HTML of the provider's pages: our hosted sign-in page (QR code and
 * short code), consent, the device flow's code entry, confirmation and
 * success, logout, and errors. Plain strings, every value escaped; scripts
 * and styles come from /oidc/assets/ (a strict Content-Security-Policy, no
 * inline script or style). The only data a page passes to its script is a
 * JSON block, which browsers never execute.
 */

export const ASSETS = '/oidc/assets';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON that can sit inside a <script type="application/json"> element. */
const jsonBlock = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/**
 * Our pages' policy: scripts and styles from this origin only, fetches to
 * this origin only (the QR API and the interaction), avatars as data: or
 * https: images. No form-action: the provider's own forms (device code,
 * logout) end in redirects to the client's registered URLs.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function layout(title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${ASSETS}/pages.css">
${scripts.map((s) => `<script src="${esc(s)}" defer></script>`).join('\n')}
</head>
<body><main>
${body}
</main></body>
</html>`;
}

export interface SignInPageInput {
  clientName: string;
  clientId: string;
  issuer: string;
  uid: string;
  /** Where the browser goes back to (the redirect URI's origin), shown so the user knows. */
  returnOrigin: string | null;
  /** Whether the web SDK bundle is available; without it only the short code is offered. */
  widget: boolean;
}

/** The login interaction: the QR code to scan with the phone, or its short code to type. */
export function signInPage(p: SignInPageInput): string {
  const base = `/oidc/interaction/${encodeURIComponent(p.uid)}`;
  const config = {
    clientId: p.clientId,
    issuer: p.issuer,
    qrUrl: `${base}/qr`,
    shortCodeUrl: `${base}/short-code`,
    abortUrl: `${base}/abort`,
  };
  return layout(
    `Sign in to ${p.clientName}`,
    `<h1>Sign in to <span class="client">${esc(p.clientName)}</span></h1>
<p>Scan this code with the Scanlogin app on your phone, then approve on the phone.</p>
<div id="qrcode" class="qrcode"></div>
<section class="fallback" aria-labelledby="fallback-title">
  <h2 id="fallback-title">Can't scan?</h2>
  <p>In the app, tap <strong>Enter a code</strong> and type:</p>
  <p class="user-code"><code id="short-code">${p.widget ? '…' : 'unavailable'}</code></p>
</section>
<p id="sign-in-status" class="status" role="status" aria-live="polite"></p>
${p.returnOrigin ? `<p class="muted">After signing in you go back to <span class="origin">${esc(p.returnOrigin)}</span>.</p>` : ''}
<button id="cancel" type="button" class="quiet">Cancel sign-in</button>
<script id="sign-in-config" type="application/json">${jsonBlock(config)}</script>`,
    p.widget ? [`${ASSETS}/scanlogin.iife.js`, `${ASSETS}/sign-in.js`] : [`${ASSETS}/sign-in.js`],
  );
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are (your account id)',
  profile: 'Your name, username and picture',
  email: 'Your email address',
  phone: 'Your phone number',
  offline_access: 'Stay signed in while you are away',
};

/** Consent, when the client asked for it (`prompt=consent`). Deny is as prominent as Allow. */
export function consentPage(p: { clientName: string; uid: string; scopes: string[] }): string {
  const base = `/oidc/interaction/${encodeURIComponent(p.uid)}`;
  const items = p.scopes.map((s) => `<li>${esc(SCOPE_TEXT[s] ?? s)}</li>`).join('');
  return layout(
    `Allow ${p.clientName}?`,
    `<h1>Allow <span class="client">${esc(p.clientName)}</span>?</h1>
<p>It asks to:</p>
<ul class="scopes">${items}</ul>
<p id="consent-status" class="status" role="status" aria-live="polite"></p>
<div class="choices">
  <button id="deny" type="button" class="choice deny">Deny</button>
  <button id="allow" type="button" class="choice approve">Allow</button>
</div>
<script id="consent-config" type="application/json">${jsonBlock({ consentUrl: `${base}/consent` })}</script>`,
    [`${ASSETS}/consent.js`],
  );
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${esc(title)}</h1>\n<p>${esc(message)}</p>`);
}

/** RFC 8628's verification page: type the device's code (or arrive with it filled in). */
export function deviceInputPage(form: string, problem: string | null): string {
  return layout(
    'Sign in a device',
    `<h1>Sign in a device</h1>
<p>${problem ? `<span class="error">${esc(problem)}</span>` : 'Type the code your TV, console or terminal shows.'}</p>
${form}
<button type="submit" form="op.deviceInputForm" class="primary">Continue</button>
<p class="muted">Or open the Scanlogin app on your phone, tap <strong>Enter a code</strong> and type it there.</p>`,
  );
}

export interface DeviceConfirmInput {
  form: string;
  clientName: string;
  userCode: string;
  device: { browser: string | null; os: string | null; place: string | null; ip: string | null };
}

/** Before signing in: the device as it described itself and where it asked from. Abort as prominent as Continue. */
export function deviceConfirmPage(p: DeviceConfirmInput): string {
  const reported = [p.device.browser, p.device.os].filter(Boolean).join(' on ') || 'not reported';
  const where = [p.device.place, p.device.ip].filter(Boolean).join(' · ') || 'unknown';
  return layout(
    `Sign in to ${p.clientName} on a device?`,
    `<h1>Sign in to <span class="client">${esc(p.clientName)}</span> on a device?</h1>
<p>The device should show this code: <code class="user-code">${esc(p.userCode)}</code></p>
<dl class="facts">
  <dt>Device <span class="hint">(as it reported itself)</span></dt><dd>${esc(reported)}</dd>
  <dt>Requested from</dt><dd>${esc(where)}</dd>
</dl>
<p class="warning">If you did not just start this on a device of your own, or the code differs, choose Abort. Someone may have sent you their code to get into your account.</p>
${p.form}
<div class="choices">
  <button type="submit" form="op.deviceConfirmForm" name="abort" value="yes" class="choice deny">Abort</button>
  <button type="submit" form="op.deviceConfirmForm" class="choice approve">Continue</button>
</div>`,
  );
}

export function deviceSuccessPage(clientName: string): string {
  return messagePage(
    'Device signed in',
    `${clientName} is signed in on your device. You can close this page.`,
  );
}

export function logoutPage(form: string, clientName: string | null): string {
  return layout(
    'Sign out',
    `<h1>Sign out${clientName ? ` of <span class="client">${esc(clientName)}</span>` : ''}?</h1>
${form}
<div class="choices">
  <button type="submit" form="op.logoutForm" class="choice">Stay signed in</button>
  <button type="submit" form="op.logoutForm" name="logout" value="yes" class="choice deny" autofocus>Sign out</button>
</div>`,
  );
}
