/**
 * Regression (issue 13, finding 1): "a client chooses its own IP address
 * behind a proxy". With TRUST_PROXY=true the service believed the whole
 * X-Forwarded-For chain and took its left-most entry, and the documented
 * nginx appended to what the client sent: a browser wrote its own address,
 * and with it the place on the confirm screen, the proximity verdict and a
 * fresh per-IP budget for every request.
 *
 * Now the operator names the proxies (a hop count or their addresses), the
 * client is the right-most address no trusted proxy added, and the documented
 * proxy overwrites the header. These tests forge chains through every
 * setting, directly and through a proxy in front (one that overwrites, as
 * documented, and one that appends, as many do), and watch what the service
 * then believes: the address on the confirm screen, the proximity policy and
 * the per-IP limits under parallel bursts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes } from '@scanlogin/protocol';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { assertOk, call, createTenant, loginAs, startTestServer, type TestServer } from './helpers.js';

const UK = '81.2.69.160';
const US = '8.8.8.8';
const FORGED = '6.6.6.6';

/** What the service believes the browser's address is: the IP on the phone's confirm screen. */
async function observedIp(
  s: TestServer,
  via: string,
  headers: Record<string, string>,
  tenant: { appId: string; token: string },
): Promise<string> {
  const gene = assertOk(
    await call(via, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': tenant.appId, ...headers },
      jar: false,
    }),
  );
  const auth = { authorization: `Bearer ${tenant.token}` };
  assertOk(
    await call(s.url, 'POST', '/api/v2/qrcode/scanned', { body: { random: gene.random }, headers: auth }),
  );
  const ctx = assertOk(
    await call(s.url, 'GET', `/api/v2/qrcode/context?random=${gene.random}`, { headers: auth }),
  );
  return ctx.ip;
}

async function tenantOf(s: TestServer, security: Record<string, unknown> = { proximityPolicy: 'allow' }) {
  const t = await createTenant(s, {}, undefined, security);
  return { ...t, token: await loginAs(s, t.appId, t.username, t.password) };
}

describe('TRUST_PROXY: which forwarded address the service believes, for every setting', () => {
  // Requests come from 127.0.0.1 (this test), as they would from a proxy on the same host. Each
  // row: the setting, then for each forged header the address the service must see.
  const cases: { setting: string; sees: Record<string, string> }[] = [
    {
      setting: 'off',
      sees: {
        [FORGED]: '127.0.0.1',
        [`${FORGED}, ${UK}`]: '127.0.0.1',
        [`${FORGED}, ${US}, ${UK}`]: '127.0.0.1',
      },
    },
    {
      // One proxy: only the entry it wrote (the right-most) is believed.
      setting: '1',
      sees: { [FORGED]: FORGED, [`${FORGED}, ${UK}`]: UK, [`${FORGED}, ${US}, ${UK}`]: UK },
    },
    {
      // Two proxies: the entry the outer one wrote.
      setting: '2',
      sees: { [`${FORGED}, ${US}, ${UK}`]: US, [`${FORGED}, ${UK}`]: FORGED },
    },
    {
      // The proxy by address: the socket's address is trusted, and so is any entry that is itself
      // a trusted proxy, but nothing to the left of the first untrusted address.
      setting: '127.0.0.1/32',
      sees: { [FORGED]: FORGED, [`${FORGED}, ${UK}`]: UK, [`${FORGED}, 127.0.0.1`]: FORGED },
    },
    { setting: 'loopback', sees: { [`${FORGED}, ${UK}`]: UK } },
    {
      // A proxy list that does not include the socket's address: the peer is the client.
      setting: '10.0.0.0/8, 192.168.0.0/16',
      sees: { [FORGED]: '127.0.0.1', [`${FORGED}, 10.1.2.3`]: '127.0.0.1' },
    },
  ];

  for (const { setting, sees } of cases) {
    describe(`TRUST_PROXY=${setting}`, () => {
      let s: TestServer;
      let t: Awaited<ReturnType<typeof tenantOf>>;
      before(async () => {
        s = await startTestServer({ env: { TRUST_PROXY: setting } });
        t = await tenantOf(s);
      });
      after(() => s.close());

      for (const [header, expected] of Object.entries(sees)) {
        it(`X-Forwarded-For: ${header} → ${expected}`, async () => {
          assert.equal(await observedIp(s, s.url, { 'x-forwarded-for': header }, t), expected);
        });
      }
    });
  }

  it('refuses TRUST_PROXY=true (the whole chain), and anything that is not a count or addresses', () => {
    for (const bad of ['true', 'yes', '11', '10.0.0.0/33', 'proxy.example.com', '1.2.3.4/8/1']) {
      assert.throws(
        () => loadConfig({ TRUST_PROXY: bad, DATABASE_FILE: ':memory:' }),
        (err: unknown) => err instanceof ConfigError && err.message.includes('TRUST_PROXY'),
        bad,
      );
    }
    for (const good of [
      'off',
      'false',
      '0',
      '1',
      '3',
      '127.0.0.1',
      '10.0.0.0/8,::1',
      'loopback, uniquelocal',
    ]) {
      assert.doesNotThrow(() => loadConfig({ TRUST_PROXY: good, DATABASE_FILE: ':memory:' }), good);
    }
    assert.match(
      String(
        (() => {
          try {
            loadConfig({ TRUST_PROXY: 'true', DATABASE_FILE: ':memory:' });
          } catch (err) {
            return (err as Error).message;
          }
        })(),
      ),
      /choose its own address.*number of proxies/,
    );
  });
});

