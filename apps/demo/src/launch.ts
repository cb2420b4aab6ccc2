/**
 * `npm start`: the Scanlogin service and the demo website in one process, for
 * a first look. The demo needs its app's secret on every start, but the service
 * prints it only once, so the launcher keeps it in the data directory
 * (`demo-app.json`, mode 0600) and, if that file is lost, rotates the secret.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ConfigError, flagsToEnv, loadConfig, startServer } from '@scanlogin/server';
import { startDemo } from './index.js';

const root = new URL('../../../', import.meta.url).pathname;
let config: ReturnType<typeof loadConfig>;
let server: Awaited<ReturnType<typeof startServer>>;
try {
  config = loadConfig({ ...process.env, ...flagsToEnv(process.argv.slice(2)) });
  // The companion (the phone's web app) is served by the service itself, same origin as its API.
  server = await startServer(config);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
const services = server.services;

// With TLS on (often a self-signed certificate), the demo's backend would have to trust that
// certificate to call the service. It calls a plain-HTTP listener on loopback instead, which
// hands requests to the same routes; nothing outside this machine can reach it.
let serviceUrl = server.url;
let internal: ReturnType<typeof createServer> | null = null;
if (server.tls) {
  const loopback = createServer((req, res) => server.app.routing(req, res));
  await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(loopback.address() as AddressInfo).port}`;
  internal = loopback;
}

const credsFile = join(config.dataDir, 'demo-app.json');
let creds: { appId: string; appSecret: string } | null = existsSync(credsFile)
  ? JSON.parse(readFileSync(credsFile, 'utf8'))
  : null;
if (server.firstStart?.app) {
  // First start: keep the secret the banner just printed, so the README's walk works with it.
  creds = { appId: server.firstStart.app.id, appSecret: server.firstStart.app.secret };
  writeFileSync(credsFile, JSON.stringify(creds), { mode: 0o600 });
  // The demo pool shows every defence: on top of the defaults (binding, rotation, signed codes,
  // proximity warnings), a check code the user picks on the phone.
  await services.directory.updatePool(server.firstStart.pool.id, { security: { checkCode: true } });
} else if (!creds || !(await services.directory.getApp(creds.appId))) {
  // The file was lost: the only way back to a usable secret is a new one.
  const demoApp = (await services.directory.listApps()).find((a) => a.name === 'Demo website');
  if (!demoApp) throw new Error('No "Demo website" app: start once with SEED_DEMO=true on a fresh DATA_DIR.');
  const { secret } = await services.directory.rotateAppSecret(demoApp.id);
  creds = { appId: demoApp.id, appSecret: secret };
  writeFileSync(credsFile, JSON.stringify(creds), { mode: 0o600 });
}

const demoPort = Number(process.env.DEMO_PORT ?? 3001);
const demoHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
// The demo page's origins follow DEMO_PORT: the seeded app allows only the default port's
// (DEMO_ORIGINS), and a page on another port could not load a code. Added, never removed, so
// origins an operator gave the app stay.
{
  const demoOrigins = [
    ...new Set([
      `http://localhost:${demoPort}`,
      `http://127.0.0.1:${demoPort}`,
      `http://${demoHost}:${demoPort}`,
    ]),
  ];
  const app = await services.directory.getApp(creds.appId);
  const missing = demoOrigins.filter((o) => !app?.allowedOrigins.includes(o));
  if (app && missing.length > 0) {
    await services.directory.updateApp(app.id, { allowedOrigins: [...app.allowedOrigins, ...missing] });
  }
}
const demo = await startDemo({
  appHost: config.publicUrl,
  serviceUrl,
  issuer: config.publicUrl,
  appId: creds.appId,
  appSecret: creds.appSecret,
  host: config.host,
  port: demoPort,
  sdkBundlePath: join(root, 'packages/web-sdk/dist/scanlogin.iife.js'),
});

const scheme = server.tls ? 'https' : 'http';
const port = new URL(server.url).port;
// On 0.0.0.0 a phone reaches the service at one of the machine's LAN addresses.
const lanUrls =
  config.host === '0.0.0.0'
    ? Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === 'IPv4' && !a.internal)
        .map((a) => `${scheme}://${a!.address}:${port}/companion/`)
    : [];
process.stdout.write(
  [
    '',
    `  Scanlogin service   ${config.publicUrl}`,
    `  Companion (phone)   ${config.publicUrl}/companion/`,
    ...lanUrls.map((u) => `    on the LAN        ${u}`),
    ...(server.tls
      ? [
          `  HTTPS certificate   ${server.tls.certPath}${server.tls.source === 'self-signed' ? ' (self-signed: browsers warn once; accept it)' : ''}`,
        ]
      : []),
    `  Demo website        http://${demoHost}:${demoPort}/login   <- open this`,
    `  Demo app id         ${creds.appId}  (its secret is in ${credsFile})`,
    '  Demo users          alice / alice-demo-pass, bob / bob-demo-pass',
    '',
    '',
  ].join('\n'),
);

const stop = async () => {
  await demo.close();
  internal?.close();
  await server.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
