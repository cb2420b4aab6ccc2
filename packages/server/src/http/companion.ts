/**
 * Serves the companion (the phone's web app, apps/companion) from the service
 * itself, at `/companion/`: same origin as the API (no CORS), one strict
 * Content-Security-Policy, and a service worker scoped to `/companion/`.
 *
 * `COMPANION=bundled` (the default) serves the build that `npm run build`
 * places in this package (`companion/`, shipped with it); a directory path
 * serves another build; `off` serves nothing.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const COMPANION_PREFIX = '/companion/';

/** Where `npm run build` puts the companion's build in this package (from src/ and dist/ alike). */
export const BUNDLED_COMPANION_DIR = fileURLToPath(new URL('../../companion/', import.meta.url));

/** The directory the `COMPANION` setting names, or null for `off`. */
export function companionDirOf(setting: string): string | null {
  if (setting === 'off') return null;
  return setting === 'bundled' ? BUNDLED_COMPANION_DIR : setting;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The pages' policy: only this origin, no inline script or style, no other
 * host for anything; the API is same-origin (`connect-src 'self'`).
 */
export const COMPANION_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The service worker fetches only the shell, from this origin. */
const WORKER_CSP = "default-src 'none'; connect-src 'self'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  headers: Record<string, string>;
}

function headersFor(name: string): Record<string, string> {
  const common: Record<string, string> = {
    // Names carry no hash, so every use revalidates (cheap: ETag → 304). The service worker
    // keeps its own versioned copy for offline use.
    'cache-control': 'no-cache',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (name.endsWith('.html')) {
    return {
      ...common,
      'content-security-policy': COMPANION_CSP,
      'permissions-policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()',
      'cross-origin-opener-policy': 'same-origin',
    };
  }
  if (name === 'sw.js') {
    return {
      ...common,
      'service-worker-allowed': COMPANION_PREFIX,
      'content-security-policy': WORKER_CSP,
    };
  }
  return common;
}

/** Reads every file of the build (top level only) into memory, with its type and ETag. */
export function loadCompanionAssets(distDir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(distDir)) {
    const path = join(distDir, name);
    if (!statSync(path).isFile()) continue;
    const type = TYPES[extname(name).toLowerCase()];
    if (!type) continue; // source maps and stray files are not served
    const body = readFileSync(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, type, etag, headers: headersFor(name) });
  }
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset) {
  reply.headers(asset.headers);
  reply.header('etag', asset.etag);
  const match = request.headers['if-none-match'];
  if (typeof match === 'string' && match.split(',').some((t) => t.trim() === asset.etag)) {
    return reply.code(304).send();
  }
  return reply.type(asset.type).send(asset.body);
}

/**
 * Registers `GET /companion/` (the app), `GET /companion/<file>` for each built
 * file, and a redirect from `/companion`. Without a build (`npm run build`),
 * the pages answer 503 saying so.
 */
export function mountCompanion(app: FastifyInstance, distDir: string): void {
  app.get('/companion', async (_request, reply) => reply.redirect(COMPANION_PREFIX, 308));

  if (!existsSync(join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'companion app is not built; run: npm run build');
    const notBuilt = async (_request: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send('The companion app is not built. Run: npm run build\n');
    app.get(COMPANION_PREFIX, notBuilt);
    app.get(`${COMPANION_PREFIX}:file`, notBuilt);
    return;
  }

  const assets = loadCompanionAssets(distDir);
  const index = assets.get('index.html')!;
  app.get(COMPANION_PREFIX, async (request, reply) => send(request, reply, index));
  app.get<{ Params: { file: string } }>(`${COMPANION_PREFIX}:file`, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.callNotFound();
    return send(request, reply, asset);
  });
}
