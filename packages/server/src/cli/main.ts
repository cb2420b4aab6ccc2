#!/usr/bin/env node

import { firstStart, formatFirstStart } from '../bootstrap.js';
import { ConfigError, flagsToEnv, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { userView } from '../domain/directory/views.js';
import { fail, ServiceError } from '../domain/errors.js';
import { appView, poolView } from '../http/routes/admin/views.js';
import { createRuntime } from '../runtime.js';
import { serveCommand } from './serve.js';

const HELP = `scanlogin: self-hosted QR login

usage: scanlogin <command> [options]     (options also come from env vars; see docs/configuration.md)

  serve                                   run the service (default command)
  migrate                                 apply database migrations and exit
  init                                    create the default pool, demo data and admin token, then exit
  pool list | pool create --name N
  app list [--pool ID]
  app create --pool ID --name N [--origins a,b] [--browser-exchange] [--full-user-info]
  app update ID [--name N] [--origins a,b] [--browser-exchange true|false] [--qrcode-expires S] [--ticket-expires S]
  app rotate-secret ID
  user list --pool ID
  user create --pool ID (--username U | --email E | --phone P) [--password P] [--nickname N] [--photo URL]
  user block ID | user unblock ID | user set-password ID --password P
  user revoke-sessions ID                 sign the user out everywhere (devices and websites)
  keys rotate                             sign new tokens with a fresh key
  admin reset-token                       replace the admin credential and print it
`;

type Opts = Record<string, string>;

function need(opts: Opts, name: string): string {
  const v = opts[name.toUpperCase().replaceAll('-', '_')];
  if (!v || v === 'true') throw new UsageError(`--${name} is required`);
  return v;
}
const opt = (opts: Opts, name: string): string | undefined => opts[name.toUpperCase().replaceAll('-', '_')];
const bool = (v: string | undefined) => (v === undefined ? undefined : v === 'true' || v === '1');
const int = (v: string | undefined) => (v === undefined ? undefined : Number.parseInt(v, 10));

class UsageError extends Error {}

const print = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};

