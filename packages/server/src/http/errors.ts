import { type ErrorName, errorMessage, type Lang } from '@scanlogin/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, StorageUnavailableError } from '../domain/errors.js';
import { type Detail, detail, sayDetail } from '../domain/messages.js';
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

/**
 * What an error becomes on the wire: a registry entry, its HTTP status, what it says beyond the
 * registry's message (put in words in the request's language by the renderer) and headers.
 */
export interface WireError {
  status: number;
  name: ErrorName;
  said?: Detail;
  headers?: Record<string, string>;
}

/** A wire error's message in `lang`: its detail, else the registry's message. */
export function wireMessage(e: WireError, lang: Lang): string {
  return e.said ? sayDetail(e.said, lang) : errorMessage(e.name, lang);
}

/**
 * Maps anything a request can throw onto the registry (logging what needs
 * a look: an outage as a warning, a bug as an error). Each route's renderer
 * then writes it in its own shape: the envelope, or GraphQL's errors.
 */
export function wireErrorOf(err: FastifyError | Error, request: FastifyRequest): WireError {
  if (err instanceof ServiceError) {
    return {
      status: err.status,
      name: err.errorName,
      ...(err.detail ? { said: err.detail } : {}),
      ...(err.headers ? { headers: err.headers } : {}),
    };
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
    return { status: 400, name: 'INVALID_REQUEST', said: detail('invalidField', problem) };
  }
  const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
  if (mapped) {
    return {
      status: mapped === 'BODY_TOO_LARGE' ? 413 : mapped === 'UNSUPPORTED_MEDIA_TYPE' ? 415 : 400,
      name: mapped,
    };
  }
  if (err instanceof SyntaxError) return { status: 400, name: 'INVALID_JSON' };
  if (err instanceof StorageUnavailableError) {
    request.log.warn({ err: { message: err.message } }, 'storage unavailable');
    return { status: 503, name: 'STORAGE_UNAVAILABLE', headers: { 'retry-after': '2' } };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const said = detail('badRequest', { text: fe.message });
    return fe.statusCode === 413
      ? { status: 413, name: 'BODY_TOO_LARGE', said }
      : { status: 400, name: 'INVALID_REQUEST', said };
  }
  request.log.error({ err }, 'unhandled error');
  return { status: 500, name: 'INTERNAL' };
}

/** The one renderer of errors: everything leaves in the envelope with a registry status. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const e = wireErrorOf(err, request);
    if (e.headers) reply.headers(e.headers);
    return send(request, reply, e.status, e.name, e.said);
  });

  app.setNotFoundHandler((request, reply) => send(request, reply, 404, 'ROUTE_NOT_FOUND'));
}
