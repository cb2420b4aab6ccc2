import { routes } from '@scanlogin/protocol';
import { sha256Hex } from '../../domain/directory/service.js';
import type { IssuedCode } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { assertOriginAllowed, headerValue } from '../auth.js';
import { newBinding, setBindingCookie } from '../binding.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';

/** What the page gets for a code, from `gene` and from `rotate`. */
export function codeAnswer(s: Services, { session, payload, rotatesIn }: IssuedCode) {
  return {
    random: session.random,
    // The picture's own public id: the page's key (`random`, for a rotating code) is in no public URL.
    url: `${s.config.publicUrl}/api/v2/qrcode/image/${session.publicId}.png`,
    expiresIn: Math.max(0, Math.ceil((session.expiresAt - s.clock.now()) / 1000)),
    payload,
    // Ours (authing-js-sdk ignores them): the number to show when the pool asks for a check
    // code, and when to ask for a new public id (`rotate`) if the page opted into rotation.
    checkCode: session.checkCode,
    rotatesIn,
  };
}

/** POST /api/v2/qrcode/gene: a fresh code for the app named in x-authing-app-id. */
export default function geneRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeGenerate),
    handler: async (request, reply) => {
      const application = await s.directory.requireApp(headerValue(request, 'x-authing-app-id'));
      // Our own hosted OpenID sign-in page asks for codes of whichever client it signs in to.
      if (headerValue(request, 'origin') !== s.oidc.issuerOrigin) assertOriginAllowed(request, application);
      await s.limiter.hit(`gene:ip:${request.ip}`, s.config.rateGenePerIp, 60_000);
      await s.limiter.hit(`gene:app:${application.id}`, s.config.rateGenePerApp, 60_000);
      // authing-js-sdk sends custom data as `params`; `customData` is accepted too.
      const customData = request.body.customData ?? request.body.params ?? null;
      // Fresh for every code, whatever the request carries: nothing planted is ever adopted.
      const binding = newBinding();
      const issued = await s.qr.generate({
        app: application,
        customData,
        bindingHash: sha256Hex(binding),
        rotate: request.body.rotate === true,
        requestContext: {
          ip: request.ip,
          origin: headerValue(request, 'origin') ?? null,
          userAgent: headerValue(request, 'user-agent')?.slice(0, 512) ?? null,
        },
      });
      // A pool that does not require the binding stores none: then there is nothing to hand out.
      if (issued.session.bindingHash === null) return ok(codeAnswer(s, issued));
      const { session } = issued;
      const lifetime = (session.expiresAt - s.clock.now()) / 1000 + application.qr.ticketExpiresAfter;
      setBindingCookie(request, reply, session.random, binding, lifetime);
      // Also in the body, for our SDK, which sends it as x-scanlogin-binding (no third-party cookies needed).
      return ok({ ...codeAnswer(s, issued), binding });
    },
  });
}
