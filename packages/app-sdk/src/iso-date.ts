// A strict ISO 8601 / RFC 3339 date-time reader. `Date.parse` is not used on
// purpose: what it accepts differs between JavaScript engines (Hermes in React
// Native reads far fewer forms than V8), and a login code must parse the same
// way on every phone.

const DATE_TIME =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Reads `2019-12-27T11:53:41.260Z` and the other date-time forms of RFC 3339
 * (an offset instead of `Z`, no fraction, no seconds), plus the extended years
 * `Date#toISOString` writes outside 0000–9999. Anything else, or an impossible
 * date (February 30th), gives `null`.
 */
export function parseIsoDateTime(text: string): Date | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y = '', mo = '', d = '', h = '', mi = '', s = '0', frac = '', zone = 'Z'] = m;
  if (y === '-000000') return null; // ISO 8601 forbids a negative year zero
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));

  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }

  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const time = date.getTime() - offsetMinutes * 60_000;
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? new Date(time) : null;
}
