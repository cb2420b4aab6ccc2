/**
 * The second storage mode (`npm run bench -- --cluster`): PostgreSQL for the
 * records and Redis for sessions/events, selected by DATABASE_URL and
 * REDIS_URL. Both run throwaway instances on 127.0.0.1 for the run only
 * (recipes of ../shared/reference/machine.md). The mode is skipped, with the
 * reason, while the server's settings do not know those variables yet.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../packages/server/src/config/schema.js';
import { freePort, rssBytes, tempDir } from './proc.js';
import type { Mode } from './scanlogin.js';

/** Why the server cannot run the cluster mode yet, or null when it can. */
export function clusterUnsupported(): string | null {
  const known = new Set(Object.values(configSchema).map((s) => s.env as string));
  const missing = ['DATABASE_URL', 'REDIS_URL'].filter((v) => !known.has(v));
  return missing.length
    ? `the server's settings (packages/server/src/config/schema.ts) have no ${missing.join(' or ')} yet`
    : null;
}

export interface ClusterInfra {
  mode: Mode;
  /** Resident memory of Redis, where sessions live in this mode. */
  redisRss(): number | null;
  stop(): void;
}

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort() : [];
  const v = versions.at(-1);
  if (!v) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  return join(base, v, 'bin');
}

/** Starts PostgreSQL and Redis on free ports; returns the mode's environment. */
export async function startCluster(): Promise<ClusterInfra> {
  const bin = pgBin();
  const pgPort = await freePort();
  const pgData = tempDir('pg');
  // initdb refuses to run as root: the data directory belongs to the postgres user.
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(pgData, uid, gid);
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale']);
  asPostgres('pg_ctl', [
    '-D',
    pgData,
    '-l',
    join(pgData, 'server.log'),
    '-w',
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${pgPort} -k ${pgData} -c fsync=off`,
    'start',
  ]);

  const redisPort = await freePort();
  const redisPid = join(tempDir('redis'), 'redis.pid');
  const r = spawnSync('redis-server', [
    '--bind',
    '127.0.0.1',
    '--port',
    String(redisPort),
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
    '--pidfile',
    redisPid,
  ]);
  if (r.status !== 0) throw new Error(`redis-server failed: ${r.stderr?.toString()}`);
  // The pid file appears once the daemon is up.
  for (let i = 0; i < 100 && !existsSync(redisPid); i++) await new Promise((res) => setTimeout(res, 50));
  const pidOf = (file: string) => Number(readFileSync(file, 'utf8').split('\n')[0]);

  return {
    mode: {
      name: 'PostgreSQL + Redis',
      env: {
        DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      },
    },
    redisRss: () => (existsSync(redisPid) ? rssBytes(pidOf(redisPid)) : null),
    stop() {
      if (existsSync(redisPid)) process.kill(pidOf(redisPid), 'SIGTERM');
      const pgPid = join(pgData, 'postmaster.pid');
      if (existsSync(pgPid)) process.kill(pidOf(pgPid), 'SIGINT');
    },
  };
}
