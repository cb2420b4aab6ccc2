import assert from 'node:assert/strict';
import { ConflictError } from '../../src/domain/ports.js';

/** The field a write clashed on (it must fail with the contract's ConflictError). */
export async function conflictField(write: Promise<unknown>): Promise<string> {
  const err = await write.then(
    () => assert.fail('expected a ConflictError'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ConflictError, String(err));
  return err.field;
}
