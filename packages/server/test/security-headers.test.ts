/**
 * Regressions (issue 13, finding 9): admin answers (the user list with
 * personal data, a created user, the app list...) came without
 * `Cache-Control: no-store`, and the 431 written at the socket for oversized
 * headers came without the security headers. Now every answer starts from
 * the same defaults (no-store, nosniff, no referrer, no framing); only routes
 * that mean to be cached say otherwise.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Answer, admin, startTestServer, type TestServer } from './helpers.js';

const SECURITY = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

describe('default headers on every answer', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  it('every admin answer is no-store: lists, reads, creations, updates, deletions and refusals', async () => {
    const pool = s.seed.pool.id;
    const created = await admin(s, 'POST', '/api/admin/users', {
      userPoolId: pool,
      username: 'carol',
      password: 'carol-pass-1',
    });
    const user = created.body.data.id as string;
    const app = await admin(s, 'POST', '/api/admin/apps', { userPoolId: pool, name: 'Cache test' });
    const answers: [string, Answer][] = [
      ['user create', created],
      ['user list', await admin(s, 'GET', `/api/admin/users?userPoolId=${pool}`)],
      ['user read', await admin(s, 'GET', `/api/admin/users/${user}`)],
      ['user update', await admin(s, 'PATCH', `/api/admin/users/${user}`, { nickname: 'Carol' })],
      ['app create', app],
      ['app list', await admin(s, 'GET', '/api/admin/apps')],
      ['app secret', await admin(s, 'POST', `/api/admin/apps/${app.body.data.id}/secret`)],
      ['pool list', await admin(s, 'GET', '/api/admin/pools')],
      ['audit', await admin(s, 'GET', `/api/admin/audit?userPoolId=${pool}`)],
      ['user delete', await admin(s, 'DELETE', `/api/admin/users/${user}`)],
      ['refused', await admin(s, 'GET', '/api/admin/users/000000000000000000000000')],
    ];
    for (const [name, r] of answers) {
      assert.ok(r.status < 500, `${name}: ${r.status}`);
      for (const [header, value] of Object.entries(SECURITY)) {
        assert.equal(r.headers.get(header), value, `${name}: ${header}`);
      }
    }
  });

  it('routes meant to be cached say so themselves', async () => {
    const jwks = await fetch(`${s.url}/.well-known/jwks.json`);
    assert.match(jwks.headers.get('cache-control') ?? '', /^public/);
    assert.equal(jwks.headers.get('x-content-type-options'), 'nosniff');
  });

  /** Sends raw bytes and returns the answer's status line and headers. */
  async function raw(request: string): Promise<{ status: string; headers: Map<string, string> }> {
    const url = new URL(s.url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.end(request));
      let out = '';
      socket.on('data', (d) => {
        out += d;
      });
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    const [head = ''] = text.split('\r\n\r\n');
    const [status = '', ...lines] = head.split('\r\n');
    const headers = new Map(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    return { status, headers };
  }

  it('the 431 for oversized headers and the 400 for a malformed request carry them too', async () => {
    const big = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    assert.match(big.status, /^HTTP\/1\.1 431 /);
    const bad = await raw('NOT A REQUEST\r\n\r\n');
    assert.match(bad.status, /^HTTP\/1\.1 400 /);
    for (const answer of [big, bad]) {
      for (const [header, value] of Object.entries(SECURITY)) {
        assert.equal(answer.headers.get(header), value, `${answer.status}: ${header}`);
      }
      assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
    }
  });
});
