import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { ErrorCodes, type ErrorName, QR_SIGNATURE_TYPE, unsignedQrPayload } from '@scanlogin/protocol';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import forge from 'node-forge';
import { type FirstStartReport, firstStart } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import type { Clock } from '../src/domain/clock.js';
import { buildHttp } from '../src/http/app.js';
import { createRuntime } from '../src/runtime.js';
import type { Runtime, Services } from '../src/services.js';

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  services: Runtime;
  seed: FirstStartReport & { app: NonNullable<FirstStartReport['app']>; adminToken: string };
  close(): Promise<void>;
}

export const GENEROUS_LIMITS = {
  RATE_GENE_PER_IP: '1000000',
  RATE_GENE_PER_APP: '1000000',
  RATE_CHECK_PER_CODE: '1000000',
  RATE_APP_PER_USER: '1000000',
  RATE_LOGIN_PER_IP: '1000000',
};

/**
 * A live service on 127.0.0.1 with a random port, an in-memory SQLite database
 * and the first-start seed (default pool, demo app, alice and bob).
 */
export async function startTestServer(
  opts: {
    clock?: Clock;
    config?: Partial<Config>;
    env?: Record<string, string>;
    /** Registers extra routes before the server listens, like `startServer`'s `mount`. */
    mount?: (app: FastifyInstance, services: Services) => void | Promise<void>;
    /**
     * Another instance of this server, on the same shared storage (pass the same
     * DATABASE_URL and REDIS_URL in `env`): no first start, the same seed.
     */
    join?: TestServer;
  } = {},
): Promise<TestServer> {
  // The port must be known before the config is built: issuer and image URLs name it.
  // It was free when picked; on a busy machine another process (a parallel test
  // file, an outgoing connection) may take it before we listen: then start over on another.
  let port: number;
  let services: Runtime;
  let app: FastifyInstance;
  for (;;) {
    port = await freePort();
    const config = loadConfig(
      {
        LOG_LEVEL: 'silent',
        DATABASE_FILE: ':memory:',
        DEMO_ORIGINS: 'http://localhost:3001',
        PORT: String(port),
        // Tests that need the phone app pass the directory of a build of their own.
        COMPANION: 'off',
        // Suites fire many requests from one address; the limits have their own tests.
        ...GENEROUS_LIMITS,
        ...opts.env,
      },
      opts.config,
    );
    services = await createRuntime(config, opts.clock ? { clock: opts.clock } : {});
    app = await buildHttp(services);
    await opts.mount?.(app, services);
    try {
      await app.listen({ host: '127.0.0.1', port, backlog: 4096 });
      break;
    } catch (err) {
      await app.close();
      await services.storage.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  const report = opts.join ? opts.join.seed : await firstStart(services);
  if (!report?.app || !report.adminToken) throw new Error('seed failed');
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    services,
    seed: report as TestServer['seed'],
    close: async () => {
      await app.close();
      await services.storage.close();
    },
  };
}

/**
 * Test answers are JSON of many shapes; assertions check them field by field,
 * so a loose type here keeps the tests readable.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: { code: number; message: string; data: T };
}

/** The cookies one test "browser" holds for one server (name → value; paths ignored). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  get size() {
    return this.#cookies.size;
  }
  get(name: string) {
    return this.#cookies.get(name);
  }
  store(setCookies: string[]) {
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      // An expired cookie is dropped, as a browser does.
      if (/;\s*Max-Age=0\b/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, pair!.slice(eq + 1).trim());
    }
  }
  /** The names of the cookies held. */
  names() {
    return [...this.#cookies.keys()];
  }
  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const jars = new Map<string, CookieJar>();
/** The cookie jar of the default test "browser" for a server. */
export function defaultJar(base: string): CookieJar {
  const origin = new URL(base).origin;
  let jar = jars.get(origin);
  if (!jar) {
    jar = new CookieJar();
    jars.set(origin, jar);
  }
  return jar;
}

/** A small JSON client for tests. */
export async function call<T = Json>(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; headers?: Record<string, string>; jar?: CookieJar | false } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  // Tests act as one browser per server unless they bring their own jar (or none).
  const jar = opts.jar === false ? null : (opts.jar ?? defaultJar(base));
  if (jar && !headers.cookie && jar.size > 0) headers.cookie = jar.header();
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body });
  jar?.store(res.headers.getSetCookie());
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { code: -1, message: text, data: null };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Logs a demo user in through the app endpoint and returns the app token. */
export async function appLogin(s: TestServer, account = 'alice', password = `${account}-demo-pass`) {
  const r = await call(s.url, 'POST', '/api/v2/login/account', {
    body: { account, password },
    headers: { 'x-authing-app-id': s.seed.app.id },
  });
  if (r.body.code !== 200) throw new Error(`login failed: ${JSON.stringify(r.body)}`);
  return r.body.data.token as string;
}

