/**
 * Just enough GraphQL for authing-js-sdk's password login, and nothing more:
 * the SDK posts one mutation (`loginByUsername`, `loginByEmail` or
 * `loginByPhonePassword`) whose input comes from a variable, selecting fields
 * of Authing's user. This reads exactly that shape (with the liberties
 * GraphQL's grammar gives it: whitespace, commas, comments, aliases, an
 * anonymous or named operation) and refuses everything else with a GraphQL
 * error: queries, subscriptions, fragments, directives, literal arguments,
 * several operations. The answer holds the fields the document selected, in
 * its order, under its aliases.
 */
import {
  ErrorCodes,
  type ErrorName,
  type GraphqlLoginOperation,
  GraphqlLoginOperations,
} from '@scanlogin/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { UserWithTokenView } from '../domain/directory/views.js';
import { wireErrorOf, wireMessage } from './errors.js';
import { answerLang } from './lang.js';

/** A request that cannot be answered at all (GraphQL's "request error"): no `data` in the answer. */
export class GraphqlRequestError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'GraphqlRequestError';
  }
}

const unsupported = (why: string): never => {
  throw new GraphqlRequestError(
    'UNSUPPORTED_OPERATION',
    `${ErrorCodes.UNSUPPORTED_OPERATION.message} ${why}`,
  );
};

/** One selected field: the key it is answered under (its alias, else its name) and its own selection. */
export interface FieldSelection {
  key: string;
  name: string;
  selections: FieldSelection[] | null;
}

/** The login the document asks for. */
export interface LoginOperation {
  operation: GraphqlLoginOperation;
  /** The key of the answer's one field (the alias, else the operation's name). */
  key: string;
  /** The variable holding the input. */
  variable: string;
  selections: FieldSelection[];
}

/** The most fields a document may select (the SDK's selects about 60) and how deep. */
const MAX_FIELDS = 500;
const MAX_DEPTH = 4;

type Token = { kind: 'name'; value: string } | { kind: 'punct'; value: string };

const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;
const PUNCT = new Set(['!', '$', '(', ')', ':', '=', '@', '[', ']', '{', '}', '|', '&']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    // Insignificant: white space, line ends, commas, the byte order mark, comments.
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
      continue;
    }
    if (source.startsWith('...', i)) unsupported('Fragments are not supported.');
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', value: c });
      i++;
      continue;
    }
    NAME.lastIndex = i;
    const m = NAME.exec(source);
    if (m) {
      tokens.push({ kind: 'name', value: m[0] });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === '-' || (c >= '0' && c <= '9')) {
      unsupported('Pass the input in `variables`, not as a literal argument.');
    }
    throw new GraphqlRequestError('INVALID_REQUEST', `The query is not valid GraphQL: unexpected "${c}".`);
  }
  return tokens;
}

