/**
 * Builds the companion once per test process into a temporary directory of its
 * own (so test files running in parallel never see each other's half-written
 * build) and returns that directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const companionDir = fileURLToPath(new URL('..', import.meta.url));
let built: string | null = null;

export function buildCompanion(): string {
  if (built) return built;
  const root = mkdtempSync(join(tmpdir(), 'scanlogin-companion-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const out = join(root, 'dist');
  const r = spawnSync(process.execPath, ['build.mjs', '--quiet', '--outdir', out], {
    cwd: companionDir,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`companion build failed:\n${r.stdout}\n${r.stderr}`);
  built = out;
  return out;
}
