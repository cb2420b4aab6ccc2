/** What the numbers were measured on: machine, runtime and package versions, source revision. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './proc.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  packages: Record<string, string>;
  revision: string;
  openFilesLimit: string;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // Not Linux: fall through.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function versionOf(pkg: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'not installed';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

export function machineInfo(): MachineInfo {
  const head = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  // Others edit the server while benchmarks run: say whether the measured tree had local changes.
  const dirty = git(['status', '--porcelain', '--', 'packages', 'apps']).split('\n').filter(Boolean).length;
  let openFilesLimit = 'unknown';
  try {
    openFilesLimit = execFileSync('bash', ['-c', 'ulimit -Hn']).toString().trim();
  } catch {
    // Keep "unknown".
  }
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    packages: Object.fromEntries(
      ['fastify', 'better-sqlite3', '@node-rs/argon2', 'tsx', 'autocannon', 'oidc-provider'].map((p) => [
        p,
        versionOf(p),
      ]),
    ),
    revision: dirty ? `${head} with ${dirty} changed files under packages/ and apps/` : head,
    openFilesLimit,
  };
}
