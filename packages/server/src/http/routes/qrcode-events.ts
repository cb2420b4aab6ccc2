import { isTerminalStatus, QrStatus, routes } from '@scanlogin/protocol';
import type { CheckView } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { bindingProof } from '../binding.js';
import { answerLang } from '../lang.js';
import { operation, type TypedApp } from '../route.js';
import { limitStatusReads } from './qrcode-check.js';

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
export default function eventsRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeEvents),
    handler: async (request, reply) => {
      const { random } = request.query;
      const proof = bindingProof(request);
      const reader = { understandsStepUp: request.query.stepUp === '1', lang: answerLang(request, reply) };
      await limitStatusReads(s, random, request.ip);
      const release = app.heldRequests.acquire(request.ip, 'event_stream');
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
      // A client gone while the status was read sends no 'close' any more: its place must free up.
      if (request.raw.socket?.destroyed) closed.abort();
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
  });
}
