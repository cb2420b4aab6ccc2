import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail, ServiceError } from '../../../domain/errors.js';
import { messagePage, PAGE_HEADERS } from '../../../oidc/pages.js';
import type { Services } from '../../../services.js';
import { headerValue } from '../../auth.js';

export const uidParams = {
  type: 'object',
  properties: { uid: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['uid'],
} as const;

export type UidParams = { Params: { uid: string } };

/**
 * The interaction's calls come from our own sign-in page only. The
 * interaction cookie is SameSite=Lax and these are JSON POSTs, so another
 * site cannot make them; an Origin other than ours is refused anyway.
 */
export function assertFromSignInPage(request: FastifyRequest, s: Services): void {
  const origin = headerValue(request, 'origin');
  if (origin !== undefined && origin !== s.oidc.issuerOrigin) fail('ORIGIN_NOT_ALLOWED');
}

/** The open login interaction of this browser (its cookie), or SIGN_IN_EXPIRED. */
export function interactionOf(request: FastifyRequest<UidParams>, reply: FastifyReply, s: Services) {
  return s.oidc.interaction(request.raw, reply.raw, request.params.uid);
}

/** An expired or unknown interaction, for a browser that navigated here: a page, not JSON. */
export function expiredPage(reply: FastifyReply, err: unknown) {
  if (!(err instanceof ServiceError) || err.errorName !== 'SIGN_IN_EXPIRED') throw err;
  return reply.code(410).headers(PAGE_HEADERS).send(messagePage('This sign-in has expired', err.message));
}
