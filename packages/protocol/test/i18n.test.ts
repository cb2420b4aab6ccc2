/**
 * The registry speaks every language: each error has its message in each, and
 * a language tag maps onto ours the same way everywhere.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorMessage, errorMessagesZhCN } from '../src/error-messages.js';
import { ErrorCodes, type ErrorName } from '../src/errors.js';
import { LANGS, langOfTag } from '../src/i18n.js';
import { translationProblems } from './translations.js';

const names = Object.keys(ErrorCodes) as ErrorName[];

describe('error registry translations', () => {
  test('every error has a message in every language (a failure names each missing one)', () => {
    const catalogues = {
      'en-US': Object.fromEntries(names.map((n) => [n, ErrorCodes[n].message])),
      'zh-CN': errorMessagesZhCN,
    };
    assert.deepEqual(translationProblems('error registry', catalogues, { expected: names }), []);
  });

  test('errorMessage reads them', () => {
    assert.equal(errorMessage('QR_EXPIRED', 'en-US'), 'The QR code has expired.');
    assert.equal(errorMessage('QR_EXPIRED', 'zh-CN'), '二维码已过期。');
    assert.equal(errorMessage('QR_NOT_FOUND', 'zh-CN'), '二维码不存在。');
    for (const lang of LANGS) for (const n of names) assert.ok(errorMessage(n, lang), `${lang} ${n}`);
  });

  test('Chinese messages use Chinese punctuation and end like sentences', () => {
    for (const [name, text] of Object.entries(errorMessagesZhCN)) {
      assert.match(text, /[。？]$/, `${name} ends with a full stop: ${text}`);
      assert.doesNotMatch(text, /[\p{Script=Han}][,;:.?]|[,;:?][\p{Script=Han}]/u, `${name}: ${text}`);
    }
  });

  test('the translation check itself names what is missing, empty or left untranslated', () => {
    const problems = translationProblems(
      'demo',
      {
        'en-US': { a: 'A', b: { c: 'C' }, d: 'D', f: (n: number) => `${n} s`, g: '二' },
        'zh-CN': { a: '甲', b: {}, d: 'D', f: 'x', e: '' },
      },
      { expected: ['a', 'z'] },
    );
    assert.deepEqual(problems, [
      'demo: zh-CN lacks b.c',
      'demo: zh-CN d is not translated: "D"',
      'demo: en-US lacks e',
      'demo: zh-CN e is empty',
      'demo: zh-CN f is not translated: "x"',
      'demo: f is a text in one language, a function in another',
      'demo: en-US g is in Chinese: "二"',
      'demo: zh-CN lacks g',
      'demo: en-US lacks z',
      'demo: zh-CN lacks z',
    ]);
  });
});

describe('langOfTag', () => {
  test('any Chinese is zh-CN, any English en-US, anything else null', () => {
    const cases: [string, string | null][] = [
      ['zh-CN', 'zh-CN'],
      ['zh', 'zh-CN'],
      ['ZH-tw', 'zh-CN'],
      ['zh-Hant-HK', 'zh-CN'],
      ['zh_CN', 'zh-CN'],
      ['en', 'en-US'],
      ['en-GB', 'en-US'],
      [' en-US ', 'en-US'],
      ['fr-FR', null],
      ['*', null],
      ['', null],
      ['zh-', null],
      ['english', null],
      ['zh-CN;q=0.5', null],
      ['-zh', null],
      [`zh${'-abcdefgh'.repeat(2000)}`, 'zh-CN'],
      [`zh${'-abcdefghi'.repeat(2000)}`, null],
    ];
    for (const [tag, lang] of cases) assert.equal(langOfTag(tag), lang, tag.slice(0, 40));
  });
});
