/**
 * Reference for push: a bare node:http server holding Server-Sent Events
 * streams, with nothing between the trigger and the write. What "notify a
 * waiting page" costs without any application around it.
 *   node --import tsx bench/refs/bare-sse.ts <port>
 *
 * GET  /events?id=X           holds a stream (first event at once, like ours)
 * POST /trigger?id=X          writes one event to stream X and ends it (a final status ends ours too)
 * POST /trigger-all           writes one event to every held stream and ends them
 * GET  /health                200, for the cold-start probe
 */
import http from 'node:http';

const port = Number(process.argv[2] ?? 0);
const streams = new Map<string, http.ServerResponse>();

// The same shape and size as our status frame, so both sides move the same bytes.
const frame = (id: string, status: number, seq: number) =>
  `id: ${seq}\nevent: status\ndata: ${JSON.stringify({ random: id, status, ticket: null, userInfo: null, expiresIn: 3600, seq })}\n\n`;

function notify(id: string): boolean {
  const res = streams.get(id);
  if (!res) return false;
  streams.delete(id);
  res.end(frame(id, 2, 2));
  return true;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const id = url.searchParams.get('id') ?? '';
  if (req.method === 'GET' && url.pathname === '/events') {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write(`retry: 2000\n\n${frame(id, 1, 1)}`);
    streams.set(id, res);
    res.once('close', () => streams.delete(id));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/trigger') {
    req.resume();
    res.writeHead(notify(id) ? 204 : 404).end();
    return;
  }
  if (req.method === 'POST' && url.pathname === '/trigger-all') {
    req.resume();
    let n = 0;
    for (const key of [...streams.keys()]) if (notify(key)) n++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ notified: n }));
    return;
  }
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200}');
    return;
  }
  res.writeHead(404).end();
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
