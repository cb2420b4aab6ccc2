/**
 * A quick look while optimising: runs the named throughput scenarios once
 * beside the Fastify ceiling and prints req/s and ratios. Writes nothing;
 * the numbers of record come from `npm run bench`.
 *   npm run bench:focus -- [poll-one|poll-many|gene|exchange]… [--prof]
 * (--prof writes the server's CPU profile to /tmp/focusprof)
 */

import { closeClient } from './lib/http.js';
import { runLoad } from './lib/load.js';
import { freePort, removeTempDirs, spawnNode, stopChild, waitFor200 } from './lib/proc.js';
import {
  approvedTickets,
  backendAuth,
  createCodes,
  EMBEDDED,
  GENE_BODY,
  pageHeaders,
  seedTenant,
  startServer,
} from './lib/scanlogin.js';

const which = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dur = 5;
const JSON_TYPE = { 'content-type': 'application/json' };
const port = await freePort();
const ceil = spawnNode('ceiling', 'bench/refs/fastify-ceiling.ts', [String(port)], { raiseFdLimit: true });
await waitFor200(`http://127.0.0.1:${port}/health`, ceil, performance.now());
const srv = await startServer(
  EMBEDDED,
  process.argv.includes('--prof') ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir=/tmp/focusprof'] } : {},
);
const t = await seedTenant(srv.base);
const base = { url: srv.base, connections: 20, durationSec: dur, warmupSec: 2 };
const c = await runLoad({ ...base, url: `http://127.0.0.1:${port}`, method: 'GET', path: '/ping' }, ceil.pid);
console.log(`ceiling ${Math.round(c.rps)} req/s`);
for (const w of which) {
  let r: Awaited<ReturnType<typeof runLoad>> | undefined;
  if (w === 'poll-one') {
    const [code] = await createCodes(t, 1);
    r = await runLoad(
      {
        ...base,
        method: 'GET',
        path: `/api/v2/qrcode/check?random=${code}`,
        headers: { cookie: pageHeaders(t).cookie },
      },
      srv.child.pid,
    );
  } else if (w === 'poll-many') {
    const items = await createCodes(t, 10000);
    r = await runLoad(
      {
        ...base,
        method: 'GET',
        path: '/api/v2/qrcode/check?random={item}',
        headers: { cookie: pageHeaders(t).cookie },
        items,
      },
      srv.child.pid,
    );
  } else if (w === 'gene') {
    r = await runLoad(
      {
        ...base,
        method: 'POST',
        path: '/api/v2/qrcode/gene',
        headers: { ...pageHeaders(t), ...JSON_TYPE },
        body: GENE_BODY,
      },
      srv.child.pid,
    );
  } else if (w === 'exchange') {
    const tickets = await approvedTickets(t, 60000);
    r = await runLoad(
      {
        ...base,
        method: 'POST',
        path: '/api/v2/qrcode/userinfo',
        headers: { authorization: backendAuth(t), ...JSON_TYPE },
        body: '{"ticket":"{item}"}',
        once: true,
        items: tickets.slice(5000),
        warmupItems: tickets.slice(0, 5000),
      },
      srv.child.pid,
    );
  }
  if (r)
    console.log(
      `${w} ${Math.round(r.rps)} req/s = ${(r.rps / c.rps).toFixed(2)}x ceiling; cpu ${r.serverCores.toFixed(2)}; ${JSON.stringify(r.statusCounts)}`,
    );
}
await stopChild(srv.child, 'SIGINT');
await stopChild(ceil);
closeClient();
removeTempDirs();
