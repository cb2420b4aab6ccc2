/**
 * How a route file registers its operation: everything but the handler comes
 * from the protocol's route table (packages/protocol/src/routes.ts), the one
 * description of the wire. Its schemas validate the input, serialize every
 * answer (success and error envelopes alike), type the handler through the
 * TypeBox type provider, and make the OpenAPI document.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AnyRoute } from '@scanlogin/protocol';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RawServerDefault,
} from 'fastify';
import { PUBLIC_CORS } from './cors.js';

/** The Fastify instance routes are registered on: its handlers take their types from the schemas. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse<IncomingMessage>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A route of the table whose body may be left out: validated as `{}`, as the vendor's SDK expects. */
function absentBodyIsEmpty(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  request.body ??= {};
  done();
}

/** The options of `app.route` that the table gives for operation `r` (add the handler). */
export function operation<R extends AnyRoute>(r: R) {
  return {
    method: r.method,
    url: r.url,
    schema: r.schema as R['schema'],
    config: { [PUBLIC_CORS]: r.publicCors },
    ...(r.bodyOptional ? { preValidation: absentBodyIsEmpty } : {}),
  };
}
