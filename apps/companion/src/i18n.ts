/**
 * The companion speaks the phone's language: English or Chinese (Simplified).
 * One catalogue per language (./texts/), of one shape (`Texts`, from the
 * English one); the language is chosen once, at start, from the phone's
 * preferred languages (`pickLang`). Dates, times and durations are not in the
 * catalogues: Intl formats them in the chosen language (`formatRelative`,
 * `formatDuration`). No DOM here: the page is filled by ./shell.ts.
 */
import { LANGS, type Lang, langOfTag } from '@scanlogin/protocol';
import { enUS } from './texts/en-US.js';
import { zhCN } from './texts/zh-CN.js';

export type { Lang };

/** The shape of every catalogue: the English one's. */
export type Texts = typeof enUS;

/** Every language's catalogue (a language of the protocol missing here is a type error). */
export const CATALOGUES: { readonly [L in Lang]: Texts } = { 'en-US': enUS, 'zh-CN': zhCN };

/** The language a phone without any of ours gets. */
export const DEFAULT_LANG: Lang = 'en-US';

/**
 * The first of ours among the phone's preferred languages
 * (`navigator.languages`, best first): any Chinese gets zh-CN, any English
 * en-US; a phone that prefers neither gets English.
 */
export function pickLang(preferred: readonly string[] | null | undefined): Lang {
  for (const tag of preferred ?? []) {
    const lang = typeof tag === 'string' ? langOfTag(tag) : null;
    if (lang) return lang;
  }
  return DEFAULT_LANG;
}

export function textsFor(lang: Lang): Texts {
  return CATALOGUES[lang];
}

export const isLang = (v: unknown): v is Lang => (LANGS as readonly unknown[]).includes(v);

type RelativeUnit = 'second' | 'minute' | 'hour' | 'day';

/** "12 seconds ago", "in 3 minutes", "3分钟前", "90秒钟后": Intl's words for a signed amount. */
export function formatRelative(value: number, unit: RelativeUnit, lang: Lang): string {
  return new Intl.RelativeTimeFormat(lang, { numeric: 'always' }).format(value, unit);
}

/** "30 seconds", "10 minutes", "30秒钟": Intl's words for a length of time. */
export function formatDuration(value: number, unit: 'second' | 'minute', lang: Lang): string {
  return new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
