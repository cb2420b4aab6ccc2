import type { User, UserWithToken } from '@scanlogin/protocol';
import type { UserRecord } from '../ports.js';

/** The user as clients see it (the vendor's field names; never the password hash): the protocol's `User`. */
export type UserView = User;
/** The user with a token (login, ticket exchange, a full user at status 2). */
export type UserWithTokenView = UserWithToken;

export function userView(u: UserRecord): UserView;
export function userView(u: UserRecord, token: { token: string; exp: number }): UserWithTokenView;
export function userView(
  u: UserRecord,
  token?: { token: string; exp: number },
): UserView | UserWithTokenView {
  const view: UserView = {
    id: u.id,
    userPoolId: u.poolId,
    username: u.username,
    email: u.email,
    phone: u.phone,
    nickname: u.nickname,
    photo: u.photo,
    blocked: u.blocked,
    customData: u.customData,
    createdAt: new Date(u.createdAt).toISOString(),
    updatedAt: new Date(u.updatedAt).toISOString(),
  };
  if (!token) return view;
  return { ...view, token: token.token, tokenExpiredAt: new Date(token.exp * 1000).toISOString() };
}
