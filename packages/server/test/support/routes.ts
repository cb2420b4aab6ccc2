import type { FastifyInstance } from 'fastify';

/** `METHOD url` of every route `app` registered, HEAD and OPTIONS left out, sorted. */
export function registeredRoutes(app: FastifyInstance): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    for (const method of m[3]?.split(', ') ?? []) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      out.push(`${method} ${stack.join('')}`);
    }
  }
  return out.sort();
}

/** The rendered API document's pages and assets: not operations of the API. */
export const isDocsPage = (route: string) => /^GET \/docs(\/|$)/.test(route);

/**
 * The OpenID provider's own endpoints (OAuth 2.0 and OpenID Connect, which its
 * discovery document describes) and its sign-in pages, all under /oidc/: not
 * operations of this API.
 */
export const isOidcProviderRoute = (route: string) => /^[A-Z]+ \/oidc\//.test(route);
