/**
 * The OpenID Connect side of the service, as the HTTP layer and the CLI see
 * it: the provider (rebuilt on key rotation), client registrations, the
 * sign-in and device-approval use cases, and housekeeping.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type Provider from 'oidc-provider';
import type { Config } from '../config/schema.js';
import type { Clock } from '../domain/clock.js';
import type { DirectoryService } from '../domain/directory/service.js';
import { fail } from '../domain/errors.js';
import type { CountryLookup } from '../domain/geo.js';
import { randomToken } from '../domain/ids.js';
import { detail } from '../domain/messages.js';
import type { Storage } from '../domain/ports.js';
import type { QrLoginService } from '../domain/qr-login/service.js';
import type { KeyRing } from '../domain/tokens/keys.js';
import type { WebSessionService } from '../domain/web-sessions/service.js';
import { ClientRegistry } from './clients.js';
import { DevicePolling } from './device-polling.js';
import { createProvider, ProviderHolder, SCOPES } from './provider.js';
import { OidcSignIn, type SignInResult } from './sign-in.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The directory meta key of the secret that signs the provider's cookies (one for all instances). */
const COOKIE_KEY_META = 'oidcCookieKey';

export interface OidcServiceDeps {
  config: Config;
  clock: Clock;
  storage: Storage;
  directory: DirectoryService;
  keys: KeyRing;
  qr: QrLoginService;
  webSessions: WebSessionService;
  geo: CountryLookup | null;
}

/** Where the web SDK's browser bundle is, when it has been built (npm start builds it). */
function defaultBundlePath(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('@scanlogin/web-sdk/package.json');
    return join(dirname(pkg), 'dist', 'scanlogin.iife.js');
  } catch {
    return null;
  }
}

export class OidcService {
  readonly issuer: string;
  readonly issuerOrigin: string;
  readonly clients: ClientRegistry;
  readonly signIn: OidcSignIn;
  readonly polling: DevicePolling;
  readonly #holder: ProviderHolder;
  readonly #storage: Storage;
  readonly #clock: Clock;
  #bundle: { path: string | null; body: Buffer | null } = { path: defaultBundlePath(), body: null };
  /** Where the provider's unexpected errors go (the HTTP layer points it at its logger). */
  onServerError: (err: unknown) => void = (err) => {
    process.stderr.write(`oidc-provider server error: ${err instanceof Error ? err.message : String(err)}\n`);
  };

  private constructor(d: OidcServiceDeps, cookieKey: string) {
    const { config, clock, storage, directory } = d;
    this.issuer = config.publicUrl;
    this.issuerOrigin = new URL(config.publicUrl).origin;
    this.#storage = storage;
    this.#clock = clock;
    this.clients = new ClientRegistry(storage.oidc, directory, clock);
    // A device code lives 10 minutes (provider.ts); its pacing state as long.
    this.polling = new DevicePolling(storage.counters, clock, config.devicePollInterval, 15 * 60_000);
    this.signIn = new OidcSignIn({
      store: storage.oidc,
      clock,
      directory,
      qr: d.qr,
      webSessions: d.webSessions,
      webSessionStore: storage.webSessions,
      audit: storage.audit,
      counters: storage.counters,
      geo: d.geo,
      provider: () => this.#holder.provider,
      issuerOrigin: this.issuerOrigin,
      scopes: new Set(SCOPES),
    });
    const options = {
      issuer: config.publicUrl,
      sessionTtl: config.webTokenTtl,
      requirePkce: config.oidcRequirePkce,
      pollInterval: config.devicePollInterval,
      cookieKeys: [cookieKey],
    };
    const deps = {
      store: storage.oidc,
      clock,
      clients: this.clients,
      grants: this.signIn,
      polling: this.polling,
      directory,
      geo: d.geo,
      isGrantLive: (grantId: string) => this.signIn.isGrantLive(grantId),
      onServerError: (err: unknown) => this.onServerError(err),
    };
    this.#holder = new ProviderHolder(d.keys, (jwks) => createProvider(options, deps, jwks));
  }

  static async create(d: OidcServiceDeps): Promise<OidcService> {
    // Every instance must sign and read the provider's cookies with the same secret: the first
    // start makes it, the others read it (claimMeta has one winner).
    const store = d.storage.directory;
    await store.claimMeta(COOKIE_KEY_META, randomToken(32));
    const key = (await store.getMeta(COOKIE_KEY_META)) ?? fail('INTERNAL', detail('noCookieKey'));
    return new OidcService(d, key);
  }

  /** The provider for the keys in force now. */
  get provider(): Provider {
    return this.#holder.provider;
  }

  /** The provider's Node request handler (see routes/oidc/provider.ts). */
  get callback(): (req: IncomingMessage, res: ServerResponse) => void {
    return this.#holder.callback as unknown as (req: IncomingMessage, res: ServerResponse) => void;
  }

  /** The login interaction the browser's cookie names, if it is `uid` and still open. */
  async interaction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<Interaction> {
    let found: Interaction;
    try {
      found = await this.provider.interactionDetails(req, res);
    } catch {
      return fail('SIGN_IN_EXPIRED');
    }
    // The cookie is scoped to the interaction's path, but only the id decides: they must agree.
    if (found.uid !== uid) fail('SIGN_IN_EXPIRED');
    return found;
  }

  /** Stores the interaction's result; returns where the browser goes next. */
  finish(req: IncomingMessage, res: ServerResponse, result: SignInResult): Promise<string> {
    return this.provider.interactionResult(req, res, result);
  }

  /** The web SDK bundle for the sign-in page; null until it has been built. */
  webSdkBundle(): Buffer | null {
    const b = this.#bundle;
    if (b.body === null && b.path && existsSync(b.path)) b.body = readFileSync(b.path);
    return b.body;
  }

  /** Serves the sign-in page's QR widget from this file instead (tests, custom builds). */
  useWebSdkBundle(path: string): void {
    this.#bundle = { path, body: null };
  }

  /** Housekeeping: forget artifacts that can no longer be used. */
  deleteExpired(): Promise<number> {
    return this.#storage.oidc.deleteExpired(this.#clock.now());
  }
}
