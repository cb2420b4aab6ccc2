/**
 * The companion web app: sign in, scan a website's login code, check where
 * the request came from, approve or deny; see and sign out the websites those
 * logins opened. Same origin as the service, so the API (and the keys that
 * codes are verified with) needs no CORS. The DOM is static (index.html);
 * this file only fills text and toggles screens, never injecting HTML.
 */
import { hasErrorName, isAuthError, ScanloginApp, type ScanResult } from '@scanlogin/app-sdk';
import {
  confirmView,
  expiryLine,
  historyView,
  signedOutLine,
  signOutEverywhereQuestion,
  webSessionView,
} from './format.js';
import { actionLabel, describeProblem, INSECURE_PAGE, type NextStep, type Stage } from './messages.js';
import { CameraError, CameraScanner, decodeImageFile } from './scanner.js';
import { clearSession, fetchHistory, loadSession, type SavedSession, saveSession } from './session.js';

const host = location.origin;
const storage = window.localStorage;

function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

const screens = [
  'loading',
  'signin',
  'home',
  'sites',
  'scan',
  'busy',
  'stepup',
  'confirm',
  'result',
] as const;
/** The code's status while the phone must re-enter the password (a request from far away). */
const STATUS_STEP_UP = 4;
type Screen = (typeof screens)[number];

const ui = {
  announce: $('announce'),
  offline: $('offline'),
  logout: $<HTMLButtonElement>('logout'),
  signinForm: $<HTMLFormElement>('signin-form'),
  account: $<HTMLInputElement>('account'),
  password: $<HTMLInputElement>('password'),
  signinError: $('signin-error'),
  signinSubmit: $<HTMLButtonElement>('signin-submit'),
  homeName: $('home-name'),
  scanStart: $<HTMLButtonElement>('scan-start'),
  historyRefresh: $<HTMLButtonElement>('history-refresh'),
  historyStatus: $('history-status'),
  historyList: $('history-list'),
  sitesOpen: $<HTMLButtonElement>('sites-open'),
  sitesRefresh: $<HTMLButtonElement>('sites-refresh'),
  sitesStatus: $('sites-status'),
  sitesList: $('sites-list'),
  sitesAll: $('sites-all'),
  sitesRevokeAll: $<HTMLButtonElement>('sites-revoke-all'),
  sitesConfirm: $('sites-confirm'),
  sitesConfirmText: $('sites-confirm-text'),
  sitesConfirmNo: $<HTMLButtonElement>('sites-confirm-no'),
  sitesConfirmYes: $<HTMLButtonElement>('sites-confirm-yes'),
  sitesBack: $<HTMLButtonElement>('sites-back'),
  scanHint: $('scan-hint'),
  viewfinder: $('viewfinder'),
  video: $<HTMLVideoElement>('scan-video'),
  canvas: $<HTMLCanvasElement>('scan-canvas'),
  cameraProblem: $('camera-problem'),
  scanCancel: $<HTMLButtonElement>('scan-cancel'),
  photoInput: $<HTMLInputElement>('photo-input'),
  photoProblem: $('photo-problem'),
  pasteForm: $<HTMLFormElement>('paste-form'),
  pasteText: $<HTMLTextAreaElement>('paste-text'),
  busyTitle: $('busy-title'),
  stepupApp: $('stepup-app'),
  stepupOrigin: $('stepup-origin'),
  stepupWhere: $('stepup-where'),
  stepupForm: $<HTMLFormElement>('stepup-form'),
  stepupPassword: $<HTMLInputElement>('stepup-password'),
  stepupError: $('stepup-error'),
  stepupDeny: $<HTMLButtonElement>('stepup-deny'),
  stepupContinue: $<HTMLButtonElement>('stepup-continue'),
  confirmProximity: $('confirm-proximity'),
  checkCode: $('check-code'),
  checkCodeChoices: $('check-code-choices'),
  confirmLogo: $<HTMLImageElement>('confirm-logo'),
  confirmInitial: $('confirm-initial'),
  confirmApp: $('confirm-app'),
  confirmOrigin: $('confirm-origin'),
  confirmWhere: $('confirm-where'),
  confirmDevice: $('confirm-device'),
  confirmTime: $('confirm-time'),
  confirmExpiry: $('confirm-expiry'),
  deny: $<HTMLButtonElement>('deny'),
  approve: $<HTMLButtonElement>('approve'),
  resultMark: $('result-mark'),
  resultTitle: $('result-title'),
  resultDetail: $('result-detail'),
  resultActions: $('result-actions'),
};

