/**
 * Cross-cutting HTTP behaviour: generic request errors, the error envelope
 * for every registry code, CORS, caching headers, /health, and failures of
 * the service itself (injected).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, type ErrorName } from '@scanlogin/protocol';
import { ManualClock } from '../src/domain/clock.js';
import { StorageUnavailableError } from '../src/domain/errors.js';
import {
  type Answer,
  admin,
  appAction,
  appLogin,
  approvedCode,
  assertError,
  assertOk,
  basic,
  call,
  check,
  createTenant,
  generate,
  generateFor,
  loginAs,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { type Backend, backends } from './support/backends.js';
import { deviceAuthorization, deviceDecision, resolveCode } from './support/oidc.js';

const ALLOWED_ORIGIN = 'http://localhost:3001';
const MISSING = '000000000000000000000000';
const json = { 'content-type': 'application/json' };

// Issue 13, finding 9: malformed input gets the same answers on every storage combination.
for (const backend of backends()) {
  describe(`generic request errors (${backend.name})`, () => genericRequestErrors(backend));
}

function genericRequestErrors(backend: Backend) {
  let s: TestServer;
  let alice: string;
  before(async () => {
    // Frozen: nothing expires on its own, however slow a run is.
    s = await backend.start({ clock: new ManualClock() });
    alice = await appLogin(s);
  });
  after(() => s.close());

  test('malformed or empty JSON: 400 1000, on public and admin routes alike', async () => {
    const targets: [string, Record<string, string>][] = [
      ['/api/v2/qrcode/gene', { 'x-authing-app-id': s.seed.app.id }],
      ['/api/v2/qrcode/scanned', { authorization: alice }],
      ['/api/v2/qrcode/userinfo', { authorization: basic(s.seed.app.id, s.seed.app.secret) }],
      ['/api/v2/login/account', { 'x-authing-app-id': s.seed.app.id }],
      ['/api/v2/token/validate', {}],
      ['/api/admin/pools', { authorization: `Bearer ${s.seed.adminToken}` }],
    ];
    for (const [path, headers] of targets) {
      for (const raw of ['{"random":', '{oops}', '']) {
        assertError(
          await call(s.url, 'POST', path, { raw, headers: { ...json, ...headers } }),
          'INVALID_JSON',
        );
      }
    }
  });

  test('wrong types: 400 1001 naming the field; nothing is coerced', async () => {
    const r = await call(s.url, 'POST', '/api/v2/qrcode/scanned', {
      body: { random: 12345 },
      headers: { authorization: alice },
    });
    assertError(r, 'INVALID_REQUEST');
    assert.match(r.body.message, /random/);
    assertError(
      await call(s.url, 'POST', '/api/v2/login/account', {
        body: { account: ['alice'], password: 'alice-demo-pass' },
        headers: { 'x-authing-app-id': s.seed.app.id },
      }),
      'INVALID_REQUEST',
    );
    assertError(
      await call(s.url, 'POST', '/api/v2/token/validate', { body: { token: true } }),
      'INVALID_REQUEST',
    );
    assertError(
      await call(s.url, 'POST', '/api/v2/qrcode/scanned', {
        raw: '[]',
        headers: { ...json, authorization: alice },
      }),
      'INVALID_REQUEST',
    );
  });

  test('missing fields: 400 1001 naming the field', async () => {
    const r = await call(s.url, 'POST', '/api/v2/qrcode/confirm', {
      body: {},
      headers: { authorization: alice },
    });
    assertError(r, 'INVALID_REQUEST');
    assert.match(r.body.message, /random/);
    const l = await call(s.url, 'POST', '/api/v2/login/account', {
      body: { account: 'alice' },
      headers: { 'x-authing-app-id': s.seed.app.id },
    });
    assertError(l, 'INVALID_REQUEST');
    assert.match(l.body.message, /password/);
    assertError(await call(s.url, 'POST', '/api/v2/qrcode/userinfo', { body: {} }), 'INVALID_REQUEST');
  });

  test('a body over 16 KB: 413 1002, with or without a Content-Length', async () => {
    const big = JSON.stringify({ scene: 'APP_AUTH', params: { filler: 'x'.repeat(16 * 1024) } });
    assert.ok(Buffer.byteLength(big) > 16 * 1024);
    const headers = { ...json, 'x-authing-app-id': s.seed.app.id };
    assertError(await call(s.url, 'POST', '/api/v2/qrcode/gene', { raw: big, headers }), 'BODY_TOO_LARGE');
    assertError(
      await call(s.url, 'POST', '/api/v2/login/account', {
        raw: JSON.stringify({ account: 'alice', password: 'p'.repeat(17 * 1024) }),
        headers,
      }),
      'BODY_TOO_LARGE',
    );

    // Chunked (no Content-Length): the limit holds while reading.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
        controller.close();
      },
    });
    const res = await fetch(`${s.url}/api/v2/qrcode/gene`, {
      method: 'POST',
      headers,
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    assertError(
      { status: res.status, headers: res.headers, body: await res.json() } as Answer,
      'BODY_TOO_LARGE',
    );
  });

  test('a text/plain body: 415 1003 (even when the text is JSON)', async () => {
    // Fastify parses text/plain by default; the registry says only JSON bodies are accepted.
    for (const [path, headers] of [
      ['/api/v2/qrcode/gene', { 'x-authing-app-id': s.seed.app.id }],
      ['/api/v2/token/validate', {}],
    ] as const) {
      assertError(
        await call(s.url, 'POST', path, {
          raw: '{"scene":"APP_AUTH","token":"x"}',
          headers: { 'content-type': 'text/plain', ...headers },
        }),
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
  });

  test('other non-JSON bodies: 415 1003', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
    ]) {
      assertError(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', {
          raw: 'scene=APP_AUTH',
          headers: { 'content-type': type, 'x-authing-app-id': s.seed.app.id },
        }),
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
  });

  test('an unknown route or method: 404 1004', async () => {
    assertError(await call(s.url, 'GET', '/nope'), 'ROUTE_NOT_FOUND');
    assertError(await call(s.url, 'POST', '/api/v2/qrcode/nope', { body: {} }), 'ROUTE_NOT_FOUND');
    assertError(await call(s.url, 'GET', '/api/v2/qrcode/gene'), 'ROUTE_NOT_FOUND');
    assertError(await call(s.url, 'DELETE', '/api/v2/qrcode/check?random=x'), 'ROUTE_NOT_FOUND');
    assertError(await call(s.url, 'GET', '/api/admin/nothing-here'), 'ROUTE_NOT_FOUND');
  });

  test('every answer, success or error, carries a request id and safe defaults', async () => {
    const ids = new Set<string>();
    for (const r of [await call(s.url, 'GET', '/health'), await call(s.url, 'GET', '/nope')]) {
      const id = r.headers.get('x-request-id') ?? '';
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-z]{6,}$/, 'a per-process random prefix and a counter');
      ids.add(id);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    }
    assert.equal(ids.size, 2, 'each answer has its own id');
  });
}

describe('cache-control: no-store on answers that carry state or credentials', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock: new ManualClock() });
  });
  after(() => s.close());

  test('gene, check, app calls, ticket exchange, login, token validation, health, and errors', async () => {
    const alice = await appLogin(s);
    const { random } = await generate(s);
    const answers: [string, Answer][] = [
      [
        'gene',
        await call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: { scene: 'APP_AUTH' },
          headers: { 'x-authing-app-id': s.seed.app.id },
        }),
      ],
      ['check', await check(s, random)],
      ['scanned', await appAction(s, 'scanned', random, alice)],
      ['confirm', await appAction(s, 'confirm', random, alice)],
    ];
    const ticket = assertOk(await check(s, random)).ticket;
    answers.push(
      [
        'userinfo',
        await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(s.seed.app.id, s.seed.app.secret) },
        }),
      ],
      [
        'login',
        await call(s.url, 'POST', '/api/v2/login/account', {
          body: { account: 'bob', password: 'bob-demo-pass' },
          headers: { 'x-authing-app-id': s.seed.app.id },
        }),
      ],
      ['validate', await call(s.url, 'POST', '/api/v2/token/validate', { body: { token: alice } })],
      ['health', await call(s.url, 'GET', '/health')],
      ['error: check', await check(s, 'AAAAAAAAAAAAAAAAAAAAAA')],
      [
        'error: login',
        await call(s.url, 'POST', '/api/v2/login/account', {
          body: { account: 'bob', password: 'wrong' },
          headers: { 'x-authing-app-id': s.seed.app.id },
        }),
      ],
    );
    for (const [name, r] of answers) {
      assert.equal(r.headers.get('cache-control'), 'no-store', `${name} (${r.status})`);
    }
  });
});

describe('CORS', () => {
  let s: TestServer;
  let tenantOrigin: string;
  before(async () => {
    s = await startTestServer({ clock: new ManualClock() });
    tenantOrigin = 'https://tenant.test';
    await createTenant(s, { allowedOrigins: [tenantOrigin] });
  });
  after(() => s.close());

  const preflight = (path: string, origin: string) =>
    fetch(`${s.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'content-type,x-authing-app-id,x-authing-request-from,x-authing-sdk-version,x-authing-lang',
      },
    });

  test('a preflight from an allowed origin echoes it, with credentials and the SDK headers', async () => {
    for (const path of ['/api/v2/qrcode/gene', '/api/v2/qrcode/check?random=x', '/api/v2/qrcode/userinfo']) {
      const res = await preflight(path, ALLOWED_ORIGIN);
      assert.ok(res.status === 204 || res.status === 200, `preflight status ${res.status}`);
      assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
      assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
      const methods = (res.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
      assert.ok(methods.includes('POST') && methods.includes('GET'));
      const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
      for (const h of [
        'content-type',
        'authorization',
        'x-authing-app-id',
        'x-authing-userpool-id',
        'x-authing-app-tenant-id',
        'x-authing-request-from',
        'x-authing-sdk-version',
        'x-authing-lang',
      ]) {
        assert.ok(allowed.includes(h), `allows ${h}`);
      }
      assert.match(res.headers.get('vary') ?? '', /Origin/i);
    }
  });

  test('a preflight from any other origin gets no permission', async () => {
    for (const origin of ['https://evil.test', 'http://localhost:3002', 'null']) {
      const res = await preflight('/api/v2/qrcode/gene', origin);
      assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      assert.equal(res.headers.get('access-control-allow-credentials'), null, origin);
      assert.equal(res.headers.get('access-control-allow-methods'), null, origin);
    }
  });

  test("an actual request naming the app, from one of the app's origins: ACAO = origin, ACAC = true", async () => {
    const gene = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: { scene: 'APP_AUTH' },
      headers: { 'x-authing-app-id': s.seed.app.id, origin: ALLOWED_ORIGIN },
    });
    assertOk(gene);
    assert.equal(gene.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.equal(gene.headers.get('access-control-allow-credentials'), 'true');
    assert.match(gene.headers.get('vary') ?? '', /Origin/i);
    assert.match(gene.headers.get('access-control-expose-headers') ?? '', /retry-after/i);

    const random = assertOk(gene).random;
    const polled = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, {
      headers: { 'x-authing-app-id': s.seed.app.id, origin: ALLOWED_ORIGIN },
    });
    assert.equal(polled.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.equal(polled.headers.get('access-control-allow-credentials'), 'true');
  });

  test('errors are readable by the allowed page too (the SDK must see 2241)', async () => {
    const r = await call(s.url, 'GET', '/api/v2/qrcode/check?random=AAAAAAAAAAAAAAAAAAAAAA', {
      headers: { 'x-authing-app-id': s.seed.app.id, origin: ALLOWED_ORIGIN },
    });
    assertError(r, 'QR_NOT_FOUND');
    assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
  });

  test('a non-allowed origin gets no CORS headers at all', async () => {
    const { random } = await generate(s);
    const r = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, {
      headers: { 'x-authing-app-id': s.seed.app.id, origin: 'https://evil.test' },
    });
    assertOk(r);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
  });

  test('an origin another app allows is not enough when the request names this app', async () => {
    const r = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${(await generate(s)).random}`, {
      headers: { 'x-authing-app-id': s.seed.app.id, origin: tenantOrigin },
    });
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    // Without an app header (EventSource, image tags) any app's origin is accepted.
    const bare = await call(s.url, 'GET', '/health', { headers: { origin: tenantOrigin } });
    assert.equal(bare.headers.get('access-control-allow-origin'), tenantOrigin);
  });

  test('public documents answer any origin without credentials', async () => {
    for (const path of ['/.well-known/jwks.json', '/.well-known/openid-configuration']) {
      const res = await fetch(`${s.url}${path}`, { headers: { origin: 'https://evil.test' } });
      // Our JWKS route answers `*`; the OpenID provider's discovery echoes the origin (Vary: Origin).
      assert.ok(['*', 'https://evil.test'].includes(res.headers.get('access-control-allow-origin') ?? ''));
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
    }
  });
});

describe('GET /health and failures of the service itself', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('200 {status: ok} while storage answers', async () => {
    const r = await call(s.url, 'GET', '/health');
    assert.deepEqual(assertOk(r), { status: 'ok' });
  });

  test('503 5030 with Retry-After when storage does not answer', async () => {
    const storage = s.services.storage;
    const ping = storage.ping;
    storage.ping = async () => {
      throw new Error('connection refused');
    };
    try {
      const r = await call(s.url, 'GET', '/health');
      assertError(r, 'STORAGE_UNAVAILABLE');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
    } finally {
      storage.ping = ping;
    }
    assertOk(await call(s.url, 'GET', '/health'));
  });

  test('a storage outage on any route is 503 5030', async () => {
    const qr = s.services.qr;
    const original = qr.check;
    qr.check = async () => {
      throw new StorageUnavailableError('sqlite');
    };
    try {
      const r = await check(s, 'AAAAAAAAAAAAAAAAAAAAAA');
      assertError(r, 'STORAGE_UNAVAILABLE');
      assert.equal(r.headers.get('retry-after'), '2');
    } finally {
      qr.check = original;
    }
  });

  test('an unexpected failure is 500 5000 in the envelope, without the internal message', async () => {
    const qr = s.services.qr;
    const original = qr.check;
    qr.check = async () => {
      throw new Error('secret internal detail');
    };
    try {
      const r = await check(s, 'AAAAAAAAAAAAAAAAAAAAAA');
      assertError(r, 'INTERNAL');
      assert.doesNotMatch(r.body.message, /secret internal detail/);
    } finally {
      qr.check = original;
    }
  });
});

describe('every registry code a route can produce comes back in the envelope with its status', () => {
  const clock = new ManualClock();
  let s: TestServer;
  before(async () => {
    // Behind a "proxy", so tests can place the browser and the phone in different countries.
    s = await startTestServer({ clock, env: { TRUST_PROXY: '1', RATE_CHECK_PER_CODE: '5' } });
  });
  after(() => s.close());

  /** Codes this running server cannot produce; a new code must get a case here or a reason. */
  const NOT_PRODUCED = {
    NOT_READY:
      'only before the start completes or without a signing key; http-health.test.ts holds a start there and checks the envelope',
  } satisfies Partial<Record<ErrorName, string>>;

  const GB = '81.2.69.160';
  const US = '8.8.8.8';
  const generateFromCountry = async (appId: string, ip: string) =>
    assertOk(
      await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': appId, 'x-forwarded-for': ip },
      }),
    ) as { random: string };

  test('one request per code', async () => {
    const app = s.seed.app.id;
    const seedBasic = basic(app, s.seed.app.secret);
    const alice = await appLogin(s, 'alice');
    const bob = await appLogin(s, 'bob');
    const tenant = await createTenant(s);
    const carol = await loginAs(s, tenant.appId, tenant.username, tenant.password);
    const login = (account: string, password: string, appId = app) =>
      call(s.url, 'POST', '/api/v2/login/account', {
        body: { account, password },
        headers: { 'x-authing-app-id': appId },
      });

    const producers: Record<Exclude<ErrorName, keyof typeof NOT_PRODUCED>, () => Promise<Answer>> = {
      INVALID_JSON: () =>
        call(s.url, 'POST', '/api/v2/qrcode/gene', {
          raw: '{',
          headers: { ...json, 'x-authing-app-id': app },
        }),
      INVALID_REQUEST: () =>
        call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: { scene: 'NOPE' },
          headers: { 'x-authing-app-id': app },
        }),
      BODY_TOO_LARGE: () =>
        call(s.url, 'POST', '/api/v2/token/validate', { body: { token: 'x'.repeat(20_000) } }),
      UNSUPPORTED_MEDIA_TYPE: () =>
        call(s.url, 'POST', '/api/v2/token/validate', {
          raw: 'token=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ROUTE_NOT_FOUND: () => call(s.url, 'GET', '/api/v3/anything'),
      LOGIN_REQUIRED: async () => appAction(s, 'scanned', (await generate(s)).random, ''),
      INVALID_TOKEN: async () => appAction(s, 'scanned', (await generate(s)).random, 'x.y.z'),
      WRONG_CREDENTIALS: () => login('alice', 'wrong-password'),
      TOO_MANY_LOGIN_ATTEMPTS: async () => {
        for (let i = 0; i < 5; i++) await login(tenant.username, 'wrong', tenant.appId);
        return login(tenant.username, tenant.password, tenant.appId);
      },
      USER_BLOCKED: async () => {
        const u = assertOk(
          await admin(s, 'POST', '/api/admin/users', {
            userPoolId: s.seed.pool.id,
            username: 'blocked-one',
            password: 'blocked-password',
            blocked: true,
          }),
          201,
        );
        assert.equal(u.blocked, true);
        return login('blocked-one', 'blocked-password');
      },
      APP_ID_REQUIRED: () => call(s.url, 'POST', '/api/v2/qrcode/gene', { body: { scene: 'APP_AUTH' } }),
      APP_NOT_FOUND: () =>
        call(s.url, 'POST', '/api/v2/qrcode/gene', { body: {}, headers: { 'x-authing-app-id': MISSING } }),
      POOL_NOT_FOUND: () =>
        call(s.url, 'GET', '/api/v2/.well-known', { headers: { 'x-authing-userpool-id': MISSING } }),
      INVALID_APP_CREDENTIALS: () =>
        call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket: 'x' },
          headers: { authorization: basic(app, 'wrong') },
        }),
      ORIGIN_NOT_ALLOWED: () =>
        call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: {},
          headers: { 'x-authing-app-id': app, origin: 'https://evil.test' },
        }),
      BROWSER_EXCHANGE_DISABLED: () =>
        call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket: 'x' },
          headers: { 'x-authing-app-id': app },
        }),
      QR_NOT_FOUND: () => check(s, 'AAAAAAAAAAAAAAAAAAAAAA'),
      QR_EXPIRED: async () => {
        const { random } = await generate(s);
        clock.advance(120_000);
        return appAction(s, 'scanned', random, alice);
      },
      QR_WRONG_STATE: async () => appAction(s, 'confirm', (await generate(s)).random, alice),
      QR_SCANNED_BY_OTHER: async () => {
        const { random } = await generate(s);
        assertOk(await appAction(s, 'scanned', random, alice));
        return appAction(s, 'confirm', random, bob);
      },
      QR_OTHER_POOL: async () => appAction(s, 'scanned', (await generate(s)).random, carol),
      TICKET_INVALID: () =>
        call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket: 'no-such-ticket' },
          headers: { authorization: seedBasic },
        }),
      TICKET_OTHER_APP: async () => {
        const { ticket } = await approvedCode(s, alice);
        const other = assertOk(
          await admin(s, 'POST', '/api/admin/apps', { userPoolId: s.seed.pool.id, name: 'o' }),
          201,
        );
        return call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { authorization: basic(other.id, other.secret) },
        });
      },
      CHECK_CODE_REQUIRED: async () => {
        const t = await createTenant(s, {}, undefined, { checkCode: true });
        const token = await loginAs(s, t.appId, t.username, t.password);
        const { random } = await generateFor(s, t.appId);
        assertOk(await appAction(s, 'scanned', random, token));
        return appAction(s, 'confirm', random, token);
      },
      CHECK_CODE_WRONG: async () => {
        const t = await createTenant(s, {}, undefined, { checkCode: true });
        const token = await loginAs(s, t.appId, t.username, t.password);
        const { random, checkCode } = (await generateFor(s, t.appId)) as unknown as {
          random: string;
          checkCode: number;
        };
        assertOk(await appAction(s, 'scanned', random, token));
        return appAction(s, 'confirm', random, token, { body: { checkCode: (checkCode + 1) % 100 } });
      },
      STEP_UP_REQUIRED: async () => {
        const t = await createTenant(s, {}, undefined, { proximityPolicy: 'step-up' });
        const token = await loginAs(s, t.appId, t.username, t.password);
        const { random } = await generateFromCountry(t.appId, GB);
        assertOk(await appAction(s, 'scanned', random, token, { headers: { 'x-forwarded-for': US } }));
        return appAction(s, 'confirm', random, token);
      },
      PROXIMITY_DENIED: async () => {
        const t = await createTenant(s, {}, undefined, { proximityPolicy: 'deny' });
        const token = await loginAs(s, t.appId, t.username, t.password);
        const { random } = await generateFromCountry(t.appId, GB);
        return appAction(s, 'scanned', random, token, { headers: { 'x-forwarded-for': US } });
      },
      STEP_UP_FAILED: async () => {
        const t = await createTenant(s, {}, undefined, { proximityPolicy: 'step-up' });
        const token = await loginAs(s, t.appId, t.username, t.password);
        const { random } = await generateFromCountry(t.appId, GB);
        assertOk(await appAction(s, 'scanned', random, token, { headers: { 'x-forwarded-for': US } }));
        return appAction(s, 'step-up', random, token, { body: { password: 'not-the-password' } });
      },
      BINDING_MISMATCH: async () => {
        const t = await createTenant(s, { allowExchangeUserInfoFromBrowser: true });
        const token = await loginAs(s, t.appId, t.username, t.password);
        const { ticket } = await approvedCode(s, token, t.appId);
        // Another browser (no binding cookie) tries to redeem it.
        return call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { 'x-authing-app-id': t.appId },
          jar: false,
        });
      },
      QR_CODE_REPLACED: async () => {
        const code = assertOk(
          await call(s.url, 'POST', '/api/v2/qrcode/gene', {
            body: { rotate: true },
            headers: { 'x-authing-app-id': app },
          }),
        );
        // The page stopped rotating; its last picture outlives the public id's period.
        clock.advance((code.rotatesIn + 1) * 1000);
        return appAction(s, 'scanned', JSON.parse(code.payload).random, alice);
      },
      WEB_SESSION_NOT_FOUND: () =>
        call(s.url, 'DELETE', `/api/v2/qrcode/web-sessions/${MISSING}`, {
          headers: { authorization: `Bearer ${alice}` },
        }),
      HEADERS_TOO_LARGE: () => call(s.url, 'GET', `/api/v2/qrcode/check?random=${'x'.repeat(20_000)}`),
      RATE_LIMITED: async () => {
        const { random } = await generate(s);
        for (let i = 0; i < 5; i++) assertOk(await check(s, random));
        return check(s, random);
      },
      ADMIN_AUTH_REQUIRED: () => call(s.url, 'GET', '/api/admin/pools'),
      NOT_FOUND: () => admin(s, 'GET', `/api/admin/users/${MISSING}`),
      CONFLICT: () => admin(s, 'POST', '/api/admin/users', { userPoolId: s.seed.pool.id, username: 'bob' }),
      INTERNAL: async () => {
        const qr = s.services.qr;
        const original = qr.check;
        qr.check = async () => {
          throw new TypeError('injected');
        };
        try {
          return await check(s, 'AAAAAAAAAAAAAAAAAAAAAA');
        } finally {
          qr.check = original;
        }
      },
      STORAGE_UNAVAILABLE: async () => {
        const storage = s.services.storage;
        const ping = storage.ping;
        storage.ping = () => Promise.reject(new Error('down'));
        try {
          return await call(s.url, 'GET', '/health');
        } finally {
          storage.ping = ping;
        }
      },
      USER_CODE_NOT_FOUND: () => resolveCode(s, alice, 'BCDF-GHJK'),
      DEVICE_REQUEST_CLOSED: async () => {
        const { user_code } = await deviceAuthorization(s, app, s.seed.app.secret);
        assertOk(await deviceDecision(s, bob, 'deny', user_code));
        return deviceDecision(s, bob, 'approve', user_code);
      },
      SIGN_IN_EXPIRED: () =>
        call(s.url, 'POST', '/oidc/interaction/no-such-sign-in/qr', {
          body: { ticket: 'x' },
          headers: { origin: new URL(s.url).origin },
        }),
      // Last: it moves the clock past a device code's life.
      USER_CODE_EXPIRED: async () => {
        const { user_code, expires_in } = await deviceAuthorization(s, app, s.seed.app.secret);
        clock.advance(expires_in * 1000 + 1000);
        return resolveCode(s, alice, user_code);
      },
    };

    const covered = new Set<string>([...Object.keys(producers), ...Object.keys(NOT_PRODUCED)]);
    assert.deepEqual(
      Object.keys(ErrorCodes).filter((name) => !covered.has(name)),
      [],
      'every registry entry has a case here (or a reason in NOT_PRODUCED)',
    );
    for (const [name, produce] of Object.entries(producers) as [ErrorName, () => Promise<Answer>][]) {
      const answer = await produce();
      assertError(answer, name);
      assert.equal(answer.body.code, ErrorCodes[name].code);
    }
    // The registry's codes are unique.
    const codes = Object.values(ErrorCodes).map((e) => e.code);
    assert.equal(new Set(codes).size, codes.length);
  });
});
