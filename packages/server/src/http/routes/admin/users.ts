import type { FastifyInstance } from 'fastify';
import { userView } from '../../../domain/directory/views.js';
import { fail } from '../../../domain/errors.js';
import type { Services } from '../../../services.js';
import { ok } from '../../envelope.js';
import { idParams } from './views.js';

const nullableString = (max: number) => ({ type: ['string', 'null'], maxLength: max }) as const;
const userProps = {
  username: nullableString(100),
  email: nullableString(320),
  phone: nullableString(32),
  password: { type: ['string', 'null'], minLength: 8, maxLength: 1024 },
  nickname: nullableString(100),
  photo: nullableString(2048),
  blocked: { type: 'boolean' },
  customData: { type: 'object' },
} as const;

interface UserBody {
  userPoolId: string;
  username?: string | null;
  email?: string | null;
  phone?: string | null;
  password?: string | null;
  nickname?: string | null;
  photo?: string | null;
  blocked?: boolean;
  customData?: Record<string, unknown>;
}

/** /api/admin/users: the users of a pool. */
export default function adminUserRoutes(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: { userPoolId: string; limit?: string; offset?: string } }>(
    '/api/admin/users',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            userPoolId: { type: 'string', minLength: 1, maxLength: 64 },
            limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
            offset: { type: 'string', pattern: '^[0-9]{1,9}$' },
          },
          required: ['userPoolId'],
        },
      },
    },
    async (request) => {
      const q = request.query;
      const users = await s.directory.listUsers(q.userPoolId, {
        limit: Math.min(Number(q.limit ?? 100), 1000),
        offset: Number(q.offset ?? 0),
      });
      return ok(users.map((u) => userView(u)));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id',
    { schema: { params: idParams } },
    async (request) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok(userView(user));
    },
  );

  app.post<{ Body: UserBody }>(
    '/api/admin/users',
    {
      schema: {
        body: {
          type: 'object',
          properties: { userPoolId: { type: 'string', minLength: 1, maxLength: 64 }, ...userProps },
          required: ['userPoolId'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { userPoolId, ...rest } = request.body;
      reply.code(201);
      return ok(userView(await s.directory.createUser({ poolId: userPoolId, ...rest })));
    },
  );

  app.patch<{ Params: { id: string }; Body: Omit<UserBody, 'userPoolId'> }>(
    '/api/admin/users/:id',
    {
      schema: {
        params: idParams,
        body: { type: 'object', properties: userProps, additionalProperties: false },
      },
    },
    async (request) => ok(userView(await s.directory.updateUser(request.params.id, request.body))),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/admin/users/:id',
    { schema: { params: idParams } },
    async (request) => {
      await s.directory.deleteUser(request.params.id);
      return ok(null);
    },
  );

  // Remediation: an admin can see where a user is signed in through QR logins and end it all.
  app.get<{ Params: { id: string } }>(
    '/api/admin/users/:id/web-sessions',
    { schema: { params: idParams } },
    async (request) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok(await s.webSessions.list(user.id));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/admin/users/:id/web-sessions',
    { schema: { params: idParams } },
    async (request) => {
      const user = (await s.directory.getUser(request.params.id)) ?? fail('NOT_FOUND');
      return ok({ revoked: await s.webSessions.revokeAll(user.id) });
    },
  );
}