let session: SavedSession | null = loadSession(storage);
let client: ScanloginApp | null = session ? clientFor(session.poolId, session.token) : null;
let pending: ScanResult | null = null;
/** The check-code number the user picked on the confirm screen. */
let pickedNumber: number | null = null;
let expiryTimer: ReturnType<typeof setInterval> | null = null;
let current: Screen = 'loading';
const scanner = new CameraScanner(ui.video, ui.canvas);

function clientFor(poolId: string | null, token: string | null): ScanloginApp {
  return new ScanloginApp({
    host,
    ...(poolId ? { userPoolId: poolId } : {}),
    token,
    onTokenChange: (t) => {
      if (t === null) clearSession(storage);
    },
  });
}

// ---------------------------------------------------------------------------
// Screens, focus and announcements

function show(screen: Screen, focus = true): void {
  if (screen !== 'scan') scanner.stop();
  if (screen !== 'confirm' && expiryTimer !== null) {
    clearInterval(expiryTimer);
    expiryTimer = null;
  }
  for (const s of screens) $(`screen-${s}`).hidden = s !== screen;
  current = screen;
  ui.logout.hidden = session === null;
  // Moving focus to the new screen's heading tells screen readers where they are.
  if (focus) $(`${screen}-title`).focus();
}

function announce(text: string): void {
  // Cleared first, so the same text twice is still read out.
  ui.announce.textContent = '';
  setTimeout(() => {
    ui.announce.textContent = text;
  }, 50);
}

function setText(el: HTMLElement, text: string): void {
  el.textContent = text;
}

function showError(el: HTMLElement, text: string | null): void {
  el.textContent = text ?? '';
  el.hidden = !text;
}

// ---------------------------------------------------------------------------
// Results: success, refusal, problems

type Tone = 'ok' | 'denied' | 'problem';

function showResult(opts: {
  tone: Tone;
  title: string;
  detail: string;
  actions: NextStep[];
  retry?: () => void;
}): void {
  ui.resultMark.className = `result-mark ${opts.tone}`;
  setText(ui.resultMark, opts.tone === 'ok' ? '✓' : opts.tone === 'denied' ? '✕' : '!');
  setText(ui.resultTitle, opts.title);
  setText(ui.resultDetail, opts.detail);
  ui.resultActions.replaceChildren();
  for (const step of opts.actions) {
    if (step === 'retry' && !opts.retry) continue;
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.action = step;
    b.textContent = actionLabel(step);
    b.addEventListener('click', () => runStep(step, opts.retry));
    ui.resultActions.append(b);
  }
  show('result');
  announce(`${opts.title}. ${opts.detail}`);
}

function runStep(step: NextStep, retry?: () => void): void {
  switch (step) {
    case 'scan-again':
      void startScan();
      break;
    case 'retry':
      retry?.();
      break;
    case 'sign-in':
      signOut('Sign in again to continue.');
      break;
    case 'home':
      showHome();
      break;
  }
}

function fail(err: unknown, stage: Stage, retry?: () => void): void {
  const p = describeProblem(err, stage);
  if (p.id === 'signed-out' || p.id === 'blocked') forgetSession();
  showResult({
    tone: 'problem',
    title: p.title,
    detail: p.detail,
    actions: p.actions,
    ...(retry ? { retry } : {}),
  });
}

// ---------------------------------------------------------------------------
// Signing in and out

function forgetSession(): void {
  session = null;
  clearSession(storage);
  client = null;
}

function signOut(message?: string): void {
  void client?.logout();
  forgetSession();
  ui.password.value = '';
  showError(ui.signinError, null);
  show('signin');
  if (message) announce(message);
}

