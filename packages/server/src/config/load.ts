import { type Config, configSchema, type Setting } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // One problem, one line; several, one line each under a heading.
    super(
      problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'ConfigError';
  }
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

/** `--port 3001` / `--port=3001` / `--seed-demo` → { PORT: '3001', SEED_DEMO: 'true' } */
export function flagsToEnv(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const env = name.toUpperCase().replaceAll('-', '_');
    if (inline !== undefined) out[env] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out[env] = argv[++i]!;
    else out[env] = 'true';
  }
  return out;
}

/**
 * Reads the settings from `env` (flags already folded in), validates every
 * one, and returns a frozen object. All problems are reported at once.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(configSchema) as [string, Setting][]) {
    if (key in overrides) {
      out[key] = (overrides as Record<string, unknown>)[key];
      continue;
    }
    const raw = env[s.env];
    if (raw === undefined || (raw === '' && s.type !== 'boolean')) {
      out[key] = typeof s.default === 'function' ? s.default(out) : s.default;
      continue;
    }
    // Secrets are never echoed back, not even in an error about their value.
    const shown = s.secret ? '(hidden)' : JSON.stringify(raw);
    switch (s.type) {
      case 'integer': {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < s.min || n > s.max) {
          problems.push(`${s.env}=${JSON.stringify(raw)}: expected an integer from ${s.min} to ${s.max}`);
        }
        out[key] = n;
        break;
      }
      case 'boolean': {
        const v = raw.toLowerCase();
        if (!TRUE.has(v) && !FALSE.has(v))
          problems.push(`${s.env}=${JSON.stringify(raw)}: expected true or false`);
        out[key] = TRUE.has(v);
        break;
      }
      case 'list': {
        const items = raw
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
        const problem = s.check?.(items);
        if (problem) problems.push(`${s.env}=${shown}: ${problem}`);
        out[key] = items;
        break;
      }
      case 'string': {
        const problem = s.check?.(raw);
        if (problem) problems.push(`${s.env}=${shown}: ${problem}`);
        if (s.pattern && !s.pattern.test(raw))
          problems.push(`${s.env}=${shown}: does not match ${s.pattern}`);
        out[key] = raw;
        break;
      }
    }
  }
  // Hot state in Redis and durable data in SQLite (or the reverse) would not scale and would not
  // share: several instances need both shared backends, one instance needs neither.
  if (Boolean(out.databaseUrl) !== Boolean(out.redisUrl)) {
    problems.push(
      'DATABASE_URL and REDIS_URL go together: set both (several instances) or neither (embedded SQLite)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(out) as Config;
}

/** Renders the settings table for the docs. */
export function configMarkdown(): string {
  const rows = (Object.values(configSchema) as Setting[]).map((s) => {
    const def =
      s.defaultText ??
      (typeof s.default === 'function' ? '(computed)' : JSON.stringify(s.default).replaceAll('"', ''));
    return `| \`${s.env}\` | ${s.type} | \`${def}\` | ${s.description} |`;
  });
  return ['| variable | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
