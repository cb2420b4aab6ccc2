/**
 * The companion speaks the phone's language: every text it shows exists in
 * each language (a failure names the missing one), index.html's static texts
 * all come from the catalogue, no screen writes words of its own, and the
 * confirm screen's lines (warnings, places, times) read as Chinese in Chinese.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ScanloginError } from '@scanlogin/app-sdk';
import { ErrorCodes, LANGS } from '@scanlogin/protocol';
import { translationProblems, wordsInCode } from '../../../packages/protocol/test/translations.js';
import { ago, confirmView, expiryLine, historyView, proximityWarning } from '../src/format.js';
import { CATALOGUES, pickLang, textsFor } from '../src/i18n.js';
import { describeProblem } from '../src/messages.js';

const here = new URL('.', import.meta.url).pathname;
const src = join(here, '../src');
const html = readFileSync(join(here, '../public/index.html'), 'utf8');

/** Every text of a catalogue, by dotted path; a function is represented by its source. */
function leaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'string') out.set(path, value);
  else if (typeof value === 'function') out.set(path, value.toString());
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  }
  return out;
}

describe('companion catalogues', () => {
  it('have every text in every language (a failure names each missing one)', () => {
    const problems = translationProblems('companion', CATALOGUES, {
      // These only arrange words that are already Chinese (a place, a time, a title and its
      // detail, the scopes) with Chinese brackets, a full stop or the enumeration comma.
      untranslatable: ['lines.placeAt', 'lines.timeAgo', 'problemLine', 'lines.scopeList'],
    });
    assert.deepEqual(problems, []);
  });

  it('write Chinese with Chinese punctuation', () => {
    for (const [key, text] of leaves(CATALOGUES['zh-CN'])) {
      // A Han character beside ASCII , ; : ? ! ( ) is English punctuation in a Chinese sentence.
      assert.doesNotMatch(text, /\p{Script=Han}[,;:?!()]|[,;:?!()]\p{Script=Han}/u, `zh-CN ${key}: ${text}`);
    }
  });
});

describe('pickLang: the first of our languages the phone prefers', () => {
  it('maps any Chinese to zh-CN and any English to en-US, in the phone’s order', () => {
    const cases: [string[] | null | undefined, string][] = [
      [['zh-CN'], 'zh-CN'],
      [['zh-TW', 'en-US'], 'zh-CN'],
      [['zh-Hant-HK'], 'zh-CN'],
      [['en-GB', 'zh-CN'], 'en-US'],
      [['fr-FR', 'zh-CN', 'en'], 'zh-CN'],
      [['fr-FR', 'de'], 'en-US'],
      [[], 'en-US'],
      [null, 'en-US'],
      [undefined, 'en-US'],
      [['', 'not a tag', 'zh'], 'zh-CN'],
    ];
    for (const [preferred, lang] of cases) assert.equal(pickLang(preferred), lang, JSON.stringify(preferred));
  });
});

describe("index.html's static texts", () => {
  /** `data-i18n="key"` and the keys of `data-i18n-attr="attribute:key ..."`. */
  const used = new Set<string>();
  for (const m of html.matchAll(/data-i18n="([^"]*)"/g)) used.add(m[1] ?? '');
  for (const m of html.matchAll(/data-i18n-attr="([^"]*)"/g)) {
    for (const pair of (m[1] ?? '').split(/\s+/)) used.add(pair.split(':')[1] ?? '');
  }

  it('name only keys the catalogue has, and the catalogue has none the page leaves unused', () => {
    const page = Object.keys(CATALOGUES['en-US'].page);
    assert.deepEqual(
      [...used].filter((k) => !page.includes(k)),
      [],
      'keys of index.html missing from the catalogue',
    );
    assert.deepEqual(
      page.filter((k) => !used.has(k)),
      [],
      'keys of the catalogue no element of index.html uses',
    );
  });

  it('keep their slots (the elements screens fill) in every language', () => {
    // An element with data-i18n and its children marked data-slot.
    const withSlots =
      /<(\w+)[^>]*data-i18n="(\w+)"[^>]*>((?:(?!<\/\1>).)*data-slot=(?:(?!<\/\1>).)*)<\/\1>/gs;
    let found = 0;
    for (const m of html.matchAll(withSlots)) {
      const key = m[2] as keyof (typeof CATALOGUES)['en-US']['page'];
      const slots = [...(m[3] ?? '').matchAll(/data-slot="(\w+)"/g)].map((s) => s[1]).sort();
      for (const lang of LANGS) {
        const inText = [...CATALOGUES[lang].page[key].matchAll(/\{(\w+)\}/g)].map((s) => s[1]).sort();
        assert.deepEqual(inText, slots, `${lang} page.${key}`);
      }
      found++;
    }
    assert.equal(found, 4, 'the greeting, the step-up request, the confirm title and the device title');
  });

  it('leave no English outside a translated element', () => {
    // The page's text outside tags, minus what data-i18n elements hold: only names remain.
    const stripped = html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<noscript>[\s\S]*?<\/noscript>/g, '') // both languages, written out (no script to choose)
      .replace(/<(\w+)[^>]*data-i18n="[^"]*"[^>]*>[\s\S]*?<\/\1>/g, '')
      .replace(/<[^>]*>/g, ' ');
    const words = stripped.match(/[A-Za-z]{2,}/g) ?? [];
    assert.deepEqual(
      words.filter((w) => w !== 'Scanlogin'),
      [],
      'text in index.html without a data-i18n key',
    );
  });
});

