/**
 * Turns what the service reports (request context, history entries, signed-in
 * websites) into the lines the confirm, history and websites screens show.
 * Pure: no DOM.
 */
import {
  type AppSession,
  type DeviceRequestContext,
  PAGE_CONTEXT_LIMITS,
  type QrLoginRecord,
  type RequestContext,
  visibleText,
  type WebSession,
} from '@scanlogin/app-sdk';

/** What the confirm screen shows, each value ready for `textContent`. */
export interface ConfirmView {
  appName: string;
  /** An image the page may show without reaching another host (a data: URL or same-origin path), else null. */
  logo: string | null;
  /** The first letter of the app's name, shown when there is no usable logo. */
  initial: string;
  origin: string;
  originKnown: boolean;
  where: string;
  device: string;
  time: string;
  expiresAt: number | null;
  /** With a check code: the numbers to pick from (one is on the website); null without. */
  checkChoices: number[] | null;
  /** Set when the service finds the phone far from the browser that asked. */
  proximityWarning: string | null;
  /** What the page said about itself (its `context`): its words, shown apart and as such. */
  pageContext: PageContextLines | null;
}

/** The page's own words, line by line, ready for `textContent`. */
export interface PageContextLines {
  lines: { key: string; value: string }[];
  /** "and 3 more not shown" when the page said more than is shown; else null. */
  more: string | null;
}

export const UNKNOWN_ORIGIN = 'Unknown website (the browser did not say)';

/** "203.0.113.9, Berlin (Germany)" or "203.0.113.9 (location unknown)". */
export function placeLine(ip: string | null | undefined, place: string | null | undefined): string {
  const address = ip?.trim() || 'an unknown address';
  const at = place?.trim();
  return at ? `${at} (${address})` : `${address} (location unknown)`;
}

/** "Chrome 131 on Linux"; either half may be missing. */
export function deviceLine(browser: string | null | undefined, os: string | null | undefined): string {
  const b = browser?.trim();
  const o = os?.trim();
  if (b && o) return `${b} on ${o}`;
  if (b) return b;
  if (o) return `A browser on ${o}`;
  return 'Unknown browser';
}

