import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatQrPayload } from '@scanlogin/protocol';
import {
  ClientErrorCodes,
  type FetchLike,
  hasErrorName,
  isAuthError,
  isExpired,
  isNetworkError,
  isScanloginError,
  jwksVerifier,
  parseQrPayload,
  QrPayloadError,
  type QrPayloadVerifier,
  ScanloginApp,
  ScanloginError,
} from '../src/index.js';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records requests and answers from a script of (url → reply) handlers. */
function fakeFetch(reply: (req: Seen) => Response | Promise<Response>): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    const req: Seen = {
      url,
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    seen.push(req);
    return reply(req);
  };
  return { fetch, seen };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const ok = (data: unknown) => json({ code: 200, message: 'ok', data });

const USER = { id: 'u1', userPoolId: 'p1', username: 'alice', nickname: 'Alice', token: 'tok-1' };

async function thrown(p: Promise<unknown>): Promise<ScanloginError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ScanloginError, `expected ScanloginError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('ScanloginApp: requests', () => {
  test('login sends the account with the app id, keeps the token and reports it', async () => {
    const { fetch, seen } = fakeFetch(() => ok(USER));
    const tokens: (string | null)[] = [];
    const app = new ScanloginApp({
      host: 'https://login.example.com/',
      appId: 'app-1',
      fetch,
      onTokenChange: (t) => tokens.push(t),
    });
    const user = await app.login('alice', 'pw');
    assert.equal(user.token, 'tok-1');
    assert.equal(app.token, 'tok-1');
    assert.equal(app.user?.username, 'alice');
    assert.deepEqual(tokens, ['tok-1']);
    const [req] = seen;
    assert.equal(req?.url, 'https://login.example.com/api/v2/login/account');
    assert.equal(req?.method, 'POST');
    assert.deepEqual(req?.body, { account: 'alice', password: 'pw' });
    assert.equal(req?.headers['x-authing-app-id'], 'app-1');
    assert.equal(req?.headers['content-type'], 'application/json');
    assert.equal(req?.headers['authorization'], undefined);
  });

  test('the three app calls send {random} with the Bearer token', async () => {
    const { fetch, seen } = fakeFetch((req) =>
      ok({ random: (req.body as { random: string }).random, status: 1, description: 'x' }),
    );
    const app = new ScanloginApp({ host: 'https://h', userPoolId: 'pool-9', token: 'tok-2', fetch });
    await app.markScanned('r1');
    await app.confirm('r1');
    await app.cancel('r1');
    assert.deepEqual(
      seen.map((r) => r.url),
      [
        'https://h/api/v2/qrcode/scanned',
        'https://h/api/v2/qrcode/confirm',
        'https://h/api/v2/qrcode/cancel',
      ],
    );
    for (const r of seen) {
      assert.equal(r.method, 'POST');
      assert.deepEqual(r.body, { random: 'r1' });
      assert.equal(r.headers['authorization'], 'Bearer tok-2');
      assert.equal(r.headers['x-authing-userpool-id'], 'pool-9');
      assert.equal(r.headers['x-authing-app-id'], undefined);
      assert.equal(
        r.headers['x-authing-lang'],
        undefined,
        'no lang given: the service goes by Accept-Language',
      );
    }
  });

  test('lang is sent as x-authing-lang on every call', async () => {
    const { fetch, seen } = fakeFetch((req) =>
      req.url.endsWith('/history')
        ? ok([])
        : ok({ random: 'r1', status: 1, description: '已扫描，等待用户确认' }),
    );
    const app = new ScanloginApp({ host: 'https://h', userPoolId: 'p', token: 't', fetch, lang: 'zh-CN' });
    await app.markScanned('r1');
    await app.history();
    assert.deepEqual(
      seen.map((r) => r.headers['x-authing-lang']),
      ['zh-CN', 'zh-CN'],
    );
  });

  test('getRequestContext encodes the id into the query string', async () => {
    const { fetch, seen } = fakeFetch(() => ok({ origin: 'https://site', reportedByBrowser: true }));
    const app = new ScanloginApp({ host: 'http://127.0.0.1:3000/sso', token: 't', fetch });
    const ctx = await app.getRequestContext('a b&c');
    assert.equal(ctx.origin, 'https://site');
    assert.equal(seen[0]?.url, 'http://127.0.0.1:3000/sso/api/v2/qrcode/context?random=a%20b%26c');
    assert.equal(seen[0]?.method, 'GET');
    assert.equal(seen[0]?.body, undefined);
  });

  test('setToken and logout', async () => {
    const { fetch, seen } = fakeFetch((req) => (req.url.endsWith('/logout') ? ok({ revoked: 1 }) : ok(USER)));
    const tokens: (string | null)[] = [];
    const app = new ScanloginApp({
      host: 'https://h',
      appId: 'a',
      fetch,
      onTokenChange: (t) => tokens.push(t),
    });
    await app.login('alice', 'pw');
    app.setToken('tok-1'); // unchanged: no callback, user kept
    assert.equal(app.user?.id, 'u1');
    app.setToken('other');
    assert.equal(app.user, null);
    assert.equal(await app.logout(), true);
    assert.equal(app.token, null);
    assert.deepEqual(tokens, ['tok-1', 'other', null]);
    // logout asked the service to end the session of the token it held.
    const sent = seen.at(-1)!;
    assert.equal(sent.url, 'https://h/api/v2/logout');
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers['authorization'], 'Bearer other');
  });

  test('logout forgets the token even when the service cannot be reached, and says so', async () => {
    const app = new ScanloginApp({
      host: 'https://h',
      token: 'tok-9',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const err = await thrown(app.logout());
    assert.equal(isNetworkError(err), true);
    assert.equal(app.token, null);
  });

  test('a host that is not an http(s) URL is refused at construction', () => {
    for (const host of ['', 'login.example.com', 'ftp://x', 'https://', 'https://h/?q=1']) {
      assert.throws(() => new ScanloginApp({ host, fetch: async () => ok(null) }), TypeError, host);
    }
  });

  test('the default fetch is called on globalThis', async () => {
    const original = globalThis.fetch;
    let self: unknown;
    globalThis.fetch = async function (this: unknown) {
      self = this;
      return ok({ userPoolId: 'p', name: 'n', publicKey: 'k' });
    } as typeof fetch;
    try {
      const app = new ScanloginApp({ host: 'https://h' });
      assert.equal((await app.getPoolConfig()).publicKey, 'k');
      assert.equal(self, globalThis);
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe('ScanloginApp: errors', () => {
  test('an error envelope becomes a ScanloginError with code, name, status, request id, retry-after', async () => {
    const { fetch } = fakeFetch(() =>
      json({ code: 2003, message: 'Too many failed attempts', data: null }, 429, {
        'x-request-id': 'req-7',
        'retry-after': '8',
      }),
    );
    const app = new ScanloginApp({ host: 'https://h', appId: 'a', fetch });
    const err = await thrown(app.login('alice', 'bad'));
    assert.equal(err.kind, 'server');
    assert.equal(err.code, 2003);
    assert.equal(err.errorName, 'TOO_MANY_LOGIN_ATTEMPTS');
    assert.equal(err.status, 429);
    assert.equal(err.message, 'Too many failed attempts');
    assert.equal(err.requestId, 'req-7');
    assert.equal(err.retryAfterSeconds, 8);
    assert.equal(isNetworkError(err), false);
    assert.equal(hasErrorName(err, 'TOO_MANY_LOGIN_ATTEMPTS'), true);
  });

  test('a code from a newer service keeps its number and has no name', async () => {
    const { fetch } = fakeFetch(() => json({ code: 2999, message: 'new', data: { x: 1 } }, 400));
    const err = await thrown(new ScanloginApp({ host: 'https://h', fetch }).confirm('r'));
    assert.equal(err.code, 2999);
    assert.equal(err.errorName, undefined);
    assert.deepEqual(err.data, { x: 1 });
  });

  test('an error code in an HTTP 200 answer is still an error (Authing puts it in the body)', async () => {
    const { fetch } = fakeFetch(() => json({ code: 2242, message: 'expired', data: null }, 200));
    const err = await thrown(new ScanloginApp({ host: 'https://h', fetch }).confirm('r'));
    assert.equal(err.errorName, 'QR_EXPIRED');
    assert.equal(isExpired(err), true);
  });

  test('no connection: kind network, code -1, no status', async () => {
    const app = new ScanloginApp({
      host: 'https://h',
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const err = await thrown(app.markScanned('r'));
    assert.equal(err.kind, 'network');
    assert.equal(err.code, ClientErrorCodes.NETWORK_ERROR);
    assert.equal(err.errorName, 'NETWORK_ERROR');
    assert.equal(err.status, null);
    assert.ok(err.cause instanceof TypeError);
    assert.equal(isNetworkError(err), true);
  });

  /** A fetch that never answers until aborted, like a dead connection. */
  const hanging: FetchLike = (_url, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });

  test('no answer in time: kind timeout, counted as a network error', async () => {
    const app = new ScanloginApp({ host: 'https://h', fetch: hanging, timeoutMs: 20 });
    const err = await thrown(app.confirm('r'));
    assert.equal(err.kind, 'timeout');
    assert.equal(err.errorName, 'TIMEOUT');
    assert.equal(isNetworkError(err), true);
  });

  test("the caller's signal aborts: kind aborted, not a network error", async () => {
    const app = new ScanloginApp({ host: 'https://h', fetch: hanging, timeoutMs: 0 });
    const controller = new AbortController();
    const pending = thrown(app.cancel('r', { signal: controller.signal }));
    controller.abort();
    const err = await pending;
    assert.equal(err.kind, 'aborted');
    assert.equal(err.code, ClientErrorCodes.ABORTED);
    assert.equal(isNetworkError(err), false);
    const again = await thrown(app.cancel('r', { signal: controller.signal }));
    assert.equal(again.kind, 'aborted');
  });

  test("a proxy's HTML error page: kind bad-response with the HTTP status", async () => {
    const { fetch } = fakeFetch(() => new Response('<html>502 Bad Gateway</html>', { status: 502 }));
    const err = await thrown(new ScanloginApp({ host: 'https://h', fetch }).markScanned('r'));
    assert.equal(err.kind, 'bad-response');
    assert.equal(err.errorName, 'BAD_RESPONSE');
    assert.equal(err.status, 502);
  });

  test('answers of the wrong shape are bad-response, not silent garbage', async () => {
    const { fetch } = fakeFetch(() => ok({ hello: 'world' }));
    const app = new ScanloginApp({ host: 'https://h', appId: 'a', fetch });
    assert.equal((await thrown(app.login('a', 'b'))).kind, 'bad-response');
    assert.equal(app.token, null);
    assert.equal((await thrown(app.confirm('r'))).kind, 'bad-response');
  });

  test('isScanloginError recognises errors from another copy of the SDK; isAuthError', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ScanloginError', code: 2001, kind: 'server' });
    assert.equal(isScanloginError(foreign), true);
    assert.equal(isAuthError(foreign), true);
    assert.equal(isScanloginError(new Error('x')), false);
    assert.equal(isExpired(new Error('x')), false);
  });
});

describe('ScanloginApp: verifyQrPayload and scan', () => {
  const now = Date.UTC(2026, 0, 1);
  const text = formatQrPayload({ random: 'r9', userPoolId: 'p', createdAt: now, expiresAt: now + 120_000 });
  // The three app calls; the context endpoint is absent, as on a service that predates it.
  const action = (req: Seen) =>
    req.url.includes('/context')
      ? json({ code: 1004, message: 'There is no such endpoint.', data: null }, 404)
      : ok({ random: (req.body as { random: string }).random, status: 1, description: 'd' });

  test('by default an unsigned code is refused before anything is sent', async () => {
    const { fetch, seen } = fakeFetch(action);
    const app = new ScanloginApp({ host: 'https://h', token: 't', fetch, now: () => now });
    await assert.rejects(
      app.scan(text),
      (err) => err instanceof QrPayloadError && err.reason === 'unsigned' && /not signed/.test(err.message),
    );
    assert.equal(seen.length, 0);
  });

  test('a malformed signature is refused as forged; verifier null checks nothing; allowUnsigned lets unsigned through', async () => {
    const { fetch } = fakeFetch(action);
    const app = new ScanloginApp({ host: 'https://h', token: 't', fetch, now: () => now });
    for (const sig of ['h.p.s', 'only-one-part', 'a.b.c.d']) {
      const qr = parseQrPayload(JSON.stringify({ ...JSON.parse(text), sig }), { now });
      await assert.rejects(
        app.verifyQrPayload(qr),
        (err) => err instanceof QrPayloadError && err.reason === 'bad-signature',
        sig,
      );
    }
    const unchecked = new ScanloginApp({ host: 'https://h', fetch, verifier: null, now: () => now });
    assert.deepEqual(await unchecked.verifyQrPayload(parseQrPayload(text, { now })), { status: 'unchecked' });
    const lenient = new ScanloginApp({
      host: 'https://h',
      fetch,
      verifier: jwksVerifier({ allowUnsigned: true }),
      now: () => now,
    });
    assert.deepEqual(await lenient.verifyQrPayload(parseQrPayload(text, { now })), { status: 'unsigned' });
  });

  test('when the keys cannot be fetched, verification fails like any call: network or bad answer', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'scanlogin-qr+jwt', kid: 'k' })).toString(
      'base64url',
    );
    const signed = JSON.stringify({ ...JSON.parse(text), sig: `${header}.e30.AAAA` });
    const offline = new ScanloginApp({
      host: 'https://h',
      token: 't',
      now: () => now,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const err = await thrown(offline.scan(signed));
    assert.equal(err.kind, 'network');
    assert.equal(isNetworkError(err), true);
    const portal = new ScanloginApp({
      host: 'https://h',
      token: 't',
      now: () => now,
      fetch: async () => json('<html>', 200),
    });
    assert.equal((await thrown(portal.scan(signed))).kind, 'bad-response');
  });

  test('a configured verifier runs before the code is marked scanned, and can stop it', async () => {
    const { fetch, seen } = fakeFetch(action);
    const calls: string[] = [];
    const verifier: QrPayloadVerifier = {
      async verify(qr, ctx) {
        calls.push(`${qr.random}@${ctx.host}:${seen.length}`);
        assert.equal(ctx.fetch, fetch);
        if (qr.customData['evil']) throw new QrPayloadError('bad-signature', 'forged');
        return { status: 'verified', keyId: 'k1' };
      },
    };
    const app = new ScanloginApp({ host: 'https://h', token: 't', fetch, verifier, now: () => now });
    const result = await app.scan(text);
    assert.deepEqual(result.verification, { status: 'verified', keyId: 'k1' });
    assert.deepEqual(calls, ['r9@https://h:0']);

    const forged = formatQrPayload({
      random: 'r10',
      userPoolId: 'p',
      createdAt: now,
      expiresAt: now + 120_000,
      customData: { evil: true },
    });
    const before = seen.length;
    await assert.rejects(
      app.scan(forged),
      (err) => err instanceof QrPayloadError && err.reason === 'bad-signature',
    );
    assert.equal(seen.length, before, 'nothing was sent for a forged code');
  });

  test('scan: parse, mark scanned, fetch the context; context null on a service without it', async () => {
    let contextAnswer: Response = ok({ app: { name: 'Demo' }, origin: 'https://demo' });
    const { fetch, seen } = fakeFetch((req) => (req.url.includes('/context') ? contextAnswer : action(req)));
    const app = new ScanloginApp({ host: 'https://h', token: 't', fetch, verifier: null, now: () => now });
    const result = await app.scan(text);
    assert.equal(result.qr.random, 'r9');
    assert.equal(result.scanned.status, 1);
    assert.equal(result.context?.app?.name, 'Demo');
    assert.deepEqual(
      seen.map((r) => r.url),
      ['https://h/api/v2/qrcode/scanned', 'https://h/api/v2/qrcode/context?random=r9'],
    );

    contextAnswer = json({ code: 1004, message: 'There is no such endpoint.', data: null }, 404);
    assert.equal((await app.scan(text)).context, null);

    contextAnswer = json({ code: 2001, message: 'bad token', data: null }, 401);
    const err = await thrown(app.scan(text));
    assert.equal(isAuthError(err), true);
  });

  test('scan refuses an expired or foreign code without calling the service', async () => {
    const { fetch, seen } = fakeFetch(action);
    const late = new ScanloginApp({ host: 'https://h', token: 't', fetch, now: () => now + 120_000 });
    await assert.rejects(late.scan(text), (err) => isExpired(err));
    await assert.rejects(late.scan('https://evil.example'), (err) => err instanceof QrPayloadError);
    assert.equal(seen.length, 0);
    const tolerant = new ScanloginApp({
      host: 'https://h',
      token: 't',
      fetch,
      now: () => now + 120_000,
      clockToleranceMs: 1_000,
      verifier: null,
    });
    assert.equal((await tolerant.scan(text)).qr.random, 'r9');
  });
});
