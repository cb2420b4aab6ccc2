/**
 * The service answers in the request's language: `x-authing-lang` (what
 * authing-js-sdk sends), then `Accept-Language`, then English. The envelope's
 * message, the details errors carry, status words and place names all follow
 * it; codes never change; such answers say `Vary`. Headers that are long,
 * repeated or nonsense never make a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCodes, type Lang, QrStatus } from '@scanlogin/protocol';
import { translationProblems } from '../../protocol/test/translations.js';
import { ManualClock } from '../src/domain/clock.js';
import { ServiceError } from '../src/domain/errors.js';
import { type DetailKey, detail, details, sayDetail, statusWords, words } from '../src/domain/messages.js';
import { langOfAcceptLanguage, negotiateLang } from '../src/http/lang.js';
import {
  appAction,
  assertError,
  assertOk,
  call,
  createTenant,
  loginAs,
  startTestServer,
  type TestServer,
} from './helpers.js';

describe('negotiateLang: x-authing-lang, then Accept-Language, then English', () => {
  it('takes x-authing-lang when it names one of ours', () => {
    assert.equal(negotiateLang('zh-CN', 'en-US'), 'zh-CN');
    assert.equal(negotiateLang('en-US', 'zh-CN,zh;q=0.9'), 'en-US');
    assert.equal(negotiateLang('zh-TW', undefined), 'zh-CN');
    assert.equal(negotiateLang(['zh-CN'], undefined), 'zh-CN');
    // authing-js-sdk sends an empty value when its lang option is empty: Accept-Language decides.
    assert.equal(negotiateLang('', 'zh-CN'), 'zh-CN');
    assert.equal(negotiateLang('fr-FR', 'zh-CN'), 'zh-CN');
    assert.equal(negotiateLang('zh-CN, en-US', 'en'), 'en-US', 'a repeated header is no tag');
  });

  it('reads Accept-Language by q-value, first written on a tie', () => {
    const cases: [string, Lang | null][] = [
      ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
      ['en-GB,en;q=0.9,zh-CN;q=0.8', 'en-US'],
      ['fr-FR,fr;q=0.9,zh;q=0.5,en;q=0.3', 'zh-CN'],
      ['en;q=0.5, zh;q=0.8', 'zh-CN'],
      ['zh, en', 'zh-CN'],
      ['en, zh', 'en-US'],
      ['zh;q=0, en;q=0.1', 'en-US'],
      ['zh;q=0', null],
      ['fr, de', null],
      // `*` is any language not named: English unless the value names English itself.
      ['*', 'en-US'],
      ['fr, *;q=0.5', 'en-US'],
      ['zh;q=0.3, *;q=0.8', 'en-US'],
      ['en;q=0.1, zh;q=0.3, *;q=0.8', 'zh-CN'],
      ['en;q=0, *', 'zh-CN'],
      // Malformed ranges are skipped, not guessed at.
      ['zh;q=2, en', 'en-US'],
      ['zh;q=abc, en;q=0.5', 'en-US'],
      ['zh;q=0.12345, en;q=0.1', 'en-US'],
      ['zh;level=1;q=0.9', 'zh-CN'],
      [';;;,,,', null],
      ['q=1', null],
      ['', null],
      ['\u0000zh', null],
      ['中文, zh', 'zh-CN'],
      [`${'x'.repeat(100)}, zh`, 'zh-CN'],
      [`zh-${'a'.repeat(200)}`, null],
    ];
    for (const [header, lang] of cases) assert.equal(langOfAcceptLanguage(header), lang, header);
  });

  it('reads only the first ranges of a long header', () => {
    assert.equal(langOfAcceptLanguage(`${'fr,'.repeat(5000)}zh`), null, 'zh is past the ranges read');
    assert.equal(langOfAcceptLanguage(`zh;${'a;'.repeat(8000)}`), 'zh-CN');
    assert.equal(langOfAcceptLanguage('zh-'.repeat(5000)), null);
  });

  it('answers English when nothing is said', () => {
    assert.equal(negotiateLang(undefined, undefined), 'en-US');
    assert.equal(negotiateLang(42, { zh: 1 }), 'en-US');
  });
});

describe("the service's own words are in every language", () => {
  /** One example of each detail's parameters: a detail added without one is a type error here. */
  const samples: { [K in DetailKey]: Parameters<typeof detail<K>> } = {
    appTokenOnly: ['appTokenOnly'],
    sessionRevoked: ['sessionRevoked'],
    appOrPoolRequired: ['appOrPoolRequired'],
    retryIn: ['retryIn', { seconds: 7 }],
    pollingTooFast: ['pollingTooFast'],
    tooManyHeld: ['tooManyHeld', { held: 32, seconds: 5 }],
    customDataTooLarge: ['customDataTooLarge', { max: 2048 }],
    pageContextTooLarge: ['pageContextTooLarge', { max: 1024 }],
    appTokenBeforeSessions: ['appTokenBeforeSessions'],
    appSessionEnded: ['appSessionEnded'],
    rotateByRequesterOnly: ['rotateByRequesterOnly'],
    notRotating: ['notRotating'],
    onlyWaitingRotates: ['onlyWaitingRotates', { status: QrStatus.Scanned }],
    cannotAct: ['cannotAct', { status: QrStatus.Authorized, action: 'cancel' }],
    scanBeforeContext: ['scanBeforeContext'],
    notAnOrigin: ['notAnOrigin', { value: '"ftp://x"' }],
    userNeedsIdentifier: ['userNeedsIdentifier'],
    fieldTaken: ['fieldTaken', { field: 'email' }],
    invalidField: [
      'invalidField',
      { field: 'body.random', keyword: 'type', params: {}, message: 'must be string' },
    ],
    badRequest: ['badRequest', { text: 'Bad thing' }],
    malformedUrl: ['malformedUrl'],
    textHasNul: ['textHasNul'],
    textHasLoneSurrogate: ['textHasLoneSurrogate'],
    jsonTooDeep: ['jsonTooDeep'],
    serviceStarting: ['serviceStarting'],
    noSigningKey: ['noSigningKey'],
    noCookieKey: ['noCookieKey'],
    urisNotList: ['urisNotList', { what: 'redirect' }],
    tooManyUris: ['tooManyUris', { what: 'postLogout', max: 10 }],
    uriNotAllowed: ['uriNotAllowed', { what: 'redirect', value: '"ftp://x"' }],
    signInStepNoQr: ['signInStepNoQr'],
    signInStepNoConsent: ['signInStepNoConsent'],
    signInStepNoCode: ['signInStepNoCode'],
    shortCodeWaitingOnly: ['shortCodeWaitingOnly'],
    tooManyWrongCodes: ['tooManyWrongCodes'],
  };

  it('has every detail, word and status in every language (a failure names each missing one)', () => {
    const problems = [
      ...translationProblems('server details', {
        'en-US': pick(details, 'en-US'),
        'zh-CN': pick(details, 'zh-CN'),
      }),
      ...translationProblems('server words', {
        'en-US': pick(words, 'en-US'),
        'zh-CN': pick(words, 'zh-CN'),
      }),
      ...translationProblems('status words', statusWords, { expected: Object.values(QrStatus).map(String) }),
    ];
    assert.deepEqual(problems, []);
  });

  it('says each detail in each language', () => {
    for (const [key, args] of Object.entries(samples)) {
      const d = (detail as (...a: unknown[]) => ReturnType<typeof detail>)(...args);
      const en = sayDetail(d, 'en-US');
      const zh = sayDetail(d, 'zh-CN');
      assert.ok(en && zh && en !== zh, key);
      assert.match(zh, /\p{Script=Han}/u, `${key}: ${zh}`);
      assert.doesNotMatch(en, /\p{Script=Han}/u, `${key}: ${en}`);
    }
    assert.equal(sayDetail(detail('retryIn', { seconds: 7 }), 'zh-CN'), '请求过于频繁，请在 7 秒后重试。');
    assert.equal(
      sayDetail(detail('fieldTaken', { field: 'email' }), 'zh-CN'),
      '该用户池中已存在相同的邮箱。',
    );
    assert.equal(
      sayDetail(detail('cannotAct', { status: QrStatus.Authorized, action: 'cancel' }), 'zh-CN'),
      '二维码已授权，无法取消。',
    );
    for (const keyword of ['required', 'type', 'minLength', 'maximum', 'pattern', 'enum', 'unknown']) {
      const problem = { field: 'body.x', keyword, params: { limit: 3, type: 'string' }, message: 'm' };
      assert.match(sayDetail(detail('invalidField', problem), 'zh-CN'), /^.*body\.x.*。$/, keyword);
    }
  });

  it('keeps English in the error itself, for logs and the command line', () => {
    const err = new ServiceError('RATE_LIMITED', detail('retryIn', { seconds: 3 }));
    assert.equal(err.message, 'Too many requests; retry in 3 s.');
    assert.equal(err.messageIn('zh-CN'), '请求过于频繁，请在 3 秒后重试。');
    assert.equal(new ServiceError('QR_EXPIRED').messageIn('zh-CN'), '二维码已过期。');
  });
});

