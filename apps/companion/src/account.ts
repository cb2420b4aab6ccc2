/**
 * Who is signed in on this phone: the saved session (token, pool, name) and
 * the app SDK client that acts with it. Every call to the service goes
 * through that client.
 */
import { ScanloginApp } from '@scanlogin/app-sdk';
import type { Lang } from './i18n.js';
import { clearSession, loadSession, type SavedSession, saveSession } from './session.js';

/** The companion is served by the service itself: same origin, no CORS. */
const host = location.origin;

/** A client that asks the service for its words (messages, places) in the app's language. */
function clientFor(poolId: string | null, token: string | null, lang: Lang): ScanloginApp {
  return new ScanloginApp({
    host,
    ...(poolId ? { userPoolId: poolId } : {}),
    token,
    lang,
    onTokenChange: (t) => {
      if (t === null) clearSession(window.localStorage);
    },
  });
}

export class Account {
  readonly #lang: Lang;
  #session: SavedSession | null = loadSession(window.localStorage);
  #client: ScanloginApp | null;

  constructor(lang: Lang) {
    this.#lang = lang;
    this.#client = this.#session ? clientFor(this.#session.poolId, this.#session.token, lang) : null;
  }

  get session(): SavedSession | null {
    return this.#session;
  }

  /** The signed-in client, or null when nobody is signed in. */
  get client(): ScanloginApp | null {
    return this.#client;
  }

  /**
   * Signs in to the pool named in the address (`?pool=...`), else the
   * service's default pool, and keeps the session on the phone.
   */
  async signIn(account: string, password: string): Promise<SavedSession> {
    let poolId = new URLSearchParams(location.search).get('pool');
    if (!poolId) poolId = (await clientFor(null, null, this.#lang).getPoolConfig()).userPoolId;
    const user = await clientFor(poolId, null, this.#lang).login(account, password);
    const session: SavedSession = {
      token: user.token,
      poolId: user.userPoolId || poolId,
      name: user.nickname || user.username || account,
      username: user.username,
    };
    saveSession(window.localStorage, session);
    this.#session = session;
    this.#client = clientFor(session.poolId, session.token, this.#lang);
    return session;
  }

  /**
   * Signs out: the service ends this phone's session (its token is refused
   * from then on), and the phone forgets it. The screen does not wait for the
   * answer; offline, the token is forgotten here all the same, and the
   * session ends when it expires or another device signs this one out.
   */
  signOut(): void {
    this.#client?.logout().catch(() => {});
    this.forget();
  }

  /** Forgets the session without telling the service (it already refused the token). */
  forget(): void {
    this.#session = null;
    this.#client = null;
    clearSession(window.localStorage);
  }
}
