/**
 * Our server under test, and the flows the scenarios need, done through the
 * public and admin HTTP APIs only (the same calls the tests' helpers make:
 * admin creates pool/app/user, the app logs in, pages generate and check,
 * the phone scans and confirms).
 */
import { randomBytes } from 'node:crypto';
import { closeClient, mapLimit, ok, request } from './http.js';
import { type Child, freePort, spawnNode, tempDir, waitFor200 } from './proc.js';

/** The server's entry point, the same as `npm run serve`. */
export const SERVER_ENTRY = 'packages/server/src/cli/main.ts';

/** Admin credential given through ADMIN_TOKEN, so the harness can use the admin API. */
export const ADMIN_TOKEN = `bench-admin-${randomBytes(16).toString('hex')}`;

/**
 * The binding `gene` minted for each code the harness made (by `random`): the
 * page's proof, needed to read a ticket from `check` or the event stream. The
 * server mints one per code and adopts nothing a client brings.
 */
const bindings = new Map<string, string>();
export const bindingOf = (random: string): string => bindings.get(random) ?? '';

/**
 * The defaults throttle one address to a browser's pace (60 codes a minute,
 * 30 reads of a code per 10 s); the load generator is one address sending
 * thousands a second, so every RATE_* limit is raised out of the way.
 */
export const RAISED_LIMITS: Record<string, string> = {
  RATE_GENE_PER_IP: '1000000',
  RATE_GENE_PER_APP: '10000000',
  RATE_CHECK_PER_CODE: '1000000',
  RATE_APP_PER_USER: '1000000',
  RATE_LOGIN_PER_IP: '1000000',
  // Not a limit but the device grant's pace (RFC 8628 interval): the shortest allowed, so the device
  // poll scenario needs fewer codes to poll each no faster than allowed.
  DEVICE_POLL_INTERVAL: '1',
};

/** A storage mode: its name and the extra environment that selects it. */
export interface Mode {
  name: string;
  env: Record<string, string>;
}

export const EMBEDDED: Mode = { name: 'embedded SQLite', env: {} };

export interface Server {
  child: Child;
  base: string;
  dataDir: string;
  /** Milliseconds from spawn to the first 200 from /health. */
  startMs: number;
}

export interface StartOptions {
  /** Reuse a data directory (a restart) instead of a fresh one (a first start). */
  dataDir?: string;
  /** Extra flags for node (--cpu-prof ...). */
  nodeFlags?: string[];
  /** Preload bench/server-hooks.ts with --expose-gc, so RSS can be read after a forced GC. */
  gcHook?: boolean;
}

export function serverEnv(mode: Mode, port: number, dataDir: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN,
    ...RAISED_LIMITS,
    ...mode.env,
  };
}

/** Spawns `node --import tsx packages/server/src/cli/main.ts serve` and waits for /health. */
export async function startServer(mode: Mode, opts: StartOptions = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = opts.dataDir ?? tempDir('data');
  const t0 = performance.now();
  const child = spawnNode('scanlogin server', SERVER_ENTRY, ['serve'], {
    env: serverEnv(mode, port, dataDir),
    nodeFlags: [...(opts.gcHook ? ['--expose-gc'] : []), ...(opts.nodeFlags ?? [])],
    preload: opts.gcHook ? ['./bench/server-hooks.ts'] : [],
    raiseFdLimit: true,
    reportDeath: true,
  });
  const base = `http://127.0.0.1:${port}`;
  const startMs = await waitFor200(`${base}/health`, child, t0);
  return { child, base, dataDir, startMs };
}

export interface Tenant {
  base: string;
  poolId: string;
  appId: string;
  appSecret: string;
  account: string;
  password: string;
  /** The phone's app token (password login). */
  token: string;
}

const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * A pool with the default security settings (binding required, as shipped),
 * an app whose codes and tickets live an hour (so nothing expires while the
 * benchmark runs) and one user; then that user's app login.
 */
export async function seedTenant(base: string): Promise<Tenant> {
  const pool = await ok(
    request(base, 'POST', '/api/admin/pools', { headers: adminHeaders, body: { name: 'bench pool' } }),
    'create pool',
  );
  const app = await ok(
    request(base, 'POST', '/api/admin/apps', {
      headers: adminHeaders,
      body: {
        userPoolId: pool.id,
        name: 'bench site',
        allowedOrigins: ['http://127.0.0.1:3001'],
        qrcodeExpiresAfter: 3600,
        ticketExpiresAfter: 3600,
      },
    }),
    'create app',
  );
  const account = 'bench-user';
  const password = 'bench-user-password';
  await ok(
    request(base, 'POST', '/api/admin/users', {
      headers: adminHeaders,
      body: { userPoolId: pool.id, username: account, password, nickname: 'Bench' },
    }),
    'create user',
  );
  const t = { base, poolId: pool.id, appId: app.id, appSecret: app.secret, account, password, token: '' };
  t.token = (await ok(login(t), 'app login')).token;
  return t;
}

export const login = (t: Omit<Tenant, 'token'>) =>
  request(t.base, 'POST', '/api/v2/login/account', {
    headers: { 'x-authing-app-id': t.appId },
    body: { account: t.account, password: t.password },
  });

/** The page's headers when it asks for a code: the app id. */
export const pageHeaders = (t: Tenant) => ({ 'x-authing-app-id': t.appId });

/** Basic credentials of the site's backend for the ticket exchange. */
export const backendAuth = (t: Tenant) =>
  `Basic ${Buffer.from(`${t.appId}:${t.appSecret}`).toString('base64')}`;

export const GENE_BODY = JSON.stringify({ autoMergeQrCode: false, scene: 'APP_AUTH' });

/** Creates `n` pending codes (many calls in flight); returns their randoms. */
export async function createCodes(t: Tenant, n: number, concurrency = 48): Promise<string[]> {
  return mapLimit(Array.from({ length: n }), concurrency, async () => {
    const data = await ok(
      request(t.base, 'POST', '/api/v2/qrcode/gene', {
        headers: pageHeaders(t),
        body: { autoMergeQrCode: false, scene: 'APP_AUTH' },
      }),
      'gene',
    );
    bindings.set(data.random, data.binding);
    return data.random as string;
  });
}

export function appAction(t: Tenant, action: 'scanned' | 'confirm', random: string) {
  return request(t.base, 'POST', `/api/v2/qrcode/${action}`, {
    headers: { authorization: t.token },
    body: { random },
  });
}

/** Codes the phone has scanned (status 1), ready to be confirmed. */
export async function scannedCodes(t: Tenant, n: number): Promise<string[]> {
  const randoms = await createCodes(t, n);
  await mapLimit(randoms, 48, (r) => ok(appAction(t, 'scanned', r), 'scanned'));
  return randoms;
}

/**
 * Tickets ready to redeem: each code is generated, scanned and confirmed,
 * then its ticket is read with `check` as the page that asked for it.
 */
export async function approvedTickets(t: Tenant, n: number): Promise<string[]> {
  const randoms = await scannedCodes(t, n);
  return mapLimit(randoms, 48, async (r) => {
    await ok(appAction(t, 'confirm', r), 'confirm');
    const view = await ok(
      request(t.base, 'GET', `/api/v2/qrcode/check?random=${r}`, {
        headers: { ...pageHeaders(t), 'x-scanlogin-binding': bindingOf(r) },
      }),
      'check',
    );
    if (typeof view.ticket !== 'string') throw new Error(`no ticket after confirm: ${JSON.stringify(view)}`);
    return view.ticket as string;
  });
}

export { closeClient };