describe('no screen writes words of its own', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  }
  const code = files(src).filter((f) => !relative(src, f).startsWith('texts'));

  it('keeps every sentence in the catalogues', () => {
    const sources = new Map(code.map((file) => [relative(src, file), readFileSync(file, 'utf8')]));
    assert.deepEqual(wordsInCode(sources), [], 'user-visible text outside ./texts/');
  });
});

describe('the confirm screen in Chinese', () => {
  const now = Date.parse('2026-03-01T12:00:30Z');
  const ctx = {
    random: 'r',
    app: { id: 'a', name: '演示网站', logo: null },
    origin: 'https://shop.example',
    ip: '81.2.69.160',
    // The service names places in the language the app asks for.
    place: '英国',
    browser: 'Chrome 131',
    os: 'Windows',
    reportedByBrowser: true as const,
    checkCodeChoices: null,
    createdAt: '2026-03-01T12:00:00Z',
    expiresAt: '2026-03-01T12:02:00Z',
    proximity: { verdict: 'mismatch' as const, phonePlace: '美国', mismatch: true, policy: 'warn' as const },
    pageContext: null,
  };

  it('reads every line in Chinese, warnings and places included', () => {
    const v = confirmView(ctx, now, 'https://login.example', 'zh-CN');
    assert.equal(v.where, '英国（81.2.69.160）');
    assert.equal(v.device, 'Windows 上的 Chrome 131');
    assert.match(v.time, /（30秒钟前）$/);
    assert.equal(
      v.proximityWarning,
      '你的手机似乎离发起请求的浏览器很远（请求来自英国；你的手机位于美国）。除非确定是你本人，否则请拒绝。',
    );
    assert.equal(expiryLine(v.expiresAt, now, 'zh-CN'), '此请求将于90秒钟后过期。');
    assert.equal(expiryLine(v.expiresAt, now + 200_000, 'zh-CN'), '此请求已过期。');
    assert.equal(ago(now, now, 'zh-CN'), '刚刚');
    assert.equal(ago(now - 5 * 60_000, now, 'zh-CN'), '5分钟前');

    const bare = confirmView(
      { ...ctx, origin: null, place: null, proximity: { ...ctx.proximity, mismatch: false } },
      now,
      'https://x',
      'zh-CN',
    );
    assert.equal(bare.origin, '未知网站（浏览器未提供）');
    assert.equal(bare.where, '81.2.69.160（位置未知）');
    assert.equal(bare.proximityWarning, null);
    assert.equal(proximityWarning({ ...ctx, place: null, ip: '' }, 'zh-CN')?.includes('美国'), true);
    assert.match(confirmView(null, now, 'https://x', 'zh-CN').where, /此服务未提供/);
  });

  it('words history and problems in Chinese', () => {
    const v = historyView(
      {
        id: '1',
        at: '2026-03-01T11:58:30Z',
        outcome: 'approved',
        random: 'r',
        app: { id: 'a', name: '演示网站' },
        origin: null,
        ip: '127.0.0.1',
        place: null,
        browser: null,
        os: null,
        deviceIp: '127.0.0.1',
        userId: 'u',
      },
      now,
      'zh-CN',
    );
    assert.equal(v.outcome, '已确认');
    assert.equal(v.where, '来自127.0.0.1（位置未知）');
    assert.match(v.time, /2分钟前/);

    const limited = new ScanloginError({
      kind: 'server',
      code: ErrorCodes.RATE_LIMITED.code,
      message: '请求过于频繁。',
      status: ErrorCodes.RATE_LIMITED.status,
      retryAfterSeconds: 30,
    });
    const p = describeProblem(limited, 'scan', 'zh-CN');
    assert.equal(p.title, '请求过于频繁');
    assert.equal(p.detail, '请等待30秒钟后重试。');
    assert.equal(textsFor('zh-CN').problemLine(p.title, p.detail), '请求过于频繁。请等待30秒钟后重试。');
  });
});
