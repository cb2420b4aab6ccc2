/**
 * The admin commands of the CLI, as one table: the words that name each one,
 * its options, its help line, and what it does through the domain services.
 * Options are checked before anything is opened (an unknown or malformed one
 * is a usage error), and what a command writes is validated against the same
 * protocol schemas as the management API's bodies, so the CLI accepts exactly
 * what `/api/admin/...` accepts.
 */
import {
  AuditQuery,
  CreateAppBody,
  CreatePoolBody,
  CreateUserBody,
  ListUsersQuery,
  UpdateAppBody,
  UpdatePoolBody,
  UpdateUserBody,
} from '@scanlogin/protocol';
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { firstStart, formatFirstStart } from '../bootstrap.js';
import { userView } from '../domain/directory/views.js';
import { fail } from '../domain/errors.js';
import type { AppRecord } from '../domain/ports.js';
import { appView, pickQr, poolView, securityOf } from '../http/routes/admin/views.js';
import { registrationOf, validateRegistration } from '../oidc/clients.js';
import type { Runtime } from '../services.js';

/** How an option's text becomes a value of the body. */
type Kind = 'text' | 'boolean' | 'integer' | 'list';

export interface OptionSpec {
  /** The field of the body (or query) it fills; the option's name is its flag. */
  field: string;
  kind: Kind;
  /** For the help line. */
  hint?: string;
  /** What a valid value is, for a range the schema writes as alternatives. */
  rule?: string;
}

export class UsageError extends Error {}

export interface CommandInput {
  /** The word after the command's words (an object id), when the command takes one. */
  id: string | undefined;
  /** The options given, converted and keyed by field. */
  values: Record<string, unknown>;
}

export interface Command {
  words: readonly string[];
  /** Names the id word the command takes after its words (`APP_ID`); none when absent. */
  id?: string;
  /** Options by flag name (without `--`). */
  options: Record<string, OptionSpec>;
  /** Options that must be given. */
  required?: readonly string[];
  /** The schema the options, as a body, must satisfy (the management API's). */
  schema?: TSchema;
  summary: string;
  run(s: Runtime, input: CommandInput, out: Output): Promise<void>;
}

export interface Output {
  json(v: unknown): void;
  text(line: string): void;
}

const text = (field: string, hint?: string): OptionSpec => ({
  field,
  kind: 'text',
  ...(hint ? { hint } : {}),
});
const boolean = (field: string): OptionSpec => ({ field, kind: 'boolean', hint: 'true|false' });
const integer = (field: string, hint = 'S'): OptionSpec => ({ field, kind: 'integer', hint });
const list = (field: string): OptionSpec => ({ field, kind: 'list', hint: 'a,b' });

const POOL_SECURITY = {
  proximity: text('proximityPolicy', 'allow|warn|step-up|deny'),
  'check-code': boolean('checkCode'),
  binding: boolean('requireBinding'),
  'rotate-every': { ...integer('rotateQrEvery'), rule: '0 (no rotation) or 10 to 3600 seconds' },
};

const APP_SETTINGS = {
  origins: list('allowedOrigins'),
  logo: text('logo', 'URL'),
  'browser-exchange': boolean('allowExchangeUserInfoFromBrowser'),
  'full-user-info': boolean('returnFullUserInfo'),
  'qrcode-expires': integer('qrcodeExpiresAfter'),
  'ticket-expires': integer('ticketExpiresAfter'),
  // OpenID Connect: the app is a client (client id = app id, secret = app secret).
  'redirect-uris': list('redirectUris'),
  'post-logout-uris': list('postLogoutRedirectUris'),
  'public-client': boolean('publicClient'),
};

const USER_FIELDS = {
  username: text('username', 'U'),
  email: text('email', 'E'),
  phone: text('phone', 'P'),
  password: text('password', 'P'),
  nickname: text('nickname', 'N'),
  photo: text('photo', 'URL'),
};

/** Flags that may stand alone, meaning true (`--browser-exchange`); they also take `true`/`false`. */
export const STANDALONE_KINDS: readonly Kind[] = ['boolean'];

/** The id word (commandInput has checked that a command taking one got it). */
const need = (id: string | undefined): string => {
  if (id === undefined) throw new UsageError('an id is required');
  return id;
};

