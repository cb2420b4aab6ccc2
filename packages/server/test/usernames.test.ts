/**
 * Issue 13: usernames that differ only by case could both exist (and shared
 * one login throttle). The key two spellings of one name share, and how
 * names stored before are given keys on upgrade.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignUsernameKeys, usernameKey } from '../src/domain/directory/usernames.js';

describe('usernameKey', () => {
  it('is the same for spellings of one name: case, full-width letters, ß and SS, final sigma', () => {
    const same = [
      ['Alice', 'alice', 'ALICE', 'ａｌｉｃｅ', 'ＡＬＩＣＥ'],
      ['Straße', 'STRASSE', 'strasse'],
      ['ΟΔΥΣΣΕΥΣ', 'οδυσσευς', 'οδυσσευσ'],
      ['Zoë', 'ZOË', 'Zoe\u0308'],
    ];
    for (const names of same) assert.equal(new Set(names.map(usernameKey)).size, 1, names.join(' '));
  });

  it('keeps different names apart', () => {
    const names = ['alice', 'alice2', 'al ice', 'alicé', 'bob'];
    assert.equal(new Set(names.map(usernameKey)).size, names.length);
  });
});

describe('assignUsernameKeys (upgrading names stored before)', () => {
  it('leaves distinct names alone and keys them', () => {
    assert.deepEqual(
      assignUsernameKeys([
        { id: 'a', poolId: 'p', username: 'Ann' },
        { id: 'b', poolId: 'p', username: 'Bea' },
      ]),
      [
        { id: 'a', username: 'Ann', key: 'ann' },
        { id: 'b', username: 'Bea', key: 'bea' },
      ],
    );
  });

  it('gives the name to the oldest account of each pool and renames the later ones <name>~<id>', () => {
    const out = assignUsernameKeys([
      { id: 'u1', poolId: 'p', username: 'Alice' },
      { id: 'u2', poolId: 'p', username: 'alice' },
      { id: 'u3', poolId: 'q', username: 'ALICE' },
      { id: 'u4', poolId: 'p', username: 'ＡＬＩＣＥ' },
    ]);
    assert.deepEqual(Object.fromEntries(out.map((u) => [u.id, u.username])), {
      u1: 'Alice',
      u2: 'alice~u2',
      u3: 'ALICE',
      u4: 'ＡＬＩＣＥ~u4',
    });
    const keys = out.filter((u) => u.id !== 'u3').map((u) => u.key);
    assert.equal(new Set(keys).size, keys.length, 'unique within the pool');
  });

  it('never hands out a name some account already holds, even one that looks like a rename', () => {
    const out = assignUsernameKeys([
      { id: 'u1', poolId: 'p', username: 'alice' },
      { id: 'u2', poolId: 'p', username: 'Alice' },
      { id: 'u3', poolId: 'p', username: 'ALICE~U2' },
    ]);
    const keys = out.map((u) => u.key);
    assert.equal(new Set(keys).size, 3, JSON.stringify(out));
    assert.equal(out.find((u) => u.id === 'u3')?.username, 'ALICE~U2', 'a name held as written is kept');
    assert.equal(out.find((u) => u.id === 'u2')?.username, 'Alice~u2~');
  });
});
