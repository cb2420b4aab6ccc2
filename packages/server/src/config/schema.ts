import { isIP } from 'node:net';
import { parseKeyEncryptionKey } from '../domain/key-sealing.js';

/**
 * Every setting of the service, in one table: the loader validates against
 * it, `npm run docs` renders it into docs/configuration.md, and nothing else
 * reads the environment.
 */
interface Base<T> {
  env: string;
  description: string;
  /** Never echoed back, not even in an error about its value. */
  secret?: boolean;
  default: T | ((c: Record<string, unknown>) => T);
  /** Shown in the docs instead of a computed default. */
  defaultText?: string;
}
export type Setting =
  | (Base<number> & { type: 'integer'; min: number; max: number })
  | (Base<string> & {
      type: 'string';
      pattern?: RegExp;
      optional?: boolean;
      /** A check beyond the pattern: the problem with `raw`, or null when it is fine. */
      check?: (raw: string) => string | null;
    })
  | (Base<boolean> & { type: 'boolean' })
  | (Base<string[]> & { type: 'list'; check?: (items: string[]) => string | null });

/** The problem `validate` throws, or null when it throws nothing. */
function problemOf(validate: () => unknown): string | null {
  try {
    validate();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export const configSchema = {
  host: {
    env: 'HOST',
    type: 'string',
    default: '127.0.0.1',
    description: 'Address to listen on. Use 0.0.0.0 to accept connections from the LAN (a phone).',
  },
  port: {
    env: 'PORT',
    type: 'integer',
    min: 0,
    max: 65535,
    default: 3000,
    description: 'TCP port of the service.',
  },
  // Before PUBLIC_URL: its default's scheme follows them.
  https: {
    env: 'HTTPS',
    type: 'string',
    pattern: /^(off|self-signed)$/,
    default: 'off',
    description:
      '`self-signed`: serve HTTPS with a certificate made on first use in DATA_DIR/tls/ (for localhost, 127.0.0.1 and the LAN addresses; reused later), so a phone on the LAN gets the secure page its camera needs. `off`: HTTP unless TLS_CERT is set.',
  },
  tlsCert: {
    env: 'TLS_CERT',
    type: 'string',
    optional: true,
    default: '',
    defaultText: '(none)',
    description: 'PEM certificate file (chain included) to serve HTTPS with; needs TLS_KEY.',
  },
  tlsKey: {
    env: 'TLS_KEY',
    type: 'string',
    optional: true,
    default: '',
    defaultText: '(none)',
    description: 'PEM private key file of TLS_CERT.',
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    type: 'string',
    pattern: /^https?:\/\/[^/?#\s]+$/,
    default: (c) =>
      `${c.https === 'self-signed' || c.tlsCert ? 'https' : 'http'}://${c.host === '0.0.0.0' ? 'localhost' : c.host}:${c.port}`,
    defaultText: 'http://HOST:PORT (https:// with TLS)',
    description:
      'The URL clients reach the service at (no trailing slash). Token issuer and QR image URLs are built from it.',
  },
  dataDir: {
    env: 'DATA_DIR',
    type: 'string',
    default: './data',
    description: 'Directory for the embedded database (keys included). Created with mode 0700.',
  },
  databaseFile: {
    env: 'DATABASE_FILE',
    type: 'string',
    default: (c) => `${c.dataDir}/scanlogin.db`,
    defaultText: 'DATA_DIR/scanlogin.db',
    description: 'The SQLite file. `:memory:` keeps everything in memory (tests only).',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    secret: true,
    type: 'string',
    optional: true,
    pattern: /^postgres(ql)?:\/\/\S+$/,
    default: '',
    defaultText: '(none: embedded SQLite)',
    description:
      'PostgreSQL for the durable data (pools, apps, users, keys, audit, web sessions), e.g. `postgres://user:pass@db:5432/scanlogin`. Set together with REDIS_URL to run several instances; migrations are applied at start (or with `scanlogin migrate`).',
  },
  redisUrl: {
    env: 'REDIS_URL',
    secret: true,
    type: 'string',
    optional: true,
    pattern: /^rediss?:\/\/\S+$/,
    default: '',
    defaultText: '(none: embedded SQLite)',
    description:
      'Redis for the hot, short-lived state (QR sessions and tickets, rate-limit counters, status events fanned out to every instance), e.g. `redis://redis:6379/0`. Set together with DATABASE_URL.',
  },
  redisKeyPrefix: {
    env: 'REDIS_KEY_PREFIX',
    type: 'string',
    pattern: /^[A-Za-z0-9:_.-]{1,64}$/,
    default: 'scanlogin:',
    description: 'Prefix of every Redis key and channel; instances serving the same users must agree on it.',
  },
  storageTimeout: {
    env: 'STORAGE_TIMEOUT',
    type: 'string',
    optional: true,
    pattern: /^[0-9]{1,4}$/,
    default: '',
    defaultText:
      '(built in: 2 s for a connection or a Redis reply, 10 s for a PostgreSQL query, 5 s for Redis at start)',
    description:
      'Seconds a call may wait for PostgreSQL or Redis (a connection, then the answer) before it fails as unavailable (503); `0`: no limit. With DATABASE_URL only.',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    type: 'string',
    pattern: /^(fatal|error|warn|info|debug|trace|silent)$/,
    default: 'info',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
  },
  logFormat: {
    env: 'LOG_FORMAT',
    type: 'string',
    pattern: /^(auto|json|pretty)$/,
    default: 'auto',
    description:
      '`json`: one JSON object per line (for log collectors). `pretty`: readable, coloured lines. `auto`: pretty when the output is a terminal, JSON otherwise (a service manager, a container, a pipe).',
  },
  metricsPort: {
    env: 'METRICS_PORT',
    type: 'string',
    optional: true,
    pattern: /^[0-9]{1,5}$/,
    check: (raw) => (Number(raw) <= 65535 ? null : 'expected a port from 0 to 65535'),
    default: '',
    defaultText: '(none: no metrics)',
    description:
      'Serve Prometheus metrics at GET /metrics on this port, a listener of its own: never on the public PORT, so a proxy that forwards PORT does not publish them. Unset: no metrics are collected.',
  },
  metricsHost: {
    env: 'METRICS_HOST',
    type: 'string',
    default: '127.0.0.1',
    description:
      "Address of the metrics listener. Keep the loopback address when Prometheus runs on the same machine; `0.0.0.0` lets it scrape from elsewhere (a pod's IP in Kubernetes): then keep the port off the public network, or set METRICS_TOKEN.",
  },
  metricsToken: {
    env: 'METRICS_TOKEN',
    secret: true,
    type: 'string',
    optional: true,
    pattern: /^\S{16,}$/,
    default: '',
    defaultText: '(none: no credential asked)',
    description:
      'When set, a scrape must send `Authorization: Bearer <token>` (Prometheus: `authorization: {credentials: ...}`); others get 401. At least 16 characters.',
  },
  appTokenTtl: {
    env: 'APP_TOKEN_TTL',
    type: 'integer',
    min: 60,
    max: 90 * 86400,
    default: 7 * 86400,
    description: 'Seconds an app token (password login on the phone) stays valid.',
  },
  webTokenTtl: {
    env: 'WEB_TOKEN_TTL',
    type: 'integer',
    min: 60,
    max: 30 * 86400,
    default: 86400,
    description: 'Seconds a website token (minted when a ticket is redeemed) stays valid.',
  },
  keyActivationDelay: {
    env: 'KEY_ACTIVATION_DELAY',
    type: 'integer',
    min: 0,
    max: 86400,
    default: 120,
    description:
      'Seconds a rotated signing key is published in the JWKS before it signs, so verifiers and other instances know it first.',
  },
  keyReloadInterval: {
    env: 'KEY_RELOAD_INTERVAL',
    type: 'integer',
    min: 1,
    max: 3600,
    default: 60,
    description:
      'Seconds between reloads of the signing keys from storage (how other instances learn of a rotation).',
  },
  devicePollInterval: {
    env: 'DEVICE_POLL_INTERVAL',
    type: 'integer',
    min: 1,
    max: 60,
    default: 5,
    description:
      'Seconds a device must wait between token polls in the OAuth device grant (RFC 8628 `interval`); a faster poll gets `slow_down` and 5 s more for that device.',
  },
  oidcRequirePkce: {
    env: 'OIDC_REQUIRE_PKCE',
    type: 'boolean',
    default: true,
    description:
      'Require PKCE (S256) from every OpenID Connect client. Turn off only for confidential relying parties that cannot send it; public clients always need it.',
  },
  bodyLimit: {
    env: 'BODY_LIMIT',
    type: 'integer',
    min: 1024,
    max: 1048576,
    default: 16384,
    description: 'Largest accepted request body in bytes; larger ones get 413.',
  },
  adminToken: {
    env: 'ADMIN_TOKEN',
    secret: true,
    type: 'string',
    optional: true,
    pattern: /^.{24,}$/,
    default: '',
    defaultText: '(generated at first start)',
    description:
      'Admin credential for the management API. If unset, one is generated at first start, printed once, and stored hashed.',
  },
  geoipDatabase: {
    env: 'GEOIP_DATABASE',
    type: 'string',
    default: 'bundled',
    description:
      'Country lookups for the confirm screen: `bundled` (the CC0 database from npm), a path to a MaxMind-format .mmdb file, or `off`.',
  },
  companion: {
    env: 'COMPANION',
    type: 'string',
    default: 'bundled',
    description:
      'The companion phone app at /companion/: `bundled` (the build shipped with the service), a directory holding another build, or `off`.',
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    type: 'string',
    default: 'off',
    check: (raw) => {
      const parsed = parseTrustProxy(raw);
      return typeof parsed === 'string' ? parsed : null;
    },
    description:
      "Who may tell the client address and scheme (X-Forwarded-For, X-Forwarded-Proto): `off` (nobody: the address is the connection's), the number of proxies in front of the service (`1` for one nginx), or the proxies' addresses as a comma list of IPs, CIDRs, `loopback`, `linklocal`, `uniquelocal`. The client is the right-most address of the chain that no trusted proxy added; anything a client writes further left is ignored. `true` (trust the whole chain) is refused: a client could then choose its own address.",
  },
  loginAccountFailures: {
    env: 'LOGIN_ACCOUNT_FAILURES',
    type: 'integer',
    min: 1,
    max: 1000,
    default: 5,
    description:
      'Password attempts at one account (username, e-mail and phone alike) from one IP address per 15 min, counted before the password is checked; past it, that address waits for the window to end. A success starts over. Also the step-up budget per user.',
  },
  loginAccountFailuresTotal: {
    env: 'LOGIN_ACCOUNT_FAILURES_TOTAL',
    type: 'integer',
    min: 1,
    max: 100000,
    default: 20,
    description:
      'Password attempts at one account from all addresses together per 15 min; past it, every address waits for the window to end (so locking a user out takes several addresses, and lasts at most 15 min per round).',
  },
  loginIpFailures: {
    env: 'LOGIN_IP_FAILURES',
    type: 'integer',
    min: 1,
    max: 100000,
    default: 50,
    description:
      'Failed logins from one IP address, any accounts, per 15 min before it must wait for the window to end.',
  },
  rateGenePerIp: {
    env: 'RATE_GENE_PER_IP',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: 60,
    description: 'QR codes one IP address may create per minute.',
  },
  rateGenePerApp: {
    env: 'RATE_GENE_PER_APP',
    type: 'integer',
    min: 1,
    max: 10_000_000,
    default: 6000,
    description: 'QR codes one application may create per minute (all its visitors together).',
  },
  rateCheckPerCode: {
    env: 'RATE_CHECK_PER_CODE',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: 30,
    description:
      'Status reads (check, long-poll, SSE connects) of one code from one IP per 10 s; polling every 800 ms needs 13. Faster gets 429 with Retry-After.',
  },
  heldPerIp: {
    env: 'HELD_PER_IP',
    type: 'integer',
    min: 1,
    max: 100_000,
    default: 32,
    description:
      'Status streams (SSE) and long-polls one client address may hold open at once, per instance; one more gets 429 with Retry-After. A waiting login page holds one.',
  },
  rateAppPerUser: {
    env: 'RATE_APP_PER_USER',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: 120,
    description:
      'App calls (scanned, confirm, cancel, context, history, step-up) one user may make per minute.',
  },
  rateLoginPerIp: {
    env: 'RATE_LOGIN_PER_IP',
    type: 'integer',
    min: 1,
    max: 1_000_000,
    default: 60,
    description: 'Login attempts from one IP address per minute (failures also back off per account).',
  },
  keyEncryptionKey: {
    env: 'KEY_ENCRYPTION_KEY',
    type: 'string',
    optional: true,
    secret: true,
    check: (raw) => problemOf(() => parseKeyEncryptionKey(raw)),
    default: '',
    defaultText: '(none: keys stored in plain text)',
    description:
      "Encrypts the private keys kept in the database (token signing keys, the pools' RSA keys) with AES-256-GCM: 32 random bytes as 64 hex digits or base64 (`openssl rand -base64 32`). Keys stored before are encrypted at the next start. Keep it outside the database and its backups: once keys are stored encrypted, a start without it (or with another) is refused.",
  },
  keyEncryptionKeyPrevious: {
    env: 'KEY_ENCRYPTION_KEY_PREVIOUS',
    type: 'list',
    secret: true,
    check: (keys) =>
      keys.map((k) => problemOf(() => parseKeyEncryptionKey(k))).find((p) => p !== null) ?? null,
    default: [],
    defaultText: '(none)',
    description:
      'Former KEY_ENCRYPTION_KEY values (comma-separated), still accepted for reading while it is rotated: keys sealed with them are re-encrypted with KEY_ENCRYPTION_KEY at start.',
  },
  seedDemo: {
    env: 'SEED_DEMO',
    type: 'boolean',
    default: true,
    description:
      'On first start, create a default pool, a demo app and two demo users, and print their credentials.',
  },
  demoOrigins: {
    env: 'DEMO_ORIGINS',
    type: 'list',
    default: ['http://localhost:3001', 'http://127.0.0.1:3001'],
    description: 'Comma-separated web origins the seeded demo app allows.',
  },
} as const satisfies Record<string, Setting>;

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it (proxy-addr underneath):
 * false, a hop count, or a list of trusted proxy addresses; a string is the
 * problem with the setting.
 */
export function parseTrustProxy(raw: string): false | number | string[] | string {
  const v = raw.trim().toLowerCase();
  if (v === '' || v === 'off' || v === 'false' || v === 'no' || v === '0') return false;
  if (v === 'true' || v === 'yes' || v === 'on') {
    return 'trusting every X-Forwarded-For entry lets a client choose its own address; set the number of proxies in front of the service (1 for one nginx) or their addresses (127.0.0.1, 10.0.0.0/8, loopback...)';
  }
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : 'expected at most 10 proxy hops';
  }
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entries) {
    if (PROXY_NAMES.has(e)) continue;
    const [address, prefix, extra] = e.split('/');
    const family = isIP(address ?? '');
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= bits);
    if (!family || !prefixOk || extra !== undefined) {
      return `"${e}" is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`;
    }
  }
  return entries;
}

type Infer<S> = S extends { type: 'integer' }
  ? number
  : S extends { type: 'boolean' }
    ? boolean
    : S extends { type: 'list' }
      ? string[]
      : string;

export type Config = { readonly [K in keyof typeof configSchema]: Infer<(typeof configSchema)[K]> };
