import type { UserRecord } from '../ports.js';

/** The user as clients see it (the seeds' field names); never the password hash. */
export interface UserView {
  id: string;
  userPoolId: string;
  username: string | null;
  email: string | null;
  phone: string | null;
  nickname: string | null;
  photo: string | null;
  blocked: boolean;
  customData: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  token?: string;
  tokenExpiredAt?: string;
}

export function userView(u: UserRecord, token?: { token: string; exp: number }): UserView {
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
  if (token) {
    view.token = token.token;
    view.tokenExpiredAt = new Date(token.exp * 1000).toISOString();
  }
  return view;
}
