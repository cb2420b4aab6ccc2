#!/usr/bin/env node

import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/load.js';
import { configSchema, type Setting } from '../config/schema.js';
import { ServiceError } from '../domain/errors.js';
import { createRuntime } from '../runtime.js';
import { StartError } from '../start-error.js';
import { type Command, commandHelp, commandInput, findCommand, UsageError } from './commands.js';
import { serveCommand } from './serve.js';

const HELP = `scanlogin: self-hosted QR login

usage: scanlogin [command] [options]

  serve                 run the service (the default command)
  help | --help | -h    print this and exit
  version | --version   print the version and exit

Admin commands (they open the storage the settings name, act, and exit; output is JSON):

${commandHelp()}

Settings of the service are environment variables or flags of the same name, for any command:
PORT=4000 or --port 4000, DATABASE_URL=... or --database-url ... (see docs/configuration.md).
`;

/** The package's version, from its package.json (two levels up from src/cli/ and dist/cli/ alike). */
function version(): string {
  return (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

/** Every setting of the service as a flag (`DATA_DIR` → `data-dir`), with whether it stands alone. */
const SETTING_FLAGS = new Map(
  (Object.values(configSchema) as Setting[]).map((s) => [
    s.env.toLowerCase().replaceAll('_', '-'),
    { env: s.env, standalone: s.type === 'boolean' },
  ]),
);

/** A flag that stands alone (meaning true) or one that takes the next word. */
export type FlagKind = 'standalone' | 'value';

export interface ParsedArgs {
  words: string[];
  /** Flags by name without dashes, as given (`--name=x` and `--name x` alike). */
  flags: Record<string, string>;
}

/**
 * Splits argv into command words and `--flag value` options. `-h` and `-V`
 * / `-v` are the short help and version. A flag `flagKind` does not know is
 * refused. One that stands alone (a boolean of the command or of the
 * settings) may still take `true`/`false`; any other takes the next word,
 * which must be there.
 */
export function parseArgs(argv: string[], flagKind: (name: string) => FlagKind | undefined): ParsedArgs {
  const words: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') {
      flags.help = 'true';
      continue;
    }
    if (a === '-V' || a === '-v') {
      flags.version = 'true';
      continue;
    }
    if (a.startsWith('-') && !a.startsWith('--') && a !== '-') throw new UsageError(`unknown option ${a}`);
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const body = a.slice(2);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const kind = flagKind(name);
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (eq >= 0) {
      flags[name] = body.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    if (kind === 'standalone') {
      flags[name] = next === 'true' || next === 'false' ? argv[++i]! : 'true';
    } else if (next !== undefined && !next.startsWith('--')) {
      flags[name] = argv[++i]!;
    } else {
      throw new UsageError(`--${name} needs a value`);
    }
  }
  return { words, flags };
}

/** The flags a command accepts: its own options, the settings, help and version. */
function checkFlags(command: Command | null, flags: Record<string, string>): void {
  for (const name of Object.keys(flags)) {
    if (name === 'help' || name === 'version') continue;
    if (command?.options[name] || SETTING_FLAGS.has(name)) continue;
    const where = command ? ` for ${command.words.join(' ')}` : '';
    throw new UsageError(`unknown option --${name}${where}`);
  }
}

/** The settings given as flags, keyed as environment variables. */
function settingsOf(flags: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(flags)) {
    const setting = SETTING_FLAGS.get(name);
    if (setting) env[setting.env] = value;
  }
  return env;
}

async function main(argv: string[]): Promise<void> {
  // Which flags exist depends on the command; words come first, so look it up from them.
  const preview = findCommand(argv.filter((a) => !a.startsWith('-')));
  const flagKind = (name: string): FlagKind | undefined => {
    const option = preview?.command.options[name];
    const setting = SETTING_FLAGS.get(name);
    if (name === 'help' || name === 'version' || option?.kind === 'boolean' || setting?.standalone)
      return 'standalone';
    return option || setting ? 'value' : undefined;
  };
  const { words, flags } = parseArgs(argv, flagKind);

  // Neither asking for help nor for the version reads a setting, opens storage or a port.
  if (flags.help !== undefined || words[0] === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (flags.version !== undefined || words[0] === 'version') {
    process.stdout.write(`${version()}\n`);
    return;
  }

  if (words.length === 0 || (words[0] === 'serve' && words.length === 1)) {
    checkFlags(null, flags);
    return serveCommand(loadConfig({ ...process.env, ...settingsOf(flags) }));
  }
  const match = findCommand(words);
  if (!match) throw new UsageError(`unknown command: ${words.join(' ')}`);
  checkFlags(match.command, flags);
  // Everything the command was given is checked before storage is opened.
  const input = commandInput(match.command, match.rest, flags);
  const config = loadConfig({ ...process.env, ...settingsOf(flags) });
  const runtime = await createRuntime(config);
  try {
    await match.command.run(runtime, input, {
      json: (v) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
      text: (t) => process.stdout.write(t),
    });
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n(scanlogin help lists the commands and their options)\n`);
    process.exit(2);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof StartError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof ServiceError) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    process.exit(1);
  }
  // A bug, not a setting: one line, and the stack only when asked for.
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const stack = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  process.stderr.write(
    stack && err instanceof Error && err.stack
      ? `${err.stack}\n`
      : `scanlogin failed: ${detail} (LOG_LEVEL=debug shows the stack)\n`,
  );
  process.exit(1);
});
