/**
 * Usernames are kept as typed (for display) but are unique, and found,
 * whatever their case: two accounts "Alice" and "alice" in one pool would be
 * two people a user cannot tell apart, and one login name that reaches
 * either. Storage keeps this key beside the username, unique per pool.
 */

/**
 * The form two usernames share when they are the same name: NFKC (so
 * full-width and other compatibility forms of a letter count as that letter),
 * then case-insensitive. Upper- then lower-casing approximates Unicode case
 * folding where plain lower-casing falls short ("STRASSE" and "straße",
 * final and medial sigma).
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toUpperCase().toLowerCase();
}

export interface StoredUsername {
  id: string;
  poolId: string;
  username: string;
}

/**
 * Keys for usernames stored before they were unique whatever their case
 * (the upgrade of existing data). `users` must come oldest first; the oldest
 * account keeps its name, each later account of the pool whose name has the
 * same key is renamed to `<name>~<its id>`, which is unique and shows the
 * admin what happened. Returns every account with its username (renamed or
 * not) and key.
 */
export function assignUsernameKeys(
  users: readonly StoredUsername[],
): { id: string; username: string; key: string }[] {
  const taken = new Set<string>();
  const claim = (poolId: string, name: string) => {
    const slot = `${poolId}\u0000${usernameKey(name)}`;
    if (taken.has(slot)) return false;
    taken.add(slot);
    return true;
  };
  const out: { id: string; username: string; key: string }[] = [];
  const later: StoredUsername[] = [];
  // First every name that is free, so a rename never takes a name someone already holds.
  for (const u of users) {
    if (claim(u.poolId, u.username))
      out.push({ id: u.id, username: u.username, key: usernameKey(u.username) });
    else later.push(u);
  }
  for (const u of later) {
    let name = `${u.username}~${u.id}`;
    while (!claim(u.poolId, name)) name += '~';
    out.push({ id: u.id, username: name, key: usernameKey(name) });
  }
  return out;
}