/** One language's texts of a catalogue whose entries each hold every language. */
function pick(catalogue: Record<string, Record<Lang, unknown>>, lang: Lang): Record<string, unknown> {
  return Object.fromEntries(Object.entries(catalogue).map(([k, v]) => [k, v[lang]]));
}

const GB = '81.2.69.160';
const US = '8.8.8.8';
/** A code id nobody made; a new one each time, so that reads of it are never too fast. */
let missingCodes = 0;
const missingCode = () => `qr_missing_code_${String(++missingCodes).padStart(8, '0')}`;

describe("answers in the request's language", () => {
  let s: TestServer;
  before(async () => {
    // X-Forwarded-For places browser and phone in two countries; a frozen clock expires nothing.
    s = await startTestServer({
      clock: new ManualClock(),
      env: { TRUST_PROXY: '1', RATE_CHECK_PER_CODE: '3' },
    });
  });
  after(() => s?.close());

  const missing = (headers: Record<string, string>) =>
    call(s.url, 'GET', `/api/v2/qrcode/check?random=${missingCode()}`, { headers });

  it('says the same error in each language, with the same code and status', async () => {
    const zh = await missing({ 'x-authing-lang': 'zh-CN' });
    const en = await missing({ 'x-authing-lang': 'en-US' });
    assertError(zh, 'QR_NOT_FOUND');
    assertError(en, 'QR_NOT_FOUND');
    assert.equal(zh.body.message, '二维码不存在。');
    assert.equal(en.body.message, 'The QR code does not exist.');
    for (const answer of [zh, en]) {
      assert.match(answer.headers.get('vary') ?? '', /Accept-Language, x-authing-lang/);
    }
  });

  it('x-authing-lang first, then Accept-Language, then English', async () => {
    const message = async (headers: Record<string, string>) => (await missing(headers)).body.message;
    assert.equal(await message({ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }), '二维码不存在。');
    assert.equal(await message({ 'accept-language': 'fr-FR,zh-TW;q=0.5' }), '二维码不存在。');
    assert.equal(
      await message({ 'x-authing-lang': 'en-US', 'accept-language': 'zh-CN' }),
      'The QR code does not exist.',
    );
    assert.equal(await message({ 'x-authing-lang': 'fr', 'accept-language': 'zh' }), '二维码不存在。');
    // Node's fetch sends `Accept-Language: *` of its own: the service's default.
    assert.equal(await message({}), 'The QR code does not exist.');
    assert.equal(await message({ 'accept-language': 'fr' }), 'The QR code does not exist.');
  });

  it('words the details in the language too: a missing field, an unknown route, polling too fast', async () => {
    const zh = { 'x-authing-lang': 'zh-CN' };
    const noRandom = await call(s.url, 'GET', '/api/v2/qrcode/check', { headers: zh });
    assertError(noRandom, 'INVALID_REQUEST');
    assert.equal(noRandom.body.message, '缺少必填字段 querystring.random。');
    const noRandomEn = await call(s.url, 'GET', '/api/v2/qrcode/check', {
      headers: { 'x-authing-lang': 'en-US' },
    });
    assert.equal(noRandomEn.body.message, 'querystring.random is required.');

    const nowhere = await call(s.url, 'GET', '/api/v2/nowhere', { headers: zh });
    assertError(nowhere, 'ROUTE_NOT_FOUND');
    assert.equal(nowhere.body.message, '接口不存在。');

    const gene = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': s.seed.app.id },
    });
    const { random } = assertOk(gene);
    for (let i = 0; i < 3; i++) assertOk(await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`));
    const tooFast = await call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}`, { headers: zh });
    assertError(tooFast, 'RATE_LIMITED');
    assert.match(tooFast.body.message, /^轮询过于频繁/);
    assert.ok(tooFast.headers.get('retry-after'));
  });

  it('status 4, status words and places follow the phone and the page', async () => {
    const t = await createTenant(s, {}, undefined, { proximityPolicy: 'step-up' });
    const token = await loginAs(s, t.appId, t.username, t.password);
    const gene = await call(s.url, 'POST', '/api/v2/qrcode/gene', {
      body: {},
      headers: { 'x-authing-app-id': t.appId, 'x-forwarded-for': GB },
    });
    const { random } = assertOk(gene);
    const phone = (lang: string) => ({ headers: { 'x-forwarded-for': US, 'accept-language': lang } });

    const scanned = assertOk(await appAction(s, 'scanned', random, token, phone('zh-CN,zh;q=0.9')));
    assert.equal(scanned.status, QrStatus.StepUp);
    assert.equal(scanned.description, statusWords['zh-CN'][4]);

    const page = (lang: string) =>
      call(s.url, 'GET', `/api/v2/qrcode/check?random=${random}&stepUp=1`, {
        headers: { 'x-authing-lang': lang },
      });
    const zhPage = await page('zh-CN');
    assert.deepEqual(assertOk(zhPage).scannedResult, {
      code: ErrorCodes.STEP_UP_REQUIRED.code,
      message: '本次登录请求来自较远的地方：请在手机上验证密码后继续。',
    });
    assert.match(zhPage.headers.get('vary') ?? '', /x-authing-lang/);
    assert.equal(assertOk(await page('en-US')).scannedResult.message, ErrorCodes.STEP_UP_REQUIRED.message);

    const refused = await appAction(s, 'confirm', random, token, phone('zh'));
    assertError(refused, 'STEP_UP_REQUIRED');
    assert.equal(refused.body.message, '本次登录请求来自较远的地方：请在手机上验证密码后继续。');
    assertOk(
      await appAction(s, 'step-up', random, token, { ...phone('en'), body: { password: t.password } }),
    );

    const context = (lang: string) =>
      call(s.url, 'GET', `/api/v2/qrcode/context?random=${random}`, {
        headers: { authorization: token, ...phone(lang).headers },
      });
    const zhContext = await context('zh-CN');
    const zh = assertOk(zhContext);
    assert.equal(zh.place, '英国');
    assert.equal(zh.proximity.phonePlace, '美国');
    assert.match(zhContext.headers.get('vary') ?? '', /Accept-Language/);
    const en = assertOk(await context('en-US'));
    assert.equal(en.place, 'United Kingdom');
    assert.equal(en.proximity.phonePlace, 'United States');

    assertOk(await appAction(s, 'confirm', random, token, phone('zh')));
    const history = (lang: string) =>
      call(s.url, 'GET', '/api/v2/qrcode/history', {
        headers: { authorization: `Bearer ${token}`, ...phone(lang).headers },
      });
    assert.equal(assertOk(await history('zh'))[0].place, '英国');
    assert.equal(assertOk(await history('en'))[0].place, 'United Kingdom');
  });

  it('never answers 500 to strange language headers', async () => {
    const strange = [
      ';;;,,,;q=',
      'zh;q=NaN, en;q=-1, *;q=1e9',
      '\t zh-CN \t;\tq = 0.5 ',
      'x'.repeat(8000),
      `${'zh-CN;q=0.1,'.repeat(600)}en`,
      `zh;${'q=1;'.repeat(1500)}`,
      'zh-CN\u00e9',
    ];
    for (const value of strange) {
      for (const name of ['accept-language', 'x-authing-lang']) {
        const answer = await missing({ [name]: value });
        assertError(answer, 'QR_NOT_FOUND');
        assert.ok(
          ['The QR code does not exist.', '二维码不存在。'].includes(answer.body.message),
          `${name}: ${value.slice(0, 30)} → ${answer.body.message}`,
        );
      }
    }
    // Past the header limit the request is refused before it is read: 431, in the default language.
    const huge = await missing({ 'accept-language': `zh,${'x'.repeat(20_000)}` });
    assertError(huge, 'HEADERS_TOO_LARGE');
    assert.equal(huge.body.message, ErrorCodes.HEADERS_TOO_LARGE.message);
  });
});
