/**
 * `POST /graphql/v2`: the login mutations authing-js-sdk sends (`loginByUsername`,
 * `loginByEmail`, `loginByPhonePassword`), and the answers it reads. Not a
 * GraphQL server: the endpoint knows these three operations and nothing else.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ErrorCodes, type ErrorName } from '../errors.js';
import { JsonObject, Nullable } from './common.js';

/** What authing-js-sdk posts (GraphQL over HTTP, JSON); unknown members are ignored. */
export const GraphqlRequest = Type.Object(
  {
    query: Type.String({
      minLength: 1,
      maxLength: 8192,
      description:
        'The GraphQL document: one `mutation` of `loginByUsername`, `loginByEmail` or `loginByPhonePassword` taking its input from a variable, as authing-js-sdk writes it.',
    }),
    variables: Type.Optional(Nullable(JsonObject('The variables; the login input under its name.'))),
    operationName: Type.Optional(Nullable(Type.String({ maxLength: 128 }))),
  },
  {
    examples: [
      {
        query:
          'mutation loginByUsername($input: LoginByUsernameInput!) { loginByUsername(input: $input) { id username token tokenExpiredAt } }',
        variables: {
          input: {
            username: 'alice',
            password: '<RSA-encrypted with the pool key, base64>',
            autoRegister: false,
            params: null,
            context: null,
          },
        },
      },
    ],
  },
);
export type GraphqlRequest = Static<typeof GraphqlRequest>;

const passwordInput = {
  password: Type.String({
    minLength: 1,
    maxLength: 1024,
    description:
      "RSA-encrypted (PKCS#1 v1.5, base64) with the pool's `publicKey` from `GET /api/v2/.well-known`, as the SDK sends it; a plain password is accepted too.",
  }),
  captchaCode: Type.Optional(Nullable(Type.String({ maxLength: 256, description: 'Ignored.' }))),
  autoRegister: Type.Optional(
    Nullable(Type.Boolean({ description: 'Must not be true: logging in never creates an account here.' })),
  ),
  clientIp: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 256,
        description: 'Ignored: the address budgets use is the one the service sees (see TRUST_PROXY).',
      }),
    ),
  ),
  params: Type.Optional(Nullable(Type.String({ maxLength: 4096, description: 'Ignored.' }))),
  context: Type.Optional(Nullable(Type.String({ maxLength: 4096, description: 'Ignored.' }))),
};

const account = (description: string) => Type.String({ minLength: 1, maxLength: 320, description });

/** `variables.input` of `loginByUsername`. */
export const LoginByUsernameInput = Type.Object(
  { username: account('The username (any case).'), ...passwordInput },
  { title: 'LoginByUsernameInput' },
);
/** `variables.input` of `loginByEmail`. */
export const LoginByEmailInput = Type.Object(
  { email: account('The e-mail address.'), ...passwordInput },
  { title: 'LoginByEmailInput' },
);
/** `variables.input` of `loginByPhonePassword`. */
export const LoginByPhonePasswordInput = Type.Object(
  { phone: account('The phone number, as stored.'), ...passwordInput },
  { title: 'LoginByPhonePasswordInput' },
);

/**
 * The login mutations: the root field, the input type its variable must be
 * declared with, the schema of that input, and which of its members names the account.
 */
export const GraphqlLoginOperations = {
  loginByUsername: { inputType: 'LoginByUsernameInput', input: LoginByUsernameInput, account: 'username' },
  loginByEmail: { inputType: 'LoginByEmailInput', input: LoginByEmailInput, account: 'email' },
  loginByPhonePassword: {
    inputType: 'LoginByPhonePasswordInput',
    input: LoginByPhonePasswordInput,
    account: 'phone',
  },
} as const;
export type GraphqlLoginOperation = keyof typeof GraphqlLoginOperations;

/** One GraphQL error, in the form authing-js-sdk reads: `{code, message, data}` from `message`. */
const graphqlError = (names: readonly ErrorName[]) => {
  const codes = Type.Integer({
    enum: names.map((n) => ErrorCodes[n].code),
    description: names.map((n) => `${ErrorCodes[n].code} ${n}: ${ErrorCodes[n].message}`).join('\n'),
  });
  return Type.Object(
    {
      message: Type.Object(
        { code: codes, message: Type.String(), data: Type.Null() },
        {
          description:
            "An object rather than GraphQL's usual string: authing-js-sdk throws `{code, message, data}` taken from it, as Authing's service writes it.",
        },
      ),
      path: Type.Optional(Type.Array(Type.String(), { description: 'The field that failed.' })),
      extensions: Type.Object(
        { code: codes, name: Type.String({ description: 'The registry name of `code`.' }) },
        { description: 'The same code for GraphQL clients that read `extensions`.' },
      ),
    },
    { title: 'GraphqlError' },
  );
};

/**
 * The answer to a well-formed request, always HTTP 200 (GraphQL over HTTP):
 * `data.<field>` is the user with an app token (only the fields the document
 * selects), or null with `errors` saying why.
 */
export function graphqlResponseOf(names: readonly ErrorName[]): TSchema {
  return Type.Object(
    {
      data: Type.Optional(
        Nullable(
          Type.Record(Type.String(), Nullable(Type.Record(Type.String(), Type.Unknown())), {
            description:
              "The mutation's field (or its alias): the user in Authing's field names, with `token` (an app token) and `tokenExpiredAt`, or null after an error.",
          }),
        ),
      ),
      errors: Type.Optional(Type.Array(graphqlError(names))),
    },
    {
      title: 'GraphqlResponse',
      description: 'GraphQL over HTTP: `data`, and `errors` when something failed.',
    },
  );
}

/** A request that is not even a GraphQL request (HTTP 4xx), or a failure of the service (5xx). */
export function graphqlErrorsOf(names: readonly ErrorName[]): TSchema {
  return Type.Object(
    { errors: Type.Array(graphqlError(names), { minItems: 1, maxItems: 1 }) },
    {
      title: 'GraphqlRequestError',
      description: names.map((n) => `${ErrorCodes[n].code} ${n}`).join(', '),
    },
  );
}
