import type { Config } from './config/schema.js';
import type { Clock } from './domain/clock.js';
import type { DirectoryService } from './domain/directory/service.js';
import type { CountryLookup } from './domain/geo.js';
import type { Installation } from './domain/installation.js';
import type { Storage } from './domain/ports.js';
import type { QrLoginService } from './domain/qr-login/service.js';
import type { RateLimiter } from './domain/rate-limit.js';
import type { KeyRing } from './domain/tokens/keys.js';
import type { TokenService } from './domain/tokens/tokens.js';
import type { WebSessionService } from './domain/web-sessions/service.js';
import type { OidcService } from './oidc/service.js';

/**
 * What the HTTP layer and the CLI are given: the domain services, never the
 * stores behind them (those are the services' own business).
 */
export interface Services {
  config: Config;
  clock: Clock;
  installation: Installation;
  directory: DirectoryService;
  keys: KeyRing;
  tokens: TokenService;
  qr: QrLoginService;
  webSessions: WebSessionService;
  /** Country lookups for IP addresses; null when no database is available. */
  geo: CountryLookup | null;
  limiter: RateLimiter;
  /** OpenID Connect provider and device grant, signing in with the QR login (src/oidc/). */
  oidc: OidcService;
  /** Resolves when the storage answers; rejects (StorageUnavailableError) when it does not. */
  ping(): Promise<void>;
}

/**
 * The services with what they run on, as `createRuntime` builds them: the
 * composition root (startServer, the CLI, tests) closes the storage.
 */
export interface Runtime extends Services {
  storage: Storage;
  close(): Promise<void>;
}
