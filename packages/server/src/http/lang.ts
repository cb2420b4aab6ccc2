/**
 * The language of an answer: the one place that decides it. Messages,
 * details, status words and place names all follow it.
 *
 * 1. `x-authing-lang`, when it names one of ours: what authing-js-sdk sends
 *    on every request (its `lang` option, `zh-CN` unless told otherwise), so
 *    its pages read what they would read at Authing;
 * 2. else the first of ours in `Accept-Language`, by q-value (what browsers
 *    send: the companion, a page calling us with plain `fetch`);
 * 3. else English. Clients that say nothing (curl, backends, most mobile
 *    apps) keep the English they always had; Authing's own default, zh-CN,
 *    only ever reaches us through its SDK's header.
 *
 * Any Chinese tag is zh-CN and any English tag en-US (`langOfTag`). Headers
 * are read with fixed bounds, so a long or malformed one costs little and is
 * simply not understood.
 */
import { LANGS, type Lang, langOfTag } from '@scanlogin/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The language of answers to clients that say nothing about theirs. */
export const DEFAULT_LANG: Lang = 'en-US';

/** The request headers an answer's words depend on (its `Vary`). */
export const LANGUAGE_HEADERS = 'Accept-Language, x-authing-lang';

/** No language tag is longer than this (RFC 5646 §4.4.1 suggests 35); longer ones are not read. */
const MAX_TAG = 64;
/** Only the first ranges of Accept-Language are read; browsers send a handful. */
const MAX_RANGES = 16;
/** A q-value: 0 to 1 with at most three decimals (RFC 9110 §12.4.2). */
const Q_VALUE = /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/i;

function text(header: unknown): string | null {
  if (typeof header === 'string') return header;
  return Array.isArray(header) && typeof header[0] === 'string' ? header[0] : null;
}

/**
 * Our language of an Accept-Language value, or null when it asks for none of
 * ours. The highest q wins, ties go to the range written first, `q=0` refuses
 * a language; `*` stands for any language the value does not name, which is
 * our default when the value does not name it.
 */
export function langOfAcceptLanguage(header: string): Lang | null {
  let best: Lang | null = null;
  let bestQ = 0;
  let anyQ = 0;
  /** Ours that a range names (whatever its q): `*` does not stand for them. */
  const named = new Set<Lang>();
  for (const range of header.split(',', MAX_RANGES)) {
    const [tag = '', ...params] = range.split(';', 4);
    let q = 1;
    for (const param of params) {
      const m = Q_VALUE.exec(param);
      if (m) q = Number(m[1]);
      else if (/^\s*q\s*=/i.test(param)) q = Number.NaN; // a q that is no q-value: the range is ignored
    }
    if (Number.isNaN(q)) continue;
    const name = tag.trim();
    if (name === '*') {
      anyQ = Math.max(anyQ, q);
      continue;
    }
    const lang = name.length <= MAX_TAG ? langOfTag(name) : null;
    if (!lang) continue;
    named.add(lang);
    if (q > bestQ) {
      best = lang;
      bestQ = q;
    }
  }
  if (anyQ > bestQ) {
    return [DEFAULT_LANG, ...LANGS].find((lang) => !named.has(lang)) ?? best;
  }
  return best;
}

/** The language to answer in, from the two headers (see the file's comment). */
export function negotiateLang(xAuthingLang: unknown, acceptLanguage: unknown): Lang {
  const named = text(xAuthingLang);
  const lang = named && named.length <= MAX_TAG ? langOfTag(named) : null;
  if (lang) return lang;
  const accepted = text(acceptLanguage);
  return (accepted ? langOfAcceptLanguage(accepted) : null) ?? DEFAULT_LANG;
}

/** The language to answer `request` in. */
export function requestLang(request: FastifyRequest): Lang {
  return negotiateLang(request.headers['x-authing-lang'], request.headers['accept-language']);
}

/**
 * Says that the answer's words depend on the language headers (kept beside
 * any `Vary` already set, such as CORS's `Origin`), so a cache in between
 * never hands one language's answer to a reader of another.
 */
export function varyByLanguage(reply: FastifyReply): void {
  const current = reply.getHeader('vary');
  const list = Array.isArray(current) ? current.join(', ') : current === undefined ? '' : String(current);
  if (/accept-language/i.test(list)) return;
  reply.header('vary', list ? `${list}, ${LANGUAGE_HEADERS}` : LANGUAGE_HEADERS);
}

/** `requestLang`, and the `Vary` that goes with answering in it. */
export function answerLang(request: FastifyRequest, reply: FastifyReply): Lang {
  varyByLanguage(reply);
  return requestLang(request);
}
