/**
 * The widget speaks both languages: every tip and every message of the SDK's
 * own exists in each (a failure names the missing one), no sentence is written
 * in code outside ../src/i18n.ts, and a client given no `lang` follows the page.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { translationProblems, wordsInCode } from '../../protocol/test/translations.js';
import { pageLang, SDK_MESSAGES, sdkMessages, TIPS, tipsLang } from '../src/i18n.js';

const src = new URL('../src', import.meta.url).pathname;

describe('widget texts', () => {
  test('every tip and SDK message in every language (a failure names each missing one)', () => {
    const problems = [
      ...translationProblems('widget tips', TIPS),
      // `labelled` only joins a label and its value, with the full-width colon in Chinese.
      ...translationProblems('web SDK messages', SDK_MESSAGES, { untranslatable: ['labelled'] }),
    ];
    assert.deepEqual(problems, []);
  });

  test('Chinese texts use Chinese punctuation', () => {
    const zh = { ...TIPS['zh-CN'], ...SDK_MESSAGES['zh-CN'] };
    for (const [key, text] of Object.entries(zh)) {
      const words = typeof text === 'function' ? text.toString() : text;
      assert.doesNotMatch(words, /\p{Script=Han}[,;:?!()]|[,;:?!()]\p{Script=Han}/u, `zh-CN ${key}`);
    }
    assert.equal(
      sdkMessages('zh-CN').labelled('二维码加载失败', '二维码不存在。'),
      '二维码加载失败：二维码不存在。',
    );
    assert.equal(sdkMessages('en-US').labelled('Failed', 'Gone.'), 'Failed: Gone.');
  });

  test('no sentence of the SDK is written outside its catalogue', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
      });
    const sources = new Map(
      files(src)
        .filter((f) => !f.endsWith('/i18n.ts'))
        .map((f) => [relative(src, f), readFileSync(f, 'utf8')]),
    );
    // A font's name is no text of ours.
    assert.deepEqual(wordsInCode(sources, ['Segoe UI']), [], 'user-visible text outside src/i18n.ts');
  });
});

describe('which language', () => {
  test('a lang option is used as authing-js-sdk uses it: any zh* is Chinese, anything else English', () => {
    assert.equal(tipsLang('zh-CN'), 'zh-CN');
    assert.equal(tipsLang('zh-TW'), 'zh-CN');
    assert.equal(tipsLang('en-US'), 'en-US');
    assert.equal(tipsLang('ja-JP'), 'en-US');
    assert.equal(tipsLang(''), 'en-US');
  });

  test('no lang option: the page’s <html lang>, then the browser’s languages, else English', () => {
    const page = (lang: string | undefined, languages: string[], language = languages[0]) =>
      pageLang({
        document: { documentElement: lang === undefined ? {} : { lang } },
        navigator: { languages, ...(language === undefined ? {} : { language }) },
      });
    assert.equal(page('zh-CN', ['en-US']), 'zh-CN', 'the page says what it is written in');
    assert.equal(page('en', ['zh-CN']), 'en-US');
    assert.equal(page('zh-Hant-TW', []), 'zh-CN');
    assert.equal(page('', ['zh-CN', 'en']), 'zh-CN', 'a page that says nothing: the browser');
    assert.equal(page(undefined, ['fr-FR', 'en-GB']), 'en-US');
    assert.equal(page('fr', ['fr-FR', 'de', 'zh']), 'zh-CN');
    assert.equal(page('fr', ['fr-FR', 'de']), 'en-US', 'neither: English');
    assert.equal(page('', [], 'zh'), 'zh-CN', 'navigator.language when languages is empty');
    assert.equal(pageLang({ document: undefined, navigator: { languages: ['en-US'] } }), 'zh-CN', 'no page');
  });
});
