/**
 * The signed-in state kept on the phone (localStorage, so the app stays
 * signed in across launches). Calls to the service go through the app SDK.
 */

export interface SavedSession {
  token: string;
  /** The user pool the token belongs to; the SDK names it on every call. */
  poolId: string;
  /** What the home screen greets the user with (empty when unknown: the screen has a word for that). */
  name: string;
  username: string | null;
}

export const SESSION_KEY = 'scanlogin.companion.session.v1';

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function loadSession(store: KeyValue): SavedSession | null {
  let raw: string | null;
  try {
    raw = store.getItem(SESSION_KEY);
  } catch {
    return null; // storage disabled (private mode on some browsers)
  }
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<SavedSession>;
    if (typeof v.token !== 'string' || !v.token || typeof v.poolId !== 'string' || !v.poolId) return null;
    return {
      token: v.token,
      poolId: v.poolId,
      name: typeof v.name === 'string' ? v.name : '',
      username: typeof v.username === 'string' ? v.username : null,
    };
  } catch {
    return null;
  }
}

export function saveSession(store: KeyValue, s: SavedSession): void {
  try {
    store.setItem(SESSION_KEY, JSON.stringify(s));
  } catch {
    // Without storage the session lasts until the page closes.
  }
}

export function clearSession(store: KeyValue): void {
  try {
    store.removeItem(SESSION_KEY);
  } catch {
    // nothing stored
  }
}