async function signIn(): Promise<void> {
  const account = ui.account.value.trim();
  const password = ui.password.value;
  if (!account || !password) {
    showError(ui.signinError, 'Enter your account and your password.');
    (account ? ui.password : ui.account).focus();
    return;
  }
  showError(ui.signinError, null);
  ui.signinSubmit.disabled = true;
  setText(ui.signinSubmit, 'Signing in…');
  try {
    // The pool named in the address (?pool=...), else the service's default pool.
    let poolId = new URLSearchParams(location.search).get('pool');
    if (!poolId) poolId = (await clientFor(null, null).getPoolConfig()).userPoolId;
    const c = clientFor(poolId, null);
    const user = await c.login(account, password);
    session = {
      token: user.token,
      poolId: user.userPoolId || poolId,
      name: user.nickname || user.username || account,
      username: user.username,
    };
    saveSession(storage, session);
    client = clientFor(session.poolId, session.token);
    ui.password.value = '';
    showHome();
    announce(`Signed in as ${session.name}.`);
  } catch (err) {
    const p = describeProblem(err, 'sign-in');
    showError(ui.signinError, `${p.title}. ${p.detail}`);
    if (p.id === 'wrong-credentials') {
      ui.password.select();
      ui.password.focus();
    }
  } finally {
    ui.signinSubmit.disabled = false;
    setText(ui.signinSubmit, 'Sign in');
  }
}

// ---------------------------------------------------------------------------
// Home and history

function showHome(): void {
  if (!session) {
    show('signin');
    return;
  }
  setText(ui.homeName, session.name);
  show('home');
  void loadHistory();
}

async function loadHistory(): Promise<void> {
  if (!session) return;
  setText(ui.historyStatus, 'Loading…');
  ui.historyRefresh.disabled = true;
  try {
    const entries = await fetchHistory(host, session.token);
    const now = Date.now();
    ui.historyList.replaceChildren(
      ...entries.map((e) => {
        const v = historyView(e, now);
        const li = document.createElement('li');
        const outcome = document.createElement('span');
        outcome.className = `outcome outcome-${v.outcomeKey}`;
        outcome.textContent = v.outcome;
        const site = document.createElement('span');
        site.className = 'site';
        site.textContent = v.site;
        const lines = [v.origin, `From ${v.where}`, v.time].map((text) => {
          const s = document.createElement('span');
          s.className = 'line';
          s.textContent = text;
          return s;
        });
        li.append(outcome, site, ...lines);
        return li;
      }),
    );
    setText(ui.historyStatus, entries.length ? '' : 'No QR logins yet.');
  } catch (err) {
    if (isAuthError(err)) {
      fail(err, 'history');
      return;
    }
    const p = describeProblem(err, 'history');
    setText(ui.historyStatus, `${p.title}. Tap Refresh to try again.`);
  } finally {
    ui.historyRefresh.disabled = false;
  }
}

// ---------------------------------------------------------------------------
// Signed-in websites: the web sessions the user's QR logins opened

function showSites(): void {
  if (!session || !client) {
    show('signin');
    return;
  }
  ui.sitesList.replaceChildren();
  ui.sitesAll.hidden = true;
  show('sites');
  void loadSites();
}

/** How many websites the list shows now (rows go away one by one as they are signed out). */
const siteCount = () => ui.sitesList.children.length;

/** After the list changed: the status line says `done` (what just happened) and whether any website is left. */
function siteStatusAfterChange(done = ''): void {
  const empty = siteCount() === 0;
  ui.sitesAll.hidden = empty;
  const left = empty ? 'No website is signed in through your QR logins.' : '';
  setText(ui.sitesStatus, [done, left].filter(Boolean).join(' '));
}

