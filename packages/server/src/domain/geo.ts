import { isIP } from 'node:net';
import type { Lang } from '@scanlogin/protocol';
import { words } from './messages.js';

/** Where an IP address is, as far as we can tell without asking anyone. */
export interface IpPlace {
  ip: string;
  kind: 'loopback' | 'private' | 'public' | 'invalid';
  /** ISO 3166-1 alpha-2, when a GeoIP database knows it. */
  country: string | null;
  /** For people, in the language asked for: "Germany", "Local network", "This machine"; null when unknown. */
  place: string | null;
  /** The surrounding network (/24 for IPv4, /48 for IPv6), to compare two addresses. */
  network: string | null;
}

/** Looks up the country of a public address. */
export interface CountryLookup {
  country(ip: string): string | null;
}

/**
 * Country names in each language. The bundled database knows only country
 * codes, so the names come from the ICU data every Node has (Intl).
 */
const regionNames = new Map<Lang, Intl.DisplayNames>();
function countryName(code: string, lang: Lang): string {
  let names = regionNames.get(lang);
  if (!names) {
    names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'code' });
    regionNames.set(lang, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code; // not a region code Intl accepts
  }
}

function ipv4Parts(ip: string): number[] | null {
  const parts = ip.split('.').map(Number);
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255) ? parts : null;
}

/** Expands an IPv6 address into eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  return [...h, ...Array(fill).fill('0'), ...t].map((g) => Number.parseInt(g || '0', 16));
}

function classify(ip: string): { ip: string; kind: IpPlace['kind']; network: string | null } {
  // IPv4 clients of a dual-stack socket arrive as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const addr = mapped ? mapped[1]! : ip;
  const family = isIP(addr);
  if (family === 4) {
    const [a, b, c] = ipv4Parts(addr)!;
    const network = `${a}.${b}.${c}.0/24`;
    if (a === 127) return { ip: addr, kind: 'loopback', network };
    const isPrivate =
      a === 10 ||
      (a === 172 && b! >= 16 && b! <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
      (a === 169 && b === 254);
    return { ip: addr, kind: isPrivate ? 'private' : 'public', network };
  }
  if (family === 6) {
    const g = ipv6Groups(addr.toLowerCase().split('%')[0]!);
    const network = `${g
      .slice(0, 3)
      .map((x) => x.toString(16))
      .join(':')}::/48`;
    if (g.every((x, i) => (i < 7 ? x === 0 : x === 1))) return { ip: addr, kind: 'loopback', network };
    const first = g[0]!;
    const isPrivate = (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
    return { ip: addr, kind: isPrivate ? 'private' : 'public', network };
  }
  return { ip, kind: 'invalid', network: null };
}

/**
 * Classifies an address and, for public ones, names its country (when
 * `lookup` can), in `lang`.
 */
export function locateIp(
  ip: string | null | undefined,
  lookup: CountryLookup | null,
  lang: Lang = 'en-US',
): IpPlace {
  const c = classify(ip ?? '');
  if (c.kind === 'loopback') return { ...c, country: null, place: words.thisMachine[lang] };
  if (c.kind === 'private') return { ...c, country: null, place: words.localNetwork[lang] };
  if (c.kind === 'invalid') return { ...c, country: null, place: null };
  const country = lookup?.country(c.ip) ?? null;
  return { ...c, country, place: country ? countryName(country, lang) : null };
}

/**
 * How near the phone seems to the browser that asked for the code, from their
 * IP addresses alone. A hint, not proof: VPNs, mobile data and corporate
 * proxies move addresses around (docs/security.md).
 * - `same-ip`, `same-network`: very likely side by side;
 * - `local`: both on private or loopback addresses (one LAN or one machine);
 * - `same-country`: plausible;
 * - `mismatch`: different countries: the signature of a relayed code;
 * - `unknown`: not comparable (one side private, or a country unknown).
 */
export type Proximity = 'same-ip' | 'same-network' | 'local' | 'same-country' | 'mismatch' | 'unknown';

export function proximity(browser: IpPlace, phone: IpPlace): Proximity {
  if (browser.kind === 'invalid' || phone.kind === 'invalid') return 'unknown';
  if (browser.ip === phone.ip) return 'same-ip';
  if (browser.kind !== 'public' && phone.kind !== 'public') return 'local';
  if (browser.kind !== 'public' || phone.kind !== 'public') return 'unknown';
  if (browser.network === phone.network) return 'same-network';
  if (!browser.country || !phone.country) return 'unknown';
  return browser.country === phone.country ? 'same-country' : 'mismatch';
}