/** The user pool's audit log is paged by time; the query keeps the wire's string form. */
function auditQuery(v: Record<string, unknown>) {
  return {
    poolId: v.userPoolId as string,
    limit: Math.min(Number(v.limit ?? 100), 500),
    before: typeof v.before === 'string' ? Date.parse(v.before) : undefined,
  };
}

/** An app as the CLI prints it: the admin API's view, with its OpenID Connect registration. */
async function withRegistration(s: Runtime, app: AppRecord) {
  return { ...appView(app), ...(await s.oidc.clients.get(app.id)) };
}

export const COMMANDS: readonly Command[] = [
  {
    words: ['init'],
    options: {},
    summary: 'create the default pool, demo data and admin token, then exit',
    async run(s, _input, out) {
      const r = await firstStart(s);
      out.text(r ? formatFirstStart(r, s.config.publicUrl) : 'Already initialised.\n');
    },
  },
  {
    words: ['migrate'],
    options: {},
    summary: 'apply database migrations and exit',
    async run(_s, _input, out) {
      out.text('Migrations applied.\n');
    },
  },
  {
    words: ['pool', 'list'],
    options: {},
    summary: 'every user pool with its security settings',
    async run(s, _input, out) {
      out.json((await s.directory.listPools()).map(poolView));
    },
  },
  {
    words: ['pool', 'create'],
    options: { name: text('name', 'N'), ...POOL_SECURITY },
    required: ['name'],
    schema: CreatePoolBody,
    summary: 'a new user pool',
    async run(s, { values }, out) {
      out.json(poolView(await s.directory.createPool(values.name as string, securityOf(values))));
    },
  },
  {
    words: ['pool', 'update'],
    id: 'POOL_ID',
    options: { name: text('name', 'N'), ...POOL_SECURITY },
    schema: UpdatePoolBody,
    summary: "change a pool's name or security settings (the others stay)",
    async run(s, { id, values }, out) {
      const patch: { name?: string; security: ReturnType<typeof securityOf> } = {
        security: securityOf(values),
      };
      if (typeof values.name === 'string') patch.name = values.name;
      out.json(poolView(await s.directory.updatePool(need(id), patch)));
    },
  },
  {
    words: ['app', 'list'],
    options: { pool: text('userPoolId', 'ID') },
    summary: 'every application, or those of one pool (secrets are never listed)',
    async run(s, { values }, out) {
      const apps = await s.directory.listApps(values.userPoolId as string | undefined);
      out.json(await Promise.all(apps.map((a) => withRegistration(s, a))));
    },
  },
  {
    words: ['app', 'create'],
    options: { pool: text('userPoolId', 'ID'), name: text('name', 'N'), ...APP_SETTINGS },
    required: ['pool', 'name'],
    schema: CreateAppBody,
    summary: 'a new application; its secret is printed now and never again',
    async run(s, { values }, out) {
      const registration = registrationOf(values);
      if (registration) validateRegistration(registration);
      const { app, secret } = await s.directory.createApp({
        poolId: values.userPoolId as string,
        name: values.name as string,
        logo: (values.logo as string | undefined) ?? null,
        allowedOrigins: (values.allowedOrigins as string[] | undefined) ?? [],
        qr: pickQr(values),
      });
      if (registration) await s.oidc.clients.update(app.id, registration);
      out.json({ ...(await withRegistration(s, app)), secret });
    },
  },
  {
    words: ['app', 'update'],
    id: 'APP_ID',
    options: { name: text('name', 'N'), ...APP_SETTINGS },
    schema: UpdateAppBody,
    summary: "change an application's fields (the others stay)",
    async run(s, { id, values }, out) {
      const patch: Parameters<typeof s.directory.updateApp>[1] = { qr: pickQr(values) };
      if (typeof values.name === 'string') patch.name = values.name;
      if (values.logo !== undefined) patch.logo = values.logo as string;
      if (values.allowedOrigins !== undefined) patch.allowedOrigins = values.allowedOrigins as string[];
      const registration = registrationOf(values);
      if (registration) validateRegistration(registration);
      const app = await s.directory.updateApp(need(id), patch);
      if (registration) await s.oidc.clients.update(app.id, registration);
      out.json(await withRegistration(s, app));
    },
  },
  {
    words: ['app', 'rotate-secret'],
    id: 'APP_ID',
    options: {},
    summary: "replace an application's secret and print the new one",
    async run(s, { id }, out) {
      const { app, secret } = await s.directory.rotateAppSecret(need(id));
      out.json({ ...appView(app), secret });
    },
  },
  {
    words: ['app', 'delete'],
    id: 'APP_ID',
    options: {},
    summary: 'delete an application',
    async run(s, { id }, out) {
      await s.directory.deleteApp(need(id));
      await s.oidc.clients.remove(need(id));
      out.json({ deleted: id });
    },
  },
  {
    words: ['user', 'list'],
    options: { pool: text('userPoolId', 'ID'), limit: text('limit', 'N'), offset: text('offset', 'N') },
    required: ['pool'],
    schema: ListUsersQuery,
    summary: "a pool's users, paged (at most 1000 at a time; default 100)",
    async run(s, { values }, out) {
      const users = await s.directory.listUsers(values.userPoolId as string, {
        limit: Math.min(Number(values.limit ?? 100), 1000),
        offset: Number(values.offset ?? 0),
      });
      out.json(users.map((u) => userView(u)));
    },
  },
  {
    words: ['user', 'get'],
    id: 'USER_ID',
    options: {},
    summary: 'one user',
    async run(s, { id }, out) {
      out.json(userView((await s.directory.getUser(need(id))) ?? fail('NOT_FOUND')));
    },
  },
  {
    words: ['user', 'create'],
    options: { pool: text('userPoolId', 'ID'), ...USER_FIELDS },
    required: ['pool'],
    schema: CreateUserBody,
    summary: 'a user of a pool, with a username, an email or a phone',
    async run(s, { values }, out) {
      const v = values as Record<string, string | undefined>;
      out.json(
        userView(
          await s.directory.createUser({
            poolId: v.userPoolId as string,
            username: v.username ?? null,
            email: v.email ?? null,
            phone: v.phone ?? null,
            password: v.password ?? null,
            nickname: v.nickname ?? null,
            photo: v.photo ?? null,
          }),
        ),
      );
    },
  },
  {
    words: ['user', 'block'],
    id: 'USER_ID',
    options: {},
    summary: 'refuse the user every login and token',
    async run(s, { id }, out) {
      out.json(userView(await s.directory.updateUser(need(id), { blocked: true })));
    },
  },
  {
    words: ['user', 'unblock'],
    id: 'USER_ID',
    options: {},
    summary: 'let a blocked user in again',
    async run(s, { id }, out) {
      out.json(userView(await s.directory.updateUser(need(id), { blocked: false })));
    },
  },
  {
    words: ['user', 'set-password'],
    id: 'USER_ID',
    options: { password: text('password', 'P') },
    required: ['password'],
    schema: UpdateUserBody,
    summary: "replace the user's password",
    async run(s, { id, values }, out) {
      out.json(userView(await s.directory.updateUser(need(id), { password: values.password as string })));
    },
  },
  {
    words: ['user', 'delete'],
    id: 'USER_ID',
    options: {},
    summary: 'delete a user',
    async run(s, { id }, out) {
      await s.directory.deleteUser(need(id));
      out.json({ deleted: id });
    },
  },
  {
    words: ['user', 'sessions'],
    id: 'USER_ID',
    options: {},
    summary: 'the websites the user is signed in to through QR logins',
    async run(s, { id }, out) {
      const user = (await s.directory.getUser(need(id))) ?? fail('NOT_FOUND');
      out.json(await s.webSessions.list(user.id));
    },
  },
  {
    words: ['user', 'sign-out'],
    id: 'USER_ID',
    options: {},
    summary: "revoke all of the user's web sessions (sign out of every website)",
    async run(s, { id }, out) {
      const user = (await s.directory.getUser(need(id))) ?? fail('NOT_FOUND');
      out.json({ revoked: await s.webSessions.revokeAll(user.id) });
    },
  },
  {
    words: ['audit'],
    options: {
      pool: text('userPoolId', 'ID'),
      limit: text('limit', 'N'),
      before: text('before', 'ISO-TIME'),
    },
    required: ['pool'],
    schema: AuditQuery,
    summary: "a pool's QR login audit log, newest first (at most 500; page back with --before)",
    async run(s, { values }, out) {
      const q = auditQuery(values);
      out.json(await s.qr.poolAudit(q.poolId, q.limit, q.before));
    },
  },
  {
    words: ['keys', 'rotate'],
    options: {},
    summary: 'sign new tokens with a fresh key',
    async run(s, _input, out) {
      out.json({ kid: await s.keys.rotate() });
    },
  },
  {
    words: ['admin', 'reset-token'],
    options: {},
    summary: 'replace the admin credential and print it',
    async run(s, _input, out) {
      if (s.installation.adminTokenConfigured) {
        throw new UsageError('ADMIN_TOKEN is set in the configuration: change it there instead');
      }
      out.text(`New admin token (shown once): ${await s.installation.newAdminToken()}\n`);
    },
  },
];