async function loadSites(): Promise<void> {
  if (!client) return;
  setText(ui.sitesStatus, 'Loading…');
  ui.sitesRefresh.disabled = true;
  closeSignOutEverywhere(false);
  try {
    const sessions = await client.listWebSessions();
    const now = Date.now();
    ui.sitesList.replaceChildren(
      ...sessions.map((w) => {
        const v = webSessionView(w, now);
        const li = document.createElement('li');
        li.dataset.session = v.id;
        const details = document.createElement('div');
        const site = document.createElement('span');
        site.className = 'site';
        site.textContent = v.site;
        const origin = document.createElement('span');
        // An address in the address-bar face; "unknown" in the text's own.
        origin.className = v.originKnown ? 'origin' : 'line';
        origin.textContent = v.origin;
        const lines = [v.where, v.device, v.since].map((text) => {
          const line = document.createElement('span');
          line.className = 'line';
          line.textContent = text;
          return line;
        });
        details.append(site, origin, ...lines);
        const signOut = document.createElement('button');
        signOut.type = 'button';
        signOut.className = 'quiet danger';
        signOut.textContent = 'Sign out';
        signOut.setAttribute('aria-label', v.signOutLabel);
        signOut.addEventListener('click', () => void signOutSite(li, signOut, v.site, v.id));
        li.append(details, signOut);
        return li;
      }),
    );
    siteStatusAfterChange();
  } catch (err) {
    if (isAuthError(err)) {
      fail(err, 'sites');
      return;
    }
    const p = describeProblem(err, 'sites');
    setText(ui.sitesStatus, `${p.title}. Tap Refresh to try again.`);
  } finally {
    ui.sitesRefresh.disabled = false;
  }
}

async function signOutSite(row: HTMLElement, button: HTMLButtonElement, site: string, id: string) {
  if (!client) return;
  button.disabled = true;
  try {
    await client.revokeWebSession(id);
  } catch (err) {
    if (isAuthError(err)) {
      fail(err, 'sites');
      return;
    }
    // Gone already (signed out elsewhere, or expired): what the user wanted is true.
    if (!hasErrorName(err, 'WEB_SESSION_NOT_FOUND')) {
      const p = describeProblem(err, 'sites');
      setText(ui.sitesStatus, `${site} was not signed out: ${p.title}. ${p.detail}`);
      button.disabled = false;
      return;
    }
  }
  // Focus was on the row's button, which goes away: keep it in the list's screen.
  const next = row.nextElementSibling ?? row.previousElementSibling;
  row.remove();
  const line = signedOutLine(1, site);
  siteStatusAfterChange(line);
  announce(line);
  ((next?.querySelector('button') as HTMLElement | null) ?? $('sites-title')).focus();
}

/** The destructive "everywhere" asks first; the question names how many websites it ends. */
function openSignOutEverywhere(): void {
  const question = signOutEverywhereQuestion(siteCount());
  if (!question) return;
  setText(ui.sitesConfirmText, question);
  ui.sitesConfirm.hidden = false;
  ui.sitesRevokeAll.hidden = true;
  ui.sitesConfirmYes.disabled = false;
  ui.sitesConfirmNo.disabled = false;
  // The safe answer gets the focus.
  ui.sitesConfirmNo.focus();
  announce(question);
}

function closeSignOutEverywhere(refocus = true): void {
  ui.sitesConfirm.hidden = true;
  ui.sitesRevokeAll.hidden = false;
  if (refocus) ui.sitesRevokeAll.focus();
}

async function signOutEverywhere(): Promise<void> {
  if (!client) return;
  ui.sitesConfirmYes.disabled = true;
  ui.sitesConfirmNo.disabled = true;
  try {
    const count = await client.revokeAllWebSessions();
    ui.sitesList.replaceChildren();
    closeSignOutEverywhere(false);
    const line = signedOutLine(count);
    siteStatusAfterChange(line);
    announce(line);
    $('sites-title').focus();
  } catch (err) {
    if (isAuthError(err)) {
      fail(err, 'sites');
      return;
    }
    const p = describeProblem(err, 'sites');
    closeSignOutEverywhere();
    setText(ui.sitesStatus, `Nothing was signed out: ${p.title}. ${p.detail}`);
  }
}

// ---------------------------------------------------------------------------
// Scanning

