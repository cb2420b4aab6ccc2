/**
 * The API document (issue 14): generated from the route table that also
 * validates and serializes, served at /openapi.json, valid OpenAPI 3.1
 * (checked by an independent validator), naming every route the service
 * registers, with the security schemes, the error registry and examples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { ErrorCodes, routes } from '@scanlogin/protocol';
import { call, type Json, startTestServer, type TestServer } from './helpers.js';
import { isDocsPage, isOidcProviderRoute, registeredRoutes } from './support/routes.js';

describe('GET /openapi.json', () => {
  let s: TestServer;
  let doc: Json;
  before(async () => {
    s = await startTestServer();
    const answer = await call(s.url, 'GET', '/openapi.json');
    assert.equal(answer.status, 200);
    doc = answer.body;
  });
  after(() => s.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    // The validator may resolve references in place: give it a copy.
    const result = await validate(structuredClone(doc));
    assert.equal(result.valid, true, JSON.stringify(result, null, 2));
    // The validator does refuse what is not a document (so a pass above means something).
    assert.equal((await validate({ openapi: '3.1.0' } as never)).valid, false);
  });

  it('names every route the service registers, with its method, and nothing else', () => {
    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const method of Object.keys(operations)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const registered = new Set(
      registeredRoutes(s.app)
        .filter((r) => !isDocsPage(r) && !isOidcProviderRoute(r))
        .map((r) => r.replace(/:(\w+)/g, '{$1}')),
    );
    assert.deepEqual([...documented].sort(), [...registered].sort());
    assert.equal(documented.size, Object.keys(routes).length, 'one operation per table entry');
  });

  it('declares the security schemes and which operations need them', () => {
    const schemes = doc.components.securitySchemes;
    assert.deepEqual(Object.keys(schemes).sort(), [
      'adminToken',
      'appBasic',
      'appId',
      'appToken',
      'appTokenBare',
    ]);
    assert.equal(schemes.appId.in, 'header');
    assert.equal(schemes.appId.name, 'x-authing-app-id');
    assert.equal(schemes.appBasic.scheme, 'basic');
    assert.equal(schemes.appToken.scheme, 'bearer');
    assert.deepEqual(doc.paths['/api/v2/qrcode/gene'].post.security, [{ appId: [] }]);
    assert.deepEqual(doc.paths['/api/admin/users'].get.security, [{ adminToken: [] }]);
    assert.ok(doc.paths['/api/v2/qrcode/userinfo'].post.security.some((r: Json) => 'appBasic' in r));
  });

  it('documents the error registry and each operation’s error answers', () => {
    for (const [name, e] of Object.entries(ErrorCodes)) {
      assert.ok(doc.info.description.includes(`| ${e.code} | ${e.status} | \`${name}\` |`), name);
    }
    const check = doc.paths['/api/v2/qrcode/check'].get;
    assert.ok(check.responses['404'], 'QR_NOT_FOUND');
    assert.ok(check.responses['429'], 'RATE_LIMITED');
    assert.ok(check.responses['200'].content['application/json'].schema);
  });

  it('carries examples', () => {
    const text = JSON.stringify(doc);
    assert.ok((text.match(/"examples"/g) ?? []).length >= 10);
  });
});
