/**
 * The protocol package's route table against the running service: every
 * operation is called with valid requests and its real answers must satisfy
 * the table's response schemas, with no field the schemas leave out; bad
 * requests must answer with error envelopes the table declares; the table
 * must list exactly the routes the server registers.
 *
 * Then every recorded exchange is replayed against a bare Fastify app built
 * from the table alone (the service's Ajv options and error renderer, the
 * TypeBox type provider): the table's request schemas must accept and refuse
 * what the service accepts and refuses, and its response schemas must
 * serialize every recorded answer unchanged. That is what the server will
 * run once its routes take their schemas from the table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  type AnyRoute,
  CheckResult,
  ErrorCodes,
  errorNameOf,
  type OperationId,
  openApiDocument,
  QrStatus,
  registerFormats,
  routes,
  StatusEvent,
  transformOpenApiDocument,
} from '@scanlogin/protocol';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import Fastify, { type FastifyReply } from 'fastify';
import { detail } from '../src/domain/messages.js';
import { errorEnvelope } from '../src/http/envelope.js';
import { registerErrorHandling } from '../src/http/errors.js';
import { graphqlRequestErrorHandler } from '../src/http/graphql.js';
import {
  type Answer,
  assertOk,
  basic,
  CookieJar,
  call,
  createTenant,
  type Json,
  jwtClaims,
  loginAs,
  startTestServer,
  type TestServer,
} from './helpers.js';
import {
  authorizationRequest,
  Browser,
  deviceAuthorization,
  interactionUid,
  qrSignIn,
  registerClient,
  relyingParty,
} from './support/oidc.js';
import { isDocsPage, isOidcProviderRoute, registeredRoutes } from './support/routes.js';
import { openSse } from './support/sse.js';

registerFormats();

const ALLOWED_ORIGIN = 'http://localhost:3001';
// Two addresses in different countries (the bundled GeoIP data), for the step-up policy.
const GB = '81.2.69.160';
const US = '8.8.8.8';

const table: Record<OperationId, AnyRoute> = routes;

/** One call made to the service, kept to be replayed against the table-built app. */
interface Exchange {
  op: OperationId;
  method: string;
  path: string;
  headers: Record<string, string>;
  payload?: string;
  status: number;
  contentType: string;
  /** Parsed JSON, or the raw bytes of a media answer. */
  body: Json;
}

const exchanges: Exchange[] = [];
/** Operations that answered a valid request with their success status. */
const succeeded = new Set<OperationId>();

/**
 * Which registry entry an error answer is, when it is one: the envelope's
 * `code`, or the first GraphQL error's (the GraphQL route).
 */
function errorName(answer: Json) {
  const code = answer?.code ?? answer?.errors?.[0]?.extensions?.code;
  return typeof code === 'number' ? errorNameOf(code) : undefined;
}

/** The message of an error answer, in either shape. */
function errorMessage(answer: Json): string {
  return answer?.message ?? answer?.errors?.[0]?.message?.message ?? '';
}

/**
 * Asserts that `body` satisfies `schema` and carries no field the schema does
 * not declare (a serializer built from the schema would drop such a field).
 */
function assertMatches(schema: TSchema, body: unknown, where: string): void {
  const errors = [...Value.Errors(schema, body)].map((e) => `${e.path || '/'} ${e.message}`);
  assert.deepEqual(errors, [], `${where}: ${JSON.stringify(body)}`);
  assert.deepEqual(
    Value.Clean(schema, structuredClone(body)),
    body,
    `${where}: fields the schema leaves out`,
  );
}

/** Checks a JSON answer against the operation's response schema for its status. */
function checkAnswer(op: OperationId, status: number, body: Json): void {
  const route = table[op];
  const schema = route.schema.response[status];
  assert.ok(schema, `${op} answered ${status}, which the table does not declare: ${JSON.stringify(body)}`);
  assert.ok(!('content' in schema), `${op} ${status} is not JSON in the table`);
  assertMatches(schema as TSchema, body, `${op} ${status}`);
  if (route.errorShape === 'graphql' && status === 200) {
    // GraphQL's own failures come in a 200 answer; their codes are those the schema lists.
    const listed = (schema as Json).properties.errors.items.properties.extensions.properties.code.enum;
    for (const e of body.errors ?? []) {
      assert.ok(
        listed.includes(e.extensions.code),
        `${op}: GraphQL error ${e.extensions.code} is not listed`,
      );
      assert.equal(e.message.code, e.extensions.code);
      assert.equal(errorNameOf(e.extensions.code), e.extensions.name);
    }
    if (!body.errors) succeeded.add(op);
    return;
  }
  if (status >= 400) {
    const name = errorName(body);
    assert.ok(
      name && route.errors.includes(name),
      `${op}: error ${body.code} is not among the table's errors`,
    );
    assert.equal(ErrorCodes[name].status, status);
  } else succeeded.add(op);
}

/** Substitutes `:name` segments of a route URL. */
function pathOf(op: OperationId, params: Record<string, string> = {}, query = ''): string {
  const url = table[op].url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const v = params[name];
    assert.ok(v !== undefined, `${op}: no value for :${name}`);
    return v;
  });
  return query ? `${url}?${query}` : url;
}

interface Request {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  jar?: CookieJar | false;
}