/**
 * A reverse proxy in front of the service, as deployed: it knows each
 * client's real address (here the test tells it, through a header it strips,
 * as the network would), and either overwrites X-Forwarded-For with it (the
 * documented nginx: `proxy_set_header X-Forwarded-For $remote_addr`) or
 * appends it to what the client sent (`$proxy_add_x_forwarded_for`).
 */
async function reverseProxy(target: string, mode: 'overwrite' | 'append') {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const real = String(req.headers['x-test-real-address']);
    const headers = { ...req.headers };
    delete headers['x-test-real-address'];
    const sent = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = mode === 'overwrite' || !sent ? real : `${sent}, ${real}`;
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const mode of ['overwrite', 'append'] as const) {
  describe(`behind one proxy that ${mode}s X-Forwarded-For, with TRUST_PROXY=1`, () => {
    let s: TestServer;
    let proxy: Awaited<ReturnType<typeof reverseProxy>>;
    before(async () => {
      s = await startTestServer({
        env: { TRUST_PROXY: '1', RATE_GENE_PER_IP: '5', RATE_LOGIN_PER_IP: '5', GEOIP_DATABASE: 'bundled' },
      });
      proxy = await reverseProxy(s.url, mode);
    });
    after(async () => {
      await proxy.close();
      await s.close();
    });

    it('a forged address or chain never reaches the confirm screen', async () => {
      const t = await tenantOf(s);
      for (const forged of [FORGED, `${FORGED}, ${US}`, `${US}, ${FORGED}, 10.0.0.1`, 'not-an-address']) {
        const seen = await observedIp(
          s,
          proxy.url,
          { 'x-forwarded-for': forged, 'x-test-real-address': UK },
          t,
        );
        assert.equal(seen, UK, forged);
      }
    });

    it('a browser in the United Kingdom cannot pass the deny policy by writing an American address', async () => {
      const t = await tenantOf(s, { proximityPolicy: 'deny' });
      const gene = assertOk(
        await call(proxy.url, 'POST', '/api/v2/qrcode/gene', {
          body: {},
          headers: { 'x-authing-app-id': t.appId, 'x-forwarded-for': US, 'x-test-real-address': UK },
          jar: false,
        }),
      );
      // The phone in the United States scans through the same proxy.
      const scanned = await call(proxy.url, 'POST', '/api/v2/qrcode/scanned', {
        body: { random: gene.random },
        headers: { authorization: `Bearer ${t.token}`, 'x-test-real-address': US },
      });
      assert.equal(scanned.body.code, ErrorCodes.PROXIMITY_DENIED.code, JSON.stringify(scanned.body));
    });

    it('a parallel burst of codes with a new forged address each gets one address’s budget', async () => {
      const t = await tenantOf(s);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(proxy.url, 'POST', '/api/v2/qrcode/gene', {
            body: {},
            headers: {
              'x-authing-app-id': t.appId,
              'x-forwarded-for': `203.0.113.${i + 1}`,
              'x-test-real-address': '198.51.100.7',
            },
            jar: false,
          }),
        ),
      );
      assert.equal(answers.filter((a) => a.status === 200).length, 5, 'RATE_GENE_PER_IP');
      assert.equal(answers.filter((a) => a.status === 429).length, 15);
      // Another real address still has its own budget.
      const other = await call(proxy.url, 'POST', '/api/v2/qrcode/gene', {
        body: {},
        headers: { 'x-authing-app-id': t.appId, 'x-test-real-address': '198.51.100.8' },
        jar: false,
      });
      assert.equal(other.status, 200);
    });

    it('a parallel burst of logins with a new forged address each gets one address’s budget', async () => {
      const t = await tenantOf(s);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(proxy.url, 'POST', '/api/v2/login/account', {
            body: { account: `nobody-${i}`, password: 'wrong' },
            headers: {
              'x-authing-app-id': t.appId,
              'x-forwarded-for': `203.0.113.${i + 1}`,
              'x-test-real-address': '198.51.100.9',
            },
            jar: false,
          }),
        ),
      );
      assert.equal(
        answers.filter((a) => a.status === 429).length,
        15,
        'RATE_LOGIN_PER_IP: 5 of 20 evaluated',
      );
    });
  });
}

describe('the documented proxy configurations', () => {
  // Only configuration counts: the guide's fenced blocks and the shipped deploy/nginx.conf. Prose
  // that names the directive (to explain it) is not a configuration line.
  const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  const fenced = (markdown: string) =>
    [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '').join('\n');
  const configurations = {
    'docs/deployment.md': fenced(read('docs/deployment.md')),
    'deploy/nginx.conf': read('deploy/nginx.conf'),
  };

  for (const [name, text] of Object.entries(configurations)) {
    it(`${name}: overwrites X-Forwarded-For with the address the proxy saw, never appends to the client’s header`, () => {
      const lines = text
        .split('\n')
        .map((l) => l.replace(/#.*$/, ''))
        .filter((l) => /x-forwarded-for/i.test(l) && /proxy_set_header/.test(l));
      assert.ok(lines.length > 0, `${name} configures the header`);
      for (const line of lines) {
        assert.match(line, /\$remote_addr;/, line);
        assert.doesNotMatch(line, /proxy_add_x_forwarded_for/, line);
      }
    });
  }
});