/** A cursor over the tokens, with the expectations the grammar below needs. */
class Reader {
  #at = 0;
  #fields = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.#at];
  }
  atEnd(): boolean {
    return this.#at >= this.tokens.length;
  }
  isPunct(value: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.value === value;
  }
  punct(value: string): void {
    const t = this.tokens[this.#at++];
    if (t?.kind !== 'punct' || t.value !== value) syntax(`expected "${value}"`, t);
  }
  name(): string {
    const t = this.tokens[this.#at++];
    if (t?.kind !== 'name') return syntax('expected a name', t);
    return t.value;
  }
  /** Counts a selected field against the limit. */
  field(): void {
    if (++this.#fields > MAX_FIELDS) unsupported(`A document selects at most ${MAX_FIELDS} fields.`);
  }
}

function syntax(what: string, got: Token | undefined): never {
  const found = got ? `"${got.value}"` : 'the end';
  throw new GraphqlRequestError(
    'INVALID_REQUEST',
    `The query is not valid GraphQL: ${what}, found ${found}.`,
  );
}

/** `{ field, alias: field, field { ... } }`: names only, no arguments or directives below the root. */
function selectionSet(r: Reader, depth: number): FieldSelection[] {
  if (depth > MAX_DEPTH) unsupported(`Selections nest at most ${MAX_DEPTH} levels deep.`);
  r.punct('{');
  const out: FieldSelection[] = [];
  do {
    r.field();
    const key = r.name();
    let name = key;
    if (r.isPunct(':')) {
      r.punct(':');
      name = r.name();
    }
    if (r.isPunct('(')) unsupported(`The field "${name}" takes no arguments.`);
    if (r.isPunct('@')) unsupported('Directives are not supported.');
    const selections = r.isPunct('{') ? selectionSet(r, depth + 1) : null;
    out.push({ key, name, selections });
  } while (!r.isPunct('}'));
  r.punct('}');
  return out;
}

/** `($input: LoginByUsernameInput!)`: the variables an operation declares, with their types. */
function variableDefinitions(r: Reader): Map<string, string> {
  const vars = new Map<string, string>();
  if (!r.isPunct('(')) return vars;
  r.punct('(');
  do {
    r.punct('$');
    const name = r.name();
    r.punct(':');
    if (r.isPunct('[')) unsupported('List variables are not supported.');
    let type = r.name();
    if (r.isPunct('!')) {
      r.punct('!');
      type += '!';
    }
    if (r.isPunct('=')) unsupported('Default values are not supported.');
    if (r.isPunct('@')) unsupported('Directives are not supported.');
    if (vars.has(name)) syntax(`the variable $${name} is declared twice`, r.peek());
    vars.set(name, type);
  } while (!r.isPunct(')'));
  r.punct(')');
  return vars;
}

/**
 * Reads the login a document asks for. Throws GraphqlRequestError for
 * anything that is not one of the three login mutations, written as the SDK
 * writes them.
 */
export function parseLoginOperation(query: string, operationName?: string | null): LoginOperation {
  const r = new Reader(tokenize(query));
  if (r.atEnd()) throw new GraphqlRequestError('INVALID_REQUEST', 'The query is empty.');
  if (r.isPunct('{')) unsupported('Queries are not supported; send one of the login mutations.');
  const kind = r.name();
  if (kind !== 'mutation') {
    if (kind === 'query' || kind === 'subscription') {
      unsupported(`A ${kind} is not supported; send one of the login mutations.`);
    }
    unsupported(`"${kind}" definitions are not supported; send one of the login mutations.`);
  }
  const name = r.peek()?.kind === 'name' ? r.name() : null;
  if (operationName && operationName !== name) {
    throw new GraphqlRequestError(
      'INVALID_REQUEST',
      `The document has no operation named "${operationName}".`,
    );
  }
  const vars = variableDefinitions(r);
  if (r.isPunct('@')) unsupported('Directives are not supported.');

  r.punct('{');
  r.field();
  const key = r.name();
  let field = key;
  if (r.isPunct(':')) {
    r.punct(':');
    field = r.name();
  }
  if (!Object.hasOwn(GraphqlLoginOperations, field)) {
    unsupported(`"${field}" is not one of them: ${Object.keys(GraphqlLoginOperations).join(', ')}.`);
  }
  const known = GraphqlLoginOperations[field as GraphqlLoginOperation];
  // `(input: $input)`: the input comes from a variable, declared with the operation's input type.
  r.punct('(');
  const argument = r.name();
  if (argument !== 'input') unsupported(`${field} takes one argument, "input".`);
  r.punct(':');
  if (!r.isPunct('$')) unsupported('Pass the input in `variables`, not as a literal argument.');
  r.punct('$');
  const variable = r.name();
  r.punct(')');
  const declared = vars.get(variable);
  if (declared === undefined) syntax(`the variable $${variable} is not declared`, r.peek());
  if (declared !== known.inputType && declared !== `${known.inputType}!`) {
    throw new GraphqlRequestError(
      'INVALID_REQUEST',
      `The variable $${variable} must be declared as ${known.inputType}!, not ${declared}.`,
    );
  }
  if (vars.size > 1) unsupported('Declare only the input variable.');
  if (r.isPunct('@')) unsupported('Directives are not supported.');
  const selections = selectionSet(r, 2);
  if (!r.isPunct('}')) unsupported('One mutation field per request.');
  r.punct('}');
  if (!r.atEnd()) unsupported('One operation per request.');
  return { operation: field as GraphqlLoginOperation, key, variable, selections };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Authing's user as its SDK's login documents select it: our user under the
 * names they share, and the other fields of Authing's type with the values
 * that say "not kept here" (null, false, an empty list). `customData` is
 * Authing's list of typed entries, which the SDK turns back into an object.
 */
export function authingUser(u: UserWithTokenView): Record<string, Json> {
  return {
    id: u.id,
    arn: null,
    status: 'Activated',
    userPoolId: u.userPoolId,
    username: u.username,
    email: u.email,
    emailVerified: false,
    phone: u.phone,
    phoneVerified: false,
    unionid: null,
    openid: null,
    nickname: u.nickname,
    registerSource: [],
    photo: u.photo,
    // Never a password, not even its hash.
    password: null,
    oauth: null,
    token: u.token,
    tokenExpiredAt: u.tokenExpiredAt,
    loginsCount: null,
    lastLogin: null,
    lastIP: null,
    signedUp: u.createdAt,
    blocked: u.blocked,
    isDeleted: false,
    device: null,
    browser: null,
    company: null,
    name: null,
    givenName: null,
    familyName: null,
    middleName: null,
    profile: null,
    preferredUsername: null,
    website: null,
    gender: null,
    birthdate: null,
    zoneinfo: null,
    locale: null,
    address: null,
    formatted: null,
    streetAddress: null,
    locality: null,
    region: null,
    postalCode: null,
    city: null,
    province: null,
    country: null,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    externalId: null,
    phoneCountryCode: null,
    newlyCreated: false,
    customData: Object.entries(u.customData).map(([key, value]) => ({ key, label: null, ...typed(value) })),
    __typename: 'User',
  };
}

/** One custom value in Authing's typed form (the SDK parses NUMBER, BOOLEAN and OBJECT back). */
function typed(value: unknown): { dataType: string; value: Json } {
  if (typeof value === 'string') return { dataType: 'STRING', value };
  if (typeof value === 'number') return { dataType: 'NUMBER', value: JSON.stringify(value) };
  if (typeof value === 'boolean') return { dataType: 'BOOLEAN', value: String(value) };
  if (value === null || value === undefined) return { dataType: 'STRING', value: null };
  return { dataType: 'OBJECT', value: JSON.stringify(value) };
}

const isRecord = (v: unknown): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields a selection asks for, in its order and under its keys. A field
 * unknown here answers null (Authing's user has more fields than we keep, and
 * other SDK versions select other ones); an object asked for without a
 * selection of its own, or a plain value asked for with one, answers null too.
 */
export function selectFields(
  value: Record<string, Json>,
  selections: FieldSelection[],
): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const f of selections) {
    const v = Object.hasOwn(value, f.name) ? value[f.name]! : null;
    if (f.selections === null) {
      const composite = isRecord(v) || (Array.isArray(v) && v.some(isRecord));
      out[f.key] = composite ? null : v;
      continue;
    }
    const sub = f.selections;
    if (Array.isArray(v)) out[f.key] = v.map((item) => (isRecord(item) ? selectFields(item, sub) : null));
    else out[f.key] = isRecord(v) ? selectFields(v, sub) : null;
  }
  return out;
}

/** One GraphQL error as authing-js-sdk reads it (`{code, message, data}` from `message`), with `extensions` too. */
export function graphqlError(name: ErrorName, message?: string, path?: string[]) {
  const { code } = ErrorCodes[name];
  return {
    message: { code, message: message ?? ErrorCodes[name].message, data: null },
    ...(path ? { path } : {}),
    extensions: { code, name },
  };
}

/**
 * The error handler of the GraphQL route: anything that stops a request
 * before its operation runs (a body that is not JSON, too large, of the
 * wrong type, without a `query` string), or a failure of the service itself,
 * in GraphQL's shape with the status the registry gives it. Never the
 * envelope: authing-js-sdk reads `errors`.
 */
export function graphqlRequestErrorHandler(
  err: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const e = wireErrorOf(err, request);
  if (e.headers) reply.headers(e.headers);
  return reply
    .code(e.status)
    .header('cache-control', 'no-store')
    .send({ errors: [graphqlError(e.name, wireMessage(e, answerLang(request, reply)))] });
}
