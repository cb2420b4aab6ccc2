/**
 * Turns what the service reports (request context, history entries, signed-in
 * websites) into the lines the confirm, history and websites screens show, in
 * the language asked for (the service names places in it too: the app tells
 * it the language). Times and durations are Intl's words. Pure: no DOM.
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
import { formatRelative, type Lang, textsFor } from './i18n.js';

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

/** "Berlin, Germany (203.0.113.9)" or "203.0.113.9 (location unknown)". */
export function placeLine(
  ip: string | null | undefined,
  place: string | null | undefined,
  lang: Lang,
): string {
  const t = textsFor(lang).lines;
  const address = ip?.trim() || t.unknownAddress;
  const at = place?.trim();
  return at ? t.placeAt(at, address) : t.placeUnknown(address);
}

/** "Chrome 131 on Linux"; either half may be missing. */
export function deviceLine(
  browser: string | null | undefined,
  os: string | null | undefined,
  lang: Lang,
): string {
  const t = textsFor(lang).lines;
  const b = browser?.trim();
  const o = os?.trim();
  if (b && o) return t.browserOn(b, o);
  if (b) return b;
  if (o) return t.aBrowserOn(o);
  return t.unknownBrowser;
}

/**
 * "just now", "12 seconds ago", "3 minutes ago" (Intl's words); a time a
 * little ahead of the phone's clock (skew) is "just now" too.
 */
export function ago(thenMs: number, nowMs: number, lang: Lang): string {
  const s = Math.round((nowMs - thenMs) / 1000);
  if (s < 5) return textsFor(lang).lines.justNow;
  if (s < 90) return formatRelative(-s, 'second', lang);
  const m = Math.round(s / 60);
  if (m < 90) return formatRelative(-m, 'minute', lang);
  const h = Math.round(m / 60);
  if (h < 36) return formatRelative(-h, 'hour', lang);
  return formatRelative(-Math.round(h / 24), 'day', lang);
}

