/**
 * The integration examples (examples/), each as an integrator would run it:
 * copied out of the repository, its own package.json installed with npm (the
 * @scanlogin packages from the tarballs scripts/pack.mjs makes, never from the
 * workspace), built, started against a service installed from its tarball
 * too, and alice logged in through Chromium while the app SDK plays her phone.
 * The Python and Go verifiers check a website token against the same service
 * when their toolchains are installed (.ci/run installs them with apt).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { eventually, launchChromium, newContext, readQrFrom } from '../support.js';
import {
  adminCall,
  copyFixtures,
  freePort,
  installProject,
  npmInstall,
  packTarballs,
  phoneConfirm,
  phoneScan,
  ROOT,
  registerSite,
  run,
  type Service,
  type Site,
  type Started,
  startProcess,
  startService,
  type Tarballs,
} from './support.js';

const EXAMPLES = join(ROOT, 'examples');
/** What the examples take from npm under our name; the tarballs stand in for the registry. */
const OURS = ['@scanlogin/protocol', '@scanlogin/verify', '@scanlogin/web-sdk'] as const;

/** Seconds since `start`, for the timings the test prints (CI time is watched, not asserted). */
const since = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

describe('the examples, installed from the tarballs, log alice in', () => {
  let tmp: string;
  let tarballs: Tarballs;
  /** Where the service and the phone's app SDK are installed. */
  let serviceProject: string;
  let service: Service;
  let browser: Browser;
  let aliceId: string;
  const running: Started<unknown>[] = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'scanlogin-examples-'));
    tarballs = await packTarballs(join(tmp, 'tarballs'));
    serviceProject = join(tmp, 'service');
    await installProject(
      serviceProject,
      // The server serves the web SDK's bundle on its OpenID sign-in page, so it depends on it.
      ['@scanlogin/protocol', '@scanlogin/web-sdk', '@scanlogin/app-sdk', '@scanlogin/server'].map((n) =>
        tarballs.path(n as Parameters<Tarballs['path']>[0]),
      ),
      { allowScripts: { 'better-sqlite3': true } },
    );
    copyFixtures(serviceProject, ['phone.mjs']);
    const dataDir = join(tmp, 'data');
    mkdirSync(dataDir);
    service = await startService(serviceProject, dataDir);
    const pools = (await adminCall(service, 'GET', '/api/admin/pools')) as unknown as { id: string }[];
    const users = (await adminCall(
      service,
      'GET',
      `/api/admin/users?userPoolId=${pools[0]!.id}`,
    )) as unknown as { id: string; username: string }[];
    aliceId = users.find((u) => u.username === 'alice')!.id;
    browser = await launchChromium();
  });

  after(async () => {
    try {
      await browser?.close();
      for (const child of running) await child.stop();
      await service?.stop();
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  /**
   * Copies examples/<name> out of the repository and installs it: its own
   * dependencies from npm, ours from the tarballs.
   */
  async function installExample(name: string): Promise<string> {
    const source = join(EXAMPLES, name);
    const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // It depends on the published names, as an integrator's project would.
    for (const dep of ['@scanlogin/web-sdk', '@scanlogin/verify']) {
      assert.match(
        manifest.dependencies[dep] ?? '',
        /^\^\d+\.\d+\.\d+$/,
        `${name} depends on ${dep} from npm`,
      );
    }
    const dir = join(tmp, name);
    cpSync(source, dir, {
      recursive: true,
      filter: (path) => !/[/\\](node_modules|\.next)([/\\]|$)/.test(path),
    });
    const start = performance.now();
    await npmInstall(
      dir,
      OURS.map((n) => tarballs.path(n)),
    );
    console.log(`${name}: npm install ${since(start)}`);
    for (const dep of OURS) {
      const installed = join(dir, 'node_modules', dep);
      assert.equal(lstatSync(installed).isSymbolicLink(), false, `${dep} is a real directory, not a link`);
    }
    return dir;
  }

  /**
   * Alice logs in on a site's /login page: the test reads the code from the
   * page's pixels, the phone (app SDK) scans and approves, the page lands on
   * /profile, which the site serves only after verifying its session cookie.
   * Then what a site must refuse: a forged cookie, garbage at `ticketPath`.
   */
  async function logAliceIn(siteUrl: string, site: Site, ticketPath: string): Promise<void> {
    const context = await newContext(browser);
    // The widget's timers stand still (nothing expires or is renewed while a busy machine takes
    // its time; the service's own lifetimes are an hour, see registerSite).
    await context.clock.install();
    await context.clock.pauseAt(Date.now());
    const page = await context.newPage();
    await page.goto(`${siteUrl}/login`);
    const qrText = await eventually(() => readQrFrom(page.locator('#qrcode')));
    const scanned = await phoneScan(serviceProject, service, site, qrText);
    assert.equal(scanned.origin, siteUrl, 'the phone is told which site asks');
    await page.getByText('Alice').first().waitFor();
    assert.equal((await phoneConfirm(serviceProject, service, site, scanned)).status, 2);

    await page.waitForURL(`${siteUrl}/profile`);
    assert.equal(await page.locator('#welcome').textContent(), 'Welcome, Alice');
    assert.equal(await page.locator('#user-id').textContent(), aliceId);
    const cookie = (await context.cookies()).find((c) => c.name === 'session');
    assert.ok(cookie?.httpOnly, 'the website token is in an HttpOnly cookie');
    assert.equal(await page.evaluate(() => document.cookie.includes('session=')), false);

    // A later request: the token in the cookie is verified again.
    await page.goto(`${siteUrl}/profile`);
    assert.equal(await page.locator('#user-id').textContent(), aliceId);
    // Logging out ends it.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${siteUrl}/login`);
    await context.close();

    // A tampered token is no session: back to the login page, not an error.
    const forged = await fetch(`${siteUrl}/profile`, {
      headers: { cookie: `session=${cookie.value.slice(0, -4)}AAAA` },
      redirect: 'manual',
    });
    assert.equal(forged.status >= 300 && forged.status < 400, true, `redirected, got ${forged.status}`);
    assert.match(forged.headers.get('location') ?? '', /\/login$/);
    // Bad input to the ticket route is refused, never a 500.
    const post = (body: string) =>
      fetch(`${siteUrl}${ticketPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    assert.equal((await post('{"ticket":')).status, 400);
    assert.equal((await post('{"ticket":42}')).status, 400);
    assert.equal((await post('{"ticket":"not-a-ticket"}')).status, 401);
  }

  it('Express: the web SDK from a <script> tag, the ticket redeemed by the backend', async () => {
    const dir = await installExample('express');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const site = await registerSite(service, 'Express example', url);
    const server = await startProcess('npm', ['start'], {
      cwd: dir,
      env: {
        SCANLOGIN_URL: service.url,
        SCANLOGIN_APP_ID: site.appId,
        SCANLOGIN_APP_SECRET: site.appSecret,
        PORT: String(port),
      },
      ready: (line) => (line.includes(`listening on ${url}`) ? true : null),
    });
    running.push(server);
    await logAliceIn(url, site, '/auth/ticket');
  });

  it('Next.js (App Router): next build, next start, a route handler and a server component', async () => {
    const dir = await installExample('nextjs');
    const env = { NEXT_TELEMETRY_DISABLED: '1' };
    let start = performance.now();
    const build = await run('npm', ['run', 'build'], { cwd: dir, env });
    assert.equal(build.code, 0, `next build failed:\n${build.stdout}\n${build.stderr}`);
    console.log(`nextjs: next build ${since(start)}`);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const site = await registerSite(service, 'Next.js example', url);
    start = performance.now();
    const server = await startProcess(
      'npm',
      ['start', '--', '--hostname', '127.0.0.1', '--port', String(port)],
      {
        cwd: dir,
        env: {
          ...env,
          SCANLOGIN_URL: service.url,
          SCANLOGIN_APP_ID: site.appId,
          SCANLOGIN_APP_SECRET: site.appSecret,
        },
        ready: (line) => (/\bReady\b/.test(line) ? true : null),
      },
    );
    running.push(server);
    console.log(`nextjs: next start ready ${since(start)}`);
    await logAliceIn(url, site, '/api/ticket');
  });

  describe('verifying a website token from other languages (JWKS, ES256)', () => {
    let site: Site;
    let webToken: string;
    let appToken: string;

    before(async () => {
      site = await registerSite(service, 'Verifier example', 'http://127.0.0.1:9');
      ({ webToken, appToken } = await loginWithoutBrowser(site));
    });

    /** A QR login over plain HTTP, as in the README's curl walk: the website's token and the phone's. */
    async function loginWithoutBrowser(s: Site): Promise<{ webToken: string; appToken: string }> {
      const gene = (await (
        await fetch(`${service.url}/api/v2/qrcode/gene`, {
          method: 'POST',
          headers: { 'x-authing-app-id': s.appId, 'content-type': 'application/json' },
          body: JSON.stringify({ scene: 'APP_AUTH' }),
        })
      ).json()) as { data: { random: string; payload: string; binding: string } };
      const scanned = await phoneScan(serviceProject, service, s, gene.data.payload);
      await phoneConfirm(serviceProject, service, s, scanned);
      const check = (await (
        await fetch(`${service.url}/api/v2/qrcode/check?random=${gene.data.random}`, {
          headers: { 'x-scanlogin-binding': gene.data.binding },
        })
      ).json()) as { data: { ticket: string } };
      const redeemed = (await (
        await fetch(`${service.url}/api/v2/qrcode/userinfo`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${s.appId}:${s.appSecret}`).toString('base64')}`,
          },
          body: JSON.stringify({ ticket: check.data.ticket }),
        })
      ).json()) as { data: { token: string } };
      return { webToken: redeemed.data.token, appToken: scanned.token };
    }

    /** Runs a verifier program on a token, for this site or another app id. */
    async function checkWith(cmd: string, args: string[], token: string, appId = site.appId) {
      return run(cmd, [...args, token], {
        cwd: tmp,
        env: { SCANLOGIN_ISSUER: service.url, SCANLOGIN_APP_ID: appId },
      });
    }

    async function expectVerifier(cmd: string, args: string[]): Promise<void> {
      const ok = await checkWith(cmd, args, webToken);
      assert.equal(ok.code, 0, ok.stderr);
      const claims = JSON.parse(ok.stdout) as Record<string, unknown>;
      assert.equal(claims.sub, aliceId);
      assert.equal(claims.aud, site.appId);
      assert.equal(claims.iss, service.url);
      assert.equal(claims.token_use, 'web');

      const refusals: [string, string, string | undefined, RegExp][] = [
        ['another app', webToken, 'some-other-app', /aud/i],
        ['a bad signature', `${webToken.slice(0, -6)}AAAAAA`, undefined, /signature/i],
        ["the phone's own token", appToken, undefined, /not a website token/],
        ['not a JWT at all', 'hello', undefined, /invalid token/],
      ];
      for (const [what, token, appId, reason] of refusals) {
        const r = await checkWith(cmd, args, token, appId);
        assert.equal(r.code, 1, `${what}: refused with exit 1 (${r.stderr})`);
        assert.match(r.stderr, /^invalid token: /, what);
        assert.match(r.stderr, reason, what);
        assert.equal(r.stdout, '', what);
      }
    }

    it('Python (PyJWT with its JWKS client)', async (t) => {
      const python = await pythonWithJwt();
      if (!python) {
        t.skip('no python3 with PyJWT and cryptography (apt-get install python3-jwt python3-cryptography)');
        return;
      }
      await expectVerifier(python, [join(EXAMPLES, 'python/verify_token.py')]);
    });

    it('Go (crypto/ecdsa from the standard library)', async (t) => {
      const version = await run('go', ['version'], { cwd: tmp }).catch(() => null);
      if (version?.code !== 0) {
        t.skip('no Go toolchain (apt-get install golang-go)');
        return;
      }
      // Built from a copy, so nothing is written into the repository.
      const dir = join(tmp, 'go');
      cpSync(join(EXAMPLES, 'go'), dir, { recursive: true });
      const built = await run('go', ['build', '-o', 'verify-token', '.'], { cwd: dir });
      assert.equal(built.code, 0, built.stderr);
      await expectVerifier(join(dir, 'verify-token'), []);
    });
  });
});

/** Debian's python3 has apt's PyJWT; another python3 first on PATH (pyenv) may not. */
async function pythonWithJwt(): Promise<string | null> {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    const r = await run(python, ['-c', 'import jwt, cryptography'], { cwd: ROOT }).catch(() => null);
    if (r?.code === 0) return python;
  }
  return null;
}
