import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Kind, type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import {
  type AnyRoute,
  type CheckQuery,
  type CheckResult,
  ErrorCodes,
  type ErrorName,
  formatQrPayload,
  openApiDocument,
  QrPayload,
  QrStatus,
  registerFormats,
  routes,
  securitySchemes,
  tags,
} from '../src/index.js';

registerFormats();
const all: AnyRoute[] = Object.values(routes);

/** Every subschema of `schema` with the path that leads to it. */
function* walk(schema: unknown, path: string): Generator<[string, Record<string, unknown>]> {
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as Record<string, unknown>;
  yield [path, s];
  for (const key of ['properties', 'patternProperties', 'content']) {
    const children = s[key] as Record<string, unknown> | undefined;
    for (const [name, child] of Object.entries(children ?? {})) {
      const sub = key === 'content' ? (child as { schema: unknown }).schema : child;
      yield* walk(sub, `${path}.${name}`);
    }
  }
  for (const key of ['anyOf', 'allOf', 'oneOf']) {
    const list = (s[key] as unknown[] | undefined) ?? [];
    for (const [i, child] of list.entries()) yield* walk(child, `${path}.${key}[${i}]`);
  }
  if (typeof s.items === 'object') yield* walk(s.items, `${path}[]`);
}

function schemasOf(route: AnyRoute): [string, unknown][] {
  const s = route.schema as unknown as Record<string, unknown>;
  const parts: [string, unknown][] = ['querystring', 'params', 'headers', 'body']
    .filter((k) => s[k])
    .map((k) => [k, s[k]]);
  for (const [status, answer] of Object.entries(s.response as Record<string, unknown>)) {
    parts.push([`response.${status}`, answer]);
  }
  return parts;
}

describe('the route table', () => {
  test('operation ids are the keys, and no two operations share a method and URL', () => {
    const seen = new Set<string>();
    for (const [id, route] of Object.entries(routes)) {
      assert.equal(route.operationId, id);
      assert.equal(route.schema.operationId, id);
      const key = `${route.method} ${route.url}`;
      assert.ok(!seen.has(key), `${key} twice`);
      seen.add(key);
    }
  });

  test('each operation has one success status and an error envelope for each status its errors use', () => {
    for (const route of all) {
      const statuses = Object.keys(route.schema.response).map(Number);
      const success = statuses.filter((s) => s < 400);
      assert.equal(success.length, 1, route.operationId);
      assert.ok([200, 201].includes(success[0]!), route.operationId);
      const expected = [...new Set(route.errors.map((n) => ErrorCodes[n].status))].sort((a, b) => a - b);
      assert.deepEqual(
        statuses.filter((s) => s >= 400),
        expected,
        `${route.operationId}: error statuses`,
      );
      // The error envelope of a status lists exactly the codes of that status (in GraphQL's
      // shape for the GraphQL login: each error of `errors` carries the code, twice).
      const response = route.schema.response as Record<number, TSchema>;
      for (const status of expected) {
        const codes = route.errors
          .filter((n) => ErrorCodes[n].status === status)
          .map((n) => ErrorCodes[n].code);
        if (route.errorShape === 'graphql') {
          const error = response[status]!.properties.errors.items.properties;
          assert.deepEqual(error.message.properties.code.enum, codes, `${route.operationId} ${status}`);
          assert.deepEqual(error.extensions.properties.code.enum, codes, `${route.operationId} ${status}`);
        } else {
          assert.deepEqual(response[status]!.properties.code.enum, codes, `${route.operationId} ${status}`);
        }
      }
    }
  });

  test('every operation can answer the common errors; body errors only where a body is parsed', () => {
    for (const route of all) {
      const has = (n: ErrorName) => route.errors.includes(n);
      assert.ok(has('INVALID_REQUEST') && has('INTERNAL') && has('STORAGE_UNAVAILABLE'), route.operationId);
      assert.equal(has('INVALID_JSON'), route.method !== 'GET', route.operationId);
    }
  });

  test('path parameters in the URL are exactly the params schema, all required', () => {
    for (const route of all) {
      const inUrl = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort();
      const params = (route.schema as { params?: TSchema }).params;
      assert.deepEqual(Object.keys(params?.properties ?? {}).sort(), inUrl, route.operationId);
      assert.deepEqual([...(params?.required ?? [])].sort(), inUrl, route.operationId);
    }
  });

  test('security names declared schemes; tags are declared; admin routes need the admin token', () => {
    const tagNames = new Set<string>(tags.map((t) => t.name));
    for (const route of all) {
      for (const requirement of route.security) {
        for (const name of Object.keys(requirement))
          assert.ok(name in securitySchemes, `${route.operationId}: ${name}`);
      }
      for (const tag of route.tags) assert.ok(tagNames.has(tag), `${route.operationId}: ${tag}`);
      const adminOnly = route.security.length === 1 && 'adminToken' in route.security[0]!;
      assert.equal(route.admin, adminOnly, route.operationId);
      assert.equal(route.admin, route.url.startsWith('/api/admin/'), route.operationId);
    }
  });

  test('schemas are inline: no $id, no $ref', () => {
    for (const route of all) {
      for (const [part, schema] of schemasOf(route)) {
        for (const [path, s] of walk(schema, `${route.operationId}.${part}`)) {
          assert.equal(s.$id, undefined, path);
          assert.equal(s.$ref, undefined, path);
        }
      }
    }
  });

  test('every example in every schema satisfies the schema it illustrates', () => {
    let checked = 0;
    for (const route of all) {
      for (const [part, schema] of schemasOf(route)) {
        for (const [path, s] of walk(schema, `${route.operationId}.${part}`)) {
          if (!Array.isArray(s.examples) || !(s as TSchema)[Kind]) continue;
          for (const example of s.examples) {
            const errors = [...Value.Errors(s as TSchema, example)].map((e) => `${e.path} ${e.message}`);
            assert.deepEqual(errors, [], `${path}: ${JSON.stringify(example)}`);
            checked++;
          }
        }
      }
    }
    assert.ok(checked > 50, `only ${checked} examples`);
  });

  test('request schemas keep the public calls open to extra fields and the admin bodies closed', () => {
    for (const route of all) {
      const body = (route.schema as { body?: TSchema }).body;
      if (!body) continue;
      assert.equal(body.additionalProperties === false, route.admin, route.operationId);
    }
  });
});

