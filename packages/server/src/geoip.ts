import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader } from 'mmdb-lib';
import { ConfigError } from './config/load.js';
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
  let reader: { get(ip: string): { country_code?: string } | null };
  try {
    reader = new Reader(readFileSync(file)) as unknown as typeof reader;
  } catch (err) {
    // A setting to fix, said in one line: which file, and why it cannot serve.
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : code
              ? (err as Error).message
              : `not a MaxMind-format database (${(err as Error).message})`;
    throw new ConfigError([
      `GEOIP_DATABASE=${JSON.stringify(setting)}: cannot open ${file}: ${why}. Set the path of a .mmdb file, \`bundled\` or \`off\`.`,
    ]);
  }
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
