// The phone, played by the app SDK as an integrator's app would use it: this
// file is copied into a project where @scanlogin/app-sdk was installed from
// its tarball and run there with plain `node`, so the import below resolves to
// the installed package (never to the repository's sources).
//
//   node phone.mjs scan            alice logs in, then scans SCANLOGIN_QR_TEXT
//   node phone.mjs confirm         approves SCANLOGIN_RANDOM with SCANLOGIN_APP_TOKEN
//
// Settings come from the environment: SCANLOGIN_URL, SCANLOGIN_APP_ID. Prints one JSON line.
import { ScanloginApp } from '@scanlogin/app-sdk';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`phone.mjs: ${name} is not set`);
  return value;
};

const app = new ScanloginApp({
  host: env('SCANLOGIN_URL'),
  appId: env('SCANLOGIN_APP_ID'),
  token: process.env.SCANLOGIN_APP_TOKEN ?? null,
  // The tests wait for what they wait for, on a machine of any speed: no deadline of the SDK's own.
  timeoutMs: 0,
});

const step = process.argv[2];
if (step === 'scan') {
  const user = await app.login('alice', 'alice-demo-pass');
  const { qr, context } = await app.scan(env('SCANLOGIN_QR_TEXT'));
  console.log(
    JSON.stringify({
      random: qr.random,
      token: app.token,
      nickname: user.nickname,
      site: context?.app?.name ?? null,
      origin: context?.origin ?? null,
    }),
  );
} else if (step === 'confirm') {
  const { status } = await app.confirm(env('SCANLOGIN_RANDOM'));
  console.log(JSON.stringify({ status }));
} else {
  throw new Error(`phone.mjs: unknown step "${step}" (scan or confirm)`);
}
