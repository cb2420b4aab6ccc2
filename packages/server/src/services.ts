import type { Config } from './config/schema.js';
import type { Clock } from './domain/clock.js';
import type { DirectoryService } from './domain/directory/service.js';
import type { CountryLookup } from './domain/geo.js';
import type { Storage } from './domain/ports.js';
import type { QrLoginService } from './domain/qr-login/service.js';
import type { RateLimiter } from './domain/rate-limit.js';
import type { KeyRing } from './domain/tokens/keys.js';
import type { TokenService } from './domain/tokens/tokens.js';
import type { WebSessionService } from './domain/web-sessions/service.js';
import type { OidcService } from './oidc/service.js';

/** Everything the HTTP layer and the CLI are given; built once by `createRuntime`. */
export interface Services {
  config: Config;
  clock: Clock;
  storage: Storage;
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
}
