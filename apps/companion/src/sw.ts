/**
 * The companion's service worker: keeps the app shell (HTML, script, style,
 * manifest, icons) so the app opens offline. It never stores an API answer:
 * requests outside the shell list go to the network untouched.
 *
 * `__SHELL__` is written by build.mjs: the shell's file names and a version
 * (a hash of their contents), so a new build installs a new cache.
 */

declare const __SHELL__: { version: string; files: string[] };

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface WorkerScope {
  readonly location: Location;
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const sw = self as unknown as WorkerScope;
const CACHE_PREFIX = 'scanlogin-companion-shell-';
const CACHE = `${CACHE_PREFIX}${__SHELL__.version}`;
/** The scope's path, `/companion/`: the app itself. */
const ROOT = new URL(sw.registration.scope).pathname;
const SHELL = new Set(__SHELL__.files.map((f) => new URL(f, sw.registration.scope).pathname));

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload`: skip the HTTP cache, so the shell matches this worker's version.
      await cache.addAll(__SHELL__.files.map((f) => new Request(f, { cache: 'reload' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(CACHE_PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await sw.clients.claim();
    })(),
  );
});

async function fromShell(request: Request, key: string): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(key);
  if (hit) return hit;
  return fetch(request);
}

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin) return;
  // The app's page, whatever its query string: the cached shell.
  if (request.mode === 'navigate' && (url.pathname === ROOT || url.pathname === `${ROOT}index.html`)) {
    event.respondWith(fromShell(request, ROOT));
    return;
  }
  if (SHELL.has(url.pathname) && url.search === '') {
    event.respondWith(fromShell(request, url.pathname));
  }
  // Everything else (the API above all) is not ours to answer or keep.
});
