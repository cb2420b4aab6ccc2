import { routes } from '@scanlogin/protocol';
import { userView } from '../../../domain/directory/views.js';
import { fail } from '../../../domain/errors.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { answerLang } from '../../lang.js';
import { operation, type TypedApp } from '../../route.js';

/** /api/admin/users: the users of a pool, and where they are signed in (devices, and websites by QR). */
export default function adminUserRoutes(app: TypedApp, s: Services): void {
  app.route({
    ...operation(routes.adminListUsers),
    handler: async (request) => {
      const q = request.query;
      const users = await s.directory.listUsers(q.userPoolId, {
        limit: Math.min(Number(q.limit ?? 100), 1000),
        offset: Number(q.offset ?? 0),
      });
      return ok(users.map((u) => userView(u)));
    },
  });

  app.route({
    ...operation(routes.adminGetUser),
    handler: async (request) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok(userView(user));
    },
  });

  app.route({
    ...operation(routes.adminCreateUser),
    handler: async (request, reply) => {
      const { userPoolId, ...rest } = request.body;
      reply.code(201);
      return ok(userView(await s.directory.createUser({ poolId: userPoolId, ...rest })));
    },
  });

  app.route({
    ...operation(routes.adminUpdateUser),
    handler: async (request) => ok(userView(await s.directory.updateUser(request.params.id, request.body))),
  });

  app.route({
    ...operation(routes.adminDeleteUser),
    handler: async (request) => {
      await s.directory.deleteUser(request.params.id);
      return ok(null);
    },
  });

  // Remediation: an admin can see where a user is signed in through QR logins and end it all.
  app.route({
    ...operation(routes.adminListUserWebSessions),
    handler: async (request, reply) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok(await s.webSessions.list(user.id, answerLang(request, reply)));
    },
  });

  app.route({
    ...operation(routes.adminRevokeUserWebSessions),
    handler: async (request) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok({ revoked: await s.webSessions.revokeAll(user.id) });
    },
  });

  // ... and on which devices they signed in with a password.
  app.route({
    ...operation(routes.adminListUserAppSessions),
    handler: async (request, reply) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok(await s.appSessions.list(user.id, null, answerLang(request, reply)));
    },
  });

  // Everything at once: a stolen phone, a compromised account.
  app.route({
    ...operation(routes.adminRevokeUserSessions),
    handler: async (request) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok(await s.sessionTokens.endAll(user.id));
    },
  });
}