async function startScan(): Promise<void> {
  if (!session || !client) {
    show('signin');
    return;
  }
  showError(ui.cameraProblem, null);
  showError(ui.photoProblem, null);
  ui.pasteText.value = '';
  ui.photoInput.value = '';
  setText(ui.scanHint, "Point the camera at the QR code on the website's login page.");
  ui.viewfinder.hidden = false;
  show('scan');
  try {
    await scanner.start((text) => void handleCode(text));
    if (current !== 'scan') scanner.stop(); // the user left while the camera was starting
  } catch (err) {
    const text = err instanceof CameraError ? err.message : 'The camera could not be started.';
    showError(ui.cameraProblem, `${text} You can use a photo of the code or paste its text below.`);
    setText(ui.scanHint, 'The camera is not available.');
    ui.viewfinder.hidden = true;
  }
}

async function handleCode(text: string): Promise<void> {
  if (!client) return;
  scanner.stop();
  // The SDK verifies each code's signature with WebCrypto, which only secure pages have.
  if (!globalThis.crypto?.subtle) {
    showResult({ tone: 'problem', ...INSECURE_PAGE });
    return;
  }
  setText(ui.busyTitle, 'Checking the code…');
  show('busy');
  announce('Code read. Checking it.');
  try {
    pending = await client.scan(text.trim());
    if (pending.scanned.status === STATUS_STEP_UP) showStepUp(pending);
    else showConfirm(pending);
  } catch (err) {
    fail(err, 'scan', () => void handleCode(text));
  }
}

// ---------------------------------------------------------------------------
// Step-up: a request from far away needs the password before the confirm screen

function showStepUp(r: ScanResult): void {
  const v = confirmView(r.context, Date.now(), location.origin);
  setText(ui.stepupApp, v.appName);
  setText(ui.stepupOrigin, v.origin);
  setText(ui.stepupWhere, v.where);
  ui.stepupPassword.value = '';
  showError(ui.stepupError, null);
  ui.stepupDeny.disabled = false;
  ui.stepupContinue.disabled = false;
  show('stepup');
  announce('Confirm it is you: enter your password, or deny.');
}

async function continueStepUp(): Promise<void> {
  const r = pending;
  if (!r || !client) return;
  const password = ui.stepupPassword.value;
  if (!password) {
    showError(ui.stepupError, 'Enter your password.');
    ui.stepupPassword.focus();
    return;
  }
  ui.stepupDeny.disabled = true;
  ui.stepupContinue.disabled = true;
  try {
    await client.stepUp(r.qr.random, password);
    ui.stepupPassword.value = '';
    // The context again: the confirm screen shows what the service knows now.
    pending = { ...r, context: await client.getRequestContext(r.qr.random) };
    showConfirm(pending);
  } catch (err) {
    const p = describeProblem(err, 'decide');
    if (p.id === 'wrong-password') {
      showError(ui.stepupError, `${p.title}. ${p.detail}`);
      ui.stepupDeny.disabled = false;
      ui.stepupContinue.disabled = false;
      ui.stepupPassword.select();
      ui.stepupPassword.focus();
      return;
    }
    fail(err, 'decide', () => showStepUp(r));
  }
}

// ---------------------------------------------------------------------------
// The confirm screen

function showConfirm(r: ScanResult): void {
  const v = confirmView(r.context, Date.now(), location.origin);
  setText(ui.confirmApp, v.appName);
  if (v.logo) {
    ui.confirmLogo.src = v.logo;
    ui.confirmLogo.hidden = false;
    ui.confirmInitial.hidden = true;
  } else {
    ui.confirmLogo.removeAttribute('src');
    ui.confirmLogo.hidden = true;
    ui.confirmInitial.hidden = false;
    setText(ui.confirmInitial, v.initial);
  }
  setText(ui.confirmOrigin, v.origin);
  setText(ui.confirmWhere, v.where);
  setText(ui.confirmDevice, v.device);
  setText(ui.confirmTime, v.time);
  showError(ui.confirmProximity, v.proximityWarning);
  pickedNumber = null;
  ui.checkCode.hidden = v.checkChoices === null;
  ui.checkCodeChoices.replaceChildren(
    ...(v.checkChoices ?? []).map((n) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = String(n);
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => {
        pickedNumber = n;
        for (const other of ui.checkCodeChoices.querySelectorAll('button')) {
          other.setAttribute('aria-pressed', String(other === b));
        }
        ui.approve.disabled = false;
      });
      return b;
    }),
  );
  const tick = () => setText(ui.confirmExpiry, expiryLine(v.expiresAt, Date.now()) ?? '');
  tick();
  ui.deny.disabled = false;
  // With a check code, Approve waits for the user's pick.
  ui.approve.disabled = v.checkChoices !== null;
  show('confirm');
  expiryTimer = setInterval(tick, 1000);
  announce(`Log in to ${v.appName} on ${v.origin}? If you did not just open this page yourself, tap Deny.`);
}