function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "14:03:12 (12 seconds ago)" in `lang`; older times carry the date. */
export function timeLine(iso: string | null | undefined, nowMs: number, lang: Lang): string {
  const t = parseTime(iso);
  const words = textsFor(lang).lines;
  if (t === null) return words.unknownTime;
  const sameDay = new Date(t).toDateString() === new Date(nowMs).toDateString();
  const fmt = new Intl.DateTimeFormat(
    lang,
    sameDay
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { dateStyle: 'medium', timeStyle: 'short' },
  );
  return words.timeAgo(fmt.format(t), ago(t, nowMs, lang));
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

/**
 * A warning when the service sees the phone far from the browser that asked,
 * else null. The places are the service's words, in the language the app
 * asked it for.
 */
export function proximityWarning(ctx: RequestContext | null, lang: Lang): string | null {
  const p = ctx?.['proximity'] as { mismatch?: unknown; phonePlace?: unknown } | null | undefined;
  if (!ctx || typeof p !== 'object' || p === null || p.mismatch !== true) return null;
  const t = textsFor(lang).lines;
  const phone = typeof p.phonePlace === 'string' && p.phonePlace.trim() ? p.phonePlace.trim() : null;
  const browser = ctx.place?.trim() || ctx.ip?.trim() || null;
  const facts = [browser ? t.requestFrom(browser) : null, phone ? t.phoneIn(phone) : null].filter(
    (f): f is string => f !== null,
  );
  return t.farWarning(facts);
}

/**
 * What the page that asked said about itself (`pageContext`), or null when
 * it said nothing. The page wrote it, so it is never shown as a fact: only
 * as lines of text in a box of its own. Bounded and escaped again here, so
 * that no service, older or other than ours, can put more on the screen.
 */
export function pageContextLines(ctx: RequestContext | null, lang: Lang): PageContextLines | null {
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
  return { lines, more: hidden > 0 ? textsFor(lang).lines.moreNotShown(hidden) : null };
}

/** Everything the confirm screen shows about a request, in `lang`. */
export function confirmView(
  ctx: RequestContext | null,
  nowMs: number,
  pageOrigin: string,
  lang: Lang,
): ConfirmView {
  const t = textsFor(lang).lines;
  const appName = ctx?.app?.name?.trim() || t.unknownApplication;
  const origin = ctx?.origin?.trim() || '';
  return {
    appName,
    logo: safeLogo(ctx?.app?.logo, pageOrigin),
    initial: (ctx?.app?.name?.trim()?.[0] ?? '?').toUpperCase(),
    origin: origin || t.unknownOrigin,
    originKnown: origin !== '',
    where: ctx ? placeLine(ctx.ip, ctx.place, lang) : t.notReported,
    device: ctx ? deviceLine(ctx.browser, ctx.os, lang) : t.notReported,
    time: ctx ? timeLine(ctx.createdAt, nowMs, lang) : t.notReported,
    expiresAt: parseTime(ctx?.expiresAt),
    checkChoices: checkChoicesOf(ctx),
    proximityWarning: proximityWarning(ctx, lang),
    pageContext: pageContextLines(ctx, lang),
  };
}

/** "This request expires in 42 seconds." / "...has expired."; null when unknown. */
export function expiryLine(expiresAt: number | null, nowMs: number, lang: Lang): string | null {
  if (expiresAt === null) return null;
  const t = textsFor(lang).lines;
  const s = Math.ceil((expiresAt - nowMs) / 1000);
  if (s <= 0) return t.expired;
  if (s < 120) return t.expiresIn(formatRelative(s, 'second', lang));
  return t.expiresIn(formatRelative(Math.ceil(s / 60), 'minute', lang));
}

export function outcomeLabel(outcome: string, lang: Lang): string {
  const t = textsFor(lang).lines;
  switch (outcome) {
    case 'approved':
      return t.approved;
    case 'denied':
      return t.denied;
    case 'redeemed':
      return t.redeemed;
    default:
      return outcome;
  }
}

/** The lines of one history entry. */
export function historyView(e: QrLoginRecord, nowMs: number, lang: Lang) {
  const t = textsFor(lang).lines;
  return {
    site: e.app?.name?.trim() || t.unknownApp,
    origin: e.origin?.trim() || t.unknownOrigin,
    where: t.from(placeLine(e.ip, e.place, lang)),
    device: deviceLine(e.browser, e.os, lang),
    time: timeLine(e.at, nowMs, lang),
    outcome: outcomeLabel(e.outcome, lang),
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

export function webSessionView(w: WebSession, nowMs: number, lang: Lang): WebSessionView {
  const t = textsFor(lang).lines;
  const site = w.app?.name?.trim() || t.unknownApp;
  const origin = w.origin?.trim() || '';
  return {
    id: w.id,
    site,
    origin: origin || t.unknownOrigin,
    originKnown: origin !== '',
    where: t.from(placeLine(w.ip, w.place, lang)),
    device: deviceLine(w.browser, w.os, lang),
    since: t.signedInSince(timeLine(w.createdAt, nowMs, lang)),
    signOutLabel: t.signOutOf(site, origin || t.unknownWebsite),
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

export function appSessionView(a: AppSession, nowMs: number, lang: Lang): AppSessionView {
  const t = textsFor(lang).lines;
  const device = deviceLine(a.browser, a.os, lang);
  const since = timeLine(a.createdAt, nowMs, lang);
  return {
    id: a.id,
    current: a.current,
    device: a.current ? t.thisPhone(device) : device,
    app: a.app?.name?.trim() || t.anyApp,
    where: t.from(placeLine(a.ip, a.place, lang)),
    since: t.signedInSince(since),
    signOutLabel: a.current ? t.signOutThisPhone : t.signOutDevice(device, since),
  };
}

/** What the app says after signing another device out. */
export function deviceSignedOutLine(device: string, lang: Lang): string {
  return textsFor(lang).lines.deviceSignedOut(device);
}

/** What "Sign out everywhere" asks before it acts; null when there is nothing to sign out. */
export function signOutEverywhereQuestion(count: number, lang: Lang): string | null {
  if (count <= 0) return null;
  return textsFor(lang).lines.signOutEverywhereQuestion(count);
}

/** What the app says after signing websites out. */
export function signedOutLine(count: number, lang: Lang, site?: string): string {
  const t = textsFor(lang).lines;
  return site ? t.signedOutOf(site) : t.signedOutCount(count);
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

export function deviceView(
  d: DeviceRequestContext,
  nowMs: number,
  pageOrigin: string,
  lang: Lang,
): DeviceView {
  const t = textsFor(lang).lines;
  const words: Readonly<Record<string, string>> = t.scopes;
  const appName = d.app?.name?.trim() || t.unknownApplication;
  const scopes = (d.scopes ?? []).map((s) => words[s] ?? s);
  const p = d.proximity;
  let warning: string | null = null;
  if (p?.mismatch) {
    const parts = [
      d.place || d.ip ? t.deviceAskedFrom(d.place || d.ip || '') : null,
      p.phonePlace ? t.phoneIn(p.phonePlace) : null,
    ].filter((f): f is string => f !== null);
    warning = t.deviceFarWarning(parts);
  }
  return {
    appName,
    logo: safeLogo(d.app?.logo, pageOrigin),
    initial: appName.slice(0, 1).toUpperCase(),
    userCode: d.userCode,
    device: d.browser || d.os ? deviceLine(d.browser, d.os, lang) : t.deviceUnknown,
    where: placeLine(d.ip, d.place, lang),
    time: timeLine(d.createdAt, nowMs, lang),
    expiresAt: parseTime(d.expiresAt),
    scopes: scopes.length ? t.scopeList(scopes) : t.onlyIdentity,
    proximityWarning: warning,
    stepUpRequired: d.stepUpRequired === true,
  };
}
