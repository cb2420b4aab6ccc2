import { GraphqlLoginOperations, type GraphqlRequest, routes } from '@scanlogin/protocol';
import { Value } from '@sinclair/typebox/value';
import { ServiceError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { requestContextOf } from '../auth.js';
import {
  authingUser,
  GraphqlRequestError,
  graphqlError,
  graphqlRequestErrorHandler,
  type LoginOperation,
  parseLoginOperation,
  selectFields,
} from '../graphql.js';
import { answerLang } from '../lang.js';
import { operation, type TypedApp } from '../route.js';
import { poolOfRequest } from './pool-of-request.js';

/** The login's input from the variables, checked against the operation's schema. */
function loginInput(op: LoginOperation, variables: GraphqlRequest['variables']) {
  const { input: schema, account } = GraphqlLoginOperations[op.operation];
  const where = `variables.${op.variable}`;
  const input = variables?.[op.variable];
  if (input === undefined || input === null) {
    throw new GraphqlRequestError('INVALID_REQUEST', `${where} is required.`);
  }
  const first = Value.Errors(schema, input).First();
  if (first) {
    const path = first.path ? `${where}${first.path.replaceAll('/', '.')}` : where;
    throw new GraphqlRequestError('INVALID_REQUEST', `${path}: ${first.message}.`);
  }
  const valid = input as { password: string; autoRegister?: boolean | null } & Record<typeof account, string>;
  if (valid.autoRegister === true) {
    throw new GraphqlRequestError(
      'INVALID_REQUEST',
      'autoRegister is not supported: logging in never creates an account here.',
    );
  }
  return { account: valid[account], kind: account, password: valid.password };
}

/**
 * POST /graphql/v2: authing-js-sdk's own password login (`loginByUsername`,
 * `loginByEmail`, `loginByPhonePassword`). Not a GraphQL server: it reads the
 * one mutation the SDK sends (graphql.ts), checks its input, and runs the
 * same use case as POST /api/v2/login/account (AppSessionService.passwordLogin:
 * the same budgets and throttle, the same RSA decryption without a padding
 * oracle, the same refusal of blocked users, an app session of its own).
 *
 * Answers as GraphQL over HTTP does: a well-formed request gets 200 with
 * `data` and, when it failed, `errors`; each error carries the registry's
 * code and message both where authing-js-sdk reads them (`message.code`,
 * `message.message`) and in `extensions`. Retry-After comes along on a
 * throttled attempt.
 */
export default function graphqlLoginRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.graphqlLogin),
    errorHandler: graphqlRequestErrorHandler,
    handler: async (request, reply) => {
      let op: LoginOperation;
      let input: ReturnType<typeof loginInput>;
      try {
        op = parseLoginOperation(request.body.query, request.body.operationName);
        input = loginInput(op, request.body.variables);
      } catch (err) {
        if (!(err instanceof GraphqlRequestError)) throw err;
        return { errors: [graphqlError(err.errorName, err.message)] };
      }
      try {
        const { pool, appId } = await poolOfRequest(request, s, false);
        const user = await s.appSessions.passwordLogin({
          pool,
          appId,
          account: input.account,
          accountKind: input.kind,
          password: input.password,
          ip: request.ip,
          requestContext: requestContextOf(request),
        });
        return { data: { [op.key]: selectFields(authingUser(user), op.selections) } };
      } catch (err) {
        if (!(err instanceof ServiceError)) throw err;
        if (err.headers) reply.headers(err.headers);
        return {
          data: { [op.key]: null },
          errors: [graphqlError(err.errorName, err.messageIn(answerLang(request, reply)), [op.key])],
        };
      }
    },
  });
}
