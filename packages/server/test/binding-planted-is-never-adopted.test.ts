/**
 * Issue 13, finding 4: a planted browser binding was adopted. `gene` kept any
 * well-formed value found in the cookie, header or query and made it the
 * page's binding, so whoever planted it (a sibling subdomain, a plain-HTTP
 * page) later read the ticket. Now `gene` mints a fresh secret for every code
 * and stores its hash with that code alone: nothing a client brings is
 * adopted, a binding issued for one code opens no other, several codes in one
 * browser each keep their own (a cookie per code), and over HTTPS the cookie
 * is `__Host-` prefixed. The ticket flows run on every storage combination;
 * the HTTPS cookie (attributes only, no storage involved) on the embedded one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_BINDING_COOKIES } from '../src/http/binding.js';
import { loadConfig, type RunningServer, startServer } from '../src/index.js';
import {
  type Answer,
  appAction,
  assertError,
  assertOk,
  CookieJar,
  call,
  createTenant,
  freePort,
  type Json,
  loginAs,
  type Tenant,
  type TestServer,
} from './helpers.js';
import { backends } from './support/backends.js';

/** A value shaped like a binding (43 base64url characters), made up by an attacker. */
const PLANTED = 'P'.repeat(43);

for (const backend of backends())
  describe(`a planted or foreign binding is never adopted (${backend.name})`, () => {
    let s: TestServer;
    let t: Tenant;
    let phone: string;
    before(async () => {
      s = await backend.start();
      t = await createTenant(s, { allowExchangeUserInfoFromBrowser: true });
      phone = await loginAs(s, t.appId, t.username, t.password);
    });
    after(() => s?.close());

    const gene = async (jar: CookieJar | false, headers: Record<string, string> = {}, query = '') => {
      const r = await call(s.url, 'POST', `/api/v2/qrcode/gene${query}`, {
        body: {},
        headers: { 'x-authing-app-id': t.appId, ...headers },
        jar,
      });
      return {
        ...(assertOk(r) as { random: string; binding: string }),
        setCookies: r.headers.getSetCookie(),
      };
    };
    const approve = async (random: string) => {
      assertOk(await appAction(s, 'scanned', random, phone));
      assertOk(await appAction(s, 'confirm', random, phone));
    };
    /** Every way a client can present a binding value for code `random`. */
    const presenting = (
      random: string,
      value: string,
    ): { path: string; headers: Record<string, string> }[] => [
      { path: '', headers: { 'x-scanlogin-binding': value } },
      { path: `&binding=${value}`, headers: {} },
      { path: '', headers: { cookie: `scanlogin_binding_${random}=${value}` } },
      { path: '', headers: { cookie: `__Host-scanlogin_binding_${random}=${value}` } },
      { path: '', headers: { cookie: `scanlogin_binding=${value}` } },
    ];
    /** What a holder of `value` gets for code `random`, through every read and action. */
    async function attempts(random: string, value: string, ticket: string | null): Promise<Answer[]> {
      const out: Answer[] = [];
      for (const { path, headers } of presenting(random, value)) {
        const opts = { headers, jar: false as const };
        out.push(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}${path}`, opts));
        out.push(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&wait=1&seq=0${path}`, opts));
        out.push(await call(s.url, 'GET', `/api/v2/qrcode/events?random=${random}${path}`, opts));
        if (ticket) {
          out.push(
            await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
              body: { ticket },
              headers: { 'x-authing-app-id': t.appId, ...headers },
              jar: false,
            }),
          );
        }
      }
      return out;
    }
    /** No ticket in any answer (event streams included); an exchange refused as BINDING_MISMATCH. */
    function nothingFor(answers: Answer[], what: string) {
      for (const a of answers) {
        if (a.body.code === -1) {
          // An event stream: its frames carry the status, never the ticket.
          assert.match(a.body.message, /"ticket":null/, what);
          assert.doesNotMatch(a.body.message, /"ticket":"/, what);
        } else if (a.body.code === 200) {
          assert.equal(a.body.data.ticket, null, `${what}: ${JSON.stringify(a.body)}`);
        } else assertError(a, 'BINDING_MISMATCH');
      }
    }

    it('a cookie, header or query planted at gene is not adopted; its planter reads no ticket', async () => {
      const victim = new CookieJar();
      victim.store([`scanlogin_binding=${PLANTED}`, `scanlogin_binding_anything=${PLANTED}`]);
      const code = await gene(victim, { 'x-scanlogin-binding': PLANTED }, `?binding=${PLANTED}`);
      assert.notEqual(code.binding, PLANTED);
      assert.ok(code.setCookies.every((c) => !c.includes(PLANTED)));
      await approve(code.random);
      // The victim's page sees its ticket; the planter, holding PLANTED, gets nothing.
      const ticket = assertOk(
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: victim }),
      ).ticket as string;
      assert.ok(ticket);
      nothingFor(await attempts(code.random, PLANTED, ticket), 'planted');
      assertError(
        await call(s.url, 'POST', '/api/v2/qrcode/rotate', {
          body: { random: code.random },
          headers: { 'x-scanlogin-binding': PLANTED },
          jar: false,
        }),
        'BINDING_MISMATCH',
      );
      // The ticket is still the victim's to redeem.
      const user = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
        body: { ticket },
        headers: { 'x-authing-app-id': t.appId },
        jar: victim,
      });
      assert.equal(assertOk(user).username, t.username);
    });

    it('a binding the server issued for code A opens nothing of code B, in any form', async () => {
      const attacker = new CookieJar();
      const own = await gene(attacker);
      const victim = new CookieJar();
      const code = await gene(victim);
      await approve(code.random);
      const ticket = assertOk(
        await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: victim }),
      ).ticket as string;
      nothingFor(await attempts(code.random, own.binding, ticket), 'A on B');
      // The attacker's own browser, with its own cookies, is no better.
      assert.equal(
        assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: attacker }))
          .ticket,
        null,
      );
      // Nor is the victim's binding of another of its own codes.
      const other = await gene(victim);
      nothingFor(await attempts(code.random, other.binding, ticket), "victim's other code");
    });

    it('a planter racing the approval with parallel reads never sees the ticket (many rounds)', async () => {
      for (let round = 0; round < 10; round++) {
        const victim = new CookieJar();
        victim.store([`scanlogin_binding=${PLANTED}`]);
        const code = await gene(victim, { 'x-scanlogin-binding': PLANTED });
        // Each reader polls until the approval is through, then once more: reads land on both sides.
        let approved = false;
        const reader = async (i: number) => {
          const { path, headers } = presenting(code.random, PLANTED)[i % 5]!;
          const read = () =>
            call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}${path}`, { headers, jar: false });
          const seen: Answer[] = [];
          do seen.push(await read());
          while (!approved);
          seen.push(await read());
          return seen;
        };
        const [answers] = await Promise.all([
          Promise.all(Array.from({ length: 10 }, (_, i) => reader(i))),
          approve(code.random).then(() => {
            approved = true;
          }),
        ]);
        for (const a of answers.flat()) assert.equal(assertOk(a).ticket, null, `round ${round}`);
        assert.ok(
          assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${code.random}`, { jar: victim }))
            .ticket,
        );
      }
    });

    it('several codes in one browser (tabs, made in parallel) each keep their own binding, by cookie alone', async () => {
      const browser = new CookieJar();
      const codes = await Promise.all(Array.from({ length: 4 }, () => gene(browser)));
      assert.equal(new Set(codes.map((c) => c.binding)).size, codes.length);
      // Approved in the reverse order, each read and redeemed with the browser's cookies only.
      for (const c of [...codes].reverse()) await approve(c.random);
      for (const c of codes) {
        const ticket = assertOk(
          await call(s.url, 'GET', `/api/v2/qrcode/check?random=${c.random}`, { jar: browser }),
        ).ticket as string;
        assert.ok(ticket, c.random);
        const user = await call(s.url, 'POST', '/api/v2/qrcode/userinfo', {
          body: { ticket },
          headers: { 'x-authing-app-id': t.appId },
          jar: browser,
        });
        assert.equal(assertOk(user).username, t.username);
      }
    });

    it(`a browser making many codes keeps at most ${MAX_BINDING_COOKIES} binding cookies, dropping the oldest`, async () => {
      const browser = new CookieJar();
      const codes = [];
      for (let i = 0; i < MAX_BINDING_COOKIES + 3; i++) codes.push(await gene(browser));
      const last = codes.at(-1)!;
      const expired = last.setCookies.filter((c) => /Max-Age=0/.test(c)).map((c) => c.split('=')[0]);
      assert.deepEqual(expired, [`scanlogin_binding_${codes[2]!.random}`]);
      const held = browser.names().filter((n) => n.startsWith('scanlogin_binding_'));
      assert.deepEqual(
        held,
        codes.slice(3).map((c) => `scanlogin_binding_${c.random}`),
        'the newest, oldest first',
      );
      await approve(last.random);
      assert.ok(
        assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${last.random}`, { jar: browser }))
          .ticket,
      );
    });
  });

// ---------------------------------------------------------------------------
// Over HTTPS (HTTPS=self-signed), with node:https trusting exactly that certificate.

interface HttpsAnswer {
  status: number;
  setCookies: string[];
  body: Json;
}

function https(
  base: string,
  ca: Buffer,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpsAnswer> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers = { ...opts.headers, ...(body ? { 'content-type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${base}${path}`, { method, headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          setCookies: res.headers['set-cookie'] ?? [],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('over HTTPS the binding cookie is __Host- prefixed', () => {
  let dataDir: string;
  let server: RunningServer;
  let ca: Buffer;
  let appId: string;
  let adminToken: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scanlogin-binding-tls-'));
    const port = await freePort();
    server = await startServer(
      loadConfig({
        LOG_LEVEL: 'silent',
        DATABASE_FILE: ':memory:',
        DATA_DIR: dataDir,
        HTTPS: 'self-signed',
        HOST: '127.0.0.1',
        PORT: String(port),
      }),
      { quiet: true },
    );
    ca = readFileSync(join(dataDir, 'tls', 'cert.pem'));
    appId = server.firstStart!.app!.id;
    adminToken = server.firstStart!.adminToken!;
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('Secure, Path=/, no Domain; the login completes with the cookie alone; a plain-named plant is ignored', async () => {
    const call = (
      method: string,
      path: string,
      opts: { headers?: Record<string, string>; body?: unknown } = {},
    ) => https(server.url, ca, method, path, opts);
    const patched = await call('PATCH', `/api/admin/apps/${appId}`, {
      headers: { authorization: `Bearer ${adminToken}` },
      body: { allowExchangeUserInfoFromBrowser: true },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));

    const gene = await call('POST', '/api/v2/qrcode/gene', {
      headers: { 'x-authing-app-id': appId, cookie: `scanlogin_binding=${PLANTED}` },
      body: {},
    });
    const { random, binding } = gene.body.data;
    assert.notEqual(binding, PLANTED);
    assert.deepEqual(gene.setCookies, [
      `__Host-scanlogin_binding_${random}=${binding}; Max-Age=420; Path=/; HttpOnly; Secure; SameSite=None; Partitioned`,
    ]);
    assert.doesNotMatch(gene.setCookies[0]!, /Domain=/i);

    const login = await call('POST', '/api/v2/login/account', {
      headers: { 'x-authing-app-id': appId },
      body: { account: 'alice', password: 'alice-demo-pass' },
    });
    const token = login.body.data.token as string;
    for (const action of ['scanned', 'confirm']) {
      const r = await call('POST', `/api/v2/qrcode/${action}`, {
        headers: { authorization: token },
        body: { random },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const cookie = `__Host-scanlogin_binding_${random}=${binding}`;
    // A cookie without the prefix could have been planted by a sibling: with the planted value, nothing.
    const planted = await call('GET', `/api/v2/qrcode/check?random=${random}`, {
      headers: { cookie: `scanlogin_binding_${random}=${PLANTED}` },
    });
    assert.equal(planted.body.data.ticket, null);
    const seen = await call('GET', `/api/v2/qrcode/check?random=${random}`, { headers: { cookie } });
    const ticket = seen.body.data.ticket as string;
    assert.ok(ticket);
    const user = await call('POST', '/api/v2/qrcode/userinfo', {
      headers: { 'x-authing-app-id': appId, cookie },
      body: { ticket },
    });
    assert.equal(user.status, 200, JSON.stringify(user.body));
    assert.equal(user.body.data.username, 'alice');
  });
});
