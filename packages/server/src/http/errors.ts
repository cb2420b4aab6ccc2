import type { ErrorName } from '@scanlogin/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, StorageUnavailableError } from '../domain/errors.js';
import { errorEnvelope } from './envelope.js';

/** Fastify's own request errors, mapped onto the registry. */
const fastifyCodes: Record<string, ErrorName> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

function send(reply: FastifyReply, status: number, name: ErrorName, message?: string) {
  reply.code(status).header('cache-control', 'no-store').send(errorEnvelope(name, message));
}

/** The one renderer of errors: everything leaves in the envelope with a registry status. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ServiceError) {
      if (err.headers) reply.headers(err.headers);
      return send(reply, err.status, err.errorName, err.message);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      const first = fe.validation[0];
      const path = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '';
      const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
      const field = [where, path, missing].filter(Boolean).join('.');
      const message = missing ? `${field} is required.` : `${field} ${first?.message ?? 'is invalid'}.`;
      return send(reply, 400, 'INVALID_REQUEST', message);
    }
    const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
    if (mapped)
      return send(
        reply,
        mapped === 'BODY_TOO_LARGE' ? 413 : mapped === 'UNSUPPORTED_MEDIA_TYPE' ? 415 : 400,
        mapped,
      );
    if (err instanceof SyntaxError) return send(reply, 400, 'INVALID_JSON');
    if (err instanceof StorageUnavailableError) {
      request.log.warn({ err: { message: err.message } }, 'storage unavailable');
      reply.header('retry-after', '2');
      return send(reply, 503, 'STORAGE_UNAVAILABLE');
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(
        reply,
        fe.statusCode === 413 ? 413 : 400,
        fe.statusCode === 413 ? 'BODY_TOO_LARGE' : 'INVALID_REQUEST',
        fe.message,
      );
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, 500, 'INTERNAL');
  });

  app.setNotFoundHandler((_request, reply) => send(reply, 404, 'ROUTE_NOT_FOUND'));
}