describe('schemas and types', () => {
  test('what formatQrPayload writes is a QrPayload', () => {
    const text = formatQrPayload({
      random: 'r',
      userPoolId: 'p',
      createdAt: 0,
      expiresAt: 120_000,
      sig: 'a.b.c',
    });
    assert.ok(Value.Check(QrPayload, JSON.parse(text)));
  });

  test('the OpenAPI base names every security scheme and tag', () => {
    const doc = openApiDocument({ publicUrl: 'https://login.example.com' });
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.components.securitySchemes), Object.keys(securitySchemes));
    assert.deepEqual(doc.servers, [{ url: 'https://login.example.com' }]);
    for (const [name, e] of Object.entries(ErrorCodes)) {
      assert.ok(doc.info.description.includes(`| ${e.code} | ${e.status} | \`${name}\` |`), name);
    }
  });

  test('types derive from the route table', () => {
    // Compile-time: the route's schemas are the named ones, and the statics are what clients use.
    type Query = Static<typeof routes.qrcodeCheck.schema.querystring>;
    const query: Query = { random: 'r', wait: '25' } satisfies CheckQuery;
    type Answer = Static<(typeof routes.qrcodeCheck.schema.response)[200]>;
    const answer: Answer = {
      code: 200,
      message: 'ok',
      data: { random: 'r', status: QrStatus.Scanned, ticket: null, userInfo: null, expiresIn: 1, seq: 1 },
    };
    const data: CheckResult = answer.data;
    assert.equal(Value.Check(routes.qrcodeCheck.schema.querystring, query), true);
    assert.equal(Value.Check(routes.qrcodeCheck.schema.response[200], answer), true);
    assert.equal(data.status, 1);
    // A status outside the protocol is refused by the schema, as it is by the type.
    assert.equal(
      Value.Check(Type.Index(routes.qrcodeCheck.schema.response[200], ['data']), { ...data, status: 7 }),
      false,
    );
  });
});
