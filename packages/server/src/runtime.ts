import { ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';
import { type Clock, systemClock } from './domain/clock.js';
import { DirectoryService } from './domain/directory/service.js';
import { Installation } from './domain/installation.js';
import { KeySealer, parseKeyEncryptionKey, SealedKeyError } from './domain/key-sealing.js';
import type { Storage } from './domain/ports.js';
import { QrLoginService } from './domain/qr-login/service.js';
import { RateLimiter } from './domain/rate-limit.js';
import { KeyRing } from './domain/tokens/keys.js';
import { TokenService } from './domain/tokens/tokens.js';
import { WebSessionService } from './domain/web-sessions/service.js';
import { openCountryLookup } from './geoip.js';
import { OidcService } from './oidc/service.js';
import type { Runtime } from './services.js';
import { backendStartError } from './start-error.js';
import { composeStorage } from './storage/compose.js';
import { openEmbeddedStorage } from './storage/embedded.js';

/**
 * The storage the configuration names: the embedded SQLite file (counters in memory), or
 * PostgreSQL (durable) + Redis (hot) shared by several instances.
 */
export async function openStorage(config: Config): Promise<Storage> {
  if (!config.databaseUrl) return openEmbeddedStorage(config.databaseFile);
  // Loaded only when configured: the embedded default needs neither driver.
  const [{ openPostgres }, { openRedis }] = await Promise.all([
    import('./storage/postgres/index.js'),
    import('./storage/redis/index.js'),
  ]);
  // STORAGE_TIMEOUT, when set, replaces every client-side limit (0: none); else the adapters' own.
  const limitMs = config.storageTimeout === '' ? null : Number(config.storageTimeout) * 1000;
  // A backend that cannot be used at start is said in one line, by host and port, password hidden.
  const durable = await openPostgres(
    config.databaseUrl,
    limitMs === null ? {} : { connectionTimeoutMillis: limitMs, queryTimeoutMillis: limitMs },
  ).catch((err: unknown) => {
    throw backendStartError('PostgreSQL', 'DATABASE_URL', config.databaseUrl, err);
  });
  try {
    const hot = await openRedis(config.redisUrl, {
      keyPrefix: config.redisKeyPrefix,
      ...(limitMs === null
        ? {}
        : { connectTimeoutMs: limitMs, commandTimeoutMs: limitMs, startupTimeoutMs: limitMs }),
    });
    return composeStorage(durable, hot);
  } catch (err) {
    await durable.close();
    throw backendStartError('Redis', 'REDIS_URL', config.redisUrl, err);
  }
}

/** Wires storage, clock and domain services together; loads or creates the signing keys. */
export async function createRuntime(
  config: Config,
  opts: { clock?: Clock; storage?: Storage } = {},
): Promise<Runtime> {
  const clock = opts.clock ?? systemClock;
  // Before storage: a GeoIP file that cannot be read stops the start without touching the data.
  const geo = openCountryLookup(config.geoipDatabase);
  const storage = opts.storage ?? (await openStorage(config));
  // Private keys are sealed before they reach storage when a key-encryption key is set.
  const sealer = new KeySealer(
    config.keyEncryptionKey ? parseKeyEncryptionKey(config.keyEncryptionKey) : null,
    config.keyEncryptionKeyPrevious.map(parseKeyEncryptionKey),
  );
  const directory = new DirectoryService(
    storage.directory,
    storage.counters,
    clock,
    {
      accountFailures: config.loginAccountFailures,
      accountFailuresTotal: config.loginAccountFailuresTotal,
      ipFailures: config.loginIpFailures,
      windowMs: 15 * 60_000,
    },
    undefined,
    sealer,
  );
  const keys = new KeyRing(
    storage.keys,
    clock,
    Math.max(config.appTokenTtl, config.webTokenTtl) * 1000,
    config.keyActivationDelay * 1000,
    sealer,
  );
  try {
    await keys.init();
    await directory.resealPoolKeys();
  } catch (err) {
    // Our own storage is closed here; storage handed in belongs to the caller.
    if (!opts.storage) await storage.close();
    // A wrong or missing key-encryption key is a setting to fix, said in one line, never a stack.
    throw err instanceof SealedKeyError ? new ConfigError([err.message]) : err;
  }
  const tokens = new TokenService(keys, clock, {
    issuer: config.publicUrl,
    appTokenTtlSeconds: config.appTokenTtl,
    webTokenTtlSeconds: config.webTokenTtl,
  });
  const webSessions = new WebSessionService(
    storage.webSessions,
    directory,
    tokens,
    clock,
    config.webTokenTtl * 1000,
    geo,
  );
  const qr = new QrLoginService(
    storage.sessions,
    storage.events,
    storage.audit,
    directory,
    tokens,
    clock,
    webSessions,
    geo,
  );
  const limiter = new RateLimiter(storage.counters, clock);
  const oidc = await OidcService.create({ config, clock, storage, directory, keys, qr, webSessions, geo });
  const installation = new Installation(storage.directory, clock, config.adminToken);
  return {
    config,
    clock,
    storage,
    installation,
    directory,
    keys,
    tokens,
    qr,
    webSessions,
    geo,
    limiter,
    oidc,
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}
