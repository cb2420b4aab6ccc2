import { isTerminalStatus, STEP_UP_AWARE_PARAM } from '@scanlogin/protocol';
import type { FastifyInstance } from 'fastify';
import type { CheckView } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { bindingProof } from '../binding.js';
import { envelopeSchema, ok } from '../envelope.js';

const querystring = {
  type: 'object',
  properties: {
    random: { type: 'string', minLength: 1, maxLength: 128 },
    // Long-poll (ours): wait up to this many seconds for a change after `seq`.
    wait: { type: 'string', pattern: '^[0-9]{1,2}$' },
    seq: { type: 'string', pattern: '^[0-9]{1,9}$' },
    binding: { type: 'string', maxLength: 64 },
    // Ours: the page keeps waiting through status 4 (STEP_UP_AWARE_PARAM); others see 1 instead.
    [STEP_UP_AWARE_PARAM]: { type: 'string', enum: ['1'] },
  },
  required: ['random'],
} as const;

export const MAX_LONG_POLL_SECONDS = 30;

/** Too-fast polling of one code from one address gets 429 + Retry-After (RFC 8628's slow_down). */
export function limitStatusReads(s: Services, random: string, ip: string): Promise<void> {
  return s.limiter.hit(
    `status:${random}:${ip}`,
    s.config.rateCheckPerCode,
    10_000,
    'Polling too fast: slow down and retry after the time in Retry-After.',
  );
}

// A cached serializer: check is the hottest read, so its answer is compiled once.
const response = {
  200: envelopeSchema({
    type: 'object',
    properties: {
      random: { type: 'string' },
      status: { type: 'integer' },
      ticket: { type: ['string', 'null'] },
      userInfo: { type: ['object', 'null'], additionalProperties: true },
      expiresIn: { type: 'integer' },
      seq: { type: 'integer' },
      scannedResult: {
        type: 'object',
        properties: { code: { type: 'integer' }, message: { type: 'string' } },
      },
    },
  }),
} as const;

interface Query {
  random: string;
  binding?: string;
  wait?: string;
  seq?: string;
  stepUp?: '1';
}

/**
 * GET /api/v2/qrcode/check?random=: the status of a code, polled by the
 * waiting page (the seeds' SDK polls every 800 ms). With `wait=N` (and the
 * last `seq` seen) it becomes a long-poll: the answer comes as soon as the
 * code changes, or after N seconds (at most 30), or when it expires.
 */
export default function checkRoute(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: Query }>(
    '/api/v2/qrcode/check',
    { schema: { querystring, response } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { random } = request.query;
      // `wait=0` (or none) is an ordinary check.
      const wait = Number(request.query.wait ?? 0);
      await limitStatusReads(s, random, request.ip);
      // Most polls find the code untouched and need neither a read nor the binding.
      const untouched = s.qr.waitingView(random);
      if (untouched && !wait) return ok(untouched);
      const proof = bindingProof(request);
      const reader = { understandsStepUp: request.query.stepUp === '1' };
      if (!wait) return ok(await s.qr.check(random, proof, reader));

      const release = app.heldRequests.acquire(request.ip);
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
  );
}
