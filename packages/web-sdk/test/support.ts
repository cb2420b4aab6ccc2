// Helpers shared by the web SDK's tests: a phone that acts on codes through
// the real app endpoints, a recording proxy, and QR rasterizing/decoding.
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQRmod from 'jsqr';
import { appLogin, call, type TestServer } from '../../server/test/helpers.js';
import type { QrMatrix } from '../src/qr/encoder.js';

const jsQR = jsQRmod.default;

/** The phone side: a signed-in app user who scans, confirms or cancels codes. */
export async function phone(s: TestServer, account = 'alice') {
  const token = await appLogin(s, account);
  const act = async (action: 'scanned' | 'confirm' | 'cancel', random: string) => {
    const r = await call(s.url, 'POST', `/api/v2/qrcode/${action}`, {
      body: { random },
      headers: { authorization: `Bearer ${token}` },
    });
    if (r.body.code !== 200) throw new Error(`${action} failed: ${JSON.stringify(r.body)}`);
    return r.body.data as { random: string; status: number };
  };
  return {
    scan: (random: string) => act('scanned', random),
    confirm: (random: string) => act('confirm', random),
    cancel: (random: string) => act('cancel', random),
  };
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A proxy in front of `target` that records every request it forwards (adding `extraHeaders`). */
export async function recordingProxy(target: string, extraHeaders: Record<string, string> = {}) {
  const seen: Recorded[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: body.toString(),
      });
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, ...extraHeaders, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Draws a symbol as RGBA pixels, `scale` pixels per module, with a 4-module quiet zone. */
export function rasterize(m: QrMatrix, scale = 4): { data: Uint8ClampedArray; width: number } {
  const width = (m.size + 8) * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let y = 0; y < m.size; y++) {
    for (let x = 0; x < m.size; x++) {
      if (!m.modules[y * m.size + x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + 4) * scale + dy) * width + (x + 4) * scale + dx) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
      }
    }
  }
  return { data, width };
}

/** Decodes RGBA pixels with jsQR; the raw bytes of the code, or null. */
export function decodePixels(data: Uint8ClampedArray, width: number, height = width): Uint8Array | null {
  const found = jsQR(data, width, height, { inversionAttempts: 'dontInvert' });
  return found ? Uint8Array.from(found.binaryData) : null;
}

/** Resolves once `predicate` holds, asking again every few milliseconds; no deadline (a hang is the runner's to stop). */
export async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5));
}

/** Fake timers: nothing fires until `advance` moves time past it. */
export function fakeTime() {
  let t = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => t,
    later(fn: () => void, ms: number) {
      const timer = { at: t + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    /** Timers still pending. */
    get pending() {
      return timers.filter((x) => x.live).length;
    },
    advance(ms: number) {
      t += ms;
      for (const timer of timers.filter((x) => x.live && x.at <= t).sort((a, b) => a.at - b.at)) {
        timer.live = false;
        timer.fn();
      }
    },
  };
}