async function decide(approve: boolean): Promise<void> {
  const r = pending;
  if (!r || !client) return;
  ui.deny.disabled = true;
  ui.approve.disabled = true;
  const v = confirmView(r.context, Date.now(), location.origin);
  const number = pickedNumber;
  try {
    if (!approve) await client.cancel(r.qr.random);
    else await client.confirm(r.qr.random, number === null ? {} : { checkCode: number });
    pending = null;
    showResult(
      approve
        ? {
            tone: 'ok',
            title: 'Approved',
            detail: `You are being logged in to ${v.appName} (${v.origin}). Continue on that screen.`,
            actions: ['home', 'scan-again'],
          }
        : {
            tone: 'denied',
            title: 'Login denied',
            detail:
              'Nobody was logged in. If someone asked you to scan this code, they may have been trying to get into your account.',
            actions: ['home', 'scan-again'],
          },
    );
  } catch (err) {
    // "Try again" goes back to the confirm screen, so the choice is made again, knowingly.
    fail(err, 'decide', () => showConfirm(r));
  }
}

// ---------------------------------------------------------------------------
// Wiring

ui.signinForm.addEventListener('submit', (e) => {
  e.preventDefault();
  void signIn();
});
ui.logout.addEventListener('click', () => signOut('Signed out.'));
ui.scanStart.addEventListener('click', () => void startScan());
ui.historyRefresh.addEventListener('click', () => void loadHistory());
ui.sitesOpen.addEventListener('click', () => showSites());
ui.sitesRefresh.addEventListener('click', () => void loadSites());
ui.sitesBack.addEventListener('click', () => showHome());
ui.sitesRevokeAll.addEventListener('click', () => openSignOutEverywhere());
ui.sitesConfirmNo.addEventListener('click', () => closeSignOutEverywhere());
ui.sitesConfirmYes.addEventListener('click', () => void signOutEverywhere());
ui.scanCancel.addEventListener('click', () => showHome());
ui.deny.addEventListener('click', () => void decide(false));
ui.stepupDeny.addEventListener('click', () => void decide(false));
ui.stepupForm.addEventListener('submit', (e) => {
  e.preventDefault();
  void continueStepUp();
});
ui.approve.addEventListener('click', () => void decide(true));

ui.photoInput.addEventListener('change', async () => {
  const file = ui.photoInput.files?.[0];
  if (!file) return;
  showError(ui.photoProblem, null);
  try {
    const text = await decodeImageFile(file, ui.canvas);
    if (text === null) {
      showError(
        ui.photoProblem,
        'No QR code found in this photo. Take it closer, in focus, with the whole code in the picture.',
      );
      return;
    }
    await handleCode(text);
  } catch {
    showError(ui.photoProblem, 'This file could not be read as an image.');
  }
});

ui.pasteForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = ui.pasteText.value.trim();
  if (!text) {
    ui.pasteText.focus();
    return;
  }
  void handleCode(text);
});

// Leaving the app turns the camera off; coming back offers the start screen.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden' && current === 'scan' && scanner.running) showHome();
});

const updateOnline = () => {
  ui.offline.hidden = navigator.onLine;
};
window.addEventListener('online', updateOnline);
window.addEventListener('offline', updateOnline);
updateOnline();

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js', { scope: './' }).catch(() => {
    // Without the worker the app still works; it just does not open offline.
  });
}

if (session) showHome();
else show('signin', false);
