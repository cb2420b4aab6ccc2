import { isTerminalStatus, QrStatus, STEP_UP_AWARE_PARAM } from '@scanlogin/protocol';
import type { FastifyInstance } from 'fastify';
import type { CheckView } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { bindingProof } from '../binding.js';
import { limitStatusReads } from './qrcode-check.js';

const querystring = {
  type: 'object',
  properties: {
    random: { type: 'string', minLength: 1, maxLength: 128 },
    // EventSource cannot send headers; the binding may ride in the URL (never logged).
    binding: { type: 'string', maxLength: 64 },
    // Ours: the page keeps waiting through status 4 (STEP_UP_AWARE_PARAM); others see 1 instead.
    [STEP_UP_AWARE_PARAM]: { type: 'string', enum: ['1'] },
  },
  required: ['random'],
} as const;

export const HEARTBEAT_MS = 15_000;

const frame = (view: CheckView) => `id: ${view.seq}\nevent: status\ndata: ${JSON.stringify(view)}\n\n`;

/**
 * GET /api/v2/qrcode/events?random=: the code's status as Server-Sent Events.
 * The first event is the current state (skipped when `Last-Event-ID` shows the
 * client already has it); then one event per change, a comment heartbeat
 * every 15 s so proxies keep the connection, and the stream ends after a
 * terminal status. Errors before the stream starts (unknown code) are normal
 * JSON answers in the envelope.
 */
export default function eventsRoute(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: { random: string; binding?: string; stepUp?: '1' } }>(
    '/api/v2/qrcode/events',
    { schema: { querystring } },
    async (request, reply) => {
      const { random } = request.query;
      const proof = bindingProof(request);
      const reader = { understandsStepUp: request.query.stepUp === '1' };
      await limitStatusReads(s, random, request.ip);
      const release = app.heldRequests.acquire(request.ip);
      const watch = s.qr.watch(random);
      let view: CheckView;
      try {
        view = await s.qr.check(random, proof, reader);
      } catch (err) {
        watch.close();
        release();
        throw err;
      }

      const lastEventId = Number(request.headers['last-event-id']);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // nginx and similar proxies buffer responses unless told not to.
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      res.write('retry: 2000\n\n');

      const closed = new AbortController();
      res.once('close', () => closed.abort());
      const onShutdown = () => closed.abort();
      app.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      try {
        if (!(Number.isInteger(lastEventId) && lastEventId === view.seq) || isTerminalStatus(view.status)) {
          res.write(frame(view));
        }
        while (!isTerminalStatus(view.status) && !closed.signal.aborted) {
          const untilExpiry = view.expiresIn * 1000 + 50;
          const changed = await watch.next(untilExpiry, closed.signal);
          if (closed.signal.aborted) break;
          const next = await s.qr.check(random, proof, reader);
          // Expiry is computed, not published: the timeout above is how we notice it.
          if (
            next.seq !== view.seq ||
            next.status !== view.status ||
            (changed && next.status === QrStatus.Expired)
          ) {
            res.write(frame(next));
          }
          view = next;
        }
      } catch (err) {
        request.log.warn(
          { err: { message: err instanceof Error ? err.message : String(err) } },
          'event stream failed',
        );
      } finally {
        clearInterval(heartbeat);
        app.shutdownSignal.removeEventListener('abort', onShutdown);
        watch.close();
        release();
        res.end();
      }
    },
  );
}
