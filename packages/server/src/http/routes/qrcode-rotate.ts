import { routes } from '@scanlogin/protocol';
import type { Services } from '../../services.js';
import { bindingProof } from '../binding.js';
import { ok } from '../envelope.js';
import { operation, type TypedApp } from '../route.js';
import { codeAnswer } from './qrcode-gene.js';

/** A page rotates every 10 s at the fastest; more than this is a fault or abuse. */
export const ROTATIONS_PER_MINUTE = 20;

/**
 * POST /api/v2/qrcode/rotate (ours): a waiting page asks for a new public id
 * for its code on the schedule the `gene` answer gave (`rotatesIn`). The old
 * id stops working at once; the page keeps its `random`, status and binding.
 * Only the browser holding the code's binding may rotate it.
 */
export default function rotateRoute(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.qrcodeRotate),
    handler: async (request) => {
      const { random } = request.body;
      // The budget is counted after the binding check: a stranger's calls must not spend the page's.
      const issued = await s.qr.rotate(random, bindingProof(request), () =>
        s.limiter.hit(`rotate:${random}`, ROTATIONS_PER_MINUTE, 60_000),
      );
      return ok(codeAnswer(s, issued));
    },
  });
}
