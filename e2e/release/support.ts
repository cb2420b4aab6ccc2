/**
 * What the release tests (packages.test.ts, examples.test.ts) share: they
 * check what an integrator gets from npm, so nothing here imports the
 * repository's packages. The tarballs come from scripts/pack.mjs, they are
 * installed with npm into projects under the temp directory (no workspace,
 * no link), and every program runs as its own process with plain `node` in
 * that project, so a bare `@scanlogin/...` import can only resolve to what
 * was installed there.
 *
 * No step has a deadline: a child is ready when it prints that it is, an
 * install is done when npm exits.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from '../support.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The fixtures the release tests copy into the projects they install. */
export const FIXTURES = join(ROOT, 'e2e/release/fixtures');

export const PACKAGE_NAMES = [
  '@scanlogin/protocol',
  '@scanlogin/verify',
  '@scanlogin/app-sdk',
  '@scanlogin/web-sdk',
  '@scanlogin/server',
] as const;
export type PackageName = (typeof PACKAGE_NAMES)[number];

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (no deadline) and collects what it printed. */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined> },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like {@link run}, but a non-zero exit fails with everything the command printed. */
export async function runOk(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string | undefined> },
): Promise<Ran> {
  const r = await run(cmd, args, opts);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')} (in ${opts.cwd}) failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

export interface Tarballs {
  dir: string;
  /** What scripts/pack.mjs printed: the tarballs' names, sizes and file counts. */
  report: string;
  path(name: PackageName): string;
}

/**
 * Packs every package with scripts/pack.mjs. `--no-build`: scripts/test.mjs
 * builds before the browser tests start, and building again here would
 * replace dist/ files under the tests that run beside this one.
 */
export async function packTarballs(dir: string): Promise<Tarballs> {
  const r = await runOk(process.execPath, [join(ROOT, 'scripts/pack.mjs'), '--out', dir, '--no-build'], {
    cwd: ROOT,
  });
  const files = JSON.parse(readFileSync(join(dir, 'tarballs.json'), 'utf8')) as Record<string, string>;
  assert.deepEqual(Object.keys(files).sort(), [...PACKAGE_NAMES].sort());
  return { dir, report: r.stdout, path: (name) => join(dir, files[name]!) };
}

/**
 * Writes a project (a package.json of its own, outside any workspace) and
 * installs `specs` into it with npm from the local cache where it can.
 * better-sqlite3 compiles from source on this machine; the project approves
 * its install script the way the repository does.
 */
export async function installProject(
  dir: string,
  specs: string[],
  packageJson: Record<string, unknown> = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify(
      { name: 'scanlogin-release-check', private: true, type: 'module', ...packageJson },
      null,
      2,
    )}\n`,
  );
  await npmInstall(dir, specs);
}

/** `npm install` in `dir`: the project's own dependencies plus `specs` (tarballs, names). */
export async function npmInstall(dir: string, specs: string[] = []): Promise<void> {
  await runOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], {
    cwd: dir,
    env: { npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' },
  });
}

/** Copies fixture files (paths under e2e/release/fixtures/) into a project. */
export function copyFixtures(dir: string, names: string[]): void {
  for (const name of names) copyFileSync(join(FIXTURES, name), join(dir, name.split('/').pop()!));
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface Started<T> {
  /** What the ready line told (see {@link startProcess}). */
  ready: T;
  /** Everything the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM to the process and its children (its own process group); resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a long-running process in a process group of its own (so `npx`,
 * `npm start` and the program they run stop together) and waits, without a
 * deadline, until `ready` recognises a line of its output. Rejects, with the
 * output, if the process exits first.
 */
export function startProcess<T>(
  cmd: string,
  args: string[],
  opts: {
    cwd: string;
    env?: Record<string, string | undefined>;
    ready: (line: string) => T | null | undefined;
  },
): Promise<Started<T>> {
  const child: ChildProcess = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A test process that dies without its `after` hooks must not leave a server behind.
  const killOnExit = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    // To the whole group: `npx` does not pass SIGTERM on to the program it runs (it exits and
    // leaves it running), so the program must get the signal itself.
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {}
    const code = await exited;
    process.removeListener('exit', killOnExit);
    return code;
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    let pending = '';
    const onData = (d: Buffer) => {
      output += d;
      if (settled) return;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const value = opts.ready(line);
        if (value !== null && value !== undefined) {
          settled = true;
          resolve({ ready: value, output: () => output, stop });
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    void exited.then((code) => {
      if (!settled)
        reject(new Error(`${cmd} ${args.join(' ')} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

export interface Service {
  url: string;
  adminToken: string;
  output(): string;
  /**
   * SIGTERM, then waits until the service's own process (not just `npx`) has
   * drained and exited; resolves with what it printed.
   */
  stop(): Promise<string>;
}

/**
 * `npx scanlogin serve` in a project where @scanlogin/server was installed:
 * its data in `dataDir`, on a free port of 127.0.0.1, the admin token given
 * (so the test can use the management API), the demo data seeded (alice).
 * Ready when it logs "scanlogin listening".
 */
export async function startService(projectDir: string, dataDir: string): Promise<Service> {
  const port = await freePort();
  const adminToken = `sla_${randomBytes(24).toString('base64url')}`;
  const started = await startProcess('npx', ['scanlogin', 'serve'], {
    cwd: projectDir,
    env: {
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_TOKEN: adminToken,
      // The "listening" line is an info log; the test runner silences logs by default.
      LOG_LEVEL: 'info',
    },
    ready: (line) => {
      if (!line.startsWith('{')) return null;
      const entry = JSON.parse(line) as { msg?: string; url?: string; pid?: number };
      return entry.msg === 'scanlogin listening' ? { url: entry.url!, pid: entry.pid! } : null;
    },
  });
  assert.equal(started.ready.url, `http://127.0.0.1:${port}`);
  return {
    url: started.ready.url,
    adminToken,
    output: started.output,
    async stop() {
      await started.stop();
      // `npx` is gone at once; the service (the pid its log line named) takes its time to drain.
      await eventually(async () => (isRunning(started.ready.pid) ? null : true));
      return started.output();
    },
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The management API with the admin token; fails the test on an error answer. */
export async function adminCall(
  service: Service,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${service.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await res.json()) as { code: number; message: string; data: unknown };
  assert.equal(answer.code, 200, `${method} ${path}: ${answer.code} ${answer.message}`);
  return answer.data as Record<string, unknown>;
}

export interface Site {
  appId: string;
  appSecret: string;
  /** The pool the app is in (alice's). */
  poolId: string;
}

/**
 * Registers a website the way an operator does, through the management API:
 * an app in the default pool (alice's) that accepts codes from `origin`.
 *
 * The tests have no deadlines but the service's codes do, on real time (this
 * service is the installed package, so it cannot be given a test clock): the
 * code and ticket lifetimes are set to their maximum (an hour) and the pool's
 * rotation of the code's public id is turned off, so a slow step cannot
 * outlive what it works on. Rotation itself is tested in the repository.
 */
export async function registerSite(service: Service, name: string, origin: string): Promise<Site> {
  const pools = (await adminCall(service, 'GET', '/api/admin/pools')) as unknown as { id: string }[];
  assert.equal(pools.length, 1, 'the first start made one pool');
  const poolId = pools[0]!.id;
  await adminCall(service, 'PATCH', `/api/admin/pools/${poolId}`, { rotateQrEvery: 0 });
  const app = await adminCall(service, 'POST', '/api/admin/apps', {
    userPoolId: poolId,
    name,
    allowedOrigins: [origin],
    qrcodeExpiresAfter: 3600,
    ticketExpiresAfter: 3600,
  });
  return { appId: String(app.id), appSecret: String(app.secret), poolId };
}

export interface Scanned {
  random: string;
  token: string;
  nickname: string;
  site: string | null;
  origin: string | null;
}

/**
 * The phone (e2e/release/fixtures/phone.mjs, with the app SDK installed in
 * `projectDir`): alice logs in and scans `qrText`. Then {@link phoneConfirm}.
 */
export async function phoneScan(
  projectDir: string,
  service: Service,
  site: Site,
  qrText: string,
): Promise<Scanned> {
  const r = await runOk(process.execPath, ['phone.mjs', 'scan'], {
    cwd: projectDir,
    env: { SCANLOGIN_URL: service.url, SCANLOGIN_APP_ID: site.appId, SCANLOGIN_QR_TEXT: qrText },
  });
  return JSON.parse(r.stdout) as Scanned;
}

export async function phoneConfirm(
  projectDir: string,
  service: Service,
  site: Site,
  scanned: Scanned,
): Promise<{ status: number }> {
  const r = await runOk(process.execPath, ['phone.mjs', 'confirm'], {
    cwd: projectDir,
    env: {
      SCANLOGIN_URL: service.url,
      SCANLOGIN_APP_ID: site.appId,
      SCANLOGIN_APP_TOKEN: scanned.token,
      SCANLOGIN_RANDOM: scanned.random,
    },
  });
  return JSON.parse(r.stdout) as { status: number };
}