async function admin(config: Config, words: string[], opts: Opts): Promise<void> {
  const s = await createRuntime(config);
  try {
    const [noun, verb, id] = words;
    const key = `${noun} ${verb}`;
    switch (key) {
      case 'init ': {
        const r = await firstStart(s);
        process.stdout.write(r ? formatFirstStart(r, config.publicUrl) : 'Already initialised.\n');
        return;
      }
      case 'migrate ':
        process.stdout.write('Migrations applied.\n');
        return;
      case 'pool list':
        return print((await s.directory.listPools()).map(poolView));
      case 'pool create':
        return print(poolView(await s.directory.createPool(need(opts, 'name'))));
      case 'app list':
        return print((await s.directory.listApps(opt(opts, 'pool'))).map(appView));
      case 'app create': {
        const { app, secret } = await s.directory.createApp({
          poolId: need(opts, 'pool'),
          name: need(opts, 'name'),
          allowedOrigins: opt(opts, 'origins')?.split(',').filter(Boolean) ?? [],
          qr: {
            ...(opt(opts, 'browser-exchange') ? { allowExchangeUserInfoFromBrowser: true } : {}),
            ...(opt(opts, 'full-user-info') ? { returnFullUserInfo: true } : {}),
          },
        });
        return print({ ...appView(app), secret });
      }
      case 'app update': {
        if (!id) throw new UsageError('app update needs an app id');
        const qr: Record<string, unknown> = {};
        const be = bool(opt(opts, 'browser-exchange'));
        if (be !== undefined) qr.allowExchangeUserInfoFromBrowser = be;
        const fu = bool(opt(opts, 'full-user-info'));
        if (fu !== undefined) qr.returnFullUserInfo = fu;
        const qe = int(opt(opts, 'qrcode-expires'));
        if (qe !== undefined) qr.qrcodeExpiresAfter = qe;
        const te = int(opt(opts, 'ticket-expires'));
        if (te !== undefined) qr.ticketExpiresAfter = te;
        const patch: Parameters<typeof s.directory.updateApp>[1] = { qr };
        const name = opt(opts, 'name');
        if (name) patch.name = name;
        const origins = opt(opts, 'origins');
        if (origins !== undefined) patch.allowedOrigins = origins.split(',').filter(Boolean);
        return print(appView(await s.directory.updateApp(id, patch)));
      }
      case 'app rotate-secret': {
        if (!id) throw new UsageError('app rotate-secret needs an app id');
        const { app, secret } = await s.directory.rotateAppSecret(id);
        return print({ ...appView(app), secret });
      }
      case 'user list':
        return print((await s.directory.listUsers(need(opts, 'pool'))).map((u) => userView(u)));
      case 'user create':
        return print(
          userView(
            await s.directory.createUser({
              poolId: need(opts, 'pool'),
              username: opt(opts, 'username') ?? null,
              email: opt(opts, 'email') ?? null,
              phone: opt(opts, 'phone') ?? null,
              password: opt(opts, 'password') ?? null,
              nickname: opt(opts, 'nickname') ?? null,
              photo: opt(opts, 'photo') ?? null,
            }),
          ),
        );
      case 'user block':
      case 'user unblock':
        if (!id) throw new UsageError(`user ${verb} needs a user id`);
        return print(userView(await s.directory.updateUser(id, { blocked: verb === 'block' })));
      case 'user set-password':
        if (!id) throw new UsageError('user set-password needs a user id');
        return print(userView(await s.directory.updateUser(id, { password: need(opts, 'password') })));
      case 'user revoke-sessions': {
        if (!id) throw new UsageError('user revoke-sessions needs a user id');
        const user = (await s.directory.getUser(id)) ?? fail('NOT_FOUND');
        return print(await s.sessionTokens.endAll(user.id));
      }
      case 'keys rotate':
        return print({ kid: await s.keys.rotate() });
      case 'admin reset-token': {
        if (s.installation.adminTokenConfigured) {
          throw new UsageError('ADMIN_TOKEN is set in the configuration: change it there instead');
        }
        const token = await s.installation.newAdminToken();
        process.stdout.write(`New admin token (shown once): ${token}\n`);
        return;
      }
      default:
        throw new UsageError(`unknown command: ${words.join(' ')}`);
    }
  } finally {
    await s.close();
  }
}

/** Flags that stand alone (booleans); every other flag takes the next word as its value. */
const STANDALONE = new Set(['browser-exchange', 'full-user-info', 'help']);

/** Splits argv into command words and `--flag value` options (keyed like env vars). */
export function parseArgs(argv: string[]): { words: string[]; opts: Opts } {
  const words: string[] = [];
  const flagArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    flagArgs.push(a);
    const name = a.slice(2);
    if (name.includes('=')) continue;
    const next = argv[i + 1];
    // A standalone flag may still be given an explicit true/false (`--browser-exchange false`).
    const takesNext = STANDALONE.has(name)
      ? next === 'true' || next === 'false'
      : next !== undefined && !next.startsWith('--');
    flagArgs.push(takesNext ? argv[++i]! : 'true');
  }
  return { words, opts: flagsToEnv(flagArgs) };
}

async function main(argv: string[]): Promise<void> {
  const { words, opts } = parseArgs(argv);
  if (opts.HELP || words[0] === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig({ ...process.env, ...opts });
  const command = words[0] ?? 'serve';
  if (command === 'serve') return serveCommand(config);
  await admin(config, command === 'migrate' || command === 'init' ? [command, ''] : words, opts);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof UsageError) {
    process.stderr.write(`${err.message}\n\n${err instanceof UsageError ? HELP : ''}`);
    process.exit(2);
  }
  if (err instanceof ServiceError) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
