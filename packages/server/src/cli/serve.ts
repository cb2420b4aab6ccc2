import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type FirstStartReport, firstStart, formatFirstStart } from '../bootstrap.js';
import type { Config } from '../config/schema.js';
import { StorageUnavailableError } from '../domain/errors.js';
import { buildHttp } from '../http/app.js';
import { libraryNotices } from '../oidc/library.js';
import { createRuntime } from '../runtime.js';
import type { Runtime, Services } from '../services.js';
import { listenStartError, StartError } from '../start-error.js';
import { type ResolvedTls, resolveTls } from '../tls.js';
import { secureDataDirectory } from './data-dir.js';
import { claimDatabaseFile } from './file-owner.js';

export interface RunningServer {
  app: FastifyInstance;
  services: Runtime;
  url: string;
  /** The certificate served when TLS is on (its files, names, whether this start made it); else null. */
  tls: Omit<ResolvedTls, 'key'> | null;
  /** What the first start created (with the secrets shown once), or null on later starts. */
  firstStart: FirstStartReport | null;
  close(): Promise<void>;
}

/** Starts the service: storage, first-start seeding, HTTP, housekeeping. */
export interface StartOptions {
  /** Do not print the first-start credentials. */
  quiet?: boolean;
  /** Registers extra routes (e.g. the companion web app) before the server listens. */
  mount?: (app: FastifyInstance, services: Services) => void | Promise<void>;
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  // First, so a wrong TLS setting stops the start before storage is opened.
  const tls = resolveTls(config);
  const embeddedFile = !config.databaseUrl && config.databaseFile !== ':memory:' ? config.databaseFile : null;
  // The data directories are the owner's alone before anything is written into them.
  if (existsSync(config.dataDir) || config.https === 'self-signed')
    secureDataDirectory(config.dataDir, 'DATA_DIR');
  if (embeddedFile && resolve(dirname(embeddedFile)) !== resolve(config.dataDir)) {
    secureDataDirectory(dirname(embeddedFile), 'The directory of DATABASE_FILE');
  } else if (embeddedFile) {
    secureDataDirectory(config.dataDir, 'DATA_DIR');
  }
  const release = embeddedFile ? claimDatabaseFile(embeddedFile) : () => {};
  let services: Runtime;
  try {
    services = await createRuntime(config);
  } catch (err) {
    release();
    throw err;
  }
  let started = false;
  const app = await buildHttp(services, { https: tls, started: () => started });
  let report: FirstStartReport | null;
  try {
    await opts.mount?.(app, services);
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (err) {
      // The metrics listener (opened first) names its own port.
      throw err instanceof StartError ? err : listenStartError(config.host, config.port, err);
    }
    // Seeded once the port is ours, and shown only then: the banner's secrets are shown once
    // ever, so a start that fails after printing them would lose them for good.
    report = await firstStart(services);
  } catch (err) {
    await app.close();
    await services.close();
    release();
    throw err;
  }
  started = true;
  // What a library printed while loading (oidc-provider asks for Node 22 on Node 20), in our log.
  for (const notice of libraryNotices) app.log.warn(notice);
  if (report && !opts.quiet) process.stdout.write(formatFirstStart(report, config.publicUrl));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;

  const housekeepingFailed = (what: string) => (err: unknown) => {
    if (err instanceof StorageUnavailableError) app.metrics?.storageErrors.inc({ source: 'housekeeping' });
    app.log.warn({ err: { message: String(err) } }, `${what} failed`);
  };
  // Expired sessions are invisible already (expiry is computed); this reclaims space, and counts
  // the codes that ran out undecided (metrics).
  const sweep = setInterval(() => {
    Promise.all([
      services.qr.deleteExpired(),
      services.webSessions.deleteExpired(),
      services.oidc.deleteExpired(),
    ]).catch(housekeepingFailed('sweep'));
  }, 60_000);
  sweep.unref();
  // Rotations made through another instance (or the CLI) reach this one here.
  const keyReload = setInterval(() => {
    services.keys.reload().catch(housekeepingFailed('key reload'));
  }, config.keyReloadInterval * 1000);
  keyReload.unref();

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweep);
      clearInterval(keyReload);
      await app.close();
      await services.close();
      release();
    })();
    return closing;
  };
  const tlsInfo = tls ? (({ key: _key, ...info }) => info)(tls) : null;
  return { app, services, url, tls: tlsInfo, firstStart: report, close };
}

/** `scanlogin serve`: runs until SIGINT/SIGTERM, then drains requests and closes storage. */
export async function serveCommand(config: Config): Promise<void> {
  const server = await startServer(config);
  server.app.log.info({ url: server.url, publicUrl: config.publicUrl }, 'scanlogin listening');
  if (server.app.metricsUrl) server.app.log.info({ url: server.app.metricsUrl }, 'serving metrics');
  if (server.tls) {
    const { source, certPath, created, names } = server.tls;
    server.app.log.info({ source, certPath, created, names }, 'serving HTTPS');
  }
  const stop = async (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