describe('the protocol route table against the running service', () => {
  let s: TestServer;
  let alice: string;

  /** Calls an operation of the table, checks the answer against it and records the exchange. */
  async function send(op: OperationId, req: Request = {}): Promise<Answer> {
    const route = table[op];
    const path = pathOf(op, req.params, req.query);
    const headers = { ...req.headers };
    const answer = await call(s.url, route.method, path, {
      ...(req.body !== undefined ? { body: req.body } : {}),
      ...(req.raw !== undefined ? { raw: req.raw } : {}),
      headers,
      jar: req.jar ?? false,
    });
    checkAnswer(op, answer.status, answer.body);
    const payload = req.raw ?? (req.body !== undefined ? JSON.stringify(req.body) : undefined);
    if (req.body !== undefined) headers['content-type'] ??= 'application/json';
    exchanges.push({
      op,
      method: route.method,
      path,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      status: answer.status,
      contentType: answer.headers.get('content-type') ?? '',
      body: answer.body,
    });
    return answer;
  }

  /** `send` and the success envelope's data. */
  async function ok(op: OperationId, req: Request = {}): Promise<Json> {
    const answer = await send(op, req);
    const success = Object.keys(table[op].schema.response).map(Number)[0];
    return assertOk(answer, success);
  }

  /** `send` to the GraphQL route, expecting the registry error `name` in a GraphQL answer of `status`. */
  async function graphqlFails(name: keyof typeof ErrorCodes, status: number, req: Request): Promise<Json> {
    const answer = await send('graphqlLogin', req);
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(errorName(answer.body), name, JSON.stringify(answer.body));
    return answer.body;
  }

  /** `send`, expecting the registry error `name`. */
  async function fails(op: OperationId, name: keyof typeof ErrorCodes, req: Request = {}): Promise<void> {
    const answer = await send(op, req);
    assert.equal(errorName(answer.body), name, `${op}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.status, ErrorCodes[name].status);
  }

  const app = (appId: string) => ({ 'x-authing-app-id': appId });
  const phone = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    ...extra,
  });
  const adminAuth = () => ({ authorization: `Bearer ${s.seed.adminToken}` });

  before(async () => {
    // Behind a proxy as far as the service knows: the step-up test places page and phone apart.
    s = await startTestServer({ env: { TRUST_PROXY: '1' } });
  });
  after(() => s.close());

  test('a full QR login: generate, image, events, rotate, scan, context, confirm, check, exchange', async () => {
    const appId = s.seed.app.id;
    await ok('poolPublicConfig', { headers: app(appId) });
    assert.ok((await ok('poolPublicConfig', {})).publicKey, 'the default pool without a header');
    alice = (
      await ok('loginAccount', {
        headers: app(appId),
        body: { account: 'alice', password: 'alice-demo-pass' },
      })
    ).token;

    const page = new CookieJar();
    // What authing-js-sdk sends, with a field of its that we do not know: accepted.
    const code = await ok('qrcodeGenerate', {
      headers: { ...app(appId), origin: ALLOWED_ORIGIN },
      body: {
        autoMergeQrCode: false,
        scene: 'APP_AUTH',
        params: { from: 'contract' },
        context: null,
        withCustomData: false,
        extIdpConnId: null,
        rotate: true,
        vendorOnlyField: 'ignored',
      },
      jar: page,
    });
    assert.equal(typeof code.rotatesIn, 'number', 'the default pool rotates codes');
    // No body at all is a plain request for a code.
    await ok('qrcodeGenerate', { headers: app(appId) });

    // The image is named by the public id it draws (never the page's key).
    const shown = JSON.parse(code.payload).random as string;
    await image(shown, 'png', page);
    await image(shown, 'svg', page);
    await firstEvent(code.random, page);

    const pending = await ok('qrcodeCheck', { query: `random=${code.random}`, jar: page });
    assert.equal(pending.status, QrStatus.Pending);
    const rotated = await ok('qrcodeRotate', { body: { random: code.random }, jar: page });
    const publicId = JSON.parse(rotated.payload).random as string;

    const scanned = await ok('qrcodeScanned', { body: { random: publicId }, headers: phone(alice) });
    assert.equal(scanned.status, QrStatus.Scanned);
    await ok('qrcodeContext', { query: `random=${publicId}`, headers: phone(alice) });
    const waiting = await ok('qrcodeCheck', { query: `random=${code.random}`, jar: page });
    assert.deepEqual(
      Object.keys(waiting.userInfo).sort(),
      ['nickname', 'photo'],
      'only the preview before approval',
    );
    // Authing's Objective-C sample: the bare token, no Bearer.
    await ok('qrcodeConfirm', {
      body: { random: publicId, checkCode: null },
      headers: { authorization: alice },
    });

    // Long-poll on a decided code answers at once.
    const approved = await ok('qrcodeCheck', { query: `random=${code.random}&wait=5&seq=0`, jar: page });
    assert.equal(approved.status, QrStatus.Authorized);
    assert.equal(typeof approved.ticket, 'string');
    const user = await ok('qrcodeUserinfo', {
      body: { ticket: approved.ticket },
      headers: { authorization: basic(appId, s.seed.app.secret) },
    });
    assert.equal(user.username, 'alice');

    const active = await ok('tokenValidate', { body: { token: user.token } });
    assert.equal(active.active, true);
    assert.equal(active.token_use, 'web');
    assert.deepEqual(await ok('tokenValidate', { body: { token: 'not-a-token' } }), { active: false });

    const history = await ok('qrcodeHistory', { headers: phone(alice) });
    assert.deepEqual(
      history.map((h: Json) => h.outcome),
      ['redeemed', 'approved'],
    );
    const sessions = await ok('webSessionsList', { headers: phone(alice) });
    assert.equal(sessions.length, 1);
    assert.deepEqual(
      await ok('webSessionRevoke', { params: { id: sessions[0].id }, headers: phone(alice) }),
      { revoked: 1 },
    );
    await ok('webSessionsRevokeAll', { headers: phone(alice) });
  });

  /** GET the code's image; checks the media type against the table and replays it later. */
  async function image(random: string, ext: 'png' | 'svg', jar: CookieJar) {
    const path = pathOf('qrcodeImage', { file: `${random}.${ext}` });
    const res = await fetch(s.url + path, { headers: { cookie: jar.header() } });
    assert.equal(res.status, 200);
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
    const declared = table.qrcodeImage.schema.response[200] as { content: Record<string, unknown> };
    assert.ok(type in declared.content, `${type} is not a declared media type`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (ext === 'png') assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    else assert.match(bytes.toString('utf8'), /^<svg /);
    succeeded.add('qrcodeImage');
    exchanges.push({
      op: 'qrcodeImage',
      method: 'GET',
      path,
      headers: {},
      status: 200,
      contentType: type,
      body: bytes,
    });
  }

  /** Opens the event stream and checks its first `status` event against the table. */
  async function firstEvent(random: string, jar: CookieJar) {
    const path = pathOf('qrcodeEvents', {}, `random=${random}`);
    const stream = await openSse(s.url + path, { cookie: jar.header() });
    try {
      const type = (stream.res.headers.get('content-type') ?? '').split(';')[0]!;
      const declared = table.qrcodeEvents.schema.response[200] as { content: Record<string, unknown> };
      assert.ok(type in declared.content, `${type} is not a declared media type`);
      const frame = await stream.next();
      assert.ok(frame);
      assert.equal(frame.event, 'status');
      assert.equal(frame.id, String(frame.data.seq));
      assertMatches(StatusEvent, frame.data, 'the first SSE event');
      assertMatches(CheckResult, frame.data, 'the first SSE event as a check answer');
      succeeded.add('qrcodeEvents');
      const text = `retry: 2000\n\nid: ${frame.id}\nevent: status\ndata: ${JSON.stringify(frame.data)}\n\n`;
      exchanges.push({
        op: 'qrcodeEvents',
        method: 'GET',
        path,
        headers: {},
        status: 200,
        contentType: type,
        body: text,
      });
    } finally {
      await stream.close();
    }
  }

  test('cancel; a check code; the full user at status 2; a browser-side exchange', async () => {
    const t = await createTenant(
      s,
      { returnFullUserInfo: true, allowExchangeUserInfoFromBrowser: true, allowedOrigins: [ALLOWED_ORIGIN] },
      undefined,
      { checkCode: true },
    );
    const token = await loginAs(s, t.appId, t.username, t.password);

    const refused = await ok('qrcodeGenerate', { headers: app(t.appId), jar: new CookieJar() });
    await ok('qrcodeScanned', { body: { random: refused.random }, headers: phone(token) });
    assert.equal(
      (await ok('qrcodeCancel', { body: { random: refused.random }, headers: phone(token) })).status,
      3,
    );

    const page = new CookieJar();
    const code = await ok('qrcodeGenerate', {
      headers: { ...app(t.appId), origin: ALLOWED_ORIGIN },
      jar: page,
    });
    assert.equal(typeof code.checkCode, 'number');
    await ok('qrcodeScanned', { body: { random: code.random }, headers: phone(token) });
    const context = await ok('qrcodeContext', { query: `random=${code.random}`, headers: phone(token) });
    assert.ok(context.checkCodeChoices.includes(code.checkCode));
    await ok('qrcodeConfirm', {
      body: { random: code.random, checkCode: code.checkCode },
      headers: phone(token),
    });
    const full = await ok('qrcodeCheck', { query: `random=${code.random}`, jar: page });
    assert.equal(full.userInfo.username, t.username, 'the full user, with returnFullUserInfo');
    assert.equal(typeof full.userInfo.token, 'string');
    const user = await ok('qrcodeUserinfo', {
      body: { ticket: full.ticket },
      headers: { ...app(t.appId), origin: ALLOWED_ORIGIN },
      jar: page,
    });
    assert.equal(user.id, t.userId);
  });

  test('step-up: a scan from far away needs the password again', async () => {
    const t = await createTenant(s, {}, undefined, { proximityPolicy: 'step-up' });
    const token = await loginAs(s, t.appId, t.username, t.password);
    const page = new CookieJar();
    const code = await ok('qrcodeGenerate', {
      headers: { ...app(t.appId), 'x-forwarded-for': GB },
      jar: page,
    });
    const far = phone(token, { 'x-forwarded-for': US });
    assert.equal((await ok('qrcodeScanned', { body: { random: code.random }, headers: far })).status, 4);
    // A page that says it understands status 4 sees it with its reason; others see 1 (the stock SDK).
    const check = await ok('qrcodeCheck', { query: `random=${code.random}&stepUp=1`, jar: page });
    assert.equal(check.status, 4);
    assert.equal(check.scannedResult.code, ErrorCodes.STEP_UP_REQUIRED.code);
    assert.equal((await ok('qrcodeCheck', { query: `random=${code.random}`, jar: page })).status, 1);
    await fails('qrcodeConfirm', 'STEP_UP_REQUIRED', { body: { random: code.random }, headers: far });
    const body = { random: code.random, password: t.password };
    assert.equal((await ok('qrcodeStepUp', { body, headers: far })).status, QrStatus.Scanned);
  });

  test("the phone's sessions, logout (ours and authing-js-sdk's), and authing-js-sdk's GraphQL login", async () => {
    const appId = s.seed.app.id;
    const LOGIN =
      'mutation loginByUsername($input: LoginByUsernameInput!) { loginByUsername(input: $input) { id username token tokenExpiredAt customData { key value dataType } } }';
    const input = (over: Record<string, unknown> = {}) => ({
      input: {
        username: 'bob',
        password: 'bob-demo-pass',
        autoRegister: false,
        params: null,
        context: null,
        ...over,
      },
    });
    const gql = (query: string, variables: unknown, headers: Record<string, string> = app(appId)) => ({
      headers,
      body: { query, variables },
    });

    const logged = await send('graphqlLogin', gql(LOGIN, input()));
    assert.equal(logged.status, 200);
    const bob = logged.body.data.loginByUsername.token as string;
    assert.deepEqual(Object.keys(logged.body.data.loginByUsername), [
      'id',
      'username',
      'token',
      'tokenExpiredAt',
      'customData',
    ]);
    const other = await loginAs(s, appId, 'bob', 'bob-demo-pass');
    const list = await ok('appSessionsList', { headers: phone(bob) });
    assert.deepEqual(
      list.filter((d: Json) => d.current).map((d: Json) => d.id),
      [jwtClaims(bob).sid],
    );
    const otherSid = jwtClaims(other).sid as string;
    assert.deepEqual(await ok('appSessionRevoke', { params: { id: otherSid }, headers: phone(bob) }), {
      revoked: 1,
    });
    await fails('appSessionRevoke', 'APP_SESSION_NOT_FOUND', {
      params: { id: otherSid },
      headers: phone(bob),
    });
    assert.deepEqual(await ok('logoutAuthingSdk', { query: `app_id=${appId}`, headers: phone(bob) }), {
      revoked: 1,
    });
    assert.deepEqual(await ok('logout', { headers: { authorization: bob } }), { revoked: 0 });
    assert.deepEqual(await ok('logout'), { revoked: 0 });
    await fails('appSessionsList', 'INVALID_TOKEN', { headers: phone(bob) });
    await fails('appSessionsList', 'LOGIN_REQUIRED');

    // GraphQL's failures: 200 with `errors` once the request is GraphQL, 4xx before.
    const wrong = await graphqlFails('WRONG_CREDENTIALS', 200, gql(LOGIN, input({ password: 'wrong' })));
    assert.deepEqual(wrong.data, { loginByUsername: null });
    assert.deepEqual(wrong.errors[0].path, ['loginByUsername']);
    await graphqlFails('UNSUPPORTED_OPERATION', 200, gql('query { me { id } }', {}));
    await graphqlFails('INVALID_REQUEST', 200, gql(LOGIN, input({ username: 5 })));
    await graphqlFails('INVALID_REQUEST', 200, gql(LOGIN, input({ autoRegister: true })));
    await graphqlFails('APP_NOT_FOUND', 200, gql(LOGIN, input(), app('no-such-app')));
    await graphqlFails('INVALID_REQUEST', 400, { headers: app(appId), body: { variables: {} } });
    await graphqlFails('INVALID_JSON', 400, {
      headers: { ...app(appId), 'content-type': 'application/json' },
      raw: '{"query":',
    });
    await graphqlFails('UNSUPPORTED_MEDIA_TYPE', 415, {
      headers: { ...app(appId), 'content-type': 'text/plain' },
      raw: LOGIN,
    });
  });

  test("a typed code: a device's request (RFC 8628), approved or denied; a sign-in page's short code", async () => {
    const appId = s.seed.app.id;
    const bob = (
      await ok('loginAccount', { headers: app(appId), body: { account: 'bob', password: 'bob-demo-pass' } })
    ).token;
    const ask = () => deviceAuthorization(s, appId, s.seed.app.secret);
    const first = await ask();
    const seen = await ok('codesResolve', { headers: phone(bob), body: { code: first.user_code } });
    assert.equal(seen.kind, 'device');
    assert.equal(
      (await ok('deviceApprove', { headers: phone(bob), body: { userCode: first.user_code } })).approved,
      true,
    );
    await fails('deviceDeny', 'DEVICE_REQUEST_CLOSED', {
      headers: phone(bob),
      body: { userCode: first.user_code },
    });
    const second = await ask();
    assert.equal(
      (await ok('deviceDeny', { headers: phone(bob), body: { userCode: second.user_code } })).approved,
      false,
    );
    await fails('codesResolve', 'USER_CODE_NOT_FOUND', { headers: phone(bob), body: { code: 'BCDF-GHJK' } });
    // A sign-in page's short code resolves to the text of the code the page shows.
    await registerClient(s, appId);
    const rp = await relyingParty(s, appId, s.seed.app.secret);
    const browser = new Browser();
    const page = await browser.follow((await authorizationRequest(rp)).url, s.url);
    await qrSignIn(s, browser, page.url, appId, async (_publicId, random) => {
      const short = await browser.pageCall(s, `/oidc/interaction/${interactionUid(page.url)}/short-code`, {
        random,
      });
      const resolved = await ok('codesResolve', {
        headers: phone(bob),
        body: { code: short.body.data.code },
      });
      assert.equal(resolved.kind, 'qr');
      const publicId = JSON.parse(resolved.payload).random;
      await ok('qrcodeScanned', { headers: phone(bob), body: { random: publicId } });
      await ok('qrcodeConfirm', { headers: phone(bob), body: { random: publicId } });
    });
  });

  test('discovery and health', async () => {
    const jwks = await send('jwks');
    assert.equal(jwks.status, 200);
    assert.ok((jwks.body as Json).keys.length >= 1);
    assert.equal((await send('openidConfiguration')).status, 200);
    assert.equal((await send('oauthAuthorizationServer')).status, 200);
    assert.deepEqual(await ok('health'), { status: 'ok' });
    assert.deepEqual(await ok('healthReady'), { status: 'ok' });
    assert.deepEqual(await ok('healthLive'), { status: 'ok' });
    const doc = await send('openApiDocument');
    assert.equal(doc.status, 200);
    assert.equal((doc.body as Json).openapi, '3.1.0');
  });

  test('every admin operation', async () => {
    const h = adminAuth();
    await ok('adminListPools', { headers: h });
    const pool = await ok('adminCreatePool', {
      headers: h,
      body: {
        name: 'contract',
        proximityPolicy: 'warn',
        checkCode: false,
        requireBinding: true,
        rotateQrEvery: 0,
      },
    });
    await ok('adminUpdatePool', { headers: h, params: { id: pool.id }, body: { rotateQrEvery: 45 } });
    const created = await ok('adminCreateApp', {
      headers: h,
      body: { userPoolId: pool.id, name: 'contract app', logo: null, allowedOrigins: [ALLOWED_ORIGIN] },
    });
    await ok('adminListApps', { headers: h, query: `userPoolId=${pool.id}` });
    await ok('adminListApps', { headers: h });
    await ok('adminUpdateApp', {
      headers: h,
      params: { id: created.id },
      body: { qrcodeExpiresAfter: 60, returnFullUserInfo: true },
    });
    const rotated = await ok('adminRotateAppSecret', { headers: h, params: { id: created.id } });
    assert.notEqual(rotated.secret, created.secret);

    const user = await ok('adminCreateUser', {
      headers: h,
      body: { userPoolId: pool.id, username: 'dora', password: 'dora-password', customData: { plan: 'pro' } },
    });
    await ok('adminListUsers', { headers: h, query: `userPoolId=${pool.id}&limit=10&offset=0` });
    await ok('adminGetUser', { headers: h, params: { id: user.id } });
    await ok('adminUpdateUser', {
      headers: h,
      params: { id: user.id },
      body: { nickname: null, blocked: false },
    });

    // A web session of dora's, for the admin's remediation calls.
    const token = await loginAs(s, created.id, 'dora', 'dora-password');
    const page = new CookieJar();
    const code = await ok('qrcodeGenerate', { headers: app(created.id), jar: page });
    await ok('qrcodeScanned', { body: { random: code.random }, headers: phone(token) });
    await ok('qrcodeConfirm', { body: { random: code.random }, headers: phone(token) });
    const approved = await ok('qrcodeCheck', { query: `random=${code.random}`, jar: page });
    await ok('qrcodeUserinfo', {
      body: { ticket: approved.ticket },
      headers: { authorization: basic(created.id, rotated.secret) },
    });
    assert.equal((await ok('adminListUserWebSessions', { headers: h, params: { id: user.id } })).length, 1);
    assert.deepEqual(await ok('adminRevokeUserWebSessions', { headers: h, params: { id: user.id } }), {
      revoked: 1,
    });
    const devices = await ok('adminListUserAppSessions', { headers: h, params: { id: user.id } });
    assert.deepEqual(
      devices.map((d: Json) => [d.id, d.current]),
      [[jwtClaims(token).sid, false]],
    );
    assert.deepEqual(await ok('adminRevokeUserSessions', { headers: h, params: { id: user.id } }), {
      revoked: 1,
      appSessions: 1,
      webSessions: 0,
    });

    const audit = await ok('adminAudit', {
      headers: h,
      query: `userPoolId=${pool.id}&limit=5&before=${encodeURIComponent('2999-01-01T00:00:00Z')}`,
    });
    assert.deepEqual(
      audit.map((a: Json) => a.outcome),
      ['redeemed', 'approved'],
    );
    assert.equal(typeof (await ok('adminRotateKey', { headers: h })).kid, 'string');
    assert.equal(await ok('adminDeleteUser', { headers: h, params: { id: user.id } }), null);
    assert.equal(await ok('adminDeleteApp', { headers: h, params: { id: created.id } }), null);
  });

  test('bad requests answer error envelopes the table declares', async () => {
    const appId = s.seed.app.id;
    const h = adminAuth();
    // Refused by the request schemas.
    await fails('qrcodeCheck', 'INVALID_REQUEST', { query: '' });
    await fails('qrcodeCheck', 'INVALID_REQUEST', { query: 'random=x&wait=100' });
    await fails('qrcodeGenerate', 'INVALID_REQUEST', { headers: app(appId), body: { scene: 'WXAPP_AUTH' } });
    await fails('qrcodeGenerate', 'INVALID_REQUEST', { headers: app(appId), body: { params: [] } });
    await fails('qrcodeConfirm', 'INVALID_REQUEST', {
      headers: phone(alice),
      body: { random: 'r', checkCode: 100 },
    });
    await fails('qrcodeStepUp', 'INVALID_REQUEST', { headers: phone(alice), body: { random: 'r' } });
    await fails('qrcodeImage', 'INVALID_REQUEST', { params: { file: 'abc.gif' } });
    await fails('loginAccount', 'INVALID_REQUEST', { headers: app(appId), body: { account: 'alice' } });
    await fails('tokenValidate', 'INVALID_REQUEST', { body: { token: '' } });
    await fails('webSessionRevoke', 'INVALID_REQUEST', {
      headers: phone(alice),
      params: { id: 'x'.repeat(65) },
    });
    await fails('adminCreatePool', 'INVALID_REQUEST', { headers: h, body: { name: 'p', extra: true } });
    await fails('adminCreatePool', 'INVALID_REQUEST', { headers: h, body: { name: 'p', rotateQrEvery: 5 } });
    await fails('adminUpdatePool', 'INVALID_REQUEST', {
      headers: h,
      params: { id: 'nope' },
      body: { proximityPolicy: 'maybe' },
    });
    await fails('adminCreateApp', 'INVALID_REQUEST', {
      headers: h,
      body: { userPoolId: 'p', name: 'a', logo: 5 },
    });
    await fails('adminCreateUser', 'INVALID_REQUEST', {
      headers: h,
      body: { userPoolId: 'p', username: 'u', password: 'short' },
    });
    await fails('adminListUsers', 'INVALID_REQUEST', { headers: h, query: 'userPoolId=p&limit=10000' });
    await fails('adminAudit', 'INVALID_REQUEST', { headers: h, query: 'userPoolId=p&before=yesterday' });
    // Refused by the body parser.
    await fails('tokenValidate', 'INVALID_JSON', {
      raw: '{"token":',
      headers: { 'content-type': 'application/json' },
    });
    await fails('tokenValidate', 'UNSUPPORTED_MEDIA_TYPE', {
      raw: 'token',
      headers: { 'content-type': 'text/plain' },
    });
    // Refused by the service.
    await fails('qrcodeCheck', 'QR_NOT_FOUND', { query: 'random=no-such-code' });
    await fails('qrcodeEvents', 'QR_NOT_FOUND', { query: 'random=no-such-code' });
    await fails('qrcodeImage', 'QR_NOT_FOUND', { params: { file: 'no-such-code.png' } });
    await fails('qrcodeRotate', 'QR_NOT_FOUND', { body: { random: 'no-such-code' } });
    await fails('qrcodeGenerate', 'APP_ID_REQUIRED', { body: {} });
    await fails('qrcodeGenerate', 'APP_NOT_FOUND', { headers: app('no-such-app'), body: {} });
    await fails('qrcodeGenerate', 'ORIGIN_NOT_ALLOWED', {
      headers: { ...app(appId), origin: 'https://evil.example' },
    });
    await fails('qrcodeScanned', 'LOGIN_REQUIRED', { body: { random: 'r' } });
    await fails('qrcodeScanned', 'INVALID_TOKEN', { body: { random: 'r' }, headers: phone('nope') });
    await fails('qrcodeCancel', 'QR_NOT_FOUND', { body: { random: 'no-such-code' }, headers: phone(alice) });
    await fails('qrcodeContext', 'QR_NOT_FOUND', { query: 'random=no-such-code', headers: phone(alice) });
    await fails('qrcodeHistory', 'LOGIN_REQUIRED');
    await fails('webSessionRevoke', 'WEB_SESSION_NOT_FOUND', {
      params: { id: 'ws_none' },
      headers: phone(alice),
    });
    await fails('qrcodeUserinfo', 'INVALID_APP_CREDENTIALS', {
      body: { ticket: 't' },
      headers: { authorization: basic(appId, 'wrong') },
    });
    await fails('qrcodeUserinfo', 'BROWSER_EXCHANGE_DISABLED', {
      body: { ticket: 't' },
      headers: app(appId),
    });
    await fails('qrcodeUserinfo', 'TICKET_INVALID', {
      body: { ticket: 'no-such-ticket' },
      headers: { authorization: basic(appId, s.seed.app.secret) },
    });
    await fails('loginAccount', 'WRONG_CREDENTIALS', {
      headers: app(appId),
      body: { account: 'alice', password: 'x' },
    });
    await fails('poolPublicConfig', 'APP_NOT_FOUND', { headers: app('no-such-app') });
    await fails('adminListPools', 'ADMIN_AUTH_REQUIRED');
    await fails('adminRotateKey', 'ADMIN_AUTH_REQUIRED', { headers: { authorization: 'Bearer wrong' } });
    await fails('adminGetUser', 'NOT_FOUND', { headers: h, params: { id: 'nope' } });
    await fails('adminUpdateApp', 'NOT_FOUND', { headers: h, params: { id: 'nope' }, body: {} });
    await fails('adminCreateApp', 'POOL_NOT_FOUND', { headers: h, body: { userPoolId: 'nope', name: 'a' } });

    // A scanned code has no image any more; confirming twice is the wrong state.
    const page = new CookieJar();
    const code = await ok('qrcodeGenerate', { headers: app(appId), jar: page });
    await fails('qrcodeConfirm', 'QR_WRONG_STATE', { body: { random: code.random }, headers: phone(alice) });
    await ok('qrcodeScanned', { body: { random: code.random }, headers: phone(alice) });
    await fails('qrcodeImage', 'QR_EXPIRED', { params: { file: `${code.random}.png` } });
  });

  test('inputs at the limits of what the service accepts (compared with the table below)', async () => {
    const x = (n: number) => 'x'.repeat(n);
    const appId = s.seed.app.id;
    const h = adminAuth();
    const user = phone(alice);
    const probes: [OperationId, Request[]][] = [
      [
        'qrcodeGenerate',
        [
          { scene: 'X' },
          { params: 's' },
          { customData: 5 },
          { context: 'x' },
          { autoMergeQrCode: 'false' },
          { withCustomData: 1 },
          { extIdpConnId: x(128) },
          { extIdpConnId: x(129) },
          { extIdpConnId: 5 },
          { rotate: 'yes' },
          [],
        ].map((body) => ({ headers: app(appId), body })),
      ],
      [
        'qrcodeRotate',
        [{}, { random: '' }, { random: x(128) }, { random: x(129) }, { random: 5 }].map((body) => ({ body })),
      ],
      [
        'qrcodeCheck',
        [
          `random=${x(128)}`,
          `random=${x(129)}`,
          'random=',
          'random=r&wait=30',
          'random=r&wait=a',
          'random=r&seq=123456789',
          'random=r&seq=1234567890',
          `random=r&binding=${x(64)}`,
          `random=r&binding=${x(65)}`,
          'random=r&unknown=1',
        ].map((query) => ({ query })),
      ],
      ['qrcodeEvents', [{ query: 'binding=b' }, { query: `random=r&binding=${x(65)}` }]],
      ['qrcodeImage', ['a.png', 'a.svg', 'a%20b.png', `${x(129)}.png`].map((file) => ({ params: { file } }))],
      [
        'qrcodeScanned',
        [{}, { random: '' }, { random: x(129) }, { random: 5 }, { random: 'r', extra: 1 }].map((body) => ({
          body,
          headers: user,
        })),
      ],
      [
        'qrcodeConfirm',
        [0, 99, 100, -1, 1.5, '5'].map((checkCode) => ({ body: { random: 'r', checkCode }, headers: user })),
      ],
      ['qrcodeCancel', [{ body: { random: x(129) }, headers: user }]],
      [
        'qrcodeStepUp',
        ['', x(1024), x(1025), 5].map((password) => ({ body: { random: 'r', password }, headers: user })),
      ],
      [
        'qrcodeContext',
        [
          { query: '', headers: user },
          { query: `random=${x(129)}`, headers: user },
        ],
      ],
      [
        'qrcodeUserinfo',
        [{}, { ticket: '' }, { ticket: x(256) }, { ticket: x(257) }].map((body) => ({ body })),
      ],
      [
        'loginAccount',
        [
          { account: '', password: 'p' },
          { account: x(320), password: 'p' },
          { account: x(321), password: 'p' },
          { account: 'a', password: x(1025) },
          { password: 'p' },
        ].map((body) => ({ body, headers: app(appId) })),
      ],
      ['tokenValidate', [{ body: { token: x(8192) } }, { body: { token: x(8193) } }, { body: { token: 5 } }]],
      ['webSessionRevoke', [x(64), x(65)].map((id) => ({ params: { id }, headers: user }))],
      ['appSessionRevoke', [x(64), x(65)].map((id) => ({ params: { id }, headers: user }))],
      [
        'logoutAuthingSdk',
        [`app_id=${x(64)}`, `app_id=${x(65)}`, 'app_id=a&other=1'].map((query) => ({ query })),
      ],
      [
        'graphqlLogin',
        [
          {},
          { query: '' },
          { query: 5 },
          { query: x(8192) },
          { query: x(8193) },
          { query: 'mutation { x }', variables: [] },
          { query: 'mutation { x }', variables: 'v' },
          { query: 'mutation { x }', operationName: 5 },
          { query: 'mutation { x }', operationName: x(129) },
          { query: 'mutation { x }', extensions: { persistedQuery: {} } },
        ].map((body) => ({ body, headers: app(appId) })),
      ],
      [
        'adminCreatePool',
        [
          {},
          { name: '' },
          { name: x(100) },
          { name: x(101) },
          ...['allow', 'warn', 'step-up', 'deny', 'x'].map((proximityPolicy) => ({
            name: 'p',
            proximityPolicy,
          })),
          { name: 'p', checkCode: 'true' },
          { name: 'p', requireBinding: 1 },
          ...[0, 9, 10, 3600, 3601, 10.5, -1].map((rotateQrEvery) => ({ name: 'p', rotateQrEvery })),
        ].map((body) => ({ body, headers: h })),
      ],
      [
        'adminUpdatePool',
        [{}, { name: x(101) }, { name: '' }, { extra: 1 }].map((body) => ({
          params: { id: 'p' },
          body,
          headers: h,
        })),
      ],
      [
        'adminListApps',
        ['userPoolId=', `userPoolId=${x(64)}`, `userPoolId=${x(65)}`].map((query) => ({ query, headers: h })),
      ],
      [
        'adminCreateApp',
        [
          { userPoolId: 'p' },
          { userPoolId: x(65), name: 'a' },
          { userPoolId: 'p', name: 'a', logo: null },
          { userPoolId: 'p', name: 'a', logo: x(2049) },
          { userPoolId: 'p', name: 'a', allowedOrigins: Array(51).fill('https://a.example') },
          { userPoolId: 'p', name: 'a', allowedOrigins: [x(257)] },
          { userPoolId: 'p', name: 'a', qrcodeExpiresAfter: 9 },
          { userPoolId: 'p', name: 'a', ticketExpiresAfter: 3601 },
          { userPoolId: 'p', name: 'a', returnFullUserInfo: 'x' },
          { userPoolId: 'p', name: 'a', allowExchangeUserInfoFromBrowser: null },
        ].map((body) => ({ body, headers: h })),
      ],
      [
        'adminUpdateApp',
        [{}, { name: '' }, { userPoolId: 'p' }, { qrcodeExpiresAfter: 3600 }].map((body) => ({
          params: { id: 'a' },
          body,
          headers: h,
        })),
      ],
      ['adminRotateAppSecret', [{ params: { id: x(65) }, headers: h }]],
      ['adminDeleteApp', [{ params: { id: x(65) }, headers: h }]],
      [
        'adminListUsers',
        ['', 'userPoolId=p&limit=1000', 'userPoolId=p&offset=a', 'userPoolId=p&offset=1234567890'].map(
          (query) => ({
            query,
            headers: h,
          }),
        ),
      ],
      [
        'adminCreateUser',
        [
          { userPoolId: 'p', username: 'u', password: x(8) },
          { userPoolId: 'p', username: 'u', password: null },
          { userPoolId: 'p', username: x(101) },
          { userPoolId: 'p', email: x(321) },
          { userPoolId: 'p', phone: x(33) },
          { userPoolId: 'p', photo: x(2049) },
          { userPoolId: 'p', username: 'u', blocked: 'no' },
          { userPoolId: 'p', username: 'u', customData: null },
          { userPoolId: 'p', username: 'u', customData: [] },
          { username: 'u' },
        ].map((body) => ({ body, headers: h })),
      ],
      ['adminGetUser', [{ params: { id: x(65) }, headers: h }]],
      [
        'adminUpdateUser',
        [{}, { userPoolId: 'p' }, { password: x(7) }, { nickname: null }].map((body) => ({
          params: { id: 'u' },
          body,
          headers: h,
        })),
      ],
      ['adminDeleteUser', [{ params: { id: x(65) }, headers: h }]],
      ['adminListUserWebSessions', [{ params: { id: x(65) }, headers: h }]],
      ['adminRevokeUserWebSessions', [{ params: { id: x(65) }, headers: h }]],
      ['adminListUserAppSessions', [{ params: { id: x(65) }, headers: h }]],
      ['adminRevokeUserSessions', [{ params: { id: x(65) }, headers: h }]],
      [
        'adminAudit',
        [
          'userPoolId=p&before=2026-01-01T00:00:00Z',
          'userPoolId=p&before=2026-01-01',
          'userPoolId=p&limit=1000',
          'limit=1',
        ].map((query) => ({ query, headers: h })),
      ],
    ];
    for (const [op, requests] of probes) {
      for (const req of requests) await send(op, req);
    }
  });

  test('a handler takes its types from the table (TypeBox type provider)', async () => {
    const typed = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    const route = routes.qrcodeCheck;
    typed.route({
      method: route.method,
      url: route.url,
      schema: route.schema,
      handler: async (request) => {
        const random: string = request.query.random;
        const wait: string | undefined = request.query.wait;
        // @ts-expect-error: the table's query has no such field
        assert.equal(request.query.nope, undefined);
        const data = {
          random,
          status: QrStatus.Pending,
          ticket: null,
          userInfo: null,
          expiresIn: Number(wait),
          seq: 0,
        };
        return { code: 200 as const, message: 'ok', data };
      },
    });
    // A media answer: the PNG's bytes are what the image route's handler returns.
    const image = routes.qrcodeImage;
    typed.route({
      method: image.method,
      url: image.url,
      schema: image.schema,
      handler: async (request, reply) => {
        reply.type('image/png');
        return Buffer.from(request.params.file);
      },
    });
    const png = await typed.inject({ url: '/api/v2/qrcode/image/abc.png' });
    assert.deepEqual([png.headers['content-type'], png.body], ['image/png', 'abc.png']);
    const res = await typed.inject({ url: `${route.url}?random=r&wait=3` });
    assert.deepEqual(res.json(), {
      code: 200,
      message: 'ok',
      data: { random: 'r', status: 0, ticket: null, userInfo: null, expiresIn: 3, seq: 0 },
    });
    await typed.close();
  });

  test('every operation of the table answered a valid request with its success status', () => {
    const missing = Object.keys(table).filter((op) => !succeeded.has(op as OperationId));
    assert.deepEqual(missing, []);
  });

  test('the table lists exactly the routes the server registers', () => {
    // The pages and assets of the rendered document (/docs) are not operations of the API, nor are the
    // OpenID provider's own endpoints and sign-in pages (under /oidc/, described by its discovery).
    const registered = registeredRoutes(s.app).filter((r) => !isDocsPage(r) && !isOidcProviderRoute(r));
    const inTable = Object.values(table)
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    assert.deepEqual(registered, inTable);
  });

  test('an app built from the table alone accepts, refuses and serializes as the service does', async () => {
    const replica = await tableApp();
    try {
      let refused = 0;
      for (const [i, x] of exchanges.entries()) {
        const res = await replica.inject({
          method: x.method as 'GET',
          url: x.path,
          headers: { ...x.headers, 'x-replay': String(i) },
          ...(x.payload !== undefined ? { payload: x.payload } : {}),
        });
        const where = `${x.op} ${x.method} ${x.path} ${x.payload ?? ''}`;
        const recorded =
          typeof x.body === 'object' && !Buffer.isBuffer(x.body) ? errorName(x.body) : undefined;
        const refusedByValidation =
          x.status === 400 &&
          recorded === 'INVALID_REQUEST' &&
          /^(body|querystring|params|headers)\b/.test(errorMessage(x.body));
        const refusedByParser =
          x.status >= 400 && (recorded === 'INVALID_JSON' || recorded === 'UNSUPPORTED_MEDIA_TYPE');
        if (refusedByValidation || refusedByParser) {
          // Refused before the handler: same status, code (in the same shape), and the same field named first.
          const body = res.json();
          assert.deepEqual([res.statusCode, errorName(body)], [x.status, recorded], where);
          assert.equal(Object.keys(body).join(), Object.keys(x.body).join(), where);
          assert.equal(errorMessage(body).split(' ')[0], errorMessage(x.body).split(' ')[0], where);
          refused++;
          continue;
        }
        // Accepted: the replica's handler sent the recorded answer through the table's serializer.
        assert.equal(res.statusCode, x.status, `${where}: ${res.body}`);
        if (Buffer.isBuffer(x.body)) assert.deepEqual(res.rawPayload, x.body, where);
        else if (typeof x.body === 'string') assert.equal(res.body, x.body, where);
        else assert.deepEqual(res.json(), x.body, where);
      }
      // Both halves were exercised: many refusals compared, and many answers replayed.
      assert.ok(refused >= 80, `only ${refused} refusals compared`);
      assert.ok(exchanges.length - refused >= 100, `only ${exchanges.length - refused} answers replayed`);

      // The OpenAPI document the table produces.
      const doc = replica.swagger() as Json;
      assert.equal(doc.openapi, '3.1.0');
      assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), [
        'adminToken',
        'appBasic',
        'appId',
        'appToken',
        'appTokenBare',
      ]);
      const operations = Object.values(doc.paths as Record<string, Record<string, Json>>).flatMap((p) =>
        Object.values(p),
      );
      assert.deepEqual(operations.map((o) => o.operationId).sort(), Object.keys(table).sort());
      for (const o of operations) {
        assert.ok(o.summary && o.description && o.tags.length > 0, o.operationId);
        assert.ok(
          Object.keys(o.responses).some((code) => Number(code) >= 400),
          `${o.operationId}: no error answer`,
        );
      }
      const check = doc.paths['/api/v2/qrcode/check'].get;
      assert.deepEqual(
        check.parameters.filter((p: Json) => p.in === 'query').map((p: Json) => [p.name, p.required]),
        [
          ['random', true],
          ['wait', false],
          ['seq', false],
          ['binding', false],
          ['stepUp', false],
        ],
      );
      assert.deepEqual(doc.paths['/api/v2/qrcode/gene'].post.security, [{ appId: [] }]);
      assert.equal(doc.paths['/api/v2/qrcode/gene'].post.requestBody.required, false);
      assert.equal(doc.paths['/api/v2/qrcode/userinfo'].post.requestBody.required, true);
      assert.ok(doc.paths['/api/v2/qrcode/image/{file}'].get.responses['200'].content['image/png']);
    } finally {
      await replica.close();
    }
  });

  /**
   * A Fastify app with every route of the table and nothing of the service
   * but its Ajv options, its refusal of text/plain and its error renderers;
   * each handler replays the recorded answer named by `x-replay`.
   */
  async function tableApp() {
    const replica = Fastify({
      ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
      // As the service: a URL the router refuses (a path parameter over 100 characters) is a 400.
      frameworkErrors: (_error, _request, reply: FastifyReply) => {
        reply.code(400).send(errorEnvelope('INVALID_REQUEST', 'en-US', detail('malformedUrl')));
      },
    }).withTypeProvider<TypeBoxTypeProvider>();
    replica.removeContentTypeParser('text/plain');
    registerErrorHandling(replica);
    await replica.register(swagger, {
      openapi: openApiDocument({ publicUrl: s.url }),
      transformObject: transformOpenApiDocument,
    });
    for (const route of Object.values(table)) {
      replica.route({
        method: route.method,
        url: route.url,
        schema: route.schema,
        // As the service's GraphQL route does: its refusals are GraphQL errors.
        ...(route.errorShape === 'graphql' ? { errorHandler: graphqlRequestErrorHandler } : {}),
        // As the service's `gene` does: a missing body is `{}`.
        ...(route.bodyOptional
          ? {
              preValidation: async (request: { body: unknown }) => {
                request.body ??= {};
              },
            }
          : {}),
        handler: async (request, reply) => {
          const x = exchanges[Number(request.headers['x-replay'])];
          assert.ok(x && x.op === route.operationId, `replayed to ${route.operationId}`);
          reply.code(x.status);
          if (x.contentType && !x.contentType.includes('json')) reply.type(x.contentType);
          return reply.send(x.body);
        },
      });
    }
    await replica.ready();
    return replica;
  }
});
