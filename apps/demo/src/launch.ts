/**
 * `npm start`: the Scanlogin service and the demo website in one process, for
 * a first look. The demo needs its app's secret on every start, but the service
 * prints it only once, so the launcher keeps it in the data directory
 * (`demo-app.json`, mode 0600) and, if that file is lost, rotates the secret.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagsToEnv, loadConfig, startServer } from '@scanlogin/server';
import { startDemo } from './index.js';

const root = new URL('../../../', import.meta.url).pathname;
const config = loadConfig({ ...process.env, ...flagsToEnv(process.argv.slice(2)) });
const server = await startServer(config);
const services = server.services;

const credsFile = join(config.dataDir, 'demo-app.json');
let creds: { appId: string; appSecret: string } | null = existsSync(credsFile)
  ? JSON.parse(readFileSync(credsFile, 'utf8'))
  : null;
if (!creds || !(await services.directory.getApp(creds.appId))) {
  const demoApp = (await services.directory.store.listApps()).find((a) => a.name === 'Demo website');
  if (!demoApp) throw new Error('No "Demo website" app: start once with SEED_DEMO=true on a fresh DATA_DIR.');
  const { secret } = await services.directory.rotateAppSecret(demoApp.id);
  creds = { appId: demoApp.id, appSecret: secret };
  writeFileSync(credsFile, JSON.stringify(creds), { mode: 0o600 });
}

const demoPort = Number(process.env.DEMO_PORT ?? 3001);
const demo = await startDemo({
  appHost: config.publicUrl,
  serviceUrl: server.url,
  issuer: config.publicUrl,
  appId: creds.appId,
  appSecret: creds.appSecret,
  host: config.host,
  port: demoPort,
  sdkBundlePath: join(root, 'packages/web-sdk/dist/scanlogin.iife.js'),
});

const demoHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
process.stdout.write(
  [
    '',
    `  Scanlogin service   ${config.publicUrl}`,
    `  Demo website        http://${demoHost}:${demoPort}/login   <- open this`,
    `  Demo app id         ${creds.appId}  (its secret is in ${credsFile})`,
    '  Demo users          alice / alice-demo-pass, bob / bob-demo-pass',
    '',
    '',
  ].join('\n'),
);

const stop = async () => {
  await demo.close();
  await server.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
