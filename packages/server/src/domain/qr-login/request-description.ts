import type { Lang } from '@scanlogin/protocol';
import { type CountryLookup, locateIp } from '../geo.js';
import type { RequestContext } from '../ports.js';
import { parseUserAgent } from './user-agent.js';

/** What the user is shown about a browser's request: where it came from and what it claims to be. */
export interface RequestDescription {
  origin: string | null;
  ip: string | null;
  /** Coarse place of the IP, in the reader's language; null when unknown. */
  place: string | null;
  /** From the User-Agent: claimed by the browser, not verified. */
  browser: string | null;
  os: string | null;
}

/**
 * One reading of a stored request context, for the confirm screen, the
 * history and the web sessions, with the place named in `lang`.
 */
export function describeRequest(
  ctx: RequestContext | null,
  geo: CountryLookup | null,
  lang: Lang,
): RequestDescription {
  const agent = parseUserAgent(ctx?.userAgent);
  return {
    origin: ctx?.origin ?? null,
    ip: ctx?.ip ?? null,
    place: locateIp(ctx?.ip, geo, lang).place,
    browser: agent.browser,
    os: agent.os,
  };
}
