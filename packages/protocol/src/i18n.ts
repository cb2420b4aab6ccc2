/**
 * The languages Scanlogin speaks, named as authing-js-sdk names them (its
 * `lang` option, sent as `x-authing-lang`). Every user-visible text of the
 * service, the companion and the web SDK's widget exists in each of them.
 */
export const LANGS = ['en-US', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

/** A text in every language: a missing language is a type error. */
export type Translated<T = string> = { readonly [L in Lang]: T };

/**
 * Which of our languages a language tag (BCP 47, as in `Accept-Language`,
 * `navigator.language` or `x-authing-lang`) asks for, by its primary subtag:
 * any Chinese (`zh`, `zh-TW`, `zh-Hant`...) is zh-CN, our only Chinese, which
 * its readers read far more easily than English; any English is en-US. Null
 * for other languages and for anything that is not a tag.
 */
export function langOfTag(tag: string): Lang | null {
  const primary = /^\s*([a-z]{1,8})(?:[-_][a-z0-9]{1,8})*\s*$/i.exec(tag)?.[1]?.toLowerCase();
  return primary === 'zh' ? 'zh-CN' : primary === 'en' ? 'en-US' : null;
}
