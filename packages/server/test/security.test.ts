/**
 * Adversarial tests on a live server: the phishing scenarios of
 * docs/security.md, races for the atomic steps, rate limits, and a corpus of
 * bad input thrown at every endpoint.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '@scanlogin/protocol';
import { ManualClock } from '../src/domain/clock.js';
import {
  admin,
  appAction,
  approvedCode,
  assertError,
  assertOk,
  basic,
  CookieJar,
  call,
  check,
  createTenant,
  defaultJar,
  generateFor,
  loginAs,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { type Backend, backends } from './support/backends.js';
import { openSse } from './support/sse.js';

const GB = '81.2.69.160';
const GB_NEIGHBOUR = '81.2.69.161';
const US = '8.8.8.8';

// Servers on a frozen clock: a code or ticket does not expire on its own, however slow a run is.

describe('browser binding: knowing the random is not enough', () => {
  let s: TestServer;
  let t: Awaited<ReturnType<typeof createTenant>>;
  let token: string;
  before(async () => {
    s = await startTestServer({ clock: new ManualClock() });
    t = await createTenant(s, { allowExchangeUserInfoFromBrowser: true });
    token = await loginAs(s, t.appId, t.username, t.password);
  });
  after(() => s.close());

  it('sets an HttpOnly cookie per code, scoped to the QR API, living as long as the code and its ticket', async () => {
    const jar = new CookieJar();
    const r = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': t.appId },
      jar,
    });
    const { random, binding } = r.body.data;
    const cookie = r.headers.getSetCookie()[0] ?? '';
    assert.equal(
      cookie,
      `scanlogin_binding_${random}=${binding}; Max-Age=420; Path=/api/v2/qrcode; HttpOnly; SameSite=Lax`,
    );
    assert.match(binding, /^[A-Za-z0-9_-]{43}$/);
    // The same browser's next code has a binding of its own, in a cookie of its own.
    const again = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': t.appId },
      jar,
    });
    assert.notEqual(again.body.data.binding, binding);
    assert.equal(jar.get(`scanlogin_binding_${random}`), binding);
    assert.equal(jar.get(`scanlogin_binding_${again.body.data.random}`), again.body.data.binding);
  });

  it('shows the ticket only to the browser that asked; a second browser sees the status alone', async () => {
    const page = new CookieJar();
    const attacker = new CookieJar();
    const gene = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': t.appId },
      jar: page,
    });
    const { random } = gene.body.data;
    assertOk(await appAction(s, 'scanned', random, token));
    assertOk(await appAction(s, 'confirm', random, token));

    const seen = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { jar: attacker });
    assert.equal(seen.body.data.status, 2);
    assert.equal(seen.body.data.ticket, null);
    const polled = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&wait=1&seq=0`, {
      jar: attacker,
    });
    assert.equal(polled.body.data.ticket, null);
    const stream = await fetch(`${s.url}/api/v2/qrcode/events?random=${random}`);
    assert.match(await stream.text(), /"status":2,"ticket":null/);

    // With the binding as a header (no cookie), the page's own client sees it.
    const own = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, {
      jar: false,
      headers: { 'x-scanlogin-binding': gene.body.data.binding },
    });
    const ticket = own.body.data.ticket as string;
    assert.ok(ticket);

    // Even with the ticket in hand, another browser cannot redeem it...
    assertError(
      await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { 'x-authing-app-id': t.appId },
        jar: attacker,
      }),
      'BINDING_MISMATCH',
    );
    // ...while the browser that asked can (the app allows browser exchange).
    const user = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket },
      headers: { 'x-authing-app-id': t.appId },
      jar: page,
    });
    assert.equal(assertOk(user).username, t.username);
  });

  it('a made-up binding does not help', async () => {
    const page = new CookieJar();
    const { random } = (
      await call(s.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': t.appId },
        jar: page,
      })
    ).body.data;
    assertOk(await appAction(s, 'scanned', random, token));
    assertOk(await appAction(s, 'confirm', random, token));
    const forged = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, {
      jar: false,
      headers: { 'x-scanlogin-binding': 'A'.repeat(43), cookie: `scanlogin_binding=${'B'.repeat(43)}` },
    });
    assert.equal(forged.body.data.ticket, null);
  });

  it('the server-side exchange with the app secret does not need the binding', async () => {
    const { ticket } = await approvedCode(s, token, t.appId);
    const user = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
      body: { ticket },
      headers: { authorization: basic(t.appId, t.appSecret) },
      jar: false,
    });
    assert.equal(assertOk(user).username, t.username);
  });
});

describe('proximity: a relayed code whose browser is far from the phone', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ clock: new ManualClock(), env: { TRUST_PROXY: '1' } });
  });
  after(() => s.close());

  async function setup(policy: string) {
    const t = await createTenant(s, {}, undefined, { proximityPolicy: policy });
    const token = await loginAs(s, t.appId, t.username, t.password);
    const gene = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': t.appId, 'x-forwarded-for': GB },
    });
    return { t, token, random: gene.body.data.random as string };
  }
  const fromUS = { headers: { 'x-forwarded-for': US } };
  const context = (s: TestServer, random: string, token: string) =>
    call(s.url, 'GET', `/api/v2/qrcode/context?random=${random}`, {
      headers: { authorization: token, 'x-forwarded-for': US },
    });

  it('warn: the scan goes through and the confirm screen carries the warning', async () => {
    const { token, random } = await setup('warn');
    assert.equal(assertOk(await appAction(s, 'scanned', random, token, fromUS)).status, 1);
    const ctx = assertOk(await context(s, random, token));
    assert.equal(ctx.place, 'United Kingdom');
    assert.deepEqual(ctx.proximity, {
      verdict: 'mismatch',
      phonePlace: 'United States',
      mismatch: true,
      policy: 'warn',
    });
  });

  it('allow: no friction, the verdict is still reported', async () => {
    const { token, random } = await setup('allow');
    assert.equal(assertOk(await appAction(s, 'scanned', random, token, fromUS)).status, 1);
    assert.equal(assertOk(await context(s, random, token)).proximity.policy, 'allow');
  });

  it('step-up: status 4 with a reason until the phone re-enters the password', async () => {
    const { t, token, random } = await setup('step-up');
    assert.equal(assertOk(await appAction(s, 'scanned', random, token, fromUS)).status, 4);
    const page = assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&stepUp=1`));
    assert.equal(page.status, 4);
    assert.equal(page.scannedResult.code, ErrorCodes.STEP_UP_REQUIRED.code);
    assertError(await appAction(s, 'confirm', random, token), 'STEP_UP_REQUIRED');
    assertError(
      await appAction(s, 'step-up', random, token, { body: { password: 'wrong' } }),
      'STEP_UP_FAILED',
    );
    assert.equal(
      assertOk(await appAction(s, 'step-up', random, token, { body: { password: t.password } })).status,
      1,
    );
    assert.equal(assertOk(await appAction(s, 'confirm', random, token)).status, 2);
  });

  it('step-up does not strand pages that stop at status 4 (issue 13): without stepUp=1, check, long-poll and SSE say 1 until the phone proves more', async () => {
    const { t, token, random } = await setup('step-up');
    const page = (query = '') => call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}${query}`);
    // Streams of the browser that asked (its binding cookie), which alone gets the ticket.
    const browser = { cookie: defaultJar(s.url).header() };
    const stockStream = await openSse(`${s.url}/api/v2/qrcode/events?random=${random}`, browser);
    const ourStream = await openSse(`${s.url}/api/v2/qrcode/events?random=${random}&stepUp=1`, browser);
    assert.equal((await stockStream.next())?.data.status, 0);
    assert.equal((await ourStream.next())?.data.status, 0);
    const { seq } = assertOk(await page());
    const stockWaiting = page(`&wait=30&seq=${seq}`);
    const ourWaiting = page(`&stepUp=1&wait=30&seq=${seq}`);

    assert.equal(assertOk(await appAction(s, 'scanned', random, token, fromUS)).status, 4);
    // The stock SDK stops at 4 (onMfa) and would never learn of the approval: it is shown 1.
    for (const stock of [
      assertOk(await page()),
      assertOk(await stockWaiting),
      (await stockStream.next())?.data,
    ]) {
      assert.equal(stock.status, 1);
      assert.equal(stock.scannedResult, undefined);
      assert.deepEqual(stock.userInfo, { nickname: t.username, photo: null });
      assert.equal(stock.ticket, null);
    }
    // A page that says it keeps waiting through 4 (our SDK) sees it, with the reason.
    for (const ours of [
      assertOk(await page('&stepUp=1')),
      assertOk(await ourWaiting),
      (await ourStream.next())?.data,
    ]) {
      assert.equal(ours.status, 4);
      assert.deepEqual(ours.scannedResult, {
        code: ErrorCodes.STEP_UP_REQUIRED.code,
        message: ErrorCodes.STEP_UP_REQUIRED.message,
      });
      assert.equal(ours.userInfo.nickname, t.username);
    }
    assertError(await page('&stepUp=yes'), 'INVALID_REQUEST');

    assertOk(await appAction(s, 'step-up', random, token, { ...fromUS, body: { password: t.password } }));
    assert.equal(
      (await stockStream.next())?.data.status,
      1,
      'the real 1 follows; nothing for the stock SDK to act on',
    );
    assert.equal((await ourStream.next())?.data.status, 1);
    assertOk(await appAction(s, 'confirm', random, token, fromUS));
    for (const stream of [stockStream, ourStream]) {
      const approved = (await stream.next())?.data;
      assert.equal(approved.status, 2);
      assert.equal(typeof approved.ticket, 'string');
      assert.equal(await stream.next(), null, 'the stream ends after a final status');
    }
    assert.equal(assertOk(await page()).status, 2);
  });

  it('deny: the scan is refused, the page gets status 3, the audit log says denied', async () => {
    const { t, token, random } = await setup('deny');
    assertError(await appAction(s, 'scanned', random, token, fromUS), 'PROXIMITY_DENIED');
    assert.equal(assertOk(await check(s, random)).status, 3);
    const audit = assertOk(await admin(s, 'GET', `/api/admin/audit?userPoolId=${t.poolId}`));
    assert.equal(audit[0].outcome, 'denied');
    assert.equal(audit[0].random, random);
  });

  it('deny lets a phone beside the browser through (same network)', async () => {
    const { token, random } = await setup('deny');
    const near = { headers: { 'x-forwarded-for': GB_NEIGHBOUR } };
    assert.equal(assertOk(await appAction(s, 'scanned', random, token, near)).status, 1);
  });
});

describe('check code', () => {
  let s: TestServer;
  let t: Awaited<ReturnType<typeof createTenant>>;
  let token: string;
  before(async () => {
    s = await startTestServer({ clock: new ManualClock() });
    t = await createTenant(s, {}, undefined, { checkCode: true });
    token = await loginAs(s, t.appId, t.username, t.password);
  });
  after(() => s.close());

  async function scannedCode() {
    const gene = (await generateFor(s, t.appId)) as unknown as { random: string; checkCode: number };
    assertOk(await appAction(s, 'scanned', gene.random, token));
    const ctx = assertOk(
      await call(s.url, 'GET', `/api/v2/qrcode/context?random=${gene.random}`, {
        headers: { authorization: token },
      }),
    );
    return { ...gene, choices: ctx.checkCodeChoices as number[] };
  }

  it('the page shows a two-digit number and the phone three fixed choices including it', async () => {
    const { random, checkCode, choices } = await scannedCode();
    assert.ok(checkCode >= 10 && checkCode <= 99);
    assert.equal(new Set(choices).size, 3);
    assert.ok(choices.includes(checkCode));
    const again = assertOk(
      await call(s.url, 'GET', `/api/v2/qrcode/context?random=${random}`, {
        headers: { authorization: token },
      }),
    );
    assert.deepEqual(again.checkCodeChoices, choices, 'asking again reveals nothing new');
  });

  it('approves with the right pick, refuses without one', async () => {
    const { random, checkCode } = await scannedCode();
    assertError(await appAction(s, 'confirm', random, token), 'CHECK_CODE_REQUIRED');
    assert.equal(assertOk(await appAction(s, 'confirm', random, token, { body: { checkCode } })).status, 2);
  });

  it('a wrong pick denies the login for good', async () => {
    const { random, checkCode, choices } = await scannedCode();
    const wrong = choices.find((c) => c !== checkCode)!;
    assertError(
      await appAction(s, 'confirm', random, token, { body: { checkCode: wrong } }),
      'CHECK_CODE_WRONG',
    );
    assert.equal(assertOk(await check(s, random)).status, 3);
    assertError(await appAction(s, 'confirm', random, token, { body: { checkCode } }), 'QR_WRONG_STATE');
  });
});

describe('races', () => {
  let s: TestServer;
  let token: string;
  before(async () => {
    s = await startTestServer({ clock: new ManualClock() });
    token = await loginAs(s, s.seed.app.id, 'alice', 'alice-demo-pass');
  });
  after(() => s.close());

  it('1,000 concurrent confirm/cancel calls on one code: exactly one wins', async () => {
    const { random } = await generateFor(s, s.seed.app.id);
    assertOk(await appAction(s, 'scanned', random, token));
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => appAction(s, i % 2 ? 'confirm' : 'cancel', random, token)),
    );
    const wins = answers.filter((a) => a.body.code === 200);
    assert.equal(wins.length, 1);
    assert.ok(answers.every((a) => a.status < 500));
    assert.equal(assertOk(await check(s, random)).status, wins[0]!.body.data.status);
  });

  it('1,000 concurrent exchanges of one ticket: exactly one success', async () => {
    const { ticket } = await approvedCode(s, token);
    const auth = { authorization: basic(s.seed.app.id, s.seed.app.secret) };
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () =>
        call(s.url, 'POST', '/api/v2/qrcode/userinfo', { body: { ticket }, headers: auth, jar: false }),
      ),
    );
    assert.equal(answers.filter((a) => a.body.code === 200).length, 1);
    assert.ok(
      answers.filter((a) => a.body.code !== 200).every((a) => a.body.code === ErrorCodes.TICKET_INVALID.code),
    );
  });
});

describe('rate limits', () => {
  // Frozen: every request of this block falls in the same rate window, however slow the machine.
  const clock = new ManualClock();
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      clock,
      env: {
        RATE_CHECK_PER_CODE: '13',
        RATE_GENE_PER_IP: '5',
        RATE_LOGIN_PER_IP: '4',
        RATE_APP_PER_USER: '6',
      },
    });
  });
  after(() => s.close());

  it('polling one code too fast gets 429 with Retry-After (slow_down)', async () => {
    const { random } = await generateFor(s, s.seed.app.id);
    for (let i = 0; i < 13; i++) assertOk(await check(s, random));
    const slow = await check(s, random);
    assertError(slow, 'RATE_LIMITED');
    const retry = Number(slow.headers.get('retry-after'));
    assert.equal(retry, 10, 'the whole 10 s window is still ahead: the clock has not moved');
    // Once the window is over, the same code may be polled again.
    clock.advance(retry * 1000);
    assertOk(await check(s, random));
    // The limit is per code: another code polls freely.
    const other = await generateFor(s, s.seed.app.id);
    assertOk(await check(s, other.random));
  });

  it('creating codes is limited per address', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(
        await call(s.url, 'POST', '/api/v2/qrcode/gene', {
          body: {},
          headers: { 'x-authing-app-id': s.seed.app.id },
        }),
      );
    }
    // Two codes were made by the test above in this window.
    assert.ok(answers.some((a) => a.status === 429));
    assertError(answers.at(-1)!, 'RATE_LIMITED');
  });

  it('login attempts are limited per address, even correct ones', async () => {
    const login = () =>
      call(s.url, 'POST', '/api/v2/login/account', {
        body: { account: 'bob', password: 'bob-demo-pass' },
        headers: { 'x-authing-app-id': s.seed.app.id },
      });
    for (let i = 0; i < 4; i++) assertOk(await login());
    assertError(await login(), 'RATE_LIMITED');
  });
});

describe('the app calls are limited per user', () => {
  it('answers 429 past the per-minute budget', async () => {
    // Frozen: the four calls fall in one minute however slow the machine.
    const s = await startTestServer({ clock: new ManualClock(), env: { RATE_APP_PER_USER: '3' } });
    try {
      const token = await loginAs(s, s.seed.app.id, 'alice', 'alice-demo-pass');
      const history = () =>
        call(s.url, 'GET', '/api/v2/qrcode/history', { headers: { authorization: token } });
      for (let i = 0; i < 3; i++) assertOk(await history());
      assertError(await history(), 'RATE_LIMITED');
    } finally {
      await s.close();
    }
  });
});

// ---------------------------------------------------------------------------
// Bad input at every endpoint.

interface RawAnswer {
  status: number;
  body: string;
}

/** A raw HTTP request: duplicate headers, broken bodies, anything fetch would refuse to send. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: string | Buffer,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const NASTY_STRINGS = [
  '',
  ' ',
  'x'.repeat(20_000),
  '\u0000\u0001\u001f\u007f',
  '\u202e\ufeff😀\ud800',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style probe, literally
  '${jndi:ldap://127.0.0.1/x}',
  '%00%ff%',
  '__proto__',
];

const BAD_BODIES: (string | Buffer)[] = [
  '{',
  '{"random":"abc',
  '[]',
  'null',
  '"just a string"',
  '123',
  'true',
  '{"random":123}',
  '{"random":null,"ticket":[],"account":{},"password":false}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  JSON.stringify({
    random: 'x'.repeat(5000),
    ticket: 'y'.repeat(5000),
    account: 'z'.repeat(5000),
    password: 'p',
  }),
  Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
  `{"a":"${'b'.repeat(40_000)}"}`,
  ...NASTY_STRINGS.map((v) =>
    JSON.stringify({ random: v, ticket: v, account: v, password: v, token: v, name: v }),
  ),
];

// Issue 13, finding 9: the same corpus on every storage combination (it ran on SQLite alone).
for (const backend of backends()) {
  describe(`a corpus of bad input at every endpoint (${backend.name})`, () => badInputCorpus(backend));
}

function badInputCorpus(backend: Backend) {
  let s: TestServer;
  let appToken: string;
  before(async () => {
    s = await backend.start({ clock: new ManualClock() });
    appToken = await loginAs(s, s.seed.app.id, 'alice', 'alice-demo-pass');
  });
  after(() => s.close());

  const POSTS = [
    '/api/v2/qrcode/gene',
    '/api/v2/qrcode/scanned',
    '/api/v2/qrcode/confirm',
    '/api/v2/qrcode/cancel',
    '/api/v2/qrcode/step-up',
    '/api/v2/qrcode/userinfo',
    '/api/v2/login/account',
    '/api/v2/token/validate',
    '/api/admin/pools',
    '/api/admin/apps',
    '/api/admin/users',
    '/api/admin/keys/rotate',
  ];
  const GETS = [
    '/api/v2/qrcode/check?random=',
    '/api/v2/qrcode/events?random=',
    '/api/v2/qrcode/context?random=',
    '/api/v2/qrcode/image/',
    '/api/admin/users?userPoolId=',
    '/api/admin/audit?userPoolId=',
    '/api/admin/users/',
  ];

  /** Everything must be a 4xx in our envelope, except 2xx where the input was ignored; never a 5xx. */
  function judge(a: RawAnswer, what: string) {
    assert.ok(a.status < 500, `${what}: ${a.status} ${a.body.slice(0, 200)}`);
    if (a.status >= 400) {
      const body = JSON.parse(a.body);
      assert.equal(typeof body.code, 'number', what);
      assert.ok(body.code !== 200, what);
      assert.equal(typeof body.message, 'string', what);
      assert.equal(body.data, null, what);
    }
  }

  it('POST bodies: malformed, truncated, wrong types, huge, unicode, injections', async () => {
    const headerSets: Record<string, string | string[]>[] = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', 'x-authing-app-id': s.seed.app.id, authorization: appToken },
      { 'content-type': 'application/json', authorization: `Bearer ${s.seed.adminToken}` },
      {
        'content-type': 'application/json',
        'x-authing-app-id': [s.seed.app.id, 'other'],
        authorization: ['a', 'b'],
      },
    ];
    let count = 0;
    for (const path of POSTS) {
      for (const headers of headerSets) {
        for (const body of BAD_BODIES) {
          judge(await raw(s.url, 'POST', path, headers, body), `POST ${path} ${String(body).slice(0, 40)}`);
          count++;
        }
      }
      // Wrong and missing content types.
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        '',
      ]) {
        const a = await raw(s.url, 'POST', path, type ? { 'content-type': type } : {}, 'random=x');
        judge(a, `POST ${path} as ${type}`);
        assert.ok(a.status >= 400, `POST ${path} as ${type} must be refused`);
      }
    }
    assert.ok(count > 500);
  });

  it('GET parameters: missing, huge, unicode, injections; strange headers', async () => {
    for (const path of GETS) {
      for (const v of NASTY_STRINGS) {
        const headers = { authorization: appToken, 'x-authing-app-id': s.seed.app.id };
        // Lone surrogates cannot be percent-encoded; send those raw.
        const q = /[\ud800-\udfff]/.test(v) ? v.replace(/[^\x21-\x7e]/g, '%ff') : encodeURIComponent(v);
        const a = await raw(s.url, 'GET', `${path}${q}`, headers);
        // A stream would stay open; only an error may come back here, so read it as one.
        judge(a, `GET ${path}${v.slice(0, 20)}`);
      }
    }
    for (const q of [
      '',
      '?',
      '?random',
      '?random=a&random=b',
      '?random=a&wait=abc',
      '?random=a&wait=99&seq=-1',
      '?random=%',
    ]) {
      judge(await raw(s.url, 'GET', `/api/v2/qrcode/check${q}`, {}), `check${q}`);
    }
    for (const authorization of [
      'Bearer',
      'Bearer ',
      'Basic !!!',
      `Bearer ${'x'.repeat(10_000)}`,
      'Basic Og==',
      '\u00ff',
    ]) {
      const a = await raw(
        s.url,
        'POST',
        '/api/v2/qrcode/scanned',
        { 'content-type': 'application/json', authorization: authorization.replace(/[^\x20-\x7e]/g, '?') },
        '{"random":"abc"}',
      );
      judge(a, `authorization ${authorization.slice(0, 12)}`);
      assert.ok(a.status === 401, `authorization ${authorization.slice(0, 12)} → ${a.status}`);
    }
  });

  it('well-shaped bodies that reach storage, with every text field nasty', async () => {
    const app = s.seed.app.id;
    const pool = s.seed.pool.id;
    const json = { 'content-type': 'application/json' };
    const asAdmin = { ...json, authorization: `Bearer ${s.seed.adminToken}` };
    const target = JSON.parse(
      (
        await raw(
          s.url,
          'POST',
          '/api/admin/users',
          asAdmin,
          JSON.stringify({ userPoolId: pool, username: 'corpus-target' }),
        )
      ).body,
    ).data.id as string;
    for (const v of NASTY_STRINGS) {
      const sends: [string, string, Record<string, string>, unknown][] = [
        [
          'POST',
          '/api/v2/qrcode/gene',
          { ...json, 'x-authing-app-id': app },
          { scene: 'APP_AUTH', params: { [v]: v }, context: { k: v }, extIdpConnId: v.slice(0, 100) },
        ],
        ['POST', '/api/v2/qrcode/gene', { ...json, 'x-authing-app-id': app }, { customData: { k: v } }],
        ['POST', '/api/v2/login/account', { ...json, 'x-authing-app-id': app }, { account: v, password: v }],
        ['POST', '/api/v2/qrcode/scanned', { ...json, authorization: appToken }, { random: v }],
        ['POST', '/api/v2/qrcode/step-up', { ...json, authorization: appToken }, { random: v, password: v }],
        [
          'POST',
          '/api/v2/qrcode/userinfo',
          { ...json, authorization: basic(app, s.seed.app.secret) },
          { ticket: v },
        ],
        ['POST', '/api/v2/token/validate', json, { token: v }],
        ['POST', '/api/admin/pools', asAdmin, { name: v }],
        ['POST', '/api/admin/apps', asAdmin, { userPoolId: pool, name: v, logo: v }],
        [
          'POST',
          '/api/admin/users',
          asAdmin,
          {
            userPoolId: pool,
            username: v,
            nickname: v,
            email: v,
            phone: v,
            photo: v,
            customData: { [v]: v },
          },
        ],
        ['PATCH', `/api/admin/users/${target}`, asAdmin, { nickname: v, customData: { [v]: v } }],
      ];
      for (const [method, path, headers, body] of sends) {
        const a = await raw(s.url, method, path, headers, JSON.stringify(body));
        judge(a, `${method} ${path} with ${JSON.stringify(v.slice(0, 20))}`);
        // Text no backend can store the same way is refused everywhere, before it gets there.
        if (v.includes('\u0000') || !(v as unknown as { isWellFormed(): boolean }).isWellFormed()) {
          assert.equal(a.status, 400, `${method} ${path} with ${JSON.stringify(v.slice(0, 20))}`);
        }
      }
    }
  });

  it('is still healthy after all of it', async () => {
    assert.equal((await call(s.url, 'GET', '/health')).status, 200);
    const { random } = await generateFor(s, s.seed.app.id);
    assert.equal(assertOk(await check(s, random)).status, 0);
  });
}
