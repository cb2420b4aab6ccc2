import { isTerminalStatus, routes } from '@scanlogin/protocol';
import { detail } from '../../domain/messages.js';
import type { CheckView } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { bindingProof } from '../binding.js';
import { ok } from '../envelope.js';
import { requestLang, varyByLanguage } from '../lang.js';
import { operation, type TypedApp } from '../route.js';

export const MAX_LONG_POLL_SECONDS = 30;

/** Too-fast polling of one code from one address gets 429 + Retry-After (RFC 8628's slow_down). */
export function limitStatusReads(s: Services, random: string, ip: string): Promise<void> {
  return s.limiter.hit(`status:${random}:${ip}`, s.config.rateCheckPerCode, 10_000, detail('pollingTooFast'));
}

/**
 * GET /api/v2/qrcode/check?random=: the status of a code, polled by the
 * waiting page (authing-js-sdk polls every 800 ms). With `wait=N` (and the
 * last `seq` seen) it becomes a long-poll: the answer comes as soon as the
 * code changes, or after N seconds (at most 30), or when it expires.
 */
export default function checkRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeCheck),
    handler: async (request, reply) => {
      const { random } = request.query;
      // `wait=0` (or none) is an ordinary check.
      const wait = Number(request.query.wait ?? 0);
      await limitStatusReads(s, random, request.ip);
      // Most polls find the code untouched and need neither a read nor the binding.
      const untouched = s.qr.waitingView(random);
      // Status 4's message is in the reader's language; the answer says it may be.
      varyByLanguage(reply);
      if (untouched && !wait) return ok(untouched);
      const proof = bindingProof(request);
      const reader = { understandsStepUp: request.query.stepUp === '1', lang: requestLang(request) };
      if (!wait) return ok(await s.qr.check(random, proof, reader));

      const release = app.heldRequests.acquire(request.ip, 'long_poll');
      const watch = s.qr.watch(random);
      try {
        let view: CheckView = await s.qr.check(random, proof, reader);
        const since = request.query.seq === undefined ? view.seq : Number(request.query.seq);
        if (view.seq === since && !isTerminalStatus(view.status)) {
          const waitMs = Math.min(wait, MAX_LONG_POLL_SECONDS) * 1000;
          // Wake at expiry too (plus a little, so the re-read sees it expired).
          const untilExpiry = view.expiresIn * 1000 + 50;
          const aborted = new AbortController();
          reply.raw.once('close', () => aborted.abort());
          // A client gone while the status was read sends no 'close' any more: its place must free up.
          if (request.raw.socket?.destroyed) aborted.abort();
          await watch.next(
            Math.min(waitMs, untilExpiry),
            AbortSignal.any([aborted.signal, app.shutdownSignal]),
          );
          view = await s.qr.check(random, proof, reader);
        }
        return ok(view);
      } finally {
        watch.close();
        release();
      }
    },
  });
}