export async function generate(s: TestServer, headers: Record<string, string> = {}) {
  const r = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
    body: { scene: 'APP_AUTH' },
    headers: { 'x-authing-app-id': s.seed.app.id, ...headers },
  });
  if (r.body.code !== 200) throw new Error(`gene failed: ${JSON.stringify(r.body)}`);
  return r.body.data as { random: string; url: string; expiresIn: number; payload: string };
}

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

// ---------------------------------------------------------------------------
// Helpers for the HTTP suites.

/**
 * Asserts that an answer is the registry's error `name`: its HTTP status, and
 * the envelope `{code, message, data: null}` with the registry's code.
 */
export function assertError(answer: Answer, name: ErrorName): void {
  const entry = ErrorCodes[name];
  assert.deepEqual(
    { status: answer.status, code: answer.body.code, data: answer.body.data },
    { status: entry.status, code: entry.code, data: null },
    `expected ${name} (${entry.status} ${entry.code}), got ${answer.status} ${JSON.stringify(answer.body)}`,
  );
  assert.equal(typeof answer.body.message, 'string');
  assert.ok(answer.body.message.length > 0, 'an error carries a message');
  assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'data', 'message']);
}

/** Asserts a success envelope (HTTP 2xx, code 200) and returns its data. */
export function assertOk<T = Json>(answer: Answer<T>, status = 200): T {
  assert.equal(
    answer.status,
    status,
    `expected HTTP ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`,
  );
  assert.equal(answer.body.code, 200, JSON.stringify(answer.body));
  return answer.body.data;
}

/** A call to the admin API with the seeded admin token. */
export function admin<T = Json>(
  s: TestServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  return call<T>(s.url, method, path, {
    headers: { authorization: `Bearer ${s.seed.adminToken}` },
    ...(body === undefined ? {} : { body }),
  });
}

export interface Tenant {
  poolId: string;
  appId: string;
  appSecret: string;
  username: string;
  password: string;
  userId: string;
}

/**
 * A second world made through the admin API: a new pool, an app in it (with
 * any QR settings or origins given) and one user with a password.
 */
export async function createTenant(
  s: TestServer,
  app: Record<string, unknown> = {},
  username = `carol-${Math.random().toString(36).slice(2, 8)}`,
  /** Pool security settings: proximityPolicy, checkCode, requireBinding. */
  poolSettings: Record<string, unknown> = {},
): Promise<Tenant> {
  const pool = assertOk(
    await admin(s, 'POST', '/api/admin/pools', { name: `pool of ${username}`, ...poolSettings }),
    201,
  );
  const created = assertOk(
    await admin(s, 'POST', '/api/admin/apps', { userPoolId: pool.id, name: `app of ${username}`, ...app }),
    201,
  );
  const password = `${username}-password`;
  const user = assertOk(
    await admin(s, 'POST', '/api/admin/users', { userPoolId: pool.id, username, password }),
    201,
  );
  return {
    poolId: pool.id,
    appId: created.id,
    appSecret: created.secret,
    username,
    password,
    userId: user.id,
  };
}

/** Generates a code for any app (not only the seeded one). */
export async function generateFor(s: TestServer, appId: string, body: Record<string, unknown> = {}) {
  return assertOk<{ random: string; url: string; expiresIn: number; payload: string }>(
    await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: { scene: 'APP_AUTH', ...body },
      headers: { 'x-authing-app-id': appId },
    }),
  );
}

