/**
 * Shared pieces of the browser tests: Debian's Chromium through playwright-core
 * (never a downloaded browser), a tiny static page server, reading a QR code
 * from a screenshot the way a camera would, and the time rules every browser
 * test follows:
 *
 * - No step has a deadline of its own. Playwright's waits get no timeout
 *   (`newContext`), `eventually` has none; a hung test is stopped by the test
 *   runner's guard (scripts/test.mjs), never by a clock a busy machine can beat.
 * - A page whose code reacts to time (the widget's rotation, its expiry check,
 *   its stream guard and backoffs) runs on a paused clock (`pauseClock`) that
 *   moves only with the service's `ManualClock` (`advance`), so no real second
 *   that passes while the machine is busy can reach it. A page that only reads
 *   the time (the phone checking a code's expiry) sees the service's time
 *   (`showServiceTime`).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQRmod from 'jsqr';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type LaunchOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { PNG } from 'pngjs';
import type { ManualClock } from '../packages/server/src/domain/clock.js';

// jsqr's typings are CommonJS-shaped; under NodeNext the function is on `.default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRmod as unknown as { default: Decode }).default;

/** Debian's Chromium (the binary itself: the /usr/bin wrapper prints a harmless shell warning). */
export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(extraArgs: string[] = [], opts: LaunchOptions = {}): Promise<Browser> {
  if (!CHROMIUM) throw new Error('Chromium is not installed (apt-get install chromium); .ci/run installs it');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 0,
    ...opts,
  });
}

/**
 * A browser context whose waits have no deadline (see the file's comment).
 * Its language is en-US unless `options.locale` says otherwise: pages follow
 * the browser's language, and a test that reads their words names the one it
 * expects, so the machine's own never leaks in.
 */
export async function newContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  context.setDefaultTimeout(0);
  context.setDefaultNavigationTimeout(0);
  return context;
}

/**
 * Fakes the context's timers and `Date`, paused at the service clock's time:
 * from now on the pages' time moves only through {@link advance}. Call it
 * before the first page loads.
 */
export async function pauseClock(context: BrowserContext, clock: ManualClock): Promise<void> {
  await context.clock.install({ time: clock.now() });
  await context.clock.pauseAt(clock.now());
}

/** A call a page made with `fetch`, as recorded by {@link recordFetches}. */
export interface SentRequest {
  url: string;
  body: string;
}

/**
 * Records, inside the context's pages, each call their scripts make with
 * `fetch`. Read right after `advance`, the list is exact: a timer that fired
 * has made its call by then, whereas a network event reported to the test
 * could still be on its way.
 */
export async function recordFetches(
  context: BrowserContext,
): Promise<(page: Page) => Promise<SentRequest[]>> {
  await context.addInitScript(() => {
    const sent: { url: string; body: string }[] = [];
    const fetch = window.fetch.bind(window);
    (window as unknown as { sentByPage: typeof sent }).sentByPage = sent;
    window.fetch = (input, init) => {
      sent.push({ url: String(input), body: typeof init?.body === 'string' ? init.body : '' });
      return fetch(input, init);
    };
  });
  return (page) => page.evaluate(() => (window as unknown as { sentByPage: SentRequest[] }).sentByPage);
}

/** Contexts whose `Date` shows the service's time while their timers run on real time. */
const datedOnly = new WeakSet<BrowserContext>();

/**
 * Makes the context's `Date` show the service clock's time, and only that,
 * while its timers keep running: for a page that checks times the service
 * wrote (the phone verifying a code's expiry) but waits on nothing that the
 * test is about (a camera loop). {@link advance} keeps it in step.
 */
export async function showServiceTime(context: BrowserContext, clock: ManualClock): Promise<void> {
  await context.clock.setFixedTime(clock.now());
  datedOnly.add(context);
}

/**
 * Moves the service's clock and the pages' clocks together: a paused page's
 * timers that fall due fire; a page of {@link showServiceTime} just shows the new time.
 */
export async function advance(clock: ManualClock, ms: number, ...contexts: BrowserContext[]): Promise<void> {
  clock.advance(ms);
  for (const context of contexts) {
    if (datedOnly.has(context)) await context.clock.setFixedTime(clock.now());
    else await context.clock.runFor(ms);
  }
}

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/** Serves fixed paths on 127.0.0.1 (a second origin for cross-origin tests). */
export async function serveStatic(
  routes: Record<string, { type: string; body: string | Buffer }>,
  host = '127.0.0.1',
): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0]!];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Decodes the QR code shown in an element's screenshot, or null if none is readable. */
export async function readQrFrom(element: Locator): Promise<string | null> {
  const png = PNG.sync.read(await element.screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return code?.data ?? null;
}

/**
 * Asks `fn` again until it returns a non-null value: for what a page shows
 * without an event to wait for (the pixels of a QR code). No deadline: a
 * slow machine only makes it ask more times.
 */
export async function eventually<T>(fn: () => Promise<T | null | undefined>): Promise<T> {
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}