/** "just now", "12 seconds ago", "3 minutes ago", "in the future" (clock skew). */
export function ago(thenMs: number, nowMs: number): string {
  const s = Math.round((nowMs - thenMs) / 1000);
  if (s < -5) return 'moments ago';
  if (s < 5) return 'just now';
  if (s < 90) return `${s} seconds ago`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} hours ago`;
  return `${Math.round(h / 24)} days ago`;
}

function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "14:03:12 (12 seconds ago)" in the user's locale; older times carry the date. */
export function timeLine(iso: string | null | undefined, nowMs: number, locale?: string): string {
  const t = parseTime(iso);
  if (t === null) return 'Unknown time';
  const sameDay = new Date(t).toDateString() === new Date(nowMs).toDateString();
  const fmt = new Intl.DateTimeFormat(
    locale,
    sameDay
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { dateStyle: 'medium', timeStyle: 'short' },
  );
  return `${fmt.format(t)} (${ago(t, nowMs)})`;
}

/** A logo the page can show under its Content-Security-Policy (no other host is ever contacted). */
export function safeLogo(logo: string | null | undefined, pageOrigin: string): string | null {
  if (!logo) return null;
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(logo)) return logo;
  try {
    const url = new URL(logo, pageOrigin);
    return url.origin === pageOrigin ? url.href : null;
  } catch {
    return null;
  }
}

/** The check-code numbers of a request context, if the pool uses check codes. */
export function checkChoicesOf(ctx: RequestContext | null): number[] | null {
  const v = ctx?.['checkCodeChoices'];
  if (!Array.isArray(v) || v.length === 0) return null;
  return v.every((n) => Number.isInteger(n) && n >= 0 && n <= 99) ? (v as number[]) : null;
}

/** A warning when the service sees the phone far from the browser that asked, else null. */
export function proximityWarning(ctx: RequestContext | null): string | null {
  const p = ctx?.['proximity'] as { mismatch?: unknown; phonePlace?: unknown } | null | undefined;
  if (!ctx || typeof p !== 'object' || p === null || p.mismatch !== true) return null;
  const phone = typeof p.phonePlace === 'string' && p.phonePlace.trim() ? p.phonePlace.trim() : null;
  const browser = ctx.place?.trim() || ctx.ip?.trim() || null;
  const where = [
    browser ? `the request came from ${browser}` : null,
    phone ? `your phone is in ${phone}` : null,
  ].filter(Boolean);
  return `Your phone seems to be far from the browser that asked${where.length ? ` (${where.join('; ')})` : ''}. Deny unless you are sure it is you.`;
}

/**
 * What the page that asked said about itself (`pageContext`), or null when
 * it said nothing. The page wrote it, so it is never shown as a fact: only
 * as lines of text in a box of its own. Bounded and escaped again here, so
 * that no service, older or other than ours, can put more on the screen.
 */
export function pageContextLines(ctx: RequestContext | null): PageContextLines | null {
  const pc = ctx?.['pageContext'] as { entries?: unknown; omitted?: unknown } | null | undefined;
  if (!pc || typeof pc !== 'object' || !Array.isArray(pc.entries)) return null;
  const valid = pc.entries.filter(
    (e): e is { key: string; value: string } =>
      typeof e === 'object' && e !== null && typeof e.key === 'string' && typeof e.value === 'string',
  );
  const lines = valid.slice(0, PAGE_CONTEXT_LIMITS.entries).map((e) => ({
    key: visibleText(e.key, PAGE_CONTEXT_LIMITS.keyLength),
    value: visibleText(e.value, PAGE_CONTEXT_LIMITS.valueLength),
  }));
  if (lines.length === 0) return null;
  const said =
    typeof pc.omitted === 'number' && Number.isInteger(pc.omitted) && pc.omitted > 0 ? pc.omitted : 0;
  const hidden = said + valid.length - lines.length;
  return { lines, more: hidden > 0 ? `and ${hidden} more not shown` : null };
}

/** Everything the confirm screen shows about a request. */
export function confirmView(
  ctx: RequestContext | null,
  nowMs: number,
  pageOrigin: string,
  locale?: string,
): ConfirmView {
  const appName = ctx?.app?.name?.trim() || 'an unknown application';
  const origin = ctx?.origin?.trim() || '';
  return {
    appName,
    logo: safeLogo(ctx?.app?.logo, pageOrigin),
    initial: (ctx?.app?.name?.trim()?.[0] ?? '?').toUpperCase(),
    origin: origin || UNKNOWN_ORIGIN,
    originKnown: origin !== '',
    where: ctx ? placeLine(ctx.ip, ctx.place) : 'Not reported by this service',
    device: ctx ? deviceLine(ctx.browser, ctx.os) : 'Not reported by this service',
    time: ctx ? timeLine(ctx.createdAt, nowMs, locale) : 'Not reported by this service',
    expiresAt: parseTime(ctx?.expiresAt),
    checkChoices: checkChoicesOf(ctx),
    proximityWarning: proximityWarning(ctx),
    pageContext: pageContextLines(ctx),
  };
}

/** "Expires in 42 s" / "Expired"; null when unknown. */
export function expiryLine(expiresAt: number | null, nowMs: number): string | null {
  if (expiresAt === null) return null;
  const s = Math.ceil((expiresAt - nowMs) / 1000);
  if (s <= 0) return 'This request has expired.';
  if (s < 120) return `This request expires in ${s} s.`;
  return `This request expires in ${Math.ceil(s / 60)} min.`;
}

export function outcomeLabel(outcome: string): string {
  switch (outcome) {
    case 'approved':
      return 'Approved';
    case 'denied':
      return 'Denied';
    case 'redeemed':
      return 'Signed in';
    default:
      return outcome;
  }
}

/** The lines of one history entry. */
export function historyView(e: QrLoginRecord, nowMs: number, locale?: string) {
  return {
    site: e.app?.name?.trim() || 'Unknown application',
    origin: e.origin?.trim() || UNKNOWN_ORIGIN,
    where: placeLine(e.ip, e.place),
    device: deviceLine(e.browser, e.os),
    time: timeLine(e.at, nowMs, locale),
    outcome: outcomeLabel(e.outcome),
    outcomeKey: e.outcome,
  };
}

/** One signed-in website (a web session born of a QR login), ready for the websites screen. */
export interface WebSessionView {
  id: string;
  site: string;
  origin: string;
  originKnown: boolean;
  where: string;
  device: string;
  /** "Signed in 14:03:12 (3 minutes ago)". */
  since: string;
  /** The accessible name of its "Sign out" button: every row has one, so each names its site. */
  signOutLabel: string;
}

export function webSessionView(w: WebSession, nowMs: number, locale?: string): WebSessionView {
  const site = w.app?.name?.trim() || 'Unknown application';
  const origin = w.origin?.trim() || '';
  return {
    id: w.id,
    site,
    origin: origin || UNKNOWN_ORIGIN,
    originKnown: origin !== '',
    where: `From ${placeLine(w.ip, w.place)}`,
    device: deviceLine(w.browser, w.os),
    since: `Signed in ${timeLine(w.createdAt, nowMs, locale)}`,
    signOutLabel: `Sign out of ${site} (${origin || 'unknown website'})`,
  };
}

/** One device signed in to the account (an app session), ready for the devices screen. */
export interface AppSessionView {
  id: string;
  /** This phone's own session. */
  current: boolean;
  /** "Chrome 131 on Android", with "(this phone)" for the current one. */
  device: string;
  /** The application it signed in through. */
  app: string;
  where: string;
  since: string;
  /** The accessible name of its "Sign out" button: each row names its device. */
  signOutLabel: string;
}

export function appSessionView(a: AppSession, nowMs: number, locale?: string): AppSessionView {
  const device = deviceLine(a.browser, a.os);
  return {
    id: a.id,
    current: a.current,
    device: a.current ? `${device} (this phone)` : device,
    app: a.app?.name?.trim() || 'Any application of this account',
    where: `From ${placeLine(a.ip, a.place)}`,
    since: `Signed in ${timeLine(a.createdAt, nowMs, locale)}`,
    signOutLabel: a.current
      ? 'Sign out this phone'
      : `Sign out ${device}, signed in ${timeLine(a.createdAt, nowMs, locale)}`,
  };
}

/** What the app says after signing another device out. */
export function deviceSignedOutLine(device: string): string {
  return `Signed out ${device}. It can no longer approve logins.`;
}

/** What "Sign out everywhere" asks before it acts; null when there is nothing to sign out. */
export function signOutEverywhereQuestion(count: number): string | null {
  if (count <= 0) return null;
  const what = count === 1 ? 'the 1 website' : `all ${count} websites`;
  return `Sign out of ${what} listed here? Each will ask you to log in again; this phone stays signed in.`;
}

/** What the app says after signing websites out. */
export function signedOutLine(count: number, site?: string): string {
  if (site) return `Signed out of ${site}.`;
  if (count <= 0) return 'No website was signed in.';
  return count === 1 ? 'Signed out of 1 website.' : `Signed out of ${count} websites.`;
}

/** What the device confirm screen shows about a device's sign-in request (RFC 8628), ready for `textContent`. */
export interface DeviceView {
  appName: string;
  logo: string | null;
  initial: string;
  userCode: string;
  /** As the device described itself (its User-Agent): a claim, not a proof. */
  device: string;
  where: string;
  time: string;
  expiresAt: number | null;
  scopes: string;
  proximityWarning: string | null;
  /** The pool wants the password before a request from far away is approved. */
  stepUpRequired: boolean;
}

const SCOPE_WORDS: Record<string, string> = {
  openid: 'your account id',
  profile: 'your name and picture',
  email: 'your email address',
  phone: 'your phone number',
  offline_access: 'staying signed in',
};

export function deviceView(
  d: DeviceRequestContext,
  nowMs: number,
  pageOrigin: string,
  locale?: string,
): DeviceView {
  const appName = d.app?.name?.trim() || 'an unknown application';
  const scopes = (d.scopes ?? []).map((s) => SCOPE_WORDS[s] ?? s);
  const p = d.proximity;
  let warning: string | null = null;
  if (p?.mismatch) {
    const parts = [
      d.place || d.ip ? `the device asked from ${d.place || d.ip}` : null,
      p.phonePlace ? `your phone is in ${p.phonePlace}` : null,
    ].filter(Boolean);
    warning = `The device seems to be far from your phone${parts.length ? ` (${parts.join('; ')})` : ''}. Deny unless you are sure it is yours.`;
  }
  return {
    appName,
    logo: safeLogo(d.app?.logo, pageOrigin),
    initial: appName.slice(0, 1).toUpperCase(),
    userCode: d.userCode,
    device: d.browser || d.os ? deviceLine(d.browser, d.os) : 'The device did not say what it is',
    where: placeLine(d.ip, d.place),
    time: timeLine(d.createdAt, nowMs, locale),
    expiresAt: parseTime(d.expiresAt),
    scopes: scopes.length ? scopes.join(', ') : 'only that it is you',
    proximityWarning: warning,
    stepUpRequired: d.stepUpRequired === true,
  };
}