/** Logs a user in through POST /api/v2/login/account on behalf of `appId`; returns the app token. */
export async function loginAs(s: TestServer, appId: string, account: string, password: string) {
  const r = await call(s.url, 'POST', '/api/v2/login/account', {
    body: { account, password },
    headers: { 'x-authing-app-id': appId },
  });
  return assertOk(r).token as string;
}

/**
 * One of the app's three calls, sent the way Authing's Objective-C sample
 * sends it: the bare token in `Authorization`, JSON body `{random}`. Pass
 * `bearer: true` for the SDKs' `Bearer <token>` form.
 */
export function appAction(
  s: TestServer,
  action: 'scanned' | 'confirm' | 'cancel' | 'step-up',
  random: string,
  token: string,
  opts: { bearer?: boolean; body?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return call(s.url, 'POST', `/api/v2/qrcode/${action}`, {
    body: { random, ...opts.body },
    headers: { authorization: opts.bearer ? `Bearer ${token}` : token, ...opts.headers },
  });
}

/**
 * Resolves once a request waiting on the code's changes (a long-poll check, an
 * event stream) has subscribed to them and read the state it waits from: from
 * then on a change is pushed to it, not found by its first read. For tests that
 * must make the change only after the wait began, without guessing how long
 * the request takes to reach the server. Watches the next such read of `random`.
 */
export function whenWaiting(s: TestServer, random: string): Promise<void> {
  const qr = s.services.qr;
  const read = qr.check;
  return new Promise((resolve) => {
    qr.check = async function (this: typeof qr, ...args: Parameters<typeof read>) {
      const view = await read.apply(this, args);
      if (args[0] === random) {
        qr.check = read;
        // The route goes on to wait in the same turn; resolving after it, to be plain about it.
        setImmediate(resolve);
      }
      return view;
    };
  });
}

export function check(s: TestServer, random: string): Promise<Answer> {
  return call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`);
}

/** Generate, scan and confirm with `token`; returns the code and its ticket. */
export async function approvedCode(s: TestServer, token: string, appId = s.seed.app.id) {
  const { random } = await generateFor(s, appId);
  assertOk(await appAction(s, 'scanned', random, token));
  assertOk(await appAction(s, 'confirm', random, token));
  const ticket = assertOk(await check(s, random)).ticket as string;
  assert.equal(typeof ticket, 'string');
  return { random, ticket };
}

/** Encrypts a password the way the mobile SDKs do: RSA PKCS#1 v1.5 with the pool's key, base64. */
export function rsaEncrypt(publicKeyPem: string, password: string): string {
  const key = forge.pki.publicKeyFromPem(publicKeyPem);
  return forge.util.encode64(key.encrypt(forge.util.encodeUtf8(password), 'RSAES-PKCS1-V1_5'));
}

/** Decodes the payload of a JWT without verifying it. */
export function jwtClaims(token: string): Record<string, Json> {
  const part = token.split('.')[1];
  assert.ok(part, 'a compact JWS');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/**
 * Checks a QR payload's `sig` the way an app must: against the service's
 * published keys, for this code's public id and pool, not expired, over the
 * whole text (`dig`). Returns
 * the signature's claims.
 */
export async function verifyQrSignature(s: TestServer, payloadText: string): Promise<Json> {
  const payload = JSON.parse(payloadText);
  assert.equal(typeof payload.sig, 'string', 'the payload is signed');
  const jwks = createLocalJWKSet(await (await fetch(`${s.url}/.well-known/jwks.json`)).json());
  const { payload: claims, protectedHeader } = await jwtVerify(payload.sig, jwks, {
    typ: QR_SIGNATURE_TYPE,
    algorithms: ['ES256'],
    audience: payload.userPoolId,
    subject: payload.random,
    currentDate: new Date(s.services.clock.now()),
  });
  assert.equal(protectedHeader.typ, QR_SIGNATURE_TYPE);
  assert.equal(claims.exp, Math.ceil(Date.parse(payload.expireAt) / 1000));
  const unsigned = unsignedQrPayload(payloadText, payload.sig);
  assert.ok(unsigned, 'the signature is the last member');
  assert.equal(
    claims.dig,
    createHash('sha256').update(unsigned).digest('base64url'),
    'it covers the whole text',
  );
  return claims;
}
