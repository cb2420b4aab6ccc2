import type { ErrorName } from '@scanlogin/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, StorageUnavailableError } from '../domain/errors.js';
import { type Detail, detail } from '../domain/messages.js';
import { errorEnvelope } from './envelope.js';
import { answerLang } from './lang.js';

/** Fastify's own request errors, mapped onto the registry. */
const fastifyCodes: Record<string, ErrorName> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Every error leaves here: in the envelope, in the request's language, never stored by a cache. */
function send(request: FastifyRequest, reply: FastifyReply, status: number, name: ErrorName, said?: Detail) {
  const lang = answerLang(request, reply);
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .send(errorEnvelope(name, lang, said));
}

/** The one renderer of errors: everything leaves in the envelope with a registry status. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ServiceError) {
      if (err.headers) reply.headers(err.headers);
      return send(request, reply, err.status, err.errorName, err.detail);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      const first = fe.validation[0];
      const path = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '';
      const params = (first?.params ?? {}) as Record<string, unknown>;
      const missing = typeof params['missingProperty'] === 'string' ? params['missingProperty'] : '';
      const field = [where, path, missing].filter(Boolean).join('.');
      const problem = {
        field,
        keyword: missing ? 'required' : (first?.keyword ?? ''),
        params,
        message: first?.message,
      };
      return send(request, reply, 400, 'INVALID_REQUEST', detail('invalidField', problem));
    }
    const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
    if (mapped)
      return send(
        request,
        reply,
        mapped === 'BODY_TOO_LARGE' ? 413 : mapped === 'UNSUPPORTED_MEDIA_TYPE' ? 415 : 400,
        mapped,
      );
    if (err instanceof SyntaxError) return send(request, reply, 400, 'INVALID_JSON');
    if (err instanceof StorageUnavailableError) {
      request.log.warn({ err: { message: err.message } }, 'storage unavailable');
      reply.header('retry-after', '2');
      return send(request, reply, 503, 'STORAGE_UNAVAILABLE');
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(
        request,
        reply,
        fe.statusCode === 413 ? 413 : 400,
        fe.statusCode === 413 ? 'BODY_TOO_LARGE' : 'INVALID_REQUEST',
        detail('badRequest', { text: fe.message }),
      );
    }
    request.log.error({ err }, 'unhandled error');
    return send(request, reply, 500, 'INTERNAL');
  });

  app.setNotFoundHandler((request, reply) => send(request, reply, 404, 'ROUTE_NOT_FOUND'));
}
