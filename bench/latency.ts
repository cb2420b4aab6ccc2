/**
 * Latency from the app's confirm call returning to the page's onSuccess, in
 * real Chromium with our web SDK: over Server-Sent Events and over polling at
 * 800 ms (authing-js-sdk default). Not a test: it prints and writes
 * bench/results/latency.md. Run: `npm run bench:latency` (RUNS=N to change).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { launchChromium, serveStatic } from '../e2e/support.js';
import { admin, appAction, assertOk, loginAs, startTestServer } from '../packages/server/test/helpers.js';
import { build, iifePath } from '../packages/web-sdk/build.mjs';

const RUNS = Number(process.env.RUNS ?? 60);

/** What the bench page below puts on `window`. */
interface BenchPage {
  start(appId: string, host: string, transport: string): Promise<string>;
  done: number | null;
  handle?: { destroy(): void };
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

await build({ types: false });
const s = await startTestServer();
const site = await serveStatic({
  '/sdk.js': { type: 'text/javascript', body: readFileSync(iifePath) },
  '/': {
    type: 'text/html',
    body: `<!doctype html><meta charset="utf-8"><div id="qrcode"></div><script src="/sdk.js"></script>
<script>
  window.start = (appId, host, transport) => new Promise((resolve) => {
    window.done = null;
    const client = new ScanLogin.AuthenticationClient({ appId, appHost: host, lang: 'en-US' });
    client.qrcode.startScanning('qrcode', {
      transports: [transport],
      interval: 800,
      autoExchangeUserInfo: false,
      onCodeShow: (random) => resolve(random),
      onSuccess: () => { window.done = Date.now(); },
    }).then((h) => { window.handle = h; });
  });
</script>`,
  },
});
const app = assertOk(
  await admin(s, 'POST', '/api/admin/apps', {
    userPoolId: s.seed.pool.id,
    name: 'bench',
    allowedOrigins: [site.url],
  }),
  201,
);
const token = await loginAs(s, s.seed.app.id, 'alice', 'alice-demo-pass');
const browser = await launchChromium();

interface Samples {
  fromReturn: number[];
  fromSend: number[];
}

async function measure(transport: 'sse' | 'polling'): Promise<Samples> {
  const page = await browser.newPage();
  await page.goto(site.url);
  const samples: Samples = { fromReturn: [], fromSend: [] };
  for (let i = 0; i < RUNS; i++) {
    const random = await page.evaluate(
      ([a, h, t]) => (window as unknown as BenchPage).start(a, h, t),
      [app.id, s.url, transport],
    );
    assertOk(await appAction(s, 'scanned', random, token));
    // Let the page settle into waiting (stream open, or between polls) before the clock starts.
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 800));
    const sent = Date.now();
    assertOk(await appAction(s, 'confirm', random, token));
    const returned = Date.now();
    const done = await page.waitForFunction(() => (window as unknown as BenchPage).done, null, {
      timeout: 10_000,
      polling: 1,
    });
    const at = Number(await done.jsonValue());
    samples.fromReturn.push(at - returned);
    samples.fromSend.push(at - sent);
    await page.evaluate(() => (window as unknown as BenchPage).handle?.destroy());
  }
  await page.close();
  samples.fromReturn.sort((a, b) => a - b);
  samples.fromSend.sort((a, b) => a - b);
  return samples;
}

const results: Record<string, Samples> = {};
for (const t of ['sse', 'polling'] as const) results[t] = await measure(t);
await browser.close();
await site.close();
await s.close();

const row = (name: string, { fromReturn: r, fromSend: f }: Samples) =>
  `| ${name} | ${r.length} | ${percentile(r, 50)} | ${percentile(r, 99)} | ${percentile(f, 50)} | ${percentile(f, 99)} |`;
const md = `# Confirm → page notified

Time from the app's \`confirm\` call returning to the page's \`onSuccess\` (our web SDK in headless
Chromium), in milliseconds. Measured on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores
(${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, everything on 127.0.0.1.
Command: \`npm run bench:latency\` (RUNS=${RUNS}).

| transport | runs | p50 from confirm returned | p99 | p50 from confirm sent | p99 |
| --- | --- | --- | --- | --- | --- |
${row('Server-Sent Events', results.sse!)}
${row('polling every 800 ms', results.polling!)}

With SSE the page often hears of the approval before the app's own call has returned (the
server publishes the change, then answers), so "from confirm returned" can be zero or negative;
"from confirm sent" includes the confirm call itself. Polling waits on average half an interval for its next check; SSE delivers the change as it is
written. Each run waits a random 50-850 ms between scan and confirm so polling phases are spread.
`;
writeFileSync(new URL('./results/latency.md', import.meta.url), md);
console.log(md);
