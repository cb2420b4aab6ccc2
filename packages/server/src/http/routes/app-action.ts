import type { AnyRoute } from '@scanlogin/protocol';
import { statusWords } from '../../domain/messages.js';
import type { ActionResult, Actor } from '../../domain/qr-login/service.js';
import type { Services } from '../../services.js';
import { requireAppUser } from '../auth.js';
import { ok } from '../envelope.js';
import { answerLang } from '../lang.js';
import { operation, type TypedApp } from '../route.js';

export interface ActionBody {
  random: string;
  checkCode?: number | null;
  password?: string;
}

/**
 * The shape shared by the app calls: a signed-in user (bare or Bearer token),
 * a `random` (plus the fields the action's body declares in the route table),
 * one domain action. Each call has its own route file.
 */
export function appActionRoute(
  app: TypedApp,
  s: Services,
  route: AnyRoute,
  act: (random: string, actor: Actor, body: ActionBody) => Promise<ActionResult>,
): void {
  app.route({
    ...operation(route),
    handler: async (request, reply) => {
      const body = request.body as ActionBody;
      const { user, session } = await requireAppUser(request, s);
      const result = await act(body.random, { user, ip: request.ip, sessionId: session.id }, body);
      // The status in words, in the phone's language.
      return ok({ ...result, description: statusWords[answerLang(request, reply)][result.status] });
    },
  });
}