/** The command named by the first words of `words`, and the words left after it. */
export function findCommand(words: readonly string[]): { command: Command; rest: string[] } | null {
  // Longest match first: `pool list` before a one-word command.
  for (const command of [...COMMANDS].sort((a, b) => b.words.length - a.words.length)) {
    if (command.words.every((w, i) => words[i] === w)) {
      return { command, rest: words.slice(command.words.length) };
    }
  }
  return null;
}

/** One help line per command, from the table. */
export function commandHelp(): string {
  const lines = COMMANDS.map((c) => {
    const opts = Object.entries(c.options).map(([name, o]) => {
      const flag = `--${name} ${o.hint ?? 'V'}`;
      return c.required?.includes(name) ? flag : `[${flag}]`;
    });
    return { usage: [...c.words, ...(c.id ? [c.id] : []), ...opts].join(' '), summary: c.summary };
  });
  return lines.map((l) => `  ${l.usage}\n      ${l.summary}`).join('\n');
}

// ajv-formats is CommonJS whose default export TypeScript sees as the module under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// As the HTTP layer validates (see http/app.ts): no coercion, nothing removed.
const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, allErrors: false, strict: false });
addFormats(ajv);

/** Converts the options' text and checks them as the management API checks its bodies. */
export function commandInput(command: Command, rest: string[], flags: Record<string, string>): CommandInput {
  const label = command.words.join(' ');
  if (command.id && rest.length === 0) throw new UsageError(`${label} needs ${command.id}`);
  const extra = rest.slice(command.id ? 1 : 0);
  if (extra.length > 0) throw new UsageError(`${label}: unexpected ${JSON.stringify(extra.join(' '))}`);
  for (const name of command.required ?? []) {
    if (flags[name] === undefined) throw new UsageError(`${label}: --${name} is required`);
  }
  const values: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const [name, raw] of Object.entries(flags)) {
    const spec = command.options[name];
    if (!spec) continue; // a setting of the service, read by the configuration
    flagOf[spec.field] = name;
    values[spec.field] = convert(name, spec, raw);
  }
  if (command.schema) {
    const validate = ajv.compile(command.schema);
    if (!validate(values)) throw new UsageError(describe(command, validate.errors?.[0], flagOf, label));
  }
  return { id: command.id ? rest[0] : undefined, values };
}

function convert(name: string, spec: OptionSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'boolean':
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      throw new UsageError(`--${name} takes true or false, not ${JSON.stringify(raw)}`);
    case 'integer':
      if (!/^-?\d{1,9}$/.test(raw))
        throw new UsageError(`--${name} takes a whole number, not ${JSON.stringify(raw)}`);
      return Number(raw);
    case 'list':
      return raw
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    case 'text':
      return raw;
  }
}

/** Ajv's first complaint, said about the option rather than the body field. */
function describe(
  command: Command,
  e: ErrorObject | undefined,
  flagOf: Record<string, string>,
  label: string,
): string {
  if (!e) return `${label}: invalid options`;
  const field = e.instancePath.split('/')[1] ?? '';
  const name = flagOf[field];
  const flag = name ? `--${name}` : field || 'the options';
  const rule = name ? command.options[name]?.rule : undefined;
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  // A range written as alternatives (`anyOf`) reads better as the option's own rule.
  const detail = allowed
    ? `must be one of ${allowed.join(', ')}`
    : (e.keyword === 'const' || e.keyword === 'anyOf') && rule
      ? `must be ${rule}`
      : (e.message ?? 'is invalid');
  return `${label}: ${flag} ${detail}`;
}
