/**
 * The packages as an integrator gets them (issue 15): every package packed by
 * scripts/pack.mjs, the tarballs installed with npm into a fresh project under
 * the temp directory (no workspace, no link), and there: the service started
 * with `npx scanlogin serve`, a page bundled from the web SDK's tarball shown
 * in Chromium, the phone played by the app SDK from Node, and a backend that
 * redeems the ticket and checks the website token with @scanlogin/verify,
 * loaded once with `import` and once with `require()`.
 *
 * Nothing here imports the repository's packages: each program runs with
 * plain `node` inside the temp project (see support.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { eventually, launchChromium, newContext, readQrFrom } from '../support.js';
import {
  copyFixtures,
  freePort,
  installProject,
  PACKAGE_NAMES,
  packTarballs,
  phoneConfirm,
  phoneScan,
  registerSite,
  run,
  runOk,
  type Service,
  type Site,
  type Started,
  startProcess,
  startService,
  type Tarballs,
} from './support.js';

interface SiteReady {
  url: string;
  esm: string;
  cjs: string;
}

describe('the packages from their tarballs, outside the monorepo', () => {
  let tmp: string;
  let project: string;
  let tarballs: Tarballs;
  let service: Service;
  let site: Site;
  let backend: Started<SiteReady>;
  let browser: Browser;
  let bundleInputs: string[];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'scanlogin-packages-'));
    tarballs = await packTarballs(join(tmp, 'tarballs'));
    console.log(tarballs.report.trimEnd());
    project = join(tmp, 'project');
    await installProject(
      project,
      PACKAGE_NAMES.map((name) => tarballs.path(name)),
      { allowScripts: { 'better-sqlite3': true } },
    );
    copyFixtures(project, ['phone.mjs', 'site/backend.mjs', 'site/page.js']);

    const dataDir = join(tmp, 'data');
    mkdirSync(dataDir);
    service = await startService(project, dataDir);

    // The page's script, bundled for the browser from the installed web SDK.
    const built = await esbuild.build({
      entryPoints: [join(project, 'page.js')],
      outfile: join(project, 'page.bundle.js'),
      absWorkingDir: project,
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      logLevel: 'silent',
    });
    bundleInputs = Object.keys(built.metafile.inputs);

    const port = await freePort();
    site = await registerSite(service, 'Packages check', `http://127.0.0.1:${port}`);
    backend = await startProcess(process.execPath, ['backend.mjs'], {
      cwd: project,
      env: {
        SCANLOGIN_URL: service.url,
        SCANLOGIN_APP_ID: site.appId,
        SCANLOGIN_APP_SECRET: site.appSecret,
        PORT: String(port),
      },
      ready: (line) => (line.startsWith('{"url"') ? (JSON.parse(line) as SiteReady) : null),
    });
    browser = await launchChromium();
  });

  after(async () => {
    try {
      await browser?.close();
      await backend?.stop();
      if (service) {
        const output = await service.stop();
        // SIGTERM drains and lets go of the data file (what a container's stop relies on).
        assert.match(output, /"signal":"SIGTERM","msg":"shutting down"/);
        assert.equal(existsSync(join(tmp, 'data/scanlogin.db.lock')), false, output);
      }
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('installs real packages into the project: no workspace link, no dev tool in the tree', async () => {
    for (const name of PACKAGE_NAMES) {
      const dir = join(project, 'node_modules', name);
      assert.equal(lstatSync(dir).isSymbolicLink(), false, `${name} is not a link`);
      assert.equal(lstatSync(dir).isDirectory(), true, `${name} is a directory`);
      assert.ok(realpathSync(dir).startsWith(project + sep), `${name} lives inside the project`);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.equal(manifest.name, name);
      // The tarballs hold the build only: no sources, no tests.
      assert.equal(existsSync(join(dir, 'src')), false, `${name} ships no src/`);
      assert.equal(existsSync(join(dir, 'test')), false, `${name} ships no test/`);
    }
    const ls = await run('npm', ['ls', '--omit=dev', '--all', '--json'], { cwd: project });
    const names = new Set<string>();
    const walk = (deps: Record<string, { dependencies?: Record<string, unknown> }> | undefined) => {
      for (const [name, dep] of Object.entries(deps ?? {})) {
        names.add(name);
        walk(dep.dependencies as typeof deps);
      }
    };
    walk((JSON.parse(ls.stdout) as { dependencies?: Parameters<typeof walk>[0] }).dependencies);
    assert.ok(names.has('better-sqlite3') && names.has('fastify'), 'the tree was read');
    for (const devTool of ['tsx', 'esbuild', 'typescript', '@biomejs/biome', 'playwright-core']) {
      assert.equal(names.has(devTool), false, `${devTool} is not installed with the packages`);
    }
  });

  it('`scanlogin --version` and `scanlogin help` print and exit without starting anything', async () => {
    // Were either to start the service, it would hold this free port and never exit.
    const env = { PORT: String(await freePort()) };
    const version = await runOk('npx', ['scanlogin', '--version'], { cwd: project, env });
    const installed = JSON.parse(
      readFileSync(join(project, 'node_modules/@scanlogin/server/package.json'), 'utf8'),
    );
    assert.equal(version.stdout, `${installed.version}\n`);
    const help = await runOk('npx', ['scanlogin', 'help'], { cwd: project, env });
    assert.match(help.stdout, /^usage: scanlogin <command>/m);
    assert.match(help.stdout, /^ {2}serve /m);
    // Neither opened a database: no default data directory appeared where they ran.
    assert.equal(existsSync(join(project, 'data')), false);
  });

  it('the installed service serves its API, its JWKS and the bundled companion', async () => {
    const health = await fetch(`${service.url}/health`);
    assert.equal(health.status, 200);
    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    assert.ok(jwks.keys.length >= 1);
    // The companion's build ships inside the server's tarball (COMPANION=bundled by default).
    const companion = await fetch(`${service.url}/companion/`);
    assert.equal(companion.status, 200);
    assert.match(await companion.text(), /<html/i);
  });

  it('a page bundled from the web SDK tarball logs alice in; the backend verifies with import and require()', async () => {
    const webSdk = join(project, 'node_modules/@scanlogin/web-sdk/dist/');
    assert.ok(
      bundleInputs.some((input) => join(project, input).startsWith(webSdk)),
      `the page bundles the installed web SDK (inputs: ${bundleInputs.join(', ')})`,
    );
    const verifyDir = join(project, 'node_modules/@scanlogin/verify/dist/');
    assert.equal(backend.ready.esm, join(verifyDir, 'index.js'), '`import` loads the ES module build');
    assert.equal(backend.ready.cjs, join(verifyDir, 'index.cjs'), '`require()` loads the CommonJS build');

    const context = await newContext(browser);
    // The page's timers wait on the page's clock, which stands still: nothing expires or rotates
    // there while a busy machine takes its time (the service's lifetimes are an hour, registerSite).
    await context.clock.install();
    await context.clock.pauseAt(Date.now());
    const page = await context.newPage();
    await page.goto(backend.ready.url);
    const qrText = await eventually(() => readQrFrom(page.locator('#qrcode')));

    const scanned = await phoneScan(project, service, site, qrText);
    assert.equal(scanned.nickname, 'Alice');
    // The confirm screen's facts: which site asks, from which page.
    assert.equal(scanned.site, 'Packages check');
    assert.equal(scanned.origin, backend.ready.url);
    await page.getByText('Alice').first().waitFor();

    assert.equal((await phoneConfirm(project, service, site, scanned)).status, 2);
    const who = page.locator('#who[data-state="signed-in"]');
    await who.waitFor();
    const text = (await who.textContent()) ?? '';
    assert.match(text, /^Signed in as Alice \(\w+\)$/);

    // The website token is in an HttpOnly cookie: page scripts cannot read it.
    assert.equal(await page.evaluate(() => document.cookie.includes('session=')), false);
    const cookie = (await context.cookies()).find((c) => c.name === 'session');
    assert.ok(cookie?.httpOnly);

    // A later request, as the page's script would send it: checked with the CommonJS build.
    const me = await page.evaluate(async () => (await fetch('/me')).json());
    assert.deepEqual(me, { sub: text.match(/\((\w+)\)/)![1], aud: site.appId, verifiedWith: 'require' });
    await context.close();

    // A session cookie that was tampered with is no session, not an error.
    const forged = `${cookie.value.slice(0, -4)}AAAA`;
    const refused = await fetch(`${backend.ready.url}/me`, { headers: { cookie: `session=${forged}` } });
    assert.equal(refused.status, 401);
    // Nor is a page posting garbage instead of a ticket.
    const garbage = await fetch(`${backend.ready.url}/ticket`, { method: 'POST', body: '{"ticket":' });
    assert.equal(garbage.status, 400);
    // A ticket the service does not know is refused by the service, and so by the backend.
    const unknown = await fetch(`${backend.ready.url}/ticket`, { method: 'POST', body: '{"ticket":"nope"}' });
    assert.equal(unknown.status, 401);
  });
});
