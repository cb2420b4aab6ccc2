import type { FastifyInstance } from 'fastify';
import { sha256Hex } from '../../domain/directory/service.js';
import type { IssuedCode } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { assertOriginAllowed, headerValue } from '../auth.js';
import { newBinding, setBindingCookie } from '../binding.js';
import { envelopeSchema, ok } from '../envelope.js';

const body = {
  type: 'object',
  properties: {
    scene: { type: 'string', enum: ['APP_AUTH'] },
    autoMergeQrCode: { type: 'boolean' },
    // The seeds' SDK sends custom data as `params`; `customData` is accepted too.
    params: { type: ['object', 'null'] },
    customData: { type: ['object', 'null'] },
    context: { type: ['object', 'null'] },
    withCustomData: { type: 'boolean' },
    extIdpConnId: { type: ['string', 'null'], maxLength: 128 },
    // Ours: the page will rotate the code's public id on the pool's schedule.
    rotate: { type: 'boolean' },
  },
} as const;

/** What the page gets for a code, from `gene` and from `rotate`. */
export const codeAnswerProperties = {
  random: { type: 'string' },
  url: { type: 'string' },
  expiresIn: { type: 'integer' },
  payload: { type: 'string' },
  checkCode: { type: ['integer', 'null'] },
  rotatesIn: { type: ['integer', 'null'] },
} as const;

const response = {
  200: envelopeSchema({
    type: 'object',
    properties: { ...codeAnswerProperties, binding: { type: 'string' } },
  }),
} as const;

interface Body {
  params?: Record<string, unknown> | null;
  customData?: Record<string, unknown> | null;
  rotate?: boolean;
}

export function codeAnswer(s: Services, { session, payload, rotatesIn }: IssuedCode) {
  return {
    random: session.random,
    // The picture's own public id: the page's key (`random`, for a rotating code) is in no public URL.
    url: `${s.config.publicUrl}/api/v2/qrcode/image/${session.publicId}.png`,
    expiresIn: Math.max(0, Math.ceil((session.expiresAt - s.clock.now()) / 1000)),
    payload,
    // Ours (the seeds' SDK ignores them): the number to show when the pool asks for a check
    // code, and when to ask for a new public id (`rotate`) if the page opted into rotation.
    checkCode: session.checkCode,
    rotatesIn,
  };
}

/** POST /api/v2/qrcode/gene: a fresh code for the app named in x-authing-app-id. */
export default function geneRoute(app: FastifyInstance, s: Services): void {
  app.post<{ Body: Body | undefined }>(
    '/api/v2/qrcode/gene',
    {
      schema: { body, response },
      // Every field is optional, so a request without a body is a plain request for a code.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const application = await s.directory.requireApp(headerValue(request, 'x-authing-app-id'));
      // Our own hosted OpenID sign-in page asks for codes of whichever client it signs in to.
      if (headerValue(request, 'origin') !== s.oidc.issuerOrigin) assertOriginAllowed(request, application);
      await s.limiter.hit(`gene:ip:${request.ip}`, s.config.rateGenePerIp, 60_000);
      await s.limiter.hit(`gene:app:${application.id}`, s.config.rateGenePerApp, 60_000);
      const customData = request.body?.customData ?? request.body?.params ?? null;
      // Fresh for every code, whatever the request carries: nothing planted is ever adopted.
      const binding = newBinding();
      const issued = await s.qr.generate({
        app: application,
        customData,
        bindingHash: sha256Hex(binding),
        rotate: request.body?.rotate === true,
        requestContext: {
          ip: request.ip,
          origin: headerValue(request, 'origin') ?? null,
          userAgent: headerValue(request, 'user-agent')?.slice(0, 512) ?? null,
        },
      });
      reply.header('cache-control', 'no-store');
      // A pool that does not require the binding stores none: then there is nothing to hand out.
      if (issued.session.bindingHash === null) return ok(codeAnswer(s, issued));
      const { session } = issued;
      const lifetime = (session.expiresAt - s.clock.now()) / 1000 + application.qr.ticketExpiresAfter;
      setBindingCookie(request, reply, session.random, binding, lifetime);
      // Also in the body, for our SDK, which sends it as x-scanlogin-binding (no third-party cookies needed).
      return ok({ ...codeAnswer(s, issued), binding });
    },
  );
}
