/**
 * Shared pieces of the browser tests: Debian's Chromium through playwright-core
 * (never a downloaded browser), a tiny static page server, and reading a QR
 * code from a screenshot the way a camera would.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQRmod from 'jsqr';
import { type Browser, chromium, type LaunchOptions, type Locator } from 'playwright-core';
import { PNG } from 'pngjs';

// jsqr's typings are CommonJS-shaped; under NodeNext the function is on `.default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRmod as unknown as { default: Decode }).default;

const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

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
    ...opts,
  });
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

/** Polls `fn` until it returns a non-null value (for things a page does on its own time). */
export async function eventually<T>(
  fn: () => Promise<T | null | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
