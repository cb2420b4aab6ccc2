/**
 * Reference 1, the ceiling: a plain Fastify 5 route answering a JSON body of
 * the size of our check answer's envelope. No schema, no hooks, no logging:
 * what the framework itself costs on this machine.
 *   node --import tsx bench/refs/fastify-ceiling.ts <port>
 */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
app.get('/ping', async () => ({ code: 200, message: 'ok', data: { status: 0 } }));
// Same readiness probe path as our server, so cold starts are timed alike.
app.get('/health', async () => ({ code: 200, message: 'ok', data: { status: 'ok' } }));
await app.listen({ host: '127.0.0.1', port });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
