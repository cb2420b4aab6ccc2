/**
 * One definition of "a translation is missing", shared by the tests of every
 * surface that shows text (the error registry and the server's details, the
 * companion, the web SDK's widget). Each test hands its catalogues here and
 * asserts that the list of problems is empty, so a failure names exactly what
 * is missing where: `companion: zh-CN lacks confirm.title`.
 */
import { LANGS, type Lang } from '../src/i18n.js';

/** Any Han character: a Chinese text has some, an English one none. */
const HAN = /\p{Script=Han}/u;

type Leaf = string | ((...args: never[]) => unknown);

/** A function's source with its `\uXXXX` escapes read (the TypeScript loader writes non-ASCII so). */
function sourceOf(fn: Leaf): string {
  return fn
    .toString()
    .replace(
      /\\u\{([0-9a-f]+)\}|\\u([0-9a-f]{4})/gi,
      (_m, braced: string | undefined, four: string | undefined) =>
        String.fromCodePoint(Number.parseInt(braced ?? four ?? '0', 16)),
    );
}

/** The texts of a (possibly nested) catalogue, by dotted path. */
function leaves(value: unknown, path = '', out = new Map<string, Leaf>()): Map<string, Leaf> {
  if (typeof value === 'string' || typeof value === 'function') out.set(path, value as Leaf);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, String(value) as Leaf);
  return out;
}

export interface TranslationCheck {
  /** Keys every language must have even if no catalogue has them yet (e.g. every registry name). */
  expected?: Iterable<string>;
  /**
   * Paths whose Chinese needs no Han character (a function that only formats
   * with Intl, a product name); each one says why in the test that lists it.
   */
  untranslatable?: Iterable<string>;
}

/**
 * Everything wrong with `catalogues` (one per language): a key that one
 * language has and another lacks, an empty text, a text in one language that
 * is a function in another, Chinese left in English or English left in
 * Chinese (a function is judged by its source, which holds its words).
 */
export function translationProblems(
  surface: string,
  catalogues: { readonly [L in Lang]: unknown },
  check: TranslationCheck = {},
): string[] {
  const byLang = new Map(LANGS.map((lang) => [lang, leaves(catalogues[lang])]));
  const keys = new Set([...(check.expected ?? [])]);
  for (const texts of byLang.values()) for (const k of texts.keys()) keys.add(k);
  const untranslatable = new Set(check.untranslatable ?? []);
  const problems: string[] = [];
  for (const key of [...keys].sort()) {
    const kinds = new Set<string>();
    for (const lang of LANGS) {
      const text = byLang.get(lang)?.get(key);
      if (text === undefined) {
        problems.push(`${surface}: ${lang} lacks ${key}`);
        continue;
      }
      kinds.add(typeof text);
      const words = typeof text === 'function' ? sourceOf(text) : text;
      if (typeof text === 'string' && text.trim() === '') {
        problems.push(`${surface}: ${lang} ${key} is empty`);
      } else if (lang === 'zh-CN' && !HAN.test(words) && !untranslatable.has(key)) {
        problems.push(`${surface}: zh-CN ${key} is not translated: ${JSON.stringify(words.slice(0, 80))}`);
      } else if (lang === 'en-US' && HAN.test(words)) {
        problems.push(`${surface}: en-US ${key} is in Chinese: ${JSON.stringify(words.slice(0, 80))}`);
      }
    }
    if (kinds.size > 1) problems.push(`${surface}: ${key} is a text in one language, a function in another`);
  }
  return problems;
}

/** A quoted run of words ("Sign out", 'just now') or one capitalised word ('Denied'). */
const WORDS_LITERAL = /(['"`])([A-Za-z][a-z]*(?: [A-Za-z,.'’…:!?]+)+|[A-Z][a-z]{2,}[.!?…]?)\1/g;

/**
 * Sentences written in code rather than taken from a catalogue: each string
 * literal of `sources` (file name → source text, comments ignored) that reads
 * like words, named `file: 'literal'`. A literal right after `className =`
 * is CSS, and `allowed` lists the others that are no words (each with its
 * reason in the test that passes it).
 */
export function wordsInCode(sources: ReadonlyMap<string, string>, allowed: Iterable<string> = []): string[] {
  const ok = new Set(allowed);
  const found: string[] = [];
  for (const [file, source] of sources) {
    const code = source
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
      .replace(/\s\/\/ .*$/gm, '');
    for (const m of code.matchAll(WORDS_LITERAL)) {
      const before = code.slice(Math.max(0, (m.index ?? 0) - 12), m.index);
      if (/className = $/.test(before) || ok.has(m[2] ?? '')) continue;
      found.push(`${file}: ${m[0]}`);
    }
  }
  return found;
}
