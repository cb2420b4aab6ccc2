/**
 * HTTPS for a phone on the LAN: HTTPS=self-signed makes a certificate in
 * DATA_DIR/tls/ (key 0600) for localhost, 127.0.0.1 and the LAN addresses,
 * reuses it on the next start, and the service (companion included) answers
 * real HTTPS requests that trust exactly that certificate.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ConfigError,
  loadConfig,
  type RunningServer,
  startServer,
} from '../../../packages/server/src/index.js';
import { certificateNames, lanIPv4Addresses } from '../../../packages/server/src/tls.js';
import { freePort } from '../../../packages/server/test/helpers.js';
import { buildCompanion } from './build.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS GET with node:https; `ca` is the only trusted certificate (none: the system's). */
function httpsGet(url: string, opts: { ca?: Buffer; servername?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca: opts.ca, servername: opts.servername }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(env: Record<string, string>, companionDist?: string): Promise<RunningServer> {
  const port = await freePort();
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATABASE_FILE: ':memory:',
    HOST: '127.0.0.1',
    PORT: String(port),
    COMPANION: companionDist ?? 'off',
    ...env,
  });
  return startServer(config, { quiet: true });
}

describe('HTTPS=self-signed', () => {
  let dataDir: string;
  let server: RunningServer;
  let cert: Buffer;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scanlogin-tls-'));
    const dist = buildCompanion();
    server = await start({ DATA_DIR: dataDir, HTTPS: 'self-signed' }, dist);
    cert = readFileSync(join(dataDir, 'tls', 'cert.pem'));
  });
  after(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes the pair into DATA_DIR/tls with the key readable by its owner only', () => {
    assert.equal(statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'tls')).mode & 0o077, 0, 'the directory is private');
    assert.equal(server.tls?.source, 'self-signed');
    assert.equal(server.tls?.created, true);
    assert.equal(server.tls?.certPath, join(dataDir, 'tls', 'cert.pem'));
  });

  it('names localhost, the loopback addresses and every LAN IPv4 address', () => {
    const names = certificateNames(cert);
    for (const n of ['localhost', '127.0.0.1', '::1', ...lanIPv4Addresses()]) {
      assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    }
  });

  it('serves HTTPS that a client trusting this certificate accepts, by IP and by name', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsGet(`${server.url}/health`, { ca: cert });
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).code, 200);
    const port = new URL(server.url).port;
    const byName = await httpsGet(`https://localhost:${port}/api/v2/.well-known`, { ca: cert });
    assert.equal(byName.status, 200);
    assert.equal(typeof JSON.parse(byName.body).data.userPoolId, 'string');
  });

  it('serves the companion over HTTPS too', async () => {
    const page = await httpsGet(`${server.url}/companion/`, { ca: cert });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.ok(page.headers['content-security-policy']);
  });

  it('is refused by a client that does not trust it', async () => {
    await assert.rejects(httpsGet(`${server.url}/health`), (err: NodeJS.ErrnoException) => {
      assert.match(String(err.code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      return true;
    });
  });

  it('makes PUBLIC_URL default to https://', () => {
    assert.match(server.services.config.publicUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    const cfg = loadConfig({ HOST: '0.0.0.0', PORT: '3000', HTTPS: 'self-signed' });
    assert.equal(cfg.publicUrl, 'https://localhost:3000');
    assert.equal(loadConfig({ PORT: '3000' }).publicUrl, 'http://127.0.0.1:3000');
    assert.equal(
      loadConfig({ PORT: '3000', HTTPS: 'self-signed', PUBLIC_URL: 'https://192.0.2.5:3000' }).publicUrl,
      'https://192.0.2.5:3000',
    );
  });

  it('reuses the certificate on the next start', async () => {
    const again = await start({ DATA_DIR: dataDir, HTTPS: 'self-signed' });
    try {
      assert.equal(again.tls?.created, false);
      assert.ok(readFileSync(join(dataDir, 'tls', 'cert.pem')).equals(cert), 'same certificate');
      const res = await httpsGet(`${again.url}/health`, { ca: cert });
      assert.equal(res.status, 200);
    } finally {
      await again.close();
    }
  });

  it('serves a certificate the user supplies with TLS_CERT and TLS_KEY', async () => {
    const own = mkdtempSync(join(tmpdir(), 'scanlogin-own-tls-'));
    try {
      copyFileSync(join(dataDir, 'tls', 'cert.pem'), join(own, 'site.crt'));
      copyFileSync(join(dataDir, 'tls', 'key.pem'), join(own, 'site.key'));
      const other = mkdtempSync(join(tmpdir(), 'scanlogin-tls-data-'));
      const s = await start({
        DATA_DIR: other,
        TLS_CERT: join(own, 'site.crt'),
        TLS_KEY: join(own, 'site.key'),
      });
      try {
        assert.equal(s.tls?.source, 'files');
        assert.match(s.services.config.publicUrl, /^https:/);
        assert.equal((await httpsGet(`${s.url}/health`, { ca: cert })).status, 200);
      } finally {
        await s.close();
        rmSync(other, { recursive: true, force: true });
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('refuses half or conflicting TLS settings with a configuration error', async () => {
    await assert.rejects(start({ DATA_DIR: dataDir, TLS_CERT: '/nonexistent.crt' }), ConfigError);
    await assert.rejects(
      start({ DATA_DIR: dataDir, HTTPS: 'self-signed', TLS_CERT: '/a.crt', TLS_KEY: '/a.key' }),
      ConfigError,
    );
    await assert.rejects(
      start({ DATA_DIR: dataDir, TLS_CERT: '/nonexistent.crt', TLS_KEY: '/nonexistent.key' }),
      ConfigError,
    );
    assert.throws(() => loadConfig({ HTTPS: 'yes' }), ConfigError);
  });
});
