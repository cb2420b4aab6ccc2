import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader } from 'mmdb-lib';
import type { CountryLookup } from './domain/geo.js';

/**
 * Country lookups from an offline MaxMind-format database. The default is the
 * CC0 "geo-whois-asn-country" database shipped as an npm package (about 8 MB,
 * country level: coarse on purpose; a city database is ten times larger).
 */
const opened = new Map<string, CountryLookup>();

export function openCountryLookup(setting: string): CountryLookup | null {
  if (setting === 'off') return null;
  let file = setting;
  if (setting === 'bundled') {
    try {
      const require = createRequire(import.meta.url);
      file = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
    } catch {
      return null; // the optional package is not installed: places stay unknown
    }
  }
  const cached = opened.get(file);
  if (cached) return cached;
  // mmdb-lib types its answers as MaxMind's city/country records; this database's records are flat.
  const reader = new Reader(readFileSync(file)) as unknown as {
    get(ip: string): { country_code?: string } | null;
  };
  const lookup: CountryLookup = {
    country(ip) {
      try {
        return reader.get(ip)?.country_code ?? null;
      } catch {
        return null;
      }
    },
  };
  // One reader per file per process: the database is read-only and 8 MB.
  opened.set(file, lookup);
  return lookup;
}
