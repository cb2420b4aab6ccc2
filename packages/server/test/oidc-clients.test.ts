/**
 * Apps as OpenID Connect clients: their redirect and post-logout URIs (and
 * public/confidential) through the admin API and the CLI, validated; what
 * the provider then knows of them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { validRedirectUri } from '../src/oidc/clients.js';
import { admin, assertError, assertOk, startTestServer, type TestServer } from './helpers.js';

describe('OpenID Connect client registrations', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s?.close());

  it('accepts https URLs, and plain http only to this machine; never a fragment or credentials', () => {
    for (const ok of [
      'https://my.site/callback',
      'https://my.site:8443/a/b?x=1',
      'http://localhost:3000/cb',
      'http://127.0.0.1/cb',
      'http://[::1]:8080/cb',
    ]) {
      assert.equal(validRedirectUri(ok), ok, ok);
    }
    for (const bad of [
      'http://my.site/callback',
      'https://my.site/cb#frag',
      'https://user:pw@my.site/cb',
      'javascript:alert(1)',
      'my.site/cb',
      '/relative',
      'ftp://my.site/cb',
    ]) {
      assert.equal(validRedirectUri(bad), null, bad);
    }
  });

  it('are set and shown through the admin API, and reach the provider', async () => {
    const created = assertOk(
      await admin(s, 'POST', '/api/admin/apps', {
        userPoolId: s.seed.pool.id,
        name: 'RP',
        redirectUris: ['https://rp.example/cb'],
        postLogoutRedirectUris: ['https://rp.example/'],
      }),
      201,
    );
    assert.deepEqual(created.redirectUris, ['https://rp.example/cb']);
    assert.deepEqual(created.postLogoutRedirectUris, ['https://rp.example/']);
    assert.equal(created.publicClient, false);
    const patched = assertOk(
      await admin(s, 'PATCH', `/api/admin/apps/${created.id}`, { publicClient: true, redirectUris: [] }),
    );
    assert.deepEqual(patched.redirectUris, []);
    assert.deepEqual(
      patched.postLogoutRedirectUris,
      ['https://rp.example/'],
      'what a patch does not name stays',
    );
    assert.equal(patched.publicClient, true);
    const listed = assertOk(await admin(s, 'GET', '/api/admin/apps')).find(
      (a: { id: string }) => a.id === created.id,
    );
    assert.equal(listed.publicClient, true);
    // What the provider sees: a public client (no secret) that can only sign devices in.
    const client = await s.services.oidc.provider.Client.find(created.id);
    assert.equal(client?.clientAuthMethod, 'none');
    assert.deepEqual([...(client?.grantTypes ?? [])].sort(), [
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]);
    // Deleting the app removes the client.
    assertOk(await admin(s, 'DELETE', `/api/admin/apps/${created.id}`));
    assert.equal(await s.services.oidc.clients.metadata(created.id), undefined);
  });

  it('refuses a URL that is not allowed, naming it, and creates nothing', async () => {
    const before = assertOk(await admin(s, 'GET', '/api/admin/apps')).length;
    const r = await admin(s, 'POST', '/api/admin/apps', {
      userPoolId: s.seed.pool.id,
      name: 'Bad RP',
      redirectUris: ['http://rp.example/cb'],
    });
    assertError(r, 'INVALID_REQUEST');
    assert.match(r.body.message, /http:\/\/rp\.example\/cb/);
    assert.equal(assertOk(await admin(s, 'GET', '/api/admin/apps')).length, before);
    assertError(
      await admin(s, 'PATCH', `/api/admin/apps/${s.seed.app.id}`, {
        postLogoutRedirectUris: ['https://rp.example/#x'],
      }),
      'INVALID_REQUEST',
    );
  });
});

describe('OpenID Connect client registrations with the CLI', () => {
  const run = promisify(execFile);
  const main = new URL('../src/cli/main.ts', import.meta.url).pathname;
  const dataDir = mkdtempSync(join(tmpdir(), 'scanlogin-oidc-cli-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const cli = async (...args: string[]) =>
    JSON.parse(
      (
        await run(process.execPath, ['--import', 'tsx', main, ...args, '--data-dir', dataDir], {
          env: { ...process.env, LOG_LEVEL: 'silent' },
        })
      ).stdout,
    );

  it('app create and app update take --redirect-uris, --post-logout-uris and --public-client', async () => {
    await run(process.execPath, ['--import', 'tsx', main, 'init', '--data-dir', dataDir], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    const [pool] = await cli('pool', 'list');
    const app = await cli(
      'app',
      'create',
      '--pool',
      pool.id,
      '--name',
      'CLI RP',
      '--redirect-uris',
      'https://rp.example/cb,http://localhost:3000/cb',
    );
    assert.deepEqual(app.redirectUris, ['https://rp.example/cb', 'http://localhost:3000/cb']);
    const updated = await cli(
      'app',
      'update',
      app.id,
      '--post-logout-uris',
      'https://rp.example/',
      '--public-client',
      'true',
    );
    assert.deepEqual(updated.postLogoutRedirectUris, ['https://rp.example/']);
    assert.equal(updated.publicClient, true);
    assert.deepEqual(updated.redirectUris, app.redirectUris);
    await assert.rejects(
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          main,
          'app',
          'update',
          app.id,
          '--redirect-uris',
          'http://rp.example/x',
          '--data-dir',
          dataDir,
        ],
        {
          env: { ...process.env, LOG_LEVEL: 'silent' },
        },
      ),
      (err: { stderr?: string }) => /error 1001/.test(err.stderr ?? ''),
    );
  });
});
