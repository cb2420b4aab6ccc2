/**
 * Our applications as the OpenID provider's clients: client id = app id,
 * client secret = app secret (checked against its SHA-256, see provider.ts),
 * name and pool from the app; what OpenID Connect adds per app (redirect URIs,
 * post-logout redirect URIs, public or confidential) is its registration,
 * kept in the artifact store as the provider's own `Client` kind.
 */
import type { Clock } from '../domain/clock.js';
import type { DirectoryService } from '../domain/directory/service.js';
import { fail } from '../domain/errors.js';
import { detail, type UriKind } from '../domain/messages.js';
import type { OidcArtifactStore } from '../domain/oidc/ports.js';
import type { AppRecord } from '../domain/ports.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface ClientRegistration {
  /** Where the provider may send the browser back with a code (exact match). */
  redirectUris: string[];
  /** Where RP-initiated logout may send the browser afterwards (exact match). */
  postLogoutRedirectUris: string[];
  /**
   * A public client (a TV, a CLI, a single-page app) proves nothing at the
   * token endpoint (`token_endpoint_auth_method: none`) and must use PKCE.
   * Off: a confidential client, authenticated with the app secret.
   */
  publicClient: boolean;
}

export const NO_REGISTRATION: Readonly<ClientRegistration> = Object.freeze({
  redirectUris: [],
  postLogoutRedirectUris: [],
  publicClient: false,
});

/**
 * The registration fields a request carries (the admin API's body, the CLI's flags), if any:
 * what is absent stays as registered.
 */
export function registrationOf(b: {
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  publicClient?: boolean;
}): Partial<ClientRegistration> | null {
  const r: Partial<ClientRegistration> = {};
  if (b.redirectUris !== undefined) r.redirectUris = b.redirectUris;
  if (b.postLogoutRedirectUris !== undefined) r.postLogoutRedirectUris = b.postLogoutRedirectUris;
  if (b.publicClient !== undefined) r.publicClient = b.publicClient;
  return Object.keys(r).length ? r : null;
}

const MAX_URIS = 20;

/**
 * An absolute https URL without a fragment, or plain http to this machine
 * (localhost, 127.0.0.1, [::1]) for development. Returns the URL as written:
 * the provider compares redirect URIs byte for byte.
 */
export function validRedirectUri(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return null;
  }
  if (u.hash || value.includes('#') || u.username || u.password) return null;
  if (u.protocol === 'https:') return value;
  const local = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
  return u.protocol === 'http:' && local ? value : null;
}

function uris(list: unknown, what: UriKind): string[] {
  if (!Array.isArray(list)) return fail('INVALID_REQUEST', detail('urisNotList', { what }));
  if (list.length > MAX_URIS) fail('INVALID_REQUEST', detail('tooManyUris', { what, max: MAX_URIS }));
  const out = list.map((v) =>
    typeof v === 'string' && validRedirectUri(v) !== null
      ? v
      : fail('INVALID_REQUEST', detail('uriNotAllowed', { what, value: JSON.stringify(v) })),
  );
  return [...new Set(out)];
}

/** The fields of `patch`, checked (throws INVALID_REQUEST naming the first wrong URI). */
export function validateRegistration(patch: Partial<ClientRegistration>): Partial<ClientRegistration> {
  const out: Partial<ClientRegistration> = {};
  if (patch.redirectUris !== undefined) out.redirectUris = uris(patch.redirectUris, 'redirect');
  if (patch.postLogoutRedirectUris !== undefined) {
    out.postLogoutRedirectUris = uris(patch.postLogoutRedirectUris, 'postLogout');
  }
  if (patch.publicClient !== undefined) out.publicClient = patch.publicClient === true;
  return out;
}

/** The client metadata oidc-provider validates and uses for one of our apps. */
export type ClientMetadata = Record<string, unknown> & { client_id: string };

/**
 * Registrations are read on every client-authenticated request, so, like
 * apps (DirectoryService), they are cached for a few seconds: a change made
 * through another instance counts there within that time, here at once.
 */
export class ClientRegistry {
  readonly #cache = new Map<string, { reg: ClientRegistration; until: number }>();

  constructor(
    private readonly store: OidcArtifactStore,
    private readonly directory: DirectoryService,
    private readonly clock: Clock,
    private readonly cacheMs = 5000,
  ) {}

  async get(appId: string): Promise<ClientRegistration> {
    const now = this.clock.now();
    const hit = this.#cache.get(appId);
    if (hit && hit.until > now) return hit.reg;
    const found = await this.store.find('Client', appId);
    const reg = found
      ? { ...NO_REGISTRATION, ...(found.payload as Partial<ClientRegistration>) }
      : NO_REGISTRATION;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(appId, { reg, until: now + this.cacheMs });
    return reg;
  }

  /** Changes an app's registration; fields not given keep their value. Validates every URI. */
  async update(appId: string, patch: Partial<ClientRegistration>): Promise<ClientRegistration> {
    (await this.directory.getApp(appId)) ?? fail('NOT_FOUND');
    this.#cache.delete(appId);
    const next = { ...(await this.get(appId)), ...validateRegistration(patch) };
    await this.store.upsert({
      kind: 'Client',
      id: appId,
      payload: { ...next },
      expiresAt: null,
      consumedAt: null,
    });
    this.#cache.delete(appId);
    return next;
  }

  /** Forgets an app's registration (the app was deleted). */
  remove(appId: string): Promise<void> {
    this.#cache.delete(appId);
    return this.store.destroy('Client', appId);
  }

  /**
   * What the provider's `Client.find(id)` gets: undefined for an unknown app.
   * Built on every call from the app (cached a few seconds by the directory)
   * and its registration, so a renamed app or a new secret counts at once.
   */
  async metadata(appId: string): Promise<ClientMetadata | undefined> {
    const app = await this.directory.getApp(appId);
    if (!app) return undefined;
    return clientMetadata(app, await this.get(appId));
  }
}

export function clientMetadata(app: AppRecord, reg: ClientRegistration): ClientMetadata {
  const redirects = reg.redirectUris.length > 0;
  return {
    client_id: app.id,
    client_name: app.name,
    // The hash, never the secret (we do not have it): the provider's secret comparison is
    // replaced by one that hashes what the client presents (see provider.ts).
    ...(reg.publicClient ? {} : { client_secret: app.secretHash }),
    token_endpoint_auth_method: reg.publicClient ? 'none' : 'client_secret_basic',
    // Without redirect URIs an app can still sign in devices (RFC 8628 needs none).
    redirect_uris: reg.redirectUris,
    post_logout_redirect_uris: reg.postLogoutRedirectUris,
    response_types: redirects ? ['code'] : [],
    grant_types: [...(redirects ? ['authorization_code'] : []), 'refresh_token', DEVICE_CODE_GRANT],
    id_token_signed_response_alg: 'ES256',
    ...(app.logo && /^https:\/\//.test(app.logo) ? { logo_uri: app.logo } : {}),
  };
}
